"""submitBatch, acceptBatch and rejectBatch: a batch is one root, curated as a whole."""

import brownie
import pytest

from lumbung.merkle import batch_tree


def curate(registry, action, batch_id, curator):
    """Accepts or rejects a batch, as `action` ("acceptBatch" or "rejectBatch") says."""
    if action == "acceptBatch":
        return registry.acceptBatch(batch_id, {"from": curator})
    return registry.rejectBatch(batch_id, "not usable", {"from": curator})


def test_submit_batch_records_a_pending_root_and_registers_nothing(
    registry, aggregator, member, other_member, leaf, make_cid, pool_id, batch_status, status
):
    leaves = [leaf(member, "a", 3), leaf(other_member, "b", 4), leaf(member, "c", 5)]
    tree = batch_tree(leaves)
    manifest = make_cid("manifest", "v1-raw")
    tx = registry.submitBatch(pool_id, tree.root, 3, 12, manifest, {"from": aggregator})

    assert tx.return_value == 1
    assert tx.events["BatchSubmitted"] == {
        "batchId": 1,
        "poolId": pool_id,
        "root": tree.root,
        "count": 3,
        "totalWeight": 12,
        "manifestCid": "0x" + manifest.hex(),
        "aggregator": aggregator,
    }
    assert tuple(registry.batch(1)) == (
        pool_id,
        batch_status.PENDING,
        tree.root,
        3,
        0,
        aggregator,
        brownie.ZERO_ADDRESS,
    )
    assert registry.batchCount() == 1
    assert tuple(registry.batchWeights(1)) == (12, 0)
    for item in leaves:
        assert registry.contributionOf(item.contributor, item.cid)[1] == status.NONE
    assert tuple(registry.pool(pool_id))[3:] == (0, 0, 0)


def test_batch_ids_count_up(registry, submit_batch, member, leaf):
    assert submit_batch([leaf(member, "a")], accept=False)[0] == 1
    assert submit_batch([leaf(member, "b")], accept=False)[0] == 2
    assert registry.batchCount() == 2


def test_only_aggregators_submit_batches(registry, member, curator, leaf, make_cid, pool_id):
    root = batch_tree([leaf(member, "a")]).root
    for sender in (member, curator):
        with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
            registry.submitBatch(pool_id, root, 1, 1, make_cid("m"), {"from": sender})


@pytest.mark.parametrize("unknown_pool", [0, 2])
def test_unknown_pool_is_refused(registry, aggregator, make_cid, unknown_pool):
    with brownie.reverts(f"ContributionRegistryUnknownPool: {unknown_pool}"):
        registry.submitBatch(
            unknown_pool, "0x" + "11" * 32, 1, 1, make_cid("m"), {"from": aggregator}
        )


def test_closed_pool_is_refused(registry, deployer, aggregator, make_cid, pool_id):
    registry.closePool(pool_id, {"from": deployer})
    with brownie.reverts(f"ContributionRegistryPoolClosed: {pool_id}"):
        registry.submitBatch(pool_id, "0x" + "11" * 32, 1, 1, make_cid("m"), {"from": aggregator})


def test_zero_root_empty_batch_and_bad_manifest_are_refused(
    registry, aggregator, make_cid, pool_id
):
    root = "0x" + "11" * 32
    with brownie.reverts("ContributionRegistryZeroRoot: "):
        registry.submitBatch(pool_id, "0x" + "00" * 32, 1, 1, make_cid("m"), {"from": aggregator})
    with brownie.reverts("ContributionRegistryEmptyBatch: "):
        registry.submitBatch(pool_id, root, 0, 0, make_cid("m"), {"from": aggregator})
    with brownie.reverts("CidLibTruncated: 0, 1"):
        registry.submitBatch(pool_id, root, 1, 1, b"", {"from": aggregator})
    with brownie.reverts(revert_pattern=r"CidLibUnsupportedHashFunction:.*"):
        registry.submitBatch(
            pool_id, root, 1, 1, b"\x01\x55\x13\x20" + b"\x00" * 32, {"from": aggregator}
        )
    with pytest.raises(OverflowError):  # count is a uint24
        registry.submitBatch(pool_id, root, 2**24, 2**24, make_cid("m"), {"from": aggregator})
    registry.submitBatch(pool_id, root, 2**24 - 1, 2**24 - 1, make_cid("m"), {"from": aggregator})


def test_accept_batch_credits_one_unit_of_work_as_a_rejection_does(
    registry, distributor, curator, aggregator, member, leaf, submit_batch, pool_id, batch_status
):
    batch_id, tree = submit_batch([leaf(member, str(i)) for i in range(5)], accept=False)
    tx = registry.acceptBatch(batch_id, {"from": curator})
    assert tx.events["BatchAccepted"] == {
        "batchId": batch_id,
        "poolId": pool_id,
        "curator": curator,
        "count": 5,
    }
    work_pot = distributor.WORK_POT()
    # One review, one unit: no credit exists before the leaves do (issue 13, attack 2).
    assert distributor.unitsOf(work_pot, curator) == 1
    assert distributor.totalUnits(work_pot) == 1
    assert tuple(registry.batch(batch_id)) == (
        pool_id,
        batch_status.ACCEPTED,
        tree.root,
        5,
        0,
        aggregator,
        curator,
    )
    # Acceptance alone gives the contributors nothing: their leaves count once claimed.
    assert distributor.totalUnits(pool_id) == 0
    assert tuple(registry.pool(pool_id))[3:] == (0, 0, 0)


