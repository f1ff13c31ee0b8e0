"""Deploys the cooperative's contracts, wires their roles and writes deployments/<network>.json.

Importable: tests and the demo call :func:`deploy_all` exactly as ``main()`` does. On a live
network the script signs with a brownie keystore account (``LUMBUNG_DEPLOYER``), takes a
bootstrap file (``LUMBUNG_BOOTSTRAP``, scripts/bootstrap.py) and refuses any that would leave a
cooperative nobody can use, prints what it will deploy and asks before sending anything.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from brownie import (
    Contract,
    ContributionRegistry,
    ContributionToken,
    DataMarket,
    LumbungForwarder,
    Membership,
    RevenueDistributor,
    TestStablecoin,
    accounts,
    chain,
    network,
    web3,
)
from brownie._config import CONFIG

from lumbung.deployment import DeploymentRecord
from lumbung.protocol import DEV_CHAIN_IDS
from scripts.bootstrap import (
    BootstrapError,
    TokenUnits,
    apply_bootstrap,
    describe_bootstrap,
    load_bootstrap,
    review_bootstrap,
    verify_bootstrap,
)
from scripts.governance import DEV_TIMELOCK_DELAY, GovernorParams, deploy_governance

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
    forwarder: Any
    governor: Any = None
    timelock: Any = None

    def contracts(self) -> dict[str, Any]:
        named = {
            "Forwarder": self.forwarder,
            "PaymentToken": self.payment_token,
            "Membership": self.membership,
            "ContributionToken": self.token,
            "RevenueDistributor": self.distributor,
            "DataMarket": self.market,
            "ContributionRegistry": self.registry,
        }
        if self.governor is not None:
            named["CoopGovernor"] = self.governor
            named["TimelockController"] = self.timelock
        return named

    def record(self) -> DeploymentRecord:
        """What the deployments file records of it."""
        return DeploymentRecord(
            network=self.network,
            chain_id=self.chain_id,
            start_block=self.start_block,
            addresses={name: c.address for name, c in self.contracts().items()},
        )


# Initial revenue split in basis points: contributors, digital workers, reserve.
DEFAULT_SPLIT = (7_000, 2_000, 1_000)


def deploy_all(
    deployer: Any,
    *,
    payment_token: Any = None,
    registrar: Any = None,
    settler: Any = None,
    aggregator: Any = None,
    treasury: Any = None,
    split: tuple[int, int, int] = DEFAULT_SPLIT,
    governance: GovernorParams | None = None,
    timelock_delay: int = DEV_TIMELOCK_DELAY,
    bootstrap: Callable[[Deployment], None] | None = None,
) -> Deployment:
    """Deploys and wires everything.

    Without ``governance`` the deployer stays admin (unit tests). With it, the governor and its
    timelock are deployed, the timelock becomes the reserve's treasury, ``bootstrap`` runs while
    the deployer is still admin (pools, listings, first members), and then :func:`handover`
    leaves every admin role with the timelock and none with the deployer.
    """
    tx = {"from": deployer}
    start_block = web3.eth.block_number + 1
    # The forwarder first: the contracts that trust it take its address at construction.
    forwarder = LumbungForwarder.deploy(deployer, tx)
    if payment_token is None:
        payment_token = TestStablecoin.deploy(tx)
    membership = Membership.deploy(deployer, forwarder, tx)
    token = ContributionToken.deploy(deployer, tx)
    distributor = RevenueDistributor.deploy(
        deployer, payment_token, treasury or deployer, *split, forwarder, tx
    )
    market = DataMarket.deploy(deployer, payment_token, distributor, tx)
    registry = ContributionRegistry.deploy(deployer, membership, token, distributor, forwarder, tx)
    distributor.grantRole(distributor.DEPOSITOR_ROLE(), market, tx)
    distributor.grantRole(distributor.UNITS_ROLE(), registry, tx)
    token.grantRole(token.MINTER_ROLE(), registry, tx)
    if registrar is not None:
        membership.grantRole(membership.REGISTRAR_ROLE(), registrar, tx)
    if settler is not None:
        market.grantRole(market.SETTLER_ROLE(), settler, tx)
    if aggregator is not None:
        registry.grantRole(registry.AGGREGATOR_ROLE(), aggregator, tx)
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
        forwarder=forwarder,
    )
    if governance is not None:
        deployment.governor, deployment.timelock = deploy_governance(
            deployer, membership, token, params=governance, timelock_delay=timelock_delay
        )
        distributor.setTreasury(deployment.timelock, tx)
    if bootstrap is not None:
        bootstrap(deployment)
    if governance is not None:
        handover(deployment, deployment.timelock, deployer)
    logger.info("deployed %s", deployment.record().to_json())
    return deployment


def access_controlled(deployment: Deployment) -> list[Any]:
    """Every deployed contract whose setters sit behind AccessControl (the timelock, which
    administers itself from the start, aside)."""
    return [
        c
        for c in deployment.contracts().values()
        if hasattr(c, "DEFAULT_ADMIN_ROLE") and c != deployment.timelock
    ]


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
    return deployment.record().dump(directory / f"{deployment.network}.json")


def is_local_chain() -> bool:
    """A brownie development network on Anvil or Ganache: unlocked accounts, a test stablecoin,
    no confirmation prompt. Any network in brownie's live list is live, whatever its chain id
    (``anvil-live`` rehearses a testnet deployment on the local Anvil)."""
    return chain.id in DEV_CHAIN_IDS and CONFIG.network_type == "development"


def _deployer_account() -> Any:
    name = os.environ.get("LUMBUNG_DEPLOYER")
    if name:
        return accounts.load(name)
    if is_local_chain():
        return accounts[0]
    raise SystemExit("Set LUMBUNG_DEPLOYER to a brownie keystore account (brownie accounts list).")


def _bootstrap_path() -> Path | None:
    value = os.environ.get("LUMBUNG_BOOTSTRAP", "").strip()
    return Path(value) if value else None


def _token_units(payment_token: Any) -> TokenUnits | None:
    """The payment token's symbol and decimals, read from the chain (no transaction)."""
    if payment_token is None:  # the TestStablecoin is not deployed yet
        return None
    try:
        return TokenUnits(str(payment_token.symbol()), int(payment_token.decimals()))
    except Exception:  # a token without the optional ERC-20 metadata: show base units
        return None


