"""Deploys the cooperative's contracts, wires their roles and writes deployments/<network>.json.

Importable: tests and the demo call :func:`deploy_all` exactly as ``main()`` does. On a live
network the script signs with a brownie keystore account (``LUMBUNG_DEPLOYER``), prints what it
will deploy and asks before sending anything.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from brownie import (
    ContributionRegistry,
    ContributionToken,
    DataMarket,
    Membership,
    RevenueDistributor,
    TestStablecoin,
    accounts,
    chain,
    network,
    web3,
)

logger = logging.getLogger(__name__)

DEPLOYMENTS_DIR = Path(__file__).resolve().parent.parent / "deployments"


@dataclass
class Deployment:
    """Handles to every deployed contract, plus where and when they were deployed."""

    network: str
    chain_id: int
    start_block: int
    payment_token: Any
    membership: Any
    token: Any
    distributor: Any
    market: Any
    registry: Any
    extra: dict[str, Any] = field(default_factory=dict)

    def contracts(self) -> dict[str, Any]:
        named = {
            "PaymentToken": self.payment_token,
            "Membership": self.membership,
            "ContributionToken": self.token,
            "RevenueDistributor": self.distributor,
            "DataMarket": self.market,
            "ContributionRegistry": self.registry,
        }
        named.update(self.extra)
        return named

    def to_json(self) -> dict[str, Any]:
        return {
            "network": self.network,
            "chainId": self.chain_id,
            "startBlock": self.start_block,
            "contracts": {name: c.address for name, c in self.contracts().items()},
        }


# Initial revenue split in basis points: contributors, digital workers, reserve.
DEFAULT_SPLIT = (7_000, 2_000, 1_000)


def deploy_all(
    deployer: Any,
    *,
    payment_token: Any = None,
    registrar: Any = None,
    settler: Any = None,
    treasury: Any = None,
    split: tuple[int, int, int] = DEFAULT_SPLIT,
) -> Deployment:
    """Deploys and wires everything; the deployer keeps admin until :func:`handover`."""
    tx = {"from": deployer}
    start_block = web3.eth.block_number + 1
    if payment_token is None:
        payment_token = TestStablecoin.deploy(tx)
    membership = Membership.deploy(deployer, tx)
    token = ContributionToken.deploy(deployer, tx)
    distributor = RevenueDistributor.deploy(
        deployer, payment_token, treasury or deployer, *split, tx
    )
    market = DataMarket.deploy(deployer, payment_token, distributor, tx)
    registry = ContributionRegistry.deploy(deployer, membership, token, distributor, tx)
    distributor.grantRole(distributor.DEPOSITOR_ROLE(), market, tx)
    distributor.grantRole(distributor.UNITS_ROLE(), registry, tx)
    token.grantRole(token.MINTER_ROLE(), registry, tx)
    if registrar is not None:
        membership.grantRole(membership.REGISTRAR_ROLE(), registrar, tx)
    if settler is not None:
        market.grantRole(market.SETTLER_ROLE(), settler, tx)
    deployment = Deployment(
        network=network.show_active(),
        chain_id=chain.id,
        start_block=start_block,
        payment_token=payment_token,
        membership=membership,
        token=token,
        distributor=distributor,
        market=market,
        registry=registry,
    )
    logger.info("deployed %s", deployment.to_json())
    return deployment


def access_controlled(deployment: Deployment) -> list[Any]:
    """Every deployed contract whose setters sit behind AccessControl."""
    return [c for c in deployment.contracts().values() if hasattr(c, "DEFAULT_ADMIN_ROLE")]


def role_ids(contract: Any) -> list[bytes]:
    """Every role constant a contract declares (its *_ROLE getters)."""
    return [getattr(contract, name)() for name in dir(contract) if name.endswith("_ROLE")]


def handover(deployment: Deployment, admin: Any, deployer: Any) -> None:
    """Makes `admin` (the timelock) the only admin everywhere; the deployer keeps no role."""
    tx = {"from": deployer}
    for contract in access_controlled(deployment):
        admin_role = contract.DEFAULT_ADMIN_ROLE()
        if not contract.hasRole(admin_role, admin):
            contract.grantRole(admin_role, admin, tx)
        for role in role_ids(contract):
            if role != admin_role and contract.hasRole(role, deployer):
                contract.renounceRole(role, deployer, tx)
        contract.renounceRole(admin_role, deployer, tx)
    logger.info("handed every admin role to %s", admin)


def roles_held(deployment: Deployment, account: Any) -> list[str]:
    """The (contract, role) pairs an account holds; empty for the deployer after handover."""
    return [
        f"{name}:{role.hex() if isinstance(role, bytes) else role}"
        for name, contract in deployment.contracts().items()
        if hasattr(contract, "DEFAULT_ADMIN_ROLE")
        for role in role_ids(contract)
        if contract.hasRole(role, account)
    ]


def write_deployment(deployment: Deployment, directory: Path = DEPLOYMENTS_DIR) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{deployment.network}.json"
    path.write_text(json.dumps(deployment.to_json(), indent=2) + "\n")
    return path


LOCAL_CHAIN_IDS = (1337, 31337)


def is_local_chain() -> bool:
    """Anvil and Ganache: unlocked accounts, a test stablecoin, no confirmation prompt."""
    return chain.id in LOCAL_CHAIN_IDS and network.show_active() != "anvil-live"


def _deployer_account() -> Any:
    name = os.environ.get("LUMBUNG_DEPLOYER")
    if name:
        return accounts.load(name)
    if is_local_chain():
        return accounts[0]
    raise SystemExit("Set LUMBUNG_DEPLOYER to a brownie keystore account (brownie accounts list).")


def main() -> None:
    deployer = _deployer_account()
    print(f"Network {network.show_active()} (chain id {chain.id}), deployer {deployer.address}")
    print("Will deploy: TestStablecoin (local chains only), Membership, ContributionToken,")
    print("             RevenueDistributor, DataMarket, ContributionRegistry")
    if not is_local_chain():
        if input("Send these transactions? [y/N] ").strip().lower() != "y":
            raise SystemExit("Nothing sent.")
    deployment = deploy_all(deployer)
    path = write_deployment(deployment)
    print(f"Wrote {path}")
