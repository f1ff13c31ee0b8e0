"""A batch's leaves after its acceptance: they earn at once with no storage of their own; their
contributors claim the revenue (one leaf, a multiproof, or no proof once claimed), activate
their tokens, or revoke them; governance overturns a batch. Every wei is accounted for."""

import brownie
import pytest
from eth_utils import keccak

from lumbung.merkle import (
    BATCH_LEAF_ENCODING,
    MAX_LEAVES_PER_CONTRIBUTOR,
    BatchDomain,
    BatchLeaf,
    batch_claims,
    batch_tree,
    leaf_of,
    leaf_proof,
    standard_leaf_hash,
    with_ordinals,
)
from lumbung.protocol import contribution_id as expected_id

PRICE = 1_000_000
PRECISION = 10**18


@pytest.fixture
def sell(market, fund, deployer, buyer, pool_id):
    """sell(times) buys the pool `times` times at PRICE; returns the contributors' part of one."""
    market.setListing(pool_id, PRICE, 1, True, b"", {"from": deployer})

    def sell_(times=1):
        fund(buyer, PRICE * times, market)
        for _ in range(times):
            market.purchase(pool_id, 0, PRICE, {"from": buyer})

    return sell_


@pytest.fixture
def contributors_part(distributor):
    return PRICE * distributor.split()[0] // 10_000


def share(part, weight, total):
    """What `weight` of `total` shares earns of `part`, in whole wei, as the accumulator does."""
    return part * PRECISION // total * weight // PRECISION


def multiproof(tree, contributor):
    return batch_claims(tree)[contributor.address]


def assert_books_close(distributor, usd, batch_ids, accounts, pool_id):
    """The money invariant over one pool's batches and its single positions."""
    deposited, claimed, reserve, released = distributor.totals()
    batches = sum(distributor.batchEarnedScaled(b) for b in batch_ids)
    positions = sum(distributor.earnedScaled(pool_id, a) for a in accounts)
    work = sum(distributor.earnedScaled(distributor.WORK_POT(), a) for a in accounts)
    assert deposited * PRECISION == (
        claimed * PRECISION
        + batches
        + positions
        + work
        + reserve * PRECISION
        + distributor.reserveRemainder()
    )
    assert usd.balanceOf(distributor) == deposited - claimed - released


def test_an_accepted_batch_earns_before_any_leaf_is_claimed(
    distributor, usd, member, other_member, leaf, submit_batch, sell, contributors_part, pool_id
):
    mine, theirs = leaf(member, "a", 3), leaf(other_member, "b", 1)
    batch_id, _ = submit_batch([mine, theirs])
    sell()
    assert distributor.claimableFromBatch(batch_id, member, 3) == contributors_part * 3 // 4
    assert distributor.claimableFromBatch(batch_id, other_member, 1) == contributors_part // 4
    assert tuple(distributor.batchHolding(batch_id, member)) == (0, 0)  # nothing stored per leaf


def test_claim_leaf_pays_since_acceptance_and_records_one_holding(
    distributor,
    usd,
    member,
    other_member,
    leaf,
    submit_batch,
    claim_leaf,
    sell,
    contributors_part,
):
    mine, theirs = leaf(member, "a", 3, ordinal=5), leaf(other_member, "b", 1)
    batch_id, tree = submit_batch([mine, theirs])
    sell()
    before = usd.balanceOf(member)
    tx = claim_leaf(batch_id, tree, mine)
    assert tx.return_value == contributors_part * 3 // 4
    assert usd.balanceOf(member) - before == tx.return_value
    assert tx.events["BatchLeavesClaimed"] == {
        "batchId": batch_id,
        "account": member,
        "ordinals": 1 << 5,
        "weight": 3,
        "amount": tx.return_value,
    }
    assert tuple(distributor.batchHolding(batch_id, member)) == (3, 1 << 5)
    # Later revenue is claimed with no proof at all.
    sell(2)
    tx = distributor.claimBatches([batch_id], {"from": member})
    assert tx.return_value == 2 * contributors_part * 3 // 4
    assert distributor.claimBatches([batch_id], {"from": member}).return_value == 0


