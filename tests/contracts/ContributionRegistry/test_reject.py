import brownie


def test_reject_records_curator_and_reason(
    registry, token, distributor, curator, member, submit, pool_id, status
):
    contribution_id, _ = submit()
    tx = registry.reject(contribution_id, "faces not blurred", {"from": curator})
    assert tx.events["ContributionRejected"] == {
        "id": contribution_id,
        "poolId": pool_id,
        "curator": curator,
        "contributor": member,
        "reason": "faces not blurred",
    }
    assert tuple(registry.contribution(contribution_id))[:4] == (
        member,
        pool_id,
        status.REJECTED,
        0,
    )
    assert token.balanceOf(member) == 0
    assert distributor.unitsOf(pool_id, member) == 0
    assert distributor.unitsOf(distributor.WORK_POT(), curator) == 1  # the review, as for accepting
    assert tuple(registry.pool(pool_id))[3:] == (1, 0, 0)
    assert tx.events["UnitsChanged"]["units"] == 1  # the work pot: one review, as for accepting


def test_caller_without_curator_role_is_refused(registry, other_member, submit):
    contribution_id, _ = submit()
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        registry.reject(contribution_id, "no", {"from": other_member})


def test_curator_who_is_not_a_worker_is_refused(registry, membership, deployer, curator, submit):
    membership.changeClass(curator, 1, {"from": deployer})
    contribution_id, _ = submit()
    with brownie.reverts(
        f"ContributionRegistryCuratorNotWorker: {curator.address.lower()}, True, 1"
    ):
        registry.reject(contribution_id, "no", {"from": curator})


def test_curator_cannot_reject_own_contribution(registry, curator, submit):
    contribution_id, _ = submit(sender=curator)
    with brownie.reverts(
        f"ContributionRegistrySelfCuration: {contribution_id}, {curator.address.lower()}"
    ):
        registry.reject(contribution_id, "no", {"from": curator})


def test_unknown_contribution_is_refused(registry, curator):
    with brownie.reverts("ContributionRegistryUnknownContribution: 0"):
        registry.reject(0, "no", {"from": curator})


def test_contribution_is_rejected_only_while_pending(registry, curator, submit, status):
    contribution_id, _ = submit()
    registry.accept(contribution_id, 5, {"from": curator})
    with brownie.reverts(f"ContributionRegistryNotPending: {contribution_id}, {status.ACCEPTED}"):
        registry.reject(contribution_id, "changed my mind", {"from": curator})
    registry_rejected_id, _ = submit("other")
    registry.reject(registry_rejected_id, "no", {"from": curator})
    with brownie.reverts(
        f"ContributionRegistryNotPending: {registry_rejected_id}, {status.REJECTED}"
    ):
        registry.reject(registry_rejected_id, "no again", {"from": curator})
