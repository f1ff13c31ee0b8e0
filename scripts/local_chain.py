"""Deploys to the local `make run` chain unless that chain already holds the deployment.

Run as ``python -m scripts.local_chain`` once Anvil listens on 127.0.0.1:8545 (see
toolchain/run-local.sh). A restarted chain (Anvil reloads its state from .lumbung/) keeps its
contracts, so nothing is redeployed.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from brownie import network, project, web3
from brownie._config import CONFIG
from brownie.network.contract import ProjectContract

from lumbung.deployment import DeploymentRecord
from lumbung.devchain import Role
from lumbung.protocol import Purpose, StakeholderClass
from lumbung.rubrics import STARTER_METADATA

ROOT = Path(__file__).resolve().parent.parent
DEPLOYMENT_FILE = ROOT / "deployments" / "development.json"

logger = logging.getLogger(__name__)

USD = 10**6
SETTLER_FLOAT = 1_000_000 * USD
# The three pools a fresh local cooperative starts with: name, price, allowed purposes.
_OPEN_DATA = Purpose.RESEARCH | Purpose.PUBLIC_INTEREST
STARTER_POOLS = (
    ("Rice-field photos", 25 * USD, _OPEN_DATA),
    ("Mobility diaries", 40 * USD, _OPEN_DATA | Purpose.COMMERCIAL),
    ("Market prices", 10 * USD, _OPEN_DATA | Purpose.COMMERCIAL | Purpose.AI_TRAINING),
)



def bootstrap(deployment) -> None:
    """What the deployer sets up before it hands every admin role to the timelock."""
    accounts = network.accounts
    tx = {"from": accounts[0]}
    membership, registry, market = deployment.membership, deployment.registry, deployment.market
    membership.admit(accounts[Role.STEWARD], StakeholderClass.STEWARD, tx)
    membership.admit(accounts[Role.CURATOR], StakeholderClass.WORKER, tx)
    membership.admit(accounts[Role.PRODUCER], StakeholderClass.PRODUCER, tx)
    registry.grantRole(registry.CURATOR_ROLE(), accounts[Role.CURATOR], tx)
    # The settler pays for off-chain orders from its own balance (bridged from the payment
    # provider); on the local chain it starts with test dollars instead.
    deployment.payment_token.mint(accounts[Role.SETTLER], SETTLER_FLOAT, tx)
    for pool_id, ((name, price, purposes), metadata) in enumerate(
        zip(STARTER_POOLS, STARTER_METADATA, strict=True), start=1
    ):
        registry.createPool(name, metadata, tx)
        market.setListing(pool_id, price, int(purposes), True, b"", tx)


def deployment_is_live(path: Path) -> bool:
    """True when every address in the deployment file holds code on the connected chain."""
    if not path.exists():
        return False
    recorded = DeploymentRecord.load(path)
    if recorded.chain_id != web3.eth.chain_id:
        return False
    return all(len(web3.eth.get_code(a)) > 0 for a in recorded.addresses.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rpc-url", help="the chain to deploy to (default: anvil-live's host)")
    parser.add_argument(
        "--deployment-file", type=Path, default=DEPLOYMENT_FILE, help="where to record it"
    )
    args = parser.parse_args()
    deployment_file: Path = args.deployment_file
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    loaded = project.load(ROOT, name="LumbungProject")
    loaded.load_config()
    loaded._add_to_main_namespace()
    # `anvil-live` is this same chain registered as a live network: brownie then takes no
    # snapshots of it and keeps no undo buffer, as it would on a development network. For live
    # networks brownie also keeps its own record of deployments under build/deployments/ and
    # reloads it on connecting, which fails once the chain was reset and races when several
    # chains with the same id are deployed at once (the API tests do). This project's record is
    # deployments/, so brownie's is switched off for this process.
    loaded._load_deployments = lambda: None  # type: ignore[method-assign]
    ProjectContract._deployment_path = lambda _self: None  # type: ignore[method-assign]
    if args.rpc_url:
        CONFIG.networks["anvil-live"]["host"] = args.rpc_url
    network.connect("anvil-live")
    from scripts import deploy  # needs the loaded project's contract containers
    from scripts.governance import GovernorParams

    if deployment_is_live(deployment_file):
        logger.info("Chain already holds the deployment in %s", deployment_file)
    else:
        accounts = network.accounts
        deployment = deploy.deploy_all(
            accounts[0],
            registrar=accounts[Role.REGISTRAR],
            settler=accounts[Role.SETTLER],
            aggregator=accounts[Role.AGGREGATOR],
            governance=GovernorParams(),
            bootstrap=bootstrap,
        )
        deployment.network = "development"  # the API and the dApp look for this name
        deployment.record().dump(deployment_file)
        logger.info("Deployed; wrote %s", deployment_file)
    for role in Role:
        logger.info("  %-10s %s", role.name.lower(), network.accounts[role].address)
    for name, address in DeploymentRecord.load(deployment_file).addresses.items():
        logger.info("  %-20s %s", name, address)
    network.disconnect()


if __name__ == "__main__":
    main()