def test_a_leaf_is_claimed_once(member, leaf, submit_batch, claim_leaf):
    mine = leaf(member, "once", 2, ordinal=7)
    batch_id, tree = submit_batch([mine, leaf(member, "other", 2, ordinal=8)])
    claim_leaf(batch_id, tree, mine)
    with brownie.reverts(f"RevenueDistributorLeafTaken: {batch_id}, 7"):
        claim_leaf(batch_id, tree, mine)


def test_claim_leaves_pays_many_leaves_with_one_multiproof(
    distributor, usd, member, other_member, leaf, submit_batch, sell, contributors_part
):
    leaves = [leaf(member, f"m{i}", i + 1, ordinal=i) for i in range(5)]
    leaves += [leaf(other_member, f"o{i}", 5, ordinal=i) for i in range(3)]
    batch_id, tree = submit_batch(leaves)  # weights 15 (member) and 15
    sell()
    arguments, proof, flags = multiproof(tree, member)
    tx = distributor.claimLeaves(batch_id, arguments, proof, flags, {"from": member})
    assert tx.return_value == share(contributors_part, 15, 30)
    assert tuple(distributor.batchHolding(batch_id, member)) == (15, 0b11111)
    assert len(tx.events["Transfer"]) == 1
    with brownie.reverts(revert_pattern=r"RevenueDistributorLeafTaken:.*"):
        distributor.claimLeaves(batch_id, arguments, proof, flags, {"from": member})
    with brownie.reverts("RevenueDistributorNoLeaves: "):
        distributor.claimLeaves(batch_id, [], [], [], {"from": member})


def test_a_proof_proves_only_its_contributor_pool_and_distributor(
    registry,
    distributor,
    member,
    other_member,
    leaf,
    submit_batch,
    claim_leaf,
    chain,
    pool_id,
    deployer,
):
    mine = leaf(member, "bound", 2)
    batch_id, tree = submit_batch([mine, leaf(other_member, "x", 2)])
    # Another contributor presenting the leaf proves nothing: the caller is in the hash.
    with brownie.reverts(
        f"RevenueDistributorInvalidLeafProof: {batch_id}, {other_member.address.lower()}"
    ):
        claim_leaf(batch_id, tree, mine, sender=other_member)
    # The same leaf built for another pool, chain or distributor is another hash.
    for domain in (
        BatchDomain(chain.id, registry.revenueDistributor(), pool_id + 1),
        BatchDomain(chain.id + 1, registry.revenueDistributor(), pool_id),
        BatchDomain(chain.id, deployer.address, pool_id),
    ):
        foreign = batch_tree(domain, [mine, leaf(other_member, "y", 2)])
        with brownie.reverts(revert_pattern=r"RevenueDistributorInvalidLeafProof:.*"):
            distributor.claimLeaf(
                batch_id, mine.argument(), leaf_proof(foreign, mine, domain), {"from": member}
            )


def test_ordinals_are_bounded_and_a_claim_names_each_once(
    distributor, member, leaf, submit_batch, domain
):
    high = leaf(member, "high", 1, ordinal=48)
    twin_a, twin_b = leaf(member, "twin a", 1, ordinal=3), leaf(member, "twin b", 1, ordinal=3)
    batch_id, tree = submit_batch([high, twin_a, twin_b])
    with brownie.reverts(f"RevenueDistributorLeafTaken: {batch_id}, 48"):
        distributor.claimLeaf(
            batch_id, high.argument(), leaf_proof(tree, high, domain), {"from": member}
        )
    multi = tree.get_multi_proof([list(twin_a.value(domain)), list(twin_b.value(domain))])
    arguments = [leaf_of(value).argument() for value in multi.leaves]
    with brownie.reverts(f"RevenueDistributorLeafTaken: {batch_id}, 3"):
        distributor.claimLeaves(
            batch_id, arguments, multi.proof, multi.proof_flags, {"from": member}
        )


