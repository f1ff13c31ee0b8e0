"""Deploys to the local `make run` chain unless that chain already holds the deployment.

Run as ``python -m scripts.local_chain`` once Anvil listens on 127.0.0.1:8545 (see
toolchain/run-local.sh). A restarted chain (Anvil reloads its state from .lumbung/) keeps its
contracts, so nothing is redeployed.
"""

from __future__ import annotations

import argparse
import logging
import os
from dataclasses import dataclass
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

USD = 10**6  # one test dollar in the TestStablecoin's base units (6 decimals)


@dataclass(frozen=True)
class Currency:
    """A local chain's payment token: its contract, one whole unit in base units, and how many
    of them a US dollar is worth (so that the starter prices mean the same in each)."""

    contract: str
    symbol: str
    unit: int
    per_usd: int

    def of_usd(self, dollars: int) -> int:
        """``dollars`` US dollars in this currency's base units."""
        return dollars * self.per_usd * self.unit


# USD: the 6-decimal TestStablecoin (the tests' default). IDR: the 2-decimal TestRupiah, for a
# cooperative paid in rupiah (make run CURRENCY=IDR; the demo's default), at Rp 16,000 a dollar.
CURRENCIES = {
    "USD": Currency("TestStablecoin", "tUSD", 10**6, 1),
    "IDR": Currency("TestRupiah", "tIDR", 10**2, 16_000),
}
SETTLER_FLOAT_USD = 1_000_000
# The three pools a fresh local cooperative starts with: name, price in dollars, purposes.
_OPEN_DATA = Purpose.RESEARCH | Purpose.PUBLIC_INTEREST
STARTER_POOLS_USD = (
    ("Rice-field photos", 25, _OPEN_DATA),
    ("Mobility diaries", 40, _OPEN_DATA | Purpose.COMMERCIAL),
    ("Market prices", 10, _OPEN_DATA | Purpose.COMMERCIAL | Purpose.AI_TRAINING),
)


def currency_of(symbol: str) -> Currency:
    """The local currency whose token has ``symbol`` (tUSD or tIDR)."""
    for currency in CURRENCIES.values():
        if currency.symbol == symbol:
            return currency
    raise ValueError(f"no local currency has the token symbol {symbol!r}")


def bootstrap(deployment) -> None:
    """What the deployer sets up before it hands every admin role to the timelock."""
    accounts = network.accounts
    tx = {"from": accounts[0]}
    currency = currency_of(str(deployment.payment_token.symbol()))
    membership, registry, market = deployment.membership, deployment.registry, deployment.market
    membership.admit(accounts[Role.STEWARD], StakeholderClass.STEWARD, tx)
    membership.admit(accounts[Role.CURATOR], StakeholderClass.WORKER, tx)
    membership.admit(accounts[Role.PRODUCER], StakeholderClass.PRODUCER, tx)
    registry.grantRole(registry.CURATOR_ROLE(), accounts[Role.CURATOR], tx)
    # The settler pays for off-chain orders from its own balance (bridged from the payment
    # provider); on the local chain it starts with test money instead.
    deployment.payment_token.mint(accounts[Role.SETTLER], currency.of_usd(SETTLER_FLOAT_USD), tx)
    for pool_id, ((name, dollars, purposes), metadata) in enumerate(
        zip(STARTER_POOLS_USD, STARTER_METADATA, strict=True), start=1
    ):
        registry.createPool(name, metadata, tx)
        market.setListing(pool_id, currency.of_usd(dollars), int(purposes), True, b"", tx)


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
    parser.add_argument(
        "--currency",
        choices=sorted(CURRENCIES),
        default=os.environ.get("LUMBUNG_LOCAL_CURRENCY") or "USD",
        help="a new deployment's payment token (default USD, or $LUMBUNG_LOCAL_CURRENCY)",
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
        currency = CURRENCIES[args.currency]
        token_contract = getattr(loaded, currency.contract)
        logger.info("Deploying, paid in %s (%s)", currency.symbol, currency.contract)
        deployment = deploy.deploy_all(
            accounts[0],
            payment_token=token_contract.deploy({"from": accounts[0]}),
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
