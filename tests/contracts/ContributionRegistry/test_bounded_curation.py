"""Curation bounded against the cooperative's own officers (issue 13, attacks 1-4 and 8).

Each test names the attack it stops and asserts the way docs/threat-model.md says it fails.
"""

import brownie
import pytest
from brownie import chain

DAY = 86_400


@pytest.fixture
def work_pot(distributor):
    return distributor.WORK_POT()


# -- attack 1: one curator takes a pool with an enormous weight --------------------------------


def test_weight_above_the_pools_maximum_is_refused(registry, curator, submit, pool_id):
    max_weight = registry.poolMaxWeight(pool_id)
    assert max_weight == registry.DEFAULT_MAX_WEIGHT() == 100
    contribution_id, _ = submit("accomplice junk")
    for weight in (max_weight + 1, 2**48 - 1):
        with brownie.reverts(
            f"ContributionRegistryWeightAboveMax: {contribution_id}, {weight}, {max_weight}"
        ):
            registry.accept(contribution_id, weight, {"from": curator})
    registry.accept(contribution_id, max_weight, {"from": curator})


def test_the_pool_maximum_is_governed_and_bounded(registry, deployer, outsider, pool_id):
    ceiling = registry.MAX_WEIGHT_CEILING()
    for bad in (0, ceiling + 1):
        with brownie.reverts(f"ContributionRegistryInvalidMaxWeight: {bad}"):
            registry.setPoolMaxWeight(pool_id, bad, {"from": deployer})
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        registry.setPoolMaxWeight(pool_id, 5, {"from": outsider})
    tx = registry.setPoolMaxWeight(pool_id, ceiling, {"from": deployer})
    assert tx.events["PoolMaxWeightSet"] == {"poolId": pool_id, "maxWeight": ceiling}
    with brownie.reverts("ContributionRegistryUnknownPool: 9"):
        registry.setPoolMaxWeight(9, 5, {"from": deployer})


def test_an_accomplice_is_held_to_the_maximum_share(
    registry, distributor, curator, member, other_member, submit, pool_id
):
    """Ten honest contributions of weight 10 and one accomplice at the maximum: the accomplice
    gets 100 / 200 of the pool's revenue, not 139,999,999 of 140,000,000."""
    for i in range(10):
        registry.accept(submit(f"honest {i}")[0], 10, {"from": curator})
    junk, _ = submit("junk", sender=other_member)
    registry.accept(junk, registry.poolMaxWeight(pool_id), {"from": curator})
    assert distributor.unitsOf(pool_id, other_member) * 2 == distributor.totalUnits(pool_id)


def test_governance_overturns_an_accepted_contribution(
    registry,
    distributor,
    token,
    deployer,
    curator,
    member,
    submit,
    pool_id,
    status,
    usd,
    market,
    fund,
    buyer,
):
    """Reviews can be overturned: re-weight, then reject; revenue earned before is kept."""
    contribution_id, _ = submit("overweight")
    registry.accept(contribution_id, 80, {"from": curator})
    market.setListing(pool_id, 1_000, 1, True, b"", {"from": deployer})
    fund(buyer, 1_000, market)
    market.purchase(pool_id, 0, 1_000, {"from": buyer})
    earned = distributor.claimable(pool_id, member)
    assert earned == 1_000 * distributor.split()[0] // 10_000

    tx = registry.overturn(contribution_id, 20, {"from": deployer})
    assert tx.events["ContributionOverturned"] == {
        "id": contribution_id,
        "poolId": pool_id,
        "contributor": member,
        "oldWeight": 80,
        "newWeight": 20,
    }
    assert token.balanceOf(member) == 20 and distributor.unitsOf(pool_id, member) == 20
    assert tuple(registry.pool(pool_id))[4:] == (1, 20)
    assert distributor.claimable(pool_id, member) == earned  # settled, not lost

    registry.overturn(contribution_id, 0, {"from": deployer})
    assert tuple(registry.contribution(contribution_id))[2:4] == (status.REJECTED, 0)
    assert token.balanceOf(member) == 0 and distributor.totalUnits(pool_id) == 0
    assert tuple(registry.pool(pool_id))[4:] == (0, 0)
    assert distributor.claimable(pool_id, member) == earned
    with brownie.reverts(f"ContributionRegistryNotAccepted: {contribution_id}, {status.REJECTED}"):
        registry.overturn(contribution_id, 5, {"from": deployer})
    # The owner can still revoke it, and so have it erased.
    registry.revoke(contribution_id, {"from": member})
    assert registry.contribution(contribution_id)[2] == status.REVOKED