def test_leaves_never_exceed_the_committed_count_weight_or_maximum(
    registry,
    distributor,
    deployer,
    member,
    other_member,
    leaf,
    submit_batch,
    claim_leaf,
    pool_id,
):
    # An aggregator that commits less than its leaves hold: only the commitment is paid out.
    big, small = leaf(member, "big", 9), leaf(other_member, "small", 2)
    batch_id, tree = submit_batch([big, small], total_weight=10)
    claim_leaf(batch_id, tree, big)
    with brownie.reverts(f"RevenueDistributorBatchCommitment: {batch_id}, 2, 10"):
        claim_leaf(batch_id, tree, small)
    # Count: one leaf committed, two in the tree.
    one, two = leaf(member, "one", 1), leaf(other_member, "two", 1)
    counted, tree = submit_batch([one, two], count=1, total_weight=2)
    claim_leaf(counted, tree, one)
    with brownie.reverts(f"RevenueDistributorBatchCommitment: {counted}, 1, 2"):
        claim_leaf(counted, tree, two)
    # Each leaf within the pool's maximum when the batch was accepted.
    max_weight = registry.poolMaxWeight(pool_id)
    heavy, light = leaf(member, "heavy", max_weight + 1), leaf(other_member, "light", 1)
    weighted, tree = submit_batch([heavy, light], total_weight=max_weight + 2)
    with brownie.reverts(
        f"RevenueDistributorLeafWeight: {weighted}, {max_weight + 1}, {max_weight}"
    ):
        claim_leaf(weighted, tree, heavy)


def test_the_batch_curator_earns_nothing_from_it(
    distributor, membership, curator, member, leaf, submit_batch, claim_leaf, deployer
):
    own = BatchLeaf(curator.address, 0, leaf(member, "own").cid, 5)
    batch_id, tree = submit_batch([own, leaf(member, "theirs", 5)])
    with brownie.reverts(f"RevenueDistributorBatchCurator: {batch_id}, {curator.address.lower()}"):
        claim_leaf(batch_id, tree, own)


def test_unknown_and_unaccepted_batches_pay_nothing(
    distributor, member, leaf, submit_batch, claim_leaf
):
    mine = leaf(member, "pending", 1)
    batch_id, tree = submit_batch([mine, leaf(member, "p2", 1)], accept=False)
    with brownie.reverts(revert_pattern=r"RevenueDistributorInvalidLeafProof:.*"):
        claim_leaf(batch_id, tree, mine)
    with brownie.reverts(f"RevenueDistributorBatchState: {batch_id + 1}, 0"):
        distributor.claimBatches([batch_id + 1], {"from": member})
    assert distributor.claimableFromBatch(batch_id, member, 1) == 0


def test_every_wei_is_accounted_for_across_claims_revocations_and_overturns(
    registry,
    distributor,
    usd,
    deployer,
    member,
    other_member,
    curator,
    leaf,
    submit_batch,
    claim_leaf,
    revoke_leaf,
    sell,
    pool_id,
    submit,
):
    first = [leaf(member, f"f{i}", 3 + i) for i in range(3)] + [leaf(other_member, "f9", 7)]
    second = [leaf(member, "s0", 11), leaf(other_member, "s1", 13)]
    one, tree_one = submit_batch(first, total_weight=sum(x.weight for x in first) + 4)  # phantom
    two, tree_two = submit_batch(second)
    single, _ = submit("single")
    registry.accept(single, 17, {"from": curator})
    batches, accounts = [one, two], [member, other_member, curator]
    for step in range(6):
        sell(1 + step % 2)
        if step == 1:
            claim_leaf(one, tree_one, first[0])
            claim_leaf(two, tree_two, second[1])
        if step == 2:
            revoke_leaf(one, tree_one, first[1])  # unclaimed: paid, then out
            revoke_leaf(two, tree_two, second[1])  # claimed: settled, then out
        if step == 3:
            registry.overturnBatch(one, "weights inflated", {"from": deployer})
        if step == 4:
            distributor.claimBatches([one, two], {"from": member})
            claim_leaf(one, tree_one, first[3])  # earned before the overturn: still paid
        assert_books_close(distributor, usd, batches, accounts, pool_id)
    # What remains with the batches is their leaves' unclaimed revenue and sub-wei dust.
    assert distributor.totalUnits(pool_id) == registry.pool(pool_id)[5]


