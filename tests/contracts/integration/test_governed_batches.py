"""Batch registration in a governed cooperative: only governance appoints aggregators."""

import brownie
import pytest
from brownie import chain

from lumbung.merkle import BatchDomain, batch_claims, batch_tree, with_ordinals
from scripts.deploy import deploy_all, roles_held
from scripts.governance import GovernorParams
from tests.contracts.governance_helpers import PRODUCER, WORKER
from tests.contracts.integration.conftest import POOL
from tests.contracts.integration.test_governed_decisions import call


@pytest.fixture(scope="module")
def aggregator(accounts):
    return accounts[7]


def test_governance_appoints_and_dismisses_an_aggregator(
    governed, govern, electorate, deployer, aggregator
):
    registry, token = governed.registry, governed.token
    worker, producers = electorate[WORKER][0], electorate[PRODUCER]
    role = registry.AGGREGATOR_ROLE()
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        registry.grantRole(role, aggregator, {"from": deployer})

    govern(
        [
            call(registry, "grantRole", role, aggregator),
            call(registry, "grantRole", registry.CURATOR_ROLE(), worker),
        ],
        "appoint an aggregator and a curator",
    )
    leaves = with_ordinals(
        (member.address, b"\x12\x20" + bytes([i + 1]) * 32, 3 + i)
        for i, member in enumerate(producers)
    )
    tree = batch_tree(BatchDomain(chain.id, registry.revenueDistributor(), POOL), leaves)
    manifest = b"\x01\x55\x12\x20" + b"\x99" * 32
    batch_id = registry.submitBatch(
        POOL,
        worker,
        tree.root,
        len(leaves),
        sum(leaf.weight for leaf in leaves),
        0,
        manifest,
        {"from": aggregator},
    ).return_value
    registry.acceptBatch(batch_id, {"from": worker})
    for member in producers:
        arguments, proof, flags = batch_claims(tree)[member.address]
        registry.activateLeaves(batch_id, arguments, proof, flags, {"from": member})
    assert [token.balanceOf(member) for member in producers] == [3, 4]

    govern([call(registry, "revokeRole", role, aggregator)], "dismiss the aggregator")
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        registry.submitBatch(POOL, worker, tree.root, 1, 1, 0, manifest, {"from": aggregator})


def test_an_aggregator_appointed_at_deploy_answers_to_the_timelock(
    deployer, registrar, settler, aggregator
):
    deployment = deploy_all(
        deployer,
        registrar=registrar,
        settler=settler,
        aggregator=aggregator,
        governance=GovernorParams(),
    )
    registry, timelock = deployment.registry, deployment.timelock
    role, admin = registry.AGGREGATOR_ROLE(), registry.DEFAULT_ADMIN_ROLE()
    assert registry.hasRole(role, aggregator)
    assert registry.getRoleAdmin(role) == admin
    assert registry.hasRole(admin, timelock)
    assert not registry.hasRole(admin, deployer)
    assert roles_held(deployment, deployer) == []
