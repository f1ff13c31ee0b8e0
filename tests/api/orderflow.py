"""Helpers of the order, webhook and settlement tests: buyers, quotes, governance and the chain."""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from hexbytes import HexBytes
from web3 import Web3
from web3.contract import Contract

from api.context import Context
from api.db import transaction
from api.models import Order, OutboxEntry
from api.payments.hmac import sign
from api.services import buyers
from api.services.settlement import CrashPoint
from api.settings import Settings
from tests.api.harness import ADDRESSES, SETTLER, run_cli

USD = 10**6
# The local cooperative's starter pools (scripts/local_chain.py): id -> (price, purposes mask).
POOLS = {1: (25 * USD, 0b0011), 2: (40 * USD, 0b0111), 3: (10 * USD, 0b1111)}
RELAYER = ADDRESSES[SETTLER]


@dataclass(frozen=True)
class ApiBuyer:
    id: str
    name: str
    api_key: str
    buyer_ref: str

    @property
    def headers(self) -> dict[str, str]:
        return {"X-API-Key": self.api_key}


def make_buyer(context: Context, name: str | None = None) -> ApiBuyer:
    with transaction(context.sessions) as session:
        issued = buyers.create_buyer(session, name or f"buyer-{uuid.uuid4().hex[:8]}")
        return ApiBuyer(issued.buyer.id, issued.buyer.name, issued.api_key, issued.buyer.buyer_ref)


def admin(settings: Settings) -> dict[str, str]:
    return {"Authorization": f"Bearer {settings.admin_token.get_secret_value()}"}


def quote(
    client: TestClient,
    buyer: ApiBuyer,
    pool_id: int = 1,
    purpose: str = "research",
    key: str | None = None,
) -> Any:
    return client.post(
        "/v1/orders",
        json={"pool_id": pool_id, "purpose": purpose},
        headers={**buyer.headers, "Idempotency-Key": key or uuid.uuid4().hex},
    )


def quoted_order(client: TestClient, buyer: ApiBuyer, pool_id: int = 1) -> dict[str, Any]:
    response = quote(client, buyer, pool_id)
    assert response.status_code == 201, response.text
    order: dict[str, Any] = response.json()
    return order


def pay(client: TestClient, settings: Settings, order_id: str, ref: str = "bank-1") -> Any:
    return client.post(
        f"/v1/orders/{order_id}/payment", json={"payment_ref": ref}, headers=admin(settings)
    )


def paid_order(
    client: TestClient, settings: Settings, buyer: ApiBuyer, pool_id: int = 1
) -> dict[str, Any]:
    order = quoted_order(client, buyer, pool_id)
    response = pay(client, settings, order["id"], f"bank-{order['id']}")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "paid"
    return order


def event_for(order: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A ``payment.succeeded`` event that pays ``order`` in full, with ``changes``."""
    return {
        "event_id": f"evt_{uuid.uuid4().hex}",
        "type": "payment.succeeded",
        "order_id": order["id"],
        "amount": order["price"],
        "currency": order["currency"],
        **changes,
    }


def webhook(
    client: TestClient,
    settings: Settings,
    event: dict[str, Any],
    timestamp: int | None = None,
    secret: str | None = None,
) -> Any:
    raw = json.dumps(event).encode()
    signature = sign(
        secret or settings.webhook_secret.get_secret_value(),
        int(time.time()) if timestamp is None else timestamp,
        raw,
    )
    return client.post(
        "/v1/webhooks/payments",
        content=raw,
        headers={"Lumbung-Signature": signature, "Content-Type": "application/json"},
    )


def as_timelock(w3: Web3, contracts: dict[str, Contract], function: Any) -> None:
    """Sends a governed call as the TimelockController, as an executed proposal would."""
    timelock = contracts["TimelockController"].address
    w3.provider.make_request("anvil_impersonateAccount", [timelock])  # type: ignore[arg-type]
    w3.provider.make_request("anvil_setBalance", [timelock, hex(10**20)])  # type: ignore[arg-type]
    try:
        tx_hash = function.transact({"from": timelock})
        assert w3.eth.wait_for_transaction_receipt(tx_hash, timeout=30)["status"] == 1
    finally:
        w3.provider.make_request("anvil_stopImpersonatingAccount", [timelock])  # type: ignore[arg-type]


def purchases_of(contracts: dict[str, Contract], chain_order_id: str) -> list[Any]:
    """Every Purchased event on chain carrying this orderId."""
    logs = contracts["DataMarket"].events.Purchased().get_logs(from_block=0)
    wanted = HexBytes(chain_order_id)
    return [log for log in logs if HexBytes(log["args"]["orderId"]) == wanted]


def balance(contracts: dict[str, Contract], account: str) -> int:
    return int(contracts["PaymentToken"].functions.balanceOf(account).call())


def worker_env(settings: Settings, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("LUMBUNG_") or k == "LUMBUNG_TEST_DATABASES"
    }
    env.update(
        LUMBUNG_RPC_URL=settings.rpc_url,
        LUMBUNG_DEPLOYMENT_FILE=str(settings.deployment_file),
        LUMBUNG_DATABASE_URL=settings.database_url,
        LUMBUNG_RELAYER_KEY=settings.relayer_key.get_secret_value(),
        LUMBUNG_IPFS_ROOT=str(settings.ipfs_root),
        LUMBUNG_WORKER_POLL_S="0.05",
    )
    env.update(extra)
    return env


def run_worker(
    env: dict[str, str], crash_at: CrashPoint | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``python -m api.cli worker run --once`` as a separate process; with ``crash_at``, a
    worker that dies there with status 137 (:mod:`tests.api.crashing_worker`)."""
    if crash_at is None:
        return run_cli(env, "worker", "run", "--once", timeout=timeout)
    return run_cli(env, crash_at, timeout=timeout, module="tests.api.crashing_worker")


def stored(context: Context, order_id: str) -> tuple[Order, OutboxEntry]:
    """The order and its settlement outbox entry, as the database holds them."""
    with context.sessions() as session:
        order, entry = session.get(Order, order_id), session.get(OutboxEntry, order_id)
        assert order is not None and entry is not None
        return order, entry


def balances(contracts: dict[str, Contract]) -> tuple[int, int]:
    """(the relayer's float, the distributor's balance): a settlement moves the price between."""
    return balance(contracts, RELAYER), balance(contracts, contracts["RevenueDistributor"].address)


def assert_settled_once(
    context: Context,
    contracts: dict[str, Contract],
    order: dict[str, Any],
    balances_before: tuple[int, int],
) -> Any:
    """The order is settled by exactly one Purchased event, which moved its price; returns it."""
    price = int(order["price"])
    stored_order, entry = stored(context, order["id"])
    assert stored_order.status == "settled" and entry.state == "done"
    events = purchases_of(contracts, order["chain_order_id"])
    assert len(events) == 1
    assert events[0]["args"]["purchaseId"] == stored_order.purchase_id
    assert "0x" + bytes(events[0]["transactionHash"]).hex() == stored_order.tx_hash
    before_relayer, before_distributor = balances_before
    assert balances(contracts) == (before_relayer - price, before_distributor + price)
    return events[0]