def test_revoking_a_leaf_pays_it_and_removes_its_weight(
    registry,
    distributor,
    usd,
    member,
    other_member,
    leaf,
    submit_batch,
    revoke_leaf,
    sell,
    contributors_part,
    pool_id,
    status,
):
    mine, theirs = leaf(member, "revoked", 1), leaf(other_member, "kept", 1)
    batch_id, tree = submit_batch([mine, theirs])
    sell()
    before = usd.balanceOf(member)
    tx = revoke_leaf(batch_id, tree, mine)
    assert usd.balanceOf(member) - before == contributors_part // 2
    contribution_id = expected_id(member.address, mine.cid[-32:])
    assert tx.events["LeafRevoked"]["id"] == contribution_id
    assert registry.contribution(contribution_id)[2] == status.REVOKED
    assert distributor.totalUnits(pool_id) == 1 == registry.pool(pool_id)[5]
    sell()
    # The revoked leaf earns nothing more: the other leaf takes the whole part now.
    assert distributor.claimableFromBatch(batch_id, other_member, 1) == contributors_part * 3 // 2
    with brownie.reverts(f"ContributionRegistryNotRevocable: {contribution_id}, 4"):
        revoke_leaf(batch_id, tree, mine)
    with brownie.reverts(revert_pattern=r"RevenueDistributorLeafTaken:.*"):
        distributor.claimLeaf(
            batch_id,
            mine.argument(),
            leaf_proof(tree, mine, _domain(registry, pool_id)),
            {"from": member},
        )


def _domain(registry, pool_id):
    return BatchDomain(brownie.chain.id, registry.revenueDistributor(), pool_id)


def test_activation_mints_tokens_and_registers_the_contributions(
    registry, token, distributor, member, other_member, leaf, submit_batch, pool_id, status
):
    leaves = [leaf(member, f"act{i}", 2 + i, "v1-dag-pb") for i in range(3)]
    batch_id, tree = submit_batch([*leaves, leaf(other_member, "o", 4)])
    arguments, proof, flags = multiproof(tree, member)
    tx = registry.activateLeaves(batch_id, arguments, proof, flags, {"from": member})
    assert tx.return_value == 9
    assert token.balanceOf(member) == 9
    assert len(tx.events["LeafActivated"]) == 3
    for item in leaves:
        contribution_id = expected_id(member.address, item.cid[-32:])
        assert tuple(registry.contribution(contribution_id)) == (
            member,
            pool_id,
            status.ACCEPTED,
            item.weight,
        )
    # Revenue was not touched: the batch already holds the weight.
    assert distributor.unitsOf(pool_id, member) == 0
    assert tuple(registry.batchWeights(batch_id)) == (13, 3, 9)
    with brownie.reverts(revert_pattern=r"ContributionRegistryDuplicateCid:.*"):
        registry.activateLeaves(batch_id, arguments, proof, flags, {"from": member})


def test_an_activated_leaf_is_revoked_with_its_batch_not_alone(
    registry,
    token,
    distributor,
    member,
    other_member,
    leaf,
    submit_batch,
    revoke_leaf,
    deployer,
):
    mine = leaf(member, "activated", 6)
    batch_id, tree = submit_batch([mine, leaf(other_member, "o", 2)])
    arguments, proof, flags = multiproof(tree, member)
    registry.activateLeaves(batch_id, arguments, proof, flags, {"from": member})
    contribution_id = expected_id(member.address, mine.cid[-32:])
    with brownie.reverts(f"ContributionRegistryBatchedContribution: {contribution_id}"):
        registry.revoke(contribution_id, {"from": member})
    with brownie.reverts(f"ContributionRegistryBatchedContribution: {contribution_id}"):
        registry.overturn(contribution_id, 1, {"from": deployer})
    revoke_leaf(batch_id, tree, mine)
    assert token.balanceOf(member) == 0


def test_activation_is_held_to_the_commitment_and_refuses_the_curator(
    registry, curator, member, other_member, leaf, submit_batch
):
    leaves = [leaf(member, "c1", 5), leaf(member, "c2", 5)]
    batch_id, tree = submit_batch([*leaves, leaf(other_member, "c3", 1)], total_weight=8)
    arguments, proof, flags = multiproof(tree, member)
    with brownie.reverts(f"ContributionRegistryBatchWeightExceeded: {batch_id}, 8"):
        registry.activateLeaves(batch_id, arguments, proof, flags, {"from": member})
    own = BatchLeaf(curator.address, 0, leaf(member, "own").cid, 1)
    batch_id, tree = submit_batch([own, leaf(member, "c4", 1)])
    arguments, proof, flags = multiproof(tree, curator)
    with brownie.reverts(
        f"ContributionRegistryBatchSelfCuration: {batch_id}, {curator.address.lower()}"
    ):
        registry.activateLeaves(batch_id, arguments, proof, flags, {"from": curator})


