"""claimBatchLeaf and claimBatchLeaves: a proven leaf of an accepted batch becomes an accepted
contribution, once, whoever presents the proof."""

import brownie
import pytest
from eth_utils import keccak

from lumbung.merkle import BATCH_LEAF_ENCODING, batch_claims, batch_tree, standard_leaf_hash
from lumbung.protocol import contribution_id as expected_id


def test_claim_makes_the_leaf_an_accepted_contribution(
    registry,
    token,
    distributor,
    member,
    other_member,
    outsider,
    leaf,
    submit_batch,
    claim_leaf,
    pool_id,
    status,
):
    mine, theirs = leaf(member, "a", 7, "v1-dag-pb"), leaf(other_member, "b", 9)
    batch_id, tree = submit_batch([mine, theirs])
    tx = claim_leaf(batch_id, tree, mine, sender=outsider)  # anyone may present the proof

    contribution_id = expected_id(mine.contributor, mine.cid[-32:])
    assert tx.return_value == contribution_id
    assert tx.events["BatchLeafClaimed"] == {
        "batchId": batch_id,
        "id": contribution_id,
        "contributor": member,
        "poolId": pool_id,
        "weight": 7,
        "cid": "0x" + mine.cid.hex(),
    }
    assert tuple(registry.contribution(contribution_id)) == (
        member,
        pool_id,
        status.ACCEPTED,
        7,
    )
    assert token.balanceOf(member) == token.getVotes(member) == 7
    assert distributor.unitsOf(pool_id, member) == distributor.totalUnits(pool_id) == 7
    assert tuple(registry.pool(pool_id))[3:] == (1, 1, 7)
    assert registry.batch(batch_id)[4] == 1
    assert token.balanceOf(outsider) == 0


def test_every_leaf_claims_in_any_order_and_the_totals_add_up(
    registry,
    token,
    distributor,
    member,
    other_member,
    curator,
    leaf,
    submit_batch,
    claim_leaf,
    pool_id,
):
    leaves = [leaf(member if i % 3 else other_member, f"leaf {i}", i + 1) for i in range(13)]
    batch_id, tree = submit_batch(leaves)
    for item in reversed(leaves):
        claim_leaf(batch_id, tree, item)
    mine = sum(x.weight for x in leaves if x.contributor == member.address)
    assert token.balanceOf(member) == distributor.unitsOf(pool_id, member) == mine
    assert token.totalSupply() == distributor.totalUnits(pool_id) == sum(x.weight for x in leaves)
    assert tuple(registry.pool(pool_id))[3:] == (13, 13, sum(x.weight for x in leaves))
    assert registry.batch(batch_id)[4] == 13
    assert distributor.unitsOf(distributor.WORK_POT(), curator) == 1  # one review of the batch


def test_a_leaf_is_claimed_once(registry, member, leaf, submit_batch, claim_leaf):
    item = leaf(member, "once")
    batch_id, tree = submit_batch([item, leaf(member, "other")])
    contribution_id = claim_leaf(batch_id, tree, item).return_value
    with brownie.reverts(
        f"ContributionRegistryDuplicateCid: {contribution_id}, {member.address.lower()}"
    ):
        claim_leaf(batch_id, tree, item)
    assert registry.batch(batch_id)[4] == 1


@pytest.mark.parametrize("forged", ["weight", "contributor", "cid", "proof"])
def test_a_leaf_not_in_the_tree_is_refused(
    registry, member, other_member, leaf, make_cid, submit_batch, forged
):
    item, sibling = leaf(member, "a", 5), leaf(member, "b", 6)
    batch_id, tree = submit_batch([item, sibling, leaf(other_member, "c")])
    contributor, cid, weight = member.address, item.cid, item.weight
    proof = tree.get_proof(item.value())
    if forged == "weight":
        weight = 50
    elif forged == "contributor":
        contributor = other_member.address
    elif forged == "cid":
        cid = make_cid("a", "v1-raw")  # the same content in another form is another leaf
    else:
        proof = tree.get_proof(sibling.value())
    with brownie.reverts(f"ContributionRegistryInvalidProof: {batch_id}, {contributor.lower()}"):
        registry.claimBatchLeaf(batch_id, contributor, cid, weight, proof, {"from": member})


def test_leaves_of_a_pending_rejected_or_unknown_batch_are_refused(
    registry, curator, member, leaf, submit_batch, claim_leaf, batch_status
):
    item = leaf(member, "a")
    batch_id, tree = submit_batch([item], accept=False)
    with brownie.reverts(
        f"ContributionRegistryBatchNotAccepted: {batch_id}, {batch_status.PENDING}"
    ):
        claim_leaf(batch_id, tree, item)
    registry.rejectBatch(batch_id, "no", {"from": curator})
    with brownie.reverts(
        f"ContributionRegistryBatchNotAccepted: {batch_id}, {batch_status.REJECTED}"
    ):
        claim_leaf(batch_id, tree, item)
    with brownie.reverts(f"ContributionRegistryUnknownBatch: {batch_id + 1}"):
        claim_leaf(batch_id + 1, tree, item)


