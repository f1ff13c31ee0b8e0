import brownie


def test_pool_ids_start_at_one(registry, deployer, pool_id):
    assert pool_id == 1
    assert registry.poolCount() == 1
    tx = registry.createPool("Fish catches", "ipfs://terms", {"from": deployer})
    assert tx.return_value == 2
    assert tx.events["PoolCreated"] == {
        "poolId": 2,
        "name": "Fish catches",
        "metadata": "ipfs://terms",
    }
    assert registry.poolCount() == 2
    assert tuple(registry.pool(2)) == ("Fish catches", "ipfs://terms", True, 0, 0, 0)


def test_only_admin_creates_pools(registry, outsider):
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        registry.createPool("Mine", "", {"from": outsider})


def test_pool_needs_a_name(registry, deployer):
    with brownie.reverts(revert_pattern=r"ContributionRegistryEmptyPoolName:.*"):
        registry.createPool("", "ipfs://terms", {"from": deployer})


def test_close_and_reopen(registry, deployer, member, make_cid, pool_id):
    tx = registry.closePool(pool_id, {"from": deployer})
    assert tx.events["PoolClosed"] == {"poolId": pool_id}
    assert registry.pool(pool_id)[2] is False
    tx = registry.reopenPool(pool_id, {"from": deployer})
    assert tx.events["PoolReopened"] == {"poolId": pool_id}
    assert registry.pool(pool_id)[2] is True
    registry.submit(pool_id, make_cid(), {"from": member})


def test_only_admin_closes_and_reopens(registry, deployer, outsider, pool_id):
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        registry.closePool(pool_id, {"from": outsider})
    registry.closePool(pool_id, {"from": deployer})
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        registry.reopenPool(pool_id, {"from": outsider})


def test_closing_a_closed_pool_is_refused(registry, deployer, pool_id):
    registry.closePool(pool_id, {"from": deployer})
    with brownie.reverts(f"ContributionRegistryPoolClosed: {pool_id}"):
        registry.closePool(pool_id, {"from": deployer})


def test_reopening_an_open_pool_is_refused(registry, deployer, pool_id):
    with brownie.reverts(f"ContributionRegistryPoolAlreadyOpen: {pool_id}"):
        registry.reopenPool(pool_id, {"from": deployer})


def test_unknown_pool_is_refused(registry, deployer):
    for call in (registry.closePool, registry.reopenPool):
        with brownie.reverts("ContributionRegistryUnknownPool: 2"):
            call(2, {"from": deployer})
    with brownie.reverts("ContributionRegistryUnknownPool: 0"):
        registry.pool(0)


def test_is_curator_needs_role_and_worker_class(
    registry, membership, deployer, curator, member, outsider
):
    assert registry.isCurator(curator) is True
    registry.grantRole(registry.CURATOR_ROLE(), member, {"from": deployer})
    assert registry.isCurator(member) is False  # a PRODUCER
    assert registry.isCurator(outsider) is False
    membership.leave({"from": curator})
    assert registry.isCurator(curator) is False


def test_admin_grants_and_revokes_curator_role(registry, deployer, curator, submit):
    role = registry.CURATOR_ROLE()
    registry.revokeRole(role, curator, {"from": deployer})
    contribution_id, _ = submit()
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        registry.accept(contribution_id, 1, {"from": curator})


def test_wiring_getters(registry, membership, token, distributor, deployer):
    assert registry.membership() == membership
    assert registry.contributionToken() == token
    assert registry.revenueDistributor() == distributor
    assert registry.hasRole(registry.DEFAULT_ADMIN_ROLE(), deployer)
