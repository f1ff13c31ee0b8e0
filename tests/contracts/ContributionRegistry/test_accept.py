import brownie
import pytest


def test_accept_credits_contributor_pool_and_curator(
    registry, token, distributor, curator, member, submit, pool_id, status
):
    contribution_id, _ = submit()
    tx = registry.accept(contribution_id, 40, {"from": curator})
    assert tx.events["ContributionAccepted"] == {
        "id": contribution_id,
        "poolId": pool_id,
        "curator": curator,
        "contributor": member,
        "weight": 40,
    }
    assert tuple(registry.contribution(contribution_id))[:4] == (
        member,
        pool_id,
        status.ACCEPTED,
        40,
    )
    assert token.balanceOf(member) == 40
    assert token.getVotes(member) == 40
    assert distributor.unitsOf(pool_id, member) == 40
    assert distributor.totalUnits(pool_id) == 40
    work_pot = distributor.WORK_POT()
    assert distributor.unitsOf(work_pot, curator) == 1
    assert tuple(registry.pool(pool_id))[2:] == (True, 1, 1, 40)


def test_pool_totals_add_up(registry, distributor, curator, submit, pool_id):
    for seed, weight in [("a", 3), ("b", 5), ("c", 7)]:
        registry.accept(submit(seed)[0], weight, {"from": curator})
    submit("pending")
    assert tuple(registry.pool(pool_id))[3:] == (4, 3, 15)
    assert distributor.totalUnits(pool_id) == 15
    assert distributor.unitsOf(distributor.WORK_POT(), curator) == 3


def test_caller_without_curator_role_is_refused(registry, membership, deployer, accounts, submit):
    worker = accounts[7]
    membership.admit(worker, 2, {"from": deployer})
    contribution_id, _ = submit()
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        registry.accept(contribution_id, 1, {"from": worker})


def test_curator_of_another_class_is_refused(
    registry, membership, deployer, curator, submit, stakeholder_class
):
    membership.changeClass(curator, stakeholder_class.STEWARD, {"from": deployer})
    contribution_id, _ = submit()
    steward = stakeholder_class.STEWARD
    with brownie.reverts(
        f"ContributionRegistryCuratorNotWorker: {curator.address.lower()}, True, {steward}"
    ):
        registry.accept(contribution_id, 1, {"from": curator})


def test_curator_who_left_is_refused(registry, membership, curator, submit):
    membership.leave({"from": curator})
    contribution_id, _ = submit()
    with brownie.reverts(
        f"ContributionRegistryCuratorNotWorker: {curator.address.lower()}, False, 0"
    ):
        registry.accept(contribution_id, 1, {"from": curator})


def test_curator_cannot_accept_own_contribution(registry, curator, submit):
    contribution_id, _ = submit(sender=curator)
    with brownie.reverts(
        f"ContributionRegistrySelfCuration: {contribution_id}, {curator.address.lower()}"
    ):
        registry.accept(contribution_id, 1, {"from": curator})


def test_zero_weight_is_refused(registry, curator, submit):
    contribution_id, _ = submit()
    with brownie.reverts(f"ContributionRegistryZeroWeight: {contribution_id}"):
        registry.accept(contribution_id, 0, {"from": curator})


def test_weight_is_a_uint48_within_the_pools_maximum(
    registry, deployer, token, curator, member, submit, pool_id
):
    contribution_id, _ = submit()
    with pytest.raises(OverflowError):
        registry.accept(contribution_id, 2**48, {"from": curator})
    ceiling = registry.MAX_WEIGHT_CEILING()
    registry.setPoolMaxWeight(pool_id, ceiling, {"from": deployer})
    registry.accept(contribution_id, ceiling, {"from": curator})
    assert token.balanceOf(member) == ceiling


def test_unknown_contribution_is_refused(registry, curator):
    with brownie.reverts("ContributionRegistryUnknownContribution: 7"):
        registry.accept(7, 1, {"from": curator})


@pytest.mark.parametrize("first", ["accept", "reject", "revoke"])
def test_contribution_is_curated_only_while_pending(
    registry, curator, submit, curate_or_revoke, first
):
    contribution_id, _ = submit()
    state = curate_or_revoke(contribution_id, first)
    with brownie.reverts(f"ContributionRegistryNotPending: {contribution_id}, {state}"):
        registry.accept(contribution_id, 1, {"from": curator})


def test_pending_contribution_in_closed_pool_can_be_accepted(
    registry, deployer, curator, submit, pool_id, status
):
    contribution_id, _ = submit()
    registry.closePool(pool_id, {"from": deployer})
    registry.accept(contribution_id, 2, {"from": curator})
    assert registry.contribution(contribution_id)[2] == status.ACCEPTED