def test_the_contributor_must_be_an_active_member(
    registry, membership, member, outsider, leaf, submit_batch, claim_leaf
):
    stranger, leaver = leaf(outsider, "a"), leaf(member, "b")
    batch_id, tree = submit_batch([stranger, leaver])
    with brownie.reverts(f"ContributionRegistryNotMember: {outsider.address.lower()}"):
        claim_leaf(batch_id, tree, stranger)
    membership.leave({"from": member})
    with brownie.reverts(f"ContributionRegistryNotMember: {member.address.lower()}"):
        claim_leaf(batch_id, tree, leaver)


def test_the_batch_curator_cannot_receive_its_leaves(
    registry, curator, member, leaf, submit_batch, claim_leaf
):
    own = leaf(curator, "curator's own")
    batch_id, tree = submit_batch([own, leaf(member, "a")])
    with brownie.reverts(
        f"ContributionRegistryBatchSelfCuration: {batch_id}, {curator.address.lower()}"
    ):
        claim_leaf(batch_id, tree, own)


def test_a_zero_weight_leaf_is_refused(member, leaf, submit_batch, claim_leaf):
    item = leaf(member, "weightless", 0)
    batch_id, tree = submit_batch([item], total_weight=1)
    with brownie.reverts(
        f"ContributionRegistryZeroWeight: {expected_id(item.contributor, item.cid[-32:])}"
    ):
        claim_leaf(batch_id, tree, item)


def test_no_more_leaves_than_the_batch_declared_can_be_claimed(
    registry, member, leaf, submit_batch, claim_leaf
):
    leaves = [leaf(member, str(i)) for i in range(3)]
    batch_id, tree = submit_batch(leaves, count=2)
    claim_leaf(batch_id, tree, leaves[0])
    claim_leaf(batch_id, tree, leaves[1])
    with brownie.reverts(f"ContributionRegistryBatchCountExceeded: {batch_id}, 2"):
        claim_leaf(batch_id, tree, leaves[2])


# -- duplicates: a contributor's content counts once, whichever way it came first ------------


def test_a_single_submission_first_refuses_the_leaf(
    registry, member, leaf, submit, submit_batch, claim_leaf
):
    contribution_id, _ = submit("shared")
    item = leaf(member, "shared", 5, "v1-raw")  # same bytes, another CID form, same member
    batch_id, tree = submit_batch([item])
    with brownie.reverts(
        f"ContributionRegistryDuplicateCid: {contribution_id}, {member.address.lower()}"
    ):
        claim_leaf(batch_id, tree, item)


def test_a_claimed_leaf_first_refuses_the_single_submission(
    registry, member, leaf, make_cid, submit_batch, claim_leaf, pool_id
):
    item = leaf(member, "shared")
    batch_id, tree = submit_batch([item])
    contribution_id = claim_leaf(batch_id, tree, item).return_value
    with brownie.reverts(
        f"ContributionRegistryDuplicateCid: {contribution_id}, {member.address.lower()}"
    ):
        registry.submit(pool_id, make_cid("shared", "v1-dag-pb"), {"from": member})


def test_another_members_copy_never_blocks_a_leaf(
    registry, token, member, other_member, leaf, submit, submit_batch, claim_leaf, status
):
    """Issue 13, 8 (and the Foundry suite's squatting attack): a member who copies a leaf's CID
    from the public manifest, submits it and revokes it, blocks nothing; its copy is its own."""
    item = leaf(member, "shared")
    batch_id, tree = submit_batch([item])
    copy, _ = submit("shared", sender=other_member)  # before the leaf is claimed
    registry.revoke(copy, {"from": other_member})
    assert tuple(registry.contribution(copy))[:3] == (other_member, 1, status.REVOKED)
    claimed = claim_leaf(batch_id, tree, item).return_value
    assert claimed != copy and token.balanceOf(member) == item.weight


def test_the_same_cid_in_two_batches_is_claimed_once(
    registry, token, member, leaf, submit_batch, claim_leaf
):
    first, second = leaf(member, "shared", 3), leaf(member, "shared", 4)
    batch_a, tree_a = submit_batch([first, leaf(member, "x")])
    batch_b, tree_b = submit_batch([second, leaf(member, "y")])
    contribution_id = claim_leaf(batch_b, tree_b, second).return_value
    with brownie.reverts(
        f"ContributionRegistryDuplicateCid: {contribution_id}, {member.address.lower()}"
    ):
        claim_leaf(batch_a, tree_a, first)
    assert token.balanceOf(member) == 4


