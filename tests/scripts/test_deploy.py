"""The deploy script's own function, on Anvil and on Ganache (make test runs both)."""

import json

import brownie
from brownie import chain, web3

from scripts.deploy import deploy_all, roles_held, write_deployment
from scripts.governance import GovernorParams


def test_deploy_all_writes_addresses_chain_id_and_start_block(deployer, registrar, tmp_path):
    before = chain.height
    deployment = deploy_all(deployer, registrar=registrar)
    path = write_deployment(deployment, tmp_path)
    written = json.loads(path.read_text())
    assert written["chainId"] == chain.id
    assert written["startBlock"] == before + 1
    assert set(written["contracts"]) == {
        "Forwarder",
        "PaymentToken",
        "Membership",
        "ContributionToken",
        "RevenueDistributor",
        "DataMarket",
        "ContributionRegistry",
    }
    for name, address in written["contracts"].items():
        assert len(web3.eth.get_code(address)) > 0, name
    assert deployment.membership.hasRole(deployment.membership.REGISTRAR_ROLE(), registrar)
    forwarder = deployment.forwarder
    for trusting in (deployment.registry, deployment.distributor, deployment.membership):
        assert trusting.trustedForwarder() == forwarder


def test_governed_deploy_leaves_the_deployer_no_role(deployer, registrar, settler, tmp_path):
    deployment = deploy_all(
        deployer, registrar=registrar, settler=settler, governance=GovernorParams()
    )
    written = json.loads(write_deployment(deployment, tmp_path).read_text())
    assert {"CoopGovernor", "TimelockController"} <= set(written["contracts"])
    assert roles_held(deployment, deployer) == []
    timelock = deployment.timelock
    assert not timelock.hasRole(timelock.DEFAULT_ADMIN_ROLE(), deployer)
    assert timelock.hasRole(timelock.PROPOSER_ROLE(), deployment.governor)
    assert deployment.distributor.treasury() == timelock
    # The roles the running system needs stay where they belong.
    assert deployment.market.hasRole(deployment.market.SETTLER_ROLE(), settler)
    assert deployment.token.hasRole(deployment.token.MINTER_ROLE(), deployment.registry)
    # The relay limits are the timelock's to set, like every other bound.
    forwarder = deployment.forwarder
    assert forwarder.hasRole(forwarder.DEFAULT_ADMIN_ROLE(), timelock)
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount: .*"):
        forwarder.setRelayLimits(1, 3600, 100_000, {"from": deployer})
