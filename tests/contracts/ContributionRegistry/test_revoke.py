import brownie


def test_revoke_pending_contribution(registry, token, member, submit, pool_id, status):
    contribution_id, _ = submit()
    tx = registry.revoke(contribution_id, {"from": member})
    assert tx.events["ContributionRevoked"] == {
        "id": contribution_id,
        "poolId": pool_id,
        "contributor": member,
        "weightRemoved": 0,
    }
    assert registry.contribution(contribution_id)[2] == status.REVOKED
    assert "UnitsChanged" not in tx.events
    assert "Transfer" not in tx.events
    assert tuple(registry.pool(pool_id))[3:] == (1, 0, 0)


def test_revoke_accepted_contribution_removes_shares_and_burns(
    registry, token, distributor, curator, member, submit, pool_id, status
):
    kept_id, _ = submit("kept")
    registry.accept(kept_id, 3, {"from": curator})
    contribution_id, _ = submit("revoked", "v1-raw")
    registry.accept(contribution_id, 10, {"from": curator})

    tx = registry.revoke(contribution_id, {"from": member})

    assert tx.events["ContributionRevoked"]["weightRemoved"] == 10
    assert tx.events["UnitsChanged"] == {
        "potId": pool_id,
        "account": member,
        "units": 3,
        "totalUnits": 3,
    }
    assert token.balanceOf(member) == 3
    assert token.getVotes(member) == 3
    assert distributor.unitsOf(pool_id, member) == 3
    assert distributor.unitsOf(distributor.WORK_POT(), curator) == 2  # the work was done
    assert tuple(registry.contribution(contribution_id))[2:4] == (status.REVOKED, 10)
    assert tuple(registry.pool(pool_id))[3:] == (2, 1, 3)


def test_only_contributor_can_revoke(registry, member, other_member, curator, submit):
    contribution_id, _ = submit()
    registry.accept(contribution_id, 1, {"from": curator})
    with brownie.reverts(
        f"ContributionRegistryNotContributor: {contribution_id}, "
        f"{other_member.address.lower()}, {member.address.lower()}"
    ):
        registry.revoke(contribution_id, {"from": other_member})


def test_unknown_contribution_is_refused(registry, member):
    with brownie.reverts("ContributionRegistryUnknownContribution: 99"):
        registry.revoke(99, {"from": member})


def test_a_revoked_contribution_cannot_be_revoked_again(registry, member, submit, curate_or_revoke):
    contribution_id, _ = submit()
    state = curate_or_revoke(contribution_id, "revoke")
    with brownie.reverts(f"ContributionRegistryNotRevocable: {contribution_id}, {state}"):
        registry.revoke(contribution_id, {"from": member})


def test_former_member_can_still_revoke(
    registry, membership, token, curator, member, submit, status
):
    contribution_id, _ = submit()
    registry.accept(contribution_id, 4, {"from": curator})
    membership.leave({"from": member})
    registry.revoke(contribution_id, {"from": member})
    assert registry.contribution(contribution_id)[2] == status.REVOKED
    assert token.balanceOf(member) == 0