def test_reject_batch_records_the_reason(
    registry, curator, member, leaf, submit_batch, pool_id, batch_status
):
    batch_id, _ = submit_batch([leaf(member, "a")], accept=False)
    tx = registry.rejectBatch(batch_id, "manifest unreadable", {"from": curator})
    assert tx.events["BatchRejected"] == {
        "batchId": batch_id,
        "poolId": pool_id,
        "curator": curator,
        "reason": "manifest unreadable",
    }
    assert registry.batch(batch_id)[1] == batch_status.REJECTED
    assert registry.batch(batch_id)[6] == curator
    # The same one unit as an acceptance: the review is paid, not the verdict.
    assert tx.events["UnitsChanged"]["units"] == 1


def test_a_rejected_batch_leaves_its_cids_free(
    registry, curator, member, leaf, submit_batch, submit, pool_id, status
):
    item = leaf(member, "resubmitted")
    batch_id, _ = submit_batch([item], accept=False)
    registry.rejectBatch(batch_id, "weights too high", {"from": curator})
    contribution_id, _ = submit("resubmitted")
    assert registry.contribution(contribution_id)[2] == status.PENDING
    second, _ = submit_batch([leaf(member, "other")])
    assert second == batch_id + 1


@pytest.mark.parametrize("action", ["acceptBatch", "rejectBatch"])
def test_curation_needs_the_curator_role(
    registry, accounts, membership, deployer, member, leaf, submit_batch, action
):
    worker = accounts[7]
    membership.admit(worker, 2, {"from": deployer})
    batch_id, _ = submit_batch([leaf(member, "a")], accept=False)
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        curate(registry, action, batch_id, worker)


@pytest.mark.parametrize("action", ["acceptBatch", "rejectBatch"])
def test_curator_must_be_an_active_worker(
    registry, membership, deployer, curator, member, leaf, submit_batch, stakeholder_class, action
):
    batch_id, _ = submit_batch([leaf(member, "a")], accept=False)
    membership.changeClass(curator, stakeholder_class.FUNDER, {"from": deployer})
    funder = stakeholder_class.FUNDER
    with brownie.reverts(
        f"ContributionRegistryCuratorNotWorker: {curator.address.lower()}, True, {funder}"
    ):
        curate(registry, action, batch_id, curator)
    membership.leave({"from": curator})
    with brownie.reverts(
        f"ContributionRegistryCuratorNotWorker: {curator.address.lower()}, False, 0"
    ):
        curate(registry, action, batch_id, curator)


@pytest.mark.parametrize("action", ["acceptBatch", "rejectBatch"])
def test_aggregator_cannot_curate_its_own_batch(
    registry, deployer, curator, member, leaf, make_cid, pool_id, action
):
    registry.grantRole(registry.AGGREGATOR_ROLE(), curator, {"from": deployer})
    root = batch_tree([leaf(member, "a")]).root
    batch_id = registry.submitBatch(
        pool_id, root, 1, 1, make_cid("m"), {"from": curator}
    ).return_value
    with brownie.reverts(
        f"ContributionRegistryBatchSelfCuration: {batch_id}, {curator.address.lower()}"
    ):
        curate(registry, action, batch_id, curator)


@pytest.mark.parametrize("first", ["acceptBatch", "rejectBatch"])
@pytest.mark.parametrize("then", ["acceptBatch", "rejectBatch"])
def test_a_batch_is_curated_once(
    registry, curator, member, leaf, submit_batch, batch_status, first, then
):
    batch_id, _ = submit_batch([leaf(member, "a")], accept=False)
    state = batch_status.ACCEPTED if first == "acceptBatch" else batch_status.REJECTED
    curate(registry, first, batch_id, curator)
    with brownie.reverts(f"ContributionRegistryBatchNotPending: {batch_id}, {state}"):
        curate(registry, then, batch_id, curator)


def test_unknown_batch_is_refused(registry, curator):
    with brownie.reverts("ContributionRegistryUnknownBatch: 1"):
        registry.acceptBatch(1, {"from": curator})
    with brownie.reverts("ContributionRegistryUnknownBatch: 1"):
        registry.rejectBatch(1, "no", {"from": curator})
    with brownie.reverts("ContributionRegistryUnknownBatch: 1"):
        registry.batch(1)


def test_a_batch_in_a_closed_pool_can_still_be_curated(
    registry, deployer, curator, member, leaf, submit_batch, pool_id, batch_status
):
    batch_id, _ = submit_batch([leaf(member, "a")], accept=False)
    registry.closePool(pool_id, {"from": deployer})
    registry.acceptBatch(batch_id, {"from": curator})
    assert registry.batch(batch_id)[1] == batch_status.ACCEPTED


def test_batch_weight_is_committed_within_the_pools_maximum(
    registry, aggregator, make_cid, pool_id
):
    root = "0x" + "11" * 32
    max_weight = registry.poolMaxWeight(pool_id)
    for count, total in ((3, 2), (3, 3 * max_weight + 1), (1, 0)):
        with brownie.reverts(
            f"ContributionRegistryInvalidBatchWeight: {count}, {total}, {max_weight}"
        ):
            registry.submitBatch(pool_id, root, count, total, make_cid("m"), {"from": aggregator})
    registry.submitBatch(pool_id, root, 3, 3 * max_weight, make_cid("m"), {"from": aggregator})