def test_only_governance_overturns_within_the_maximum(registry, deployer, curator, submit, pool_id):
    contribution_id, _ = submit()
    registry.accept(contribution_id, 10, {"from": curator})
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        registry.overturn(contribution_id, 1, {"from": curator})
    with brownie.reverts(f"ContributionRegistryWeightAboveMax: {contribution_id}, 101, 100"):
        registry.overturn(contribution_id, 101, {"from": deployer})
    registry.overturn(contribution_id, 100, {"from": deployer})  # up is allowed, within bounds
    assert registry.contribution(contribution_id)[3] == 100


# -- attack 2: an empty batch takes the workers' pot --------------------------------------------


def test_a_fake_batch_is_credited_within_the_cap_and_overturning_takes_it_back(
    registry, distributor, deployer, curator, aggregator, make_cid, pool_id, work_pot
):
    """An aggregator and a curator who collude on a batch no tree backs: the curator is paid per
    review only within the cap per epoch, and governance's overturn takes the credit back."""
    root = "0x" + "ab" * 32  # matches no published tree
    cap = registry.curationCap()

    def fake(count):
        return registry.submitBatch(
            pool_id,
            curator,
            root,
            count,
            count,
            0,
            make_cid("fake manifest"),
            {"from": aggregator},
        ).return_value

    too_many = fake(cap + 1)
    epoch = chain.time() // DAY
    with brownie.reverts(
        f"ContributionRegistryCurationCapReached: {curator.address.lower()}, {epoch}, {cap}"
    ):
        registry.acceptBatch(too_many, {"from": curator})
    batch_id = fake(cap)
    registry.acceptBatch(batch_id, {"from": curator})
    assert distributor.unitsOf(work_pot, curator) == cap
    tx = registry.overturnBatch(batch_id, "no manifest behind it", {"from": deployer})
    assert tx.events["CurationCreditsRemoved"]["units"] == cap
    assert distributor.unitsOf(work_pot, curator) == 0
    assert distributor.totalUnits(pool_id) == 0 == registry.pool(pool_id)[5]


def test_a_leaf_above_the_pools_maximum_is_never_activated(
    registry, deployer, member, other_member, leaf, submit_batch, pool_id
):
    from lumbung.merkle import batch_claims

    heavy = leaf(member, "heavy", 100)
    batch_id, tree = submit_batch([heavy, leaf(other_member, "light", 1)])
    registry.setPoolMaxWeight(pool_id, 50, {"from": deployer})
    arguments, proof, flags = batch_claims(tree)[member.address]
    with brownie.reverts(revert_pattern=r"ContributionRegistryWeightAboveMax: .*, 100, 50"):
        registry.activateLeaves(batch_id, arguments, proof, flags, {"from": member})


# -- attack 3: curators paid only for yes ------------------------------------------------------


def test_accepting_and_rejecting_earn_the_same(registry, distributor, curator, submit, work_pot):
    registry.accept(submit("good")[0], 5, {"from": curator})
    after_accept = distributor.unitsOf(work_pot, curator)
    tx = registry.reject(submit("bad")[0], "blurred photo", {"from": curator})
    assert distributor.unitsOf(work_pot, curator) - after_accept == after_accept == 1
    assert tx.events["ReviewCredited"]["reviews"] == 2


# -- attack 4: farming work units ---------------------------------------------------------------