def test_the_same_cid_twice_in_one_batch_is_claimed_once(
    registry, member, leaf, submit_batch, claim_leaf
):
    first, second = leaf(member, "twice", 3), leaf(member, "twice", 2)
    batch_id, tree = submit_batch([first, second])
    claim_leaf(batch_id, tree, first)
    with brownie.reverts(revert_pattern=r"ContributionRegistryDuplicateCid:.*"):
        claim_leaf(batch_id, tree, second)


# -- after the claim, a batch contribution is an accepted contribution like any other -------


def test_a_claimed_leaf_can_be_revoked(
    registry, token, distributor, member, leaf, submit_batch, claim_leaf, pool_id, status
):
    item = leaf(member, "mine", 8)
    batch_id, tree = submit_batch([item, leaf(member, "kept", 2)])
    contribution_id = claim_leaf(batch_id, tree, item).return_value
    tx = registry.revoke(contribution_id, {"from": member})
    assert tx.events["ContributionRevoked"]["weightRemoved"] == 8
    assert registry.contribution(contribution_id)[2] == status.REVOKED
    assert token.balanceOf(member) == distributor.unitsOf(pool_id, member) == 0


def test_leaves_are_claimed_in_a_closed_pool(
    registry, deployer, member, leaf, submit_batch, claim_leaf, pool_id, status
):
    item = leaf(member, "late")
    batch_id, tree = submit_batch([item])
    registry.closePool(pool_id, {"from": deployer})
    contribution_id = claim_leaf(batch_id, tree, item).return_value
    assert registry.contribution(contribution_id)[2] == status.ACCEPTED


def test_shares_earn_from_the_claim_on(
    distributor,
    market,
    fund,
    deployer,
    member,
    other_member,
    buyer,
    leaf,
    submit_batch,
    claim_leaf,
    pool_id,
):
    market.setListing(pool_id, 1_000, 1, True, b"", {"from": deployer})
    fund(buyer, 10_000, market)
    early, late = leaf(member, "early", 1), leaf(other_member, "late", 1)
    batch_id, tree = submit_batch([early, late])
    claim_leaf(batch_id, tree, early)
    market.purchase(pool_id, 0, 1_000, {"from": buyer})
    claim_leaf(batch_id, tree, late)
    market.purchase(pool_id, 0, 1_000, {"from": buyer})
    contributors_share = 1_000 * distributor.split()[0] // 10_000
    assert distributor.claimable(pool_id, member) == contributors_share + contributors_share // 2
    assert distributor.claimable(pool_id, other_member) == contributors_share // 2


# -- one contributor's leaves in one multiproof --------------------------------------------


def test_claim_leaves_credits_a_contributors_leaves_at_once(
    registry, token, distributor, member, other_member, leaf, submit_batch, pool_id, status
):
    leaves = [leaf(member, f"m{i}", i + 1) for i in range(5)]
    leaves += [leaf(other_member, f"o{i}", 10) for i in range(4)]
    batch_id, tree = submit_batch(leaves)
    cid_weights, proof, flags = batch_claims(tree)[member.address]
    assert len(cid_weights) == 5
    tx = registry.claimBatchLeaves(
        batch_id, member, cid_weights, proof, flags, {"from": other_member}
    )
    assert tx.return_value == 15
    claimed = tx.events["BatchLeafClaimed"]
    assert [(e["cid"], e["weight"]) for e in claimed] == [
        ("0x" + c.hex(), w) for c, w in cid_weights
    ]
    assert len(tx.events["Transfer"]) == 1 and tx.events["Transfer"]["value"] == 15
    assert len(tx.events["UnitsChanged"]) == 1
    for item in leaves[:5]:
        contribution_id = expected_id(item.contributor, item.cid[-32:])
        assert tuple(registry.contribution(contribution_id))[:4] == (
            member,
            pool_id,
            status.ACCEPTED,
            item.weight,
        )
    assert token.balanceOf(member) == distributor.unitsOf(pool_id, member) == 15
    assert tuple(registry.pool(pool_id))[3:] == (5, 5, 15)
    assert registry.batch(batch_id)[4] == 5

    # Every contributor of the batch claims the same way, and nothing is claimed twice.
    cid_weights, proof, flags = batch_claims(tree)[other_member.address]
    registry.claimBatchLeaves(batch_id, other_member, cid_weights, proof, flags, {"from": member})
    assert registry.batch(batch_id)[4] == 9
    with brownie.reverts(revert_pattern=r"ContributionRegistryDuplicateCid:.*"):
        registry.claimBatchLeaves(
            batch_id, other_member, cid_weights, proof, flags, {"from": member}
        )


