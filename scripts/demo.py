"""Seeds a small demo cooperative on the `make run` chain: `make run DEMO=1`.

Members in every class (a funder and a second producer join with registrar vouchers),
contributions to the three starter pools uploaded through the API (so they are encrypted, stored
and deliverable) and accepted by the curator, a few off-chain purchases settled by the worker,
and an open proposal. Runs once: a chain that already holds the demo is left alone.

    python -m scripts.demo --api http://127.0.0.1:8000   # with `make run` up
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
from brownie import network, project
from eth_account import Account
from eth_account.messages import encode_defunct

from lumbung.deployment import DeploymentRecord
from lumbung.devchain import KEYS, Role
from lumbung.eip712 import sign_voucher
from lumbung.protocol import DEV_ADMIN_TOKEN, StakeholderClass, signed_description
from scripts.local_chain import DEPLOYMENT_FILE, currency_of

ROOT = Path(__file__).resolve().parent.parent
logger = logging.getLogger(__name__)

# Anvil's development keys (lumbung.devchain.KEYS) are public, and sign here only on the local
# chain. Two more accounts join during the demo:
FUNDER_ACCOUNT, SECOND_PRODUCER_ACCOUNT = 6, 7
# (member account, pool id, file name, contents, curator's weight)
CONTRIBUTIONS = (
    (Role.PRODUCER, 1, "sawah-cianjur.csv", "plot,variety,yield_kg\nC1,IR64,5120\n", 10),
    (Role.PRODUCER, 2, "ojek-diary-week1.csv", "day,trips,km\nmon,14,63\ntue,12,58\n", 6),
    (SECOND_PRODUCER_ACCOUNT, 1, "sawah-garut.csv", "plot,variety,yield_kg\nG4,IR42,4870\n", 8),
    (SECOND_PRODUCER_ACCOUNT, 3, "pasar-bandung.csv", "item,price_idr\nberas,13500\n", 5),
)
PURCHASES = ((1, "research"), (2, "public_interest"), (3, "commercial"))


def connect() -> None:
    """Loads the project and connects brownie to the running local chain (see local_chain)."""
    loaded = project.load(ROOT, name="LumbungProject")
    loaded.load_config()
    loaded._add_to_main_namespace()
    network.connect("anvil-live")


def sign_in(api: httpx.Client, account, key: str) -> str:
    """A SIWE session for a brownie account whose key is known (Anvil's development keys)."""
    nonce = api.get("/v1/auth/nonce").raise_for_status().json()
    issued = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    message = "\n".join([
        f"{nonce['domain']} wants you to sign in with your Ethereum account:",
        account.address, "", "Seeding the Lumbung demo cooperative.", "",
        f"URI: {nonce['uri']}", "Version: 1", f"Chain ID: {nonce['chain_id']}",
        f"Nonce: {nonce['nonce']}", f"Issued At: {issued}",
    ])
    signed = Account.sign_message(encode_defunct(text=message), key)
    body = {"message": message, "signature": "0x" + bytes(signed.signature).hex()}
    token = api.post("/v1/auth/siwe", json=body).raise_for_status().json()["token"]
    return str(token)


def seed(api: httpx.Client, admin_token: str, database_url: str | None) -> None:
    from brownie import (
        ContributionRegistry,
        ContributionToken,
        CoopGovernor,
        DataMarket,
        Membership,
        web3,
    )


    accounts = network.accounts
    contracts = DeploymentRecord.load(DEPLOYMENT_FILE).addresses
    membership = Membership.at(contracts["Membership"])
    registry = ContributionRegistry.at(contracts["ContributionRegistry"])
    market = DataMarket.at(contracts["DataMarket"])
    governor = CoopGovernor.at(contracts["CoopGovernor"])
    # Each part is skipped when the chain already holds it, so a rerun completes a partial seed.
    logger.info("Members: a funder and a second producer join with registrar vouchers")
    for index, cls in ((FUNDER_ACCOUNT, StakeholderClass.FUNDER),
                       (SECOND_PRODUCER_ACCOUNT, StakeholderClass.PRODUCER)):
        if membership.isMember(accounts[index]):
            continue
        nonce = int(time.time() * 1000)
        expiry = web3.eth.get_block("latest")["timestamp"] + 3600
        signature = sign_voucher(KEYS[Role.REGISTRAR], chain_id=web3.eth.chain_id,
                                 membership=membership.address,
                                 member=accounts[index].address, cls=cls, nonce=nonce,
                                 expiry=expiry)
        membership.join((accounts[index], cls, nonce, expiry), signature,
                        {"from": accounts[index]})

    logger.info("Contributions: uploaded through the API, registered, accepted by the curator")
    tokens: dict[int, str] = {}
    curator = accounts[Role.CURATOR]
    token = ContributionToken.at(contracts["ContributionToken"])
    seeded = {index for index, *_ in CONTRIBUTIONS if token.balanceOf(accounts[index]) > 0}
    for index, pool_id, name, text, weight in CONTRIBUTIONS:
        member = accounts[index]
        if index in seeded:
            continue
        if index not in tokens:
            tokens[index] = sign_in(api, member, KEYS[index])
        upload = api.post(
            "/v1/contributions",
            headers={"Authorization": f"Bearer {tokens[index]}"},
            data={"pool_id": str(pool_id)},
            files={"file": (name, text.encode())},
        ).raise_for_status().json()
        member.transfer(upload["registry"], 0, data=upload["calldata"])
        registry.accept(int(upload["contribution_id"], 16), weight, {"from": curator})
        logger.info("  %s in pool %s: %s (weight %s)", name, pool_id, upload["cid"], weight)

    logger.info("Purchases: a buyer orders through the API; the worker settles on-chain")
    if market.purchaseCount() == 0:
        settle_demo_orders(api, admin_token, database_url, market, contracts)
    if api.get("/v1/governance/proposals").raise_for_status().json():
        logger.info("Seeded (the demo proposal exists already).")
        return
    propose(market, governor, contracts)


def create_buyer(name: str, database_url: str | None) -> str:
    """Registers an off-chain buyer with the API's own command (``lumbung buyer create``) and
    returns its API key."""
    env = dict(os.environ)
    if database_url:
        env["LUMBUNG_DATABASE_URL"] = database_url
    created = subprocess.run(  # noqa: S603 (fixed arguments; the name is the demo's own)
        [sys.executable, "-m", "api.cli", "buyer", "create", name],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )
    keys = [line.split()[-1] for line in created.stdout.splitlines() if line.startswith("api key")]
    if not keys:
        raise RuntimeError(f"lumbung buyer create printed no key:\n{created.stdout}")
    return keys[0]


def settle_demo_orders(api: httpx.Client, admin_token: str, database_url: str | None, market,
                       contracts: dict[str, str]) -> None:
    from brownie import TestStablecoin

    accounts = network.accounts
    api_key = create_buyer(f"Demo research institute {uuid.uuid4().hex[:6]}", database_url)
    buyer = {"X-API-Key": api_key}
    # The settler pays for off-chain orders from its float; top it up on this test chain.
    stablecoin = TestStablecoin.at(contracts["PaymentToken"])
    settler = accounts[Role.SETTLER]
    needed = sum(market.listing(pool_id)[0][0] for pool_id, _ in PURCHASES)
    if stablecoin.balanceOf(settler) < needed:
        stablecoin.mint(settler, needed, {"from": accounts[Role.DEPLOYER]})
    order_ids = []
    for pool_id, purpose in PURCHASES:
        order = api.post("/v1/orders", json={"pool_id": pool_id, "purpose": purpose},
                         headers={**buyer, "Idempotency-Key": str(uuid.uuid4())})
        order_id = order.raise_for_status().json()["id"]
        api.post(f"/v1/orders/{order_id}/payment", json={"payment_ref": f"demo-{order_id}"},
                 headers={"Authorization": f"Bearer {admin_token}"}).raise_for_status()
        order_ids.append(order_id)
    deadline = time.monotonic() + 60
    pending = set(order_ids)
    while pending and time.monotonic() < deadline:
        for order_id in list(pending):
            status = api.get(f"/v1/orders/{order_id}", headers=buyer).json()["status"]
            if status == "settled":
                pending.discard(order_id)
        time.sleep(0.5)
    if pending:
        logger.warning("  %s orders not settled yet: is the worker running?", len(pending))
    logger.info("  buyer API key (keep it to try the order API): %s", api_key)


def propose(market, governor, contracts: dict[str, str]) -> None:
    from brownie import TestStablecoin, web3

    accounts = network.accounts
    logger.info("Governance: the steward proposes a new price for pool 3; voting opens")
    steward = accounts[Role.STEWARD]
    # In the deployment's own currency: 12 dollars' worth (Rp 192,000 in tIDR).
    symbol = str(TestStablecoin.at(contracts["PaymentToken"]).symbol())
    currency = currency_of(symbol)
    price = currency.of_usd(12)
    calldata = market.setPrice.encode_input(3, price)
    description = signed_description(
        f"Raise the market-prices pool to {price // currency.unit:,} {symbol} "
        f"({datetime.now(UTC):%Y-%m-%d})",
        steward.address,
    )
    governor.propose([market.address], [0], [calldata], description, {"from": steward})
    # The chain's clock stays on the wall clock (make run mines a block every few seconds): the
    # proposal opens after the voting delay in real time, as it would on a live chain.
    opens = web3.eth.get_block("latest")["timestamp"] + int(governor.votingDelay())
    logger.info(
        "Seeded. The proposal opens for votes at %s UTC (in %s s) for %s s.",
        datetime.fromtimestamp(opens, UTC).strftime("%H:%M:%S"),
        int(governor.votingDelay()),
        governor.votingPeriod(),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--api", default="http://127.0.0.1:8000", help="the running API")
    parser.add_argument("--database-url", help="default: LUMBUNG_DATABASE_URL or .lumbung/")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # The API's admin token: the local default unless the environment sets one (as for the API).
    admin_token = os.environ.get("LUMBUNG_ADMIN_TOKEN", DEV_ADMIN_TOKEN)
    connect()
    try:
        with httpx.Client(base_url=args.api, timeout=60) as api:
            seed(api, admin_token, args.database_url)
    finally:
        network.disconnect()


if __name__ == "__main__":
    main()
