import brownie
import pytest

from lumbung.protocol import contribution_id as expected_id


@pytest.mark.parametrize("form", ["v0", "v1-dag-pb", "v1-raw"])
def test_submit_records_pending_contribution(registry, member, make_cid, pool_id, status, form):
    cid = make_cid("harvest-2024", form)
    tx = registry.submit(pool_id, cid, {"from": member})
    contribution_id = tx.return_value
    # The id binds the content (the digest, whatever the CID form) to its contributor.
    assert contribution_id == expected_id(member.address, cid[-32:])
    assert contribution_id == registry.contributionId(member, cid[-32:])
    assert tx.events["ContributionSubmitted"] == {
        "id": contribution_id,
        "poolId": pool_id,
        "contributor": member,
        "cid": "0x" + cid.hex(),
    }
    assert tuple(registry.contribution(contribution_id)) == (member, pool_id, status.PENDING, 0)
    assert registry.pool(pool_id)[3] == 1


def test_submit_counts_contributions_per_pool(registry, deployer, submit):
    registry.createPool("Fish catches", "", {"from": deployer})
    submit("a")
    submit("b")
    submit("c", pool=2)
    assert registry.pool(1)[3] == 2
    assert registry.pool(2)[3] == 1


def test_non_member_cannot_submit(registry, outsider, make_cid, pool_id):
    with brownie.reverts(f"ContributionRegistryNotMember: {outsider.address.lower()}"):
        registry.submit(pool_id, make_cid(), {"from": outsider})


def test_member_who_left_cannot_submit(registry, membership, member, make_cid, pool_id):
    membership.leave({"from": member})
    with brownie.reverts(revert_pattern=r"ContributionRegistryNotMember:.*"):
        registry.submit(pool_id, make_cid(), {"from": member})


@pytest.mark.parametrize("unknown_pool", [0, 2, 2**64 + 1])
def test_unknown_pool_is_refused(registry, member, make_cid, unknown_pool):
    with brownie.reverts(f"ContributionRegistryUnknownPool: {unknown_pool}"):
        registry.submit(unknown_pool, make_cid(), {"from": member})


def test_closed_pool_is_refused(registry, deployer, member, make_cid, pool_id):
    registry.closePool(pool_id, {"from": deployer})
    with brownie.reverts(f"ContributionRegistryPoolClosed: {pool_id}"):
        registry.submit(pool_id, make_cid(), {"from": member})


def test_same_cid_is_refused(registry, member, submit, pool_id):
    contribution_id, cid = submit()
    with brownie.reverts(
        f"ContributionRegistryDuplicateCid: {contribution_id}, {member.address.lower()}"
    ):
        registry.submit(pool_id, cid, {"from": member})


def test_nobody_can_squat_another_members_cid(
    registry, curator, member, other_member, make_cid, pool_id, status
):
    """Issue 13, 8: a copier who front-runs a member's submission gets a contribution of its own
    (a duplicate for curators to reject), never the member's: the member still registers, owns,
    revokes and so erases its own."""
    cid = make_cid("the member's upload")
    copied = registry.submit(pool_id, cid, {"from": other_member}).return_value
    registry.revoke(copied, {"from": other_member})  # and the digest is not taken from anyone
    own = registry.submit(pool_id, cid, {"from": member}).return_value
    assert own != copied and tuple(registry.contribution(own))[:3] == (
        member,
        pool_id,
        status.PENDING,
    )
    with brownie.reverts(revert_pattern=r"ContributionRegistryNotContributor:.*"):
        registry.revoke(own, {"from": other_member})
    registry.reject(own, "the member changed its mind", {"from": curator})
    registry.revoke(own, {"from": member})


def test_same_cid_in_another_pool_is_refused(registry, deployer, member, submit):
    registry.createPool("Fish catches", "", {"from": deployer})
    _, cid = submit()
    with brownie.reverts(revert_pattern=r"ContributionRegistryDuplicateCid:.*"):
        registry.submit(2, cid, {"from": member})


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("v0", "v1-dag-pb"),  # the same dag-pb block in two CID versions
        ("v1-dag-pb", "v0"),
        ("v0", "v1-raw"),  # the same bytes under another codec: a duplicate by design
        ("v1-raw", "v1-dag-pb"),
    ],
)
def test_same_digest_in_another_cid_form_is_refused(
    registry, member, submit, make_cid, pool_id, first, second
):
    contribution_id, _ = submit("block", first)
    with brownie.reverts(revert_pattern=rf"ContributionRegistryDuplicateCid: {contribution_id},.*"):
        registry.submit(pool_id, make_cid("block", second), {"from": member})


@pytest.mark.parametrize("end", ["reject", "revoke"])
def test_cid_stays_taken_after_rejection_or_revocation(
    registry, member, submit, curate_or_revoke, pool_id, end
):
    contribution_id, cid = submit()
    curate_or_revoke(contribution_id, end)
    with brownie.reverts(revert_pattern=r"ContributionRegistryDuplicateCid:.*"):
        registry.submit(pool_id, cid, {"from": member})


@pytest.mark.parametrize(
    ("cid", "error"),
    [
        (bytes([0x01, 0x71, 0x12, 0x20]) + bytes(32), "CidLibUnsupportedCodec: 113"),
        (bytes([0x02, 0x70, 0x12, 0x20]) + bytes(32), "CidLibUnsupportedVersion: 2"),
        (bytes([0x01, 0x55, 0x13, 0x20]) + bytes(32), "CidLibUnsupportedHashFunction: 19"),
        (bytes([0x12, 0x10]) + bytes(16), "CidLibUnsupportedDigestLength: 16"),
        (bytes([0x12, 0x20]) + bytes(31), "CidLibTruncated: 33, 34"),
        (bytes([0x12, 0x20]) + bytes(33), "CidLibTrailingBytes: 35, 34"),
        (bytes([0x81, 0x00]), "CidLibMalformedVarint: 0"),
    ],
)
def test_malformed_cid_is_refused_by_name(registry, member, pool_id, cid, error):
    with brownie.reverts(error):
        registry.submit(pool_id, cid, {"from": member})


@pytest.mark.parametrize("form", ["v0", "v1-dag-pb", "v1-raw"])
def test_contribution_of_finds_the_content_in_any_form(
    registry, member, other_member, submit, make_cid, status, form
):
    contribution_id, _ = submit("block", "v0")
    assert tuple(registry.contributionOf(member, make_cid("block", form))) == (
        contribution_id,
        status.PENDING,
    )
    other = registry.contributionOf(other_member, make_cid("block", form))
    assert tuple(other) == (expected_id(other_member.address, make_cid("block")[-32:]), status.NONE)


def test_contribution_of_unregistered_cid(registry, member, make_cid, status):
    cid = make_cid("never submitted")
    assert tuple(registry.contributionOf(member, cid)) == (
        expected_id(member.address, cid[-32:]),
        status.NONE,
    )


def test_contribution_of_malformed_cid_reverts(registry, member):
    with brownie.reverts("CidLibTruncated: 0, 1"):
        registry.contributionOf(member, b"")


def test_unknown_contribution_reads_empty(registry, status):
    assert tuple(registry.contribution(12345)) == (
        brownie.ZERO_ADDRESS,
        0,
        status.NONE,
        0,
    )