def test_claim_leaves_refuses_another_contributors_leaf(
    registry, member, other_member, leaf, submit_batch
):
    leaves = [leaf(member, "m1"), leaf(member, "m2"), leaf(other_member, "o1")]
    batch_id, tree = submit_batch(leaves)
    multi = tree.get_multi_proof([0, 2])  # one of mine, one of theirs, claimed as all mine
    cid_weights = [(cid, weight) for _c, cid, weight in multi.leaves]
    with brownie.reverts(f"ContributionRegistryInvalidProof: {batch_id}, {member.address.lower()}"):
        registry.claimBatchLeaves(
            batch_id, member, cid_weights, multi.proof, multi.proof_flags, {"from": member}
        )


def test_claim_leaves_refuses_no_leaves_and_malformed_multiproofs(
    registry, member, leaf, submit_batch
):
    leaves = [leaf(member, "m1"), leaf(member, "m2"), leaf(member, "m3")]
    batch_id, tree = submit_batch(leaves)
    with brownie.reverts("ContributionRegistryNoLeaves: "):
        registry.claimBatchLeaves(batch_id, member, [], [tree.root], [], {"from": member})
    cid_weights, proof, flags = batch_claims(tree)[member.address]
    with brownie.reverts("MerkleProofInvalidMultiproof: "):
        registry.claimBatchLeaves(
            batch_id, member, cid_weights, proof, [*flags, True], {"from": member}
        )


def test_claim_leaves_counts_against_the_declared_count(registry, member, leaf, submit_batch):
    batch_id, tree = submit_batch([leaf(member, str(i)) for i in range(4)], count=3)
    cid_weights, proof, flags = batch_claims(tree)[member.address]
    with brownie.reverts(f"ContributionRegistryBatchCountExceeded: {batch_id}, 3"):
        registry.claimBatchLeaves(batch_id, member, cid_weights, proof, flags, {"from": member})


# -- the leaf hash is OpenZeppelin's StandardMerkleTree's, byte for byte ------------------


@pytest.mark.parametrize("form", ["v0", "v1-dag-pb", "v1-raw"])
@pytest.mark.parametrize("weight", [0, 1, 2**48 - 1])
def test_leaf_hash_matches_lumbung_merkle(registry, member, make_cid, form, weight):
    cid = make_cid("hash me", form)
    expected = standard_leaf_hash(BATCH_LEAF_ENCODING, (member.address, cid, weight))
    assert registry.batchLeafHash(member, cid, weight) == "0x" + expected.hex()
    assert expected != keccak(keccak(b""))  # the encoding is hashed, not an empty string


def test_a_large_tree_from_lumbung_merkle_verifies_on_chain(
    registry, token, member, other_member, leaf, submit_batch, claim_leaf
):
    leaves = [leaf(member if i % 2 else other_member, f"big {i}", 1 + i % 7) for i in range(300)]
    batch_id, tree = submit_batch(leaves)
    for item in (leaves[0], leaves[151], leaves[299]):
        claim_leaf(batch_id, tree, item)
    assert token.totalSupply() == sum(x.weight for x in (leaves[0], leaves[151], leaves[299]))
    assert batch_tree(leaves).root == registry.batch(batch_id)[2]


def test_a_relayer_bundles_several_contributors_claims_in_one_multicall(
    registry, token, member, other_member, outsider, leaf, submit_batch
):
    leaves = [leaf(member, "m1", 2), leaf(member, "m2", 3), leaf(other_member, "o1", 4)]
    batch_id, tree = submit_batch(leaves)
    grouped = batch_claims(tree)
    calls = [
        registry.claimBatchLeaves.encode_input(batch_id, member, *grouped[member.address]),
        registry.claimBatchLeaf.encode_input(
            batch_id, *leaves[2].value(), tree.get_proof(leaves[2].value())
        ),
    ]
    bad = registry.claimBatchLeaf.encode_input(batch_id, outsider, leaves[0].cid, 2, [])
    with brownie.reverts(revert_pattern=r"ContributionRegistryNotMember:.*"):
        registry.multicall([*calls, bad], {"from": outsider})  # all or nothing
    assert token.totalSupply() == 0

    tx = registry.multicall(calls, {"from": outsider})
    assert len(tx.events["BatchLeafClaimed"]) == 3
    assert (token.balanceOf(member), token.balanceOf(other_member)) == (5, 4)
    assert registry.batch(batch_id)[4] == 3