def _refuse(reason: str, problems: Sequence[str]) -> NoReturn:
    listed = "".join(f"\n  - {p}" for p in problems)
    raise SystemExit(f"{reason}{listed}\nNothing sent.")


def main() -> None:
    """Deploys the governed cooperative to the active network and writes its deployment file.

    Live networks need ``LUMBUNG_DEPLOYER`` (a brownie keystore account),
    ``LUMBUNG_PAYMENT_TOKEN`` (the stablecoin's address) and ``LUMBUNG_BOOTSTRAP`` (the bootstrap
    file: first members, service keys, curators, pools; see scripts/bootstrap.py), which is
    checked whole before anything is sent; ``LUMBUNG_TIMELOCK_DELAY`` sets the timelock's delay
    in seconds (two days unless set). Local chains take an optional bootstrap file.
    """
    local = is_local_chain()
    payment_token = None
    if not local:
        address = os.environ.get("LUMBUNG_PAYMENT_TOKEN")
        if not address:
            raise SystemExit("Set LUMBUNG_PAYMENT_TOKEN to the union's stablecoin address.")
        payment_token = Contract.from_abi("PaymentToken", address, TestStablecoin.abi)
    bootstrap_path = _bootstrap_path()
    if bootstrap_path is None and not local:
        raise SystemExit(
            "Refusing to deploy to a live network without a bootstrap file: the timelock would "
            "receive every admin role of a cooperative with no members, which nobody could ever "
            "use. Pass one: make deploy NETWORK=... BOOTSTRAP=path/to/bootstrap.json (or set "
            "LUMBUNG_BOOTSTRAP); see deployments/bootstrap.example.json.\nNothing sent."
        )
    try:
        plan = load_bootstrap(bootstrap_path) if bootstrap_path is not None else None
    except BootstrapError as error:
        _refuse(f"Refusing to deploy: bootstrap file {error.path} is not valid:", error.problems)
    governance = GovernorParams()
    deployer = _deployer_account()
    review = None
    if plan is not None:
        review = review_bootstrap(plan, governance, deployer=deployer.address)
        if not review.ok:
            _refuse(
                f"Refusing to deploy: the bootstrap file {bootstrap_path} would hand over a "
                "cooperative nobody can use:",
                review.errors,
            )
    delay = int(os.environ.get("LUMBUNG_TIMELOCK_DELAY", DEV_TIMELOCK_DELAY if local else 172_800))
    print(f"Network {network.show_active()} (chain id {chain.id}), deployer {deployer.address}")
    print("Will deploy: LumbungForwarder, Membership, ContributionToken, RevenueDistributor,")
    print("             DataMarket, ContributionRegistry, CoopGovernor and its TimelockController")
    print(f"             {'a TestStablecoin' if local else f'paying in {payment_token.address}'}")
    if plan is not None and review is not None:
        units = _token_units(payment_token)
        for line in describe_bootstrap(plan, governance, review, units, bootstrap_path):
            print(line)
    else:
        print("with no bootstrap file: no members, no pools (a local chain only).")
    print(f"then hand every admin role to the timelock (delay {delay} s) and keep none.")
    if not local and input("Send these transactions? [y/N] ").strip().lower() != "y":
        raise SystemExit("Nothing sent.")
    deployment = deploy_all(
        deployer,
        payment_token=payment_token,
        registrar=plan.registrar if plan else None,
        settler=plan.settler if plan else None,
        aggregator=plan.aggregator if plan else None,
        governance=governance,
        timelock_delay=delay,
        bootstrap=(lambda d: apply_bootstrap(d, plan, deployer)) if plan else None,
    )
    problems = [f"the deployer still holds {role}" for role in roles_held(deployment, deployer)]
    problems += [
        f"the timelock is not admin of {name}"
        for name, contract in deployment.contracts().items()
        if contract in access_controlled(deployment)
        and not contract.hasRole(contract.DEFAULT_ADMIN_ROLE(), deployment.timelock)
    ]
    if plan is not None:
        problems += verify_bootstrap(deployment, plan)
    if problems:
        addresses = json.dumps(deployment.record().addresses, indent=2)
        listed = "".join(f"\n  - {p}" for p in problems)
        raise SystemExit(
            f"Deployed {addresses}\nbut the chain does not show what was planned:{listed}\n"
            "No deployment file written."
        )
    if plan is not None:
        print(
            f"Verified on chain: {len(plan.members.all())} members, {len(plan.curators)} "
            f"curators, {len(plan.pools)} pools, {len(plan.listings)} listings; the timelock "
            "is admin everywhere and the deployer holds no role."
        )
    print(f"Wrote {write_deployment(deployment)}")