def test_reviews_are_credited_up_to_the_cap_per_epoch(
    registry, deployer, curator, submit, distributor, work_pot
):
    registry.setCurationCap(3, {"from": deployer})
    for i in range(3):
        registry.reject(submit(f"junk {i}")[0], "junk", {"from": curator})
    epoch = chain[-1].timestamp // DAY
    assert registry.reviewsInEpoch(curator, epoch) == 3
    farmed, _ = submit("junk 3")
    with brownie.reverts(
        f"ContributionRegistryCurationCapReached: {curator.address.lower()}, {epoch}, 3"
    ):
        registry.accept(farmed, 1, {"from": curator})
    chain.sleep(DAY)
    registry.accept(farmed, 1, {"from": curator})  # a new epoch, a new allowance
    assert distributor.unitsOf(work_pot, curator) == 4


def test_the_curation_cap_is_governed_and_bounded(registry, deployer, outsider):
    assert registry.curationCap() == registry.DEFAULT_CURATION_CAP()
    for bad in (0, registry.MAX_CURATION_CAP() + 1):
        with brownie.reverts(f"ContributionRegistryInvalidCurationCap: {bad}"):
            registry.setCurationCap(bad, {"from": deployer})
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        registry.setCurationCap(5, {"from": outsider})


def test_units_of_a_curator_who_left_are_retired_by_anyone(
    registry, distributor, curator, outsider, submit, work_pot, membership, deployer
):
    registry.accept(submit("a")[0], 1, {"from": curator})
    registry.reject(submit("b")[0], "no", {"from": curator})
    with brownie.reverts(f"ContributionRegistryStillCurator: {curator.address.lower()}"):
        registry.retireCurationCredits(curator, {"from": outsider})
    membership.leave({"from": curator})
    tx = registry.retireCurationCredits(curator, {"from": outsider})
    assert tx.events["CurationCreditsRemoved"] == {"account": curator, "units": 2, "retired": True}
    assert distributor.unitsOf(work_pot, curator) == 0
    assert registry.retireCurationCredits(curator, {"from": outsider}).return_value == 0


def test_units_of_a_curator_without_the_role_are_retired(
    registry, distributor, curator, outsider, submit, work_pot, deployer
):
    registry.accept(submit("a")[0], 1, {"from": curator})
    registry.revokeRole(registry.CURATOR_ROLE(), curator, {"from": deployer})
    registry.retireCurationCredits(curator, {"from": outsider})
    assert distributor.unitsOf(work_pot, curator) == 0


def test_governance_removes_a_curators_units(
    registry, distributor, curator, submit, work_pot, deployer
):
    for i in range(3):
        registry.accept(submit(f"farm {i}")[0], 1, {"from": curator})
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        registry.removeCurationCredits(curator, 2, {"from": curator})
    tx = registry.removeCurationCredits(curator, 2, {"from": deployer})
    assert tx.events["CurationCreditsRemoved"] == {"account": curator, "units": 2, "retired": False}
    assert distributor.unitsOf(work_pot, curator) == 1


# -- attack 8: the smaller holes ----------------------------------------------------------------


def test_nothing_is_minted_to_a_contributor_who_left(
    registry, membership, curator, member, submit, status
):
    contribution_id, _ = submit()
    membership.leave({"from": member})
    with brownie.reverts(
        f"ContributionRegistryContributorNotMember: {contribution_id}, {member.address.lower()}"
    ):
        registry.accept(contribution_id, 5, {"from": curator})
    registry.reject(contribution_id, "contributor left", {"from": curator})
    assert registry.contribution(contribution_id)[2] == status.REJECTED


def test_a_rejected_contribution_can_be_revoked(registry, curator, member, submit, status):
    contribution_id, _ = submit()
    registry.reject(contribution_id, "blurred", {"from": curator})
    tx = registry.revoke(contribution_id, {"from": member})
    assert tx.events["ContributionRevoked"]["weightRemoved"] == 0
    assert registry.contribution(contribution_id)[2] == status.REVOKED
    with brownie.reverts(f"ContributionRegistryNotRevocable: {contribution_id}, {status.REVOKED}"):
        registry.revoke(contribution_id, {"from": member})