def test_a_content_registered_singly_first_cannot_be_activated(
    registry, member, other_member, leaf, submit_batch, submit
):
    submit("first singly")
    mine = leaf(member, "first singly", 1)
    batch_id, tree = submit_batch([mine, leaf(other_member, "o", 1)])
    arguments, proof, flags = multiproof(tree, member)
    with brownie.reverts(revert_pattern=r"ContributionRegistryDuplicateCid:.*"):
        registry.activateLeaves(batch_id, arguments, proof, flags, {"from": member})


def test_overturning_a_batch_freezes_its_earnings(
    registry,
    distributor,
    deployer,
    member,
    other_member,
    leaf,
    submit_batch,
    claim_leaf,
    sell,
    contributors_part,
    pool_id,
    batch_status,
    curator,
    submit,
):
    mine, theirs = leaf(member, "frozen", 1), leaf(other_member, "thawed", 1)
    batch_id, tree = submit_batch([mine, theirs])
    sell()
    tx = registry.overturnBatch(batch_id, "curator bribed", {"from": deployer})
    assert tx.events["BatchPotClosed"]["units"] == 2
    assert registry.batch(batch_id)[1] == batch_status.OVERTURNED
    assert distributor.totalUnits(pool_id) == 0 == registry.pool(pool_id)[5]
    single, _ = submit("single after the overturn")
    registry.accept(single, 1, {"from": curator})
    sell()  # the single contribution takes it all: the overturned leaves earn nothing more
    assert claim_leaf(batch_id, tree, mine).return_value == contributors_part // 2
    arguments, proof, flags = multiproof(tree, other_member)
    with brownie.reverts(f"ContributionRegistryBatchNotAccepted: {batch_id}, 4"):
        registry.activateLeaves(batch_id, arguments, proof, flags, {"from": other_member})


def test_a_pending_batch_can_be_overturned_and_never_confirmed(
    registry, deployer, curator, member, leaf, submit_batch, batch_status
):
    batch_id, _ = submit_batch([leaf(member, "p")], accept=False)
    registry.overturnBatch(batch_id, "aggregator compromised", {"from": deployer})
    with brownie.reverts(f"ContributionRegistryBatchNotPending: {batch_id}, 4"):
        registry.acceptBatch(batch_id, {"from": curator})
    with brownie.reverts(f"ContributionRegistryBatchNotAccepted: {batch_id}, 4"):
        registry.overturnBatch(batch_id, "again", {"from": deployer})


def test_only_governance_overturns_and_only_the_registry_moves_batch_pots(
    registry, distributor, member, curator, leaf, submit_batch
):
    batch_id, _ = submit_batch([leaf(member, "g")])
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        registry.overturnBatch(batch_id, "mine", {"from": member})
    for call in (
        lambda: distributor.closeBatchPot(batch_id, {"from": curator}),
        lambda: distributor.revokeBatchLeaf(batch_id, member, 0, 1, {"from": member}),
        lambda: distributor.openBatchPot(
            99, 1, "0x" + "22" * 32, 1, 1, 1, member, {"from": member}
        ),
    ):
        with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
            call()


# -- the leaf hash is OpenZeppelin's StandardMerkleTree's, byte for byte ------------------


@pytest.mark.parametrize("form", ["v0", "v1-dag-pb", "v1-raw"])
@pytest.mark.parametrize(("ordinal", "weight"), [(0, 0), (47, 1), (255, 2**48 - 1)])
def test_leaf_hash_matches_lumbung_merkle(registry, member, make_cid, form, ordinal, weight):
    cid = make_cid("hash me", form)
    domain = _domain(registry, 3)
    expected = standard_leaf_hash(
        BATCH_LEAF_ENCODING, BatchLeaf(member.address, ordinal, cid, weight).value(domain)
    )
    assert registry.batchLeafHash(3, member, (ordinal, weight, cid)) == "0x" + expected.hex()
    assert expected != keccak(keccak(b""))


def test_a_large_tree_from_lumbung_merkle_verifies_on_chain(
    registry, distributor, member, other_member, leaf, submit_batch, claim_leaf, domain
):
    leaves = [
        leaf(member if i % 2 else other_member, f"big {i}", 1 + i % 7, ordinal=(i // 2) % 48)
        for i in range(300)
    ]
    leaves = [x for i, x in enumerate(leaves) if i < 96]  # 48 ordinals per contributor
    batch_id, tree = submit_batch(leaves)
    for item in (leaves[0], leaves[51], leaves[95]):
        claim_leaf(batch_id, tree, item)
    assert batch_tree(domain, leaves).root == registry.batch(batch_id)[2]
    assert distributor.batchPot(batch_id)[3] == 3


# -- an aggregator's malformed leaves (found by the Foundry suite) -------------------------


def test_a_leaf_above_the_maximum_is_paid_nothing_when_revoked(
    registry, usd, member, other_member, leaf, submit_batch, revoke_leaf, sell, pool_id
):
    heavy = leaf(member, "too heavy", registry.poolMaxWeight(pool_id) + 1)
    batch_id, tree = submit_batch([heavy, leaf(other_member, "fine", 1)])
    sell()
    before = usd.balanceOf(member)
    tx = revoke_leaf(batch_id, tree, heavy)
    assert usd.balanceOf(member) == before
    assert tx.events["BatchLeafRevoked"]["weight"] == 0


def test_a_leaf_past_ordinal_47_is_never_activated(
    registry, member, other_member, leaf, submit_batch
):
    high = leaf(member, "ordinal 48", 1, ordinal=48)
    batch_id, tree = submit_batch([high, leaf(other_member, "o", 1)])
    arguments, proof, flags = multiproof(tree, member)
    with brownie.reverts(f"ContributionRegistryInvalidOrdinal: {batch_id}, 48"):
        registry.activateLeaves(batch_id, arguments, proof, flags, {"from": member})


def test_the_aggregators_limit_per_contributor_is_the_contracts(distributor, member):
    """lumbung.merkle numbers at most as many leaves per contributor as a holding has ordinal
    bits, and refuses one more, so the aggregator never builds a leaf nobody could claim."""
    assert distributor.MAX_LEAVES_PER_HOLDER() == MAX_LEAVES_PER_CONTRIBUTOR
    entries = [(member.address, f"cid {i}".encode(), 1) for i in range(MAX_LEAVES_PER_CONTRIBUTOR)]
    assert with_ordinals(entries)[-1].ordinal == MAX_LEAVES_PER_CONTRIBUTOR - 1
    with pytest.raises(ValueError, match="more than 48 leaves"):
        with_ordinals([*entries, (member.address, b"one more", 1)])


def test_revoking_a_twin_leaf_leaves_the_activated_one_alone(
    registry,
    token,
    distributor,
    member,
    other_member,
    leaf,
    submit_batch,
    revoke_leaf,
    make_cid,
    status,
):
    """The same content in two batches: activating one leaf and revoking the other burns
    nothing of the activation, and each leaf is revoked once."""
    first = BatchLeaf(member.address, 0, make_cid("twin", "v0"), 10)
    twin = BatchLeaf(member.address, 0, make_cid("twin", "v1-raw"), 90)
    one, tree_one = submit_batch([first, leaf(other_member, "o1", 1)])
    two, tree_two = submit_batch([twin, leaf(other_member, "o2", 1)])
    arguments, proof, flags = multiproof(tree_one, member)
    registry.activateLeaves(one, arguments, proof, flags, {"from": member})
    revoke_leaf(two, tree_two, twin)
    contribution_id = expected_id(member.address, first.cid[-32:])
    assert token.balanceOf(member) == 10
    assert registry.contribution(contribution_id)[2] == status.ACCEPTED
    with brownie.reverts(f"ContributionRegistryNotRevocable: {contribution_id}, 4"):
        revoke_leaf(two, tree_two, twin)
    revoke_leaf(one, tree_one, first)
    assert token.balanceOf(member) == 0
    assert registry.contribution(contribution_id)[2] == status.REVOKED
