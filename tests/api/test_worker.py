"""The settlement worker: exactly once through crashes, refusals, outages and lost nonces.

Crash tests run the worker as a real process (:mod:`tests.api.crashing_worker`) whose crash hook
exits with status 137 at that point, as a kill would; a second run, the real ``python -m api.cli
worker run --once``, must end with the order settled exactly once on chain.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from web3 import Web3
from web3.contract import Contract

from api import worker
from api.context import Context
from api.errors import ChainUnavailableError
from api.indexer import index_until_head
from api.models import Purchase
from api.services.settlement import CrashPoint, settle_pending
from api.settings import Settings
from tests.api.harness import free_port
from tests.api.orderflow import (
    POOLS,
    RELAYER,
    as_timelock,
    assert_settled_once,
    balance,
    balances,
    make_buyer,
    paid_order,
    purchases_of,
    run_worker,
    stored,
    worker_env,
)

# A pool sells only while it holds accepted contributions: every starter pool gets one.
pytestmark = pytest.mark.usefixtures("stocked")


@pytest.mark.parametrize("crash_at", list(CrashPoint))
def test_crash_at_each_point_then_restart_settles_once(
    crash_at: CrashPoint,
    client: TestClient,
    context: Context,
    settings: Settings,
    contracts: dict[str, Contract],
) -> None:
    order = paid_order(client, settings, make_buyer(context), pool_id=2)
    before = balances(contracts)
    crashed = run_worker(worker_env(settings), crash_at=crash_at)
    assert crashed.returncode == 137, crashed.stderr
    _, entry = stored(context, order["id"])
    assert entry.state in {"signed", "sent"} and entry.raw_tx and entry.tx_hash
    on_chain = len(purchases_of(contracts, order["chain_order_id"]))
    assert on_chain == (0 if crash_at == CrashPoint.BEFORE_SEND else 1)

    restarted = run_worker(worker_env(settings))
    assert restarted.returncode == 0, restarted.stderr
    assert_settled_once(context, contracts, order, before)
    # The outbox kept the first signature: the restart sent that same transaction or found it.
    assert stored(context, order["id"])[0].tx_hash == entry.tx_hash
    again = run_worker(worker_env(settings))
    assert again.returncode == 0 and "settled 0 orders" in again.stdout
    assert len(purchases_of(contracts, order["chain_order_id"])) == 1


def test_nonce_consumed_by_another_transaction_signs_anew(
    client: TestClient,
    context: Context,
    settings: Settings,
    w3: Web3,
    contracts: dict[str, Contract],
) -> None:
    order = paid_order(client, settings, make_buyer(context))
    before = balances(contracts)
    assert run_worker(worker_env(settings), crash_at=CrashPoint.BEFORE_SEND).returncode == 137
    _, entry = stored(context, order["id"])
    # Something else (an operator's manual transaction) takes the relayer's nonce.
    assert w3.eth.get_transaction_count(RELAYER) == entry.nonce
    tx = w3.eth.send_transaction({"from": RELAYER, "to": RELAYER, "value": 0})
    assert w3.eth.wait_for_transaction_receipt(tx)["status"] == 1

    assert run_worker(worker_env(settings)).returncode == 0
    assert_settled_once(context, contracts, order, before)
    settled_order, _ = stored(context, order["id"])
    assert settled_order.tx_hash != entry.tx_hash  # signed anew, at a fresh nonce
    resent = w3.eth.get_transaction(settled_order.tx_hash)
    assert resent["nonce"] > (entry.nonce or 0) and resent["from"] == RELAYER


def test_dropped_transaction_is_broadcast_again(
    client: TestClient,
    context: Context,
    settings: Settings,
    w3: Web3,
    contracts: dict[str, Contract],
) -> None:
    order = paid_order(client, settings, make_buyer(context))
    before = balances(contracts)
    # The relayer's approval is mined first, so the settlement is its only pending transaction.
    approve = contracts["PaymentToken"].functions.approve(
        contracts["DataMarket"].address, 2**256 - 1
    )
    w3.eth.wait_for_transaction_receipt(approve.transact({"from": RELAYER}))
    w3.provider.make_request("evm_setAutomine", [False])  # type: ignore[arg-type]
    try:
        crashed = run_worker(worker_env(settings), crash_at=CrashPoint.AFTER_SEND)
        assert crashed.returncode == 137, crashed.stderr
        _, entry = stored(context, order["id"])
        assert entry.state == "sent"
        # The node forgets the pending transaction (a restart, a mempool eviction).
        dropped = w3.provider.make_request(
            "anvil_dropTransaction",
            [entry.tx_hash],  # type: ignore[arg-type]
        )
        assert "error" not in dropped, dropped
    finally:
        w3.provider.make_request("evm_setAutomine", [True])  # type: ignore[arg-type]
    assert purchases_of(contracts, order["chain_order_id"]) == []
    assert run_worker(worker_env(settings)).returncode == 0
    assert_settled_once(context, contracts, order, before)
    assert stored(context, order["id"])[0].tx_hash == entry.tx_hash  # the same raw transaction


def test_strike_after_payment_refuses_the_order(
    client: TestClient,
    context: Context,
    settings: Settings,
    w3: Web3,
    contracts: dict[str, Contract],
) -> None:
    buyer = make_buyer(context)
    order = paid_order(client, settings, buyer)
    before = balances(contracts)
    market = contracts["DataMarket"].functions
    as_timelock(w3, contracts, market.setBuyerRefStrike(bytes.fromhex(buyer.buyer_ref[2:]), True))
    assert settle_pending(context) == 0
    shown = client.get(f"/v1/orders/{order['id']}", headers=buyer.headers).json()
    assert shown["status"] == "refused"
    assert shown["reason"].startswith("DataMarketStrike") and "data strike" in shown["reason"]
    assert purchases_of(contracts, order["chain_order_id"]) == []
    assert balances(contracts) == before
    assert stored(context, order["id"])[1].state == "done"


def test_price_raised_after_quote_refuses_the_order(
    client: TestClient,
    context: Context,
    settings: Settings,
    w3: Web3,
    contracts: dict[str, Contract],
) -> None:
    buyer = make_buyer(context)
    order = paid_order(client, settings, buyer)
    as_timelock(w3, contracts, contracts["DataMarket"].functions.setPrice(1, POOLS[1][0] + 1))
    before = balances(contracts)
    assert settle_pending(context) == 0
    shown = client.get(f"/v1/orders/{order['id']}", headers=buyer.headers).json()
    assert shown["status"] == "refused" and shown["reason"].startswith("DataMarketPriceAboveMax")
    assert purchases_of(contracts, order["chain_order_id"]) == [] and balances(contracts) == before


def test_price_lowered_after_quote_pays_the_pool_what_the_buyer_paid(
    client: TestClient,
    context: Context,
    settings: Settings,
    w3: Web3,
    contracts: dict[str, Contract],
) -> None:
    """Issue 14 item 3: the buyer paid 25, the price fell to 5; the pool earns 25, not 5."""
    buyer = make_buyer(context)
    order = paid_order(client, settings, buyer)
    paid = int(order["price"])
    assert paid == POOLS[1][0]
    as_timelock(w3, contracts, contracts["DataMarket"].functions.setPrice(1, paid // 5))
    before = balances(contracts)
    assert settle_pending(context) == 1
    assert_settled_once(context, contracts, order, before)  # the relayer paid in all it was paid
    index_until_head(context)
    shown = client.get(f"/v1/orders/{order['id']}", headers=buyer.headers).json()
    assert int(shown["price"]) == paid
    with context.sessions() as session:
        purchase = session.get(Purchase, shown["purchase_id"])
        assert purchase is not None and purchase.price == paid
    pool = next(p for p in client.get("/v1/ledger").json()["pools"] if int(p["pool_id"]) == 1)
    assert int(pool["revenue"]) == paid


def test_insufficient_balance_is_retried_with_backoff(
    client: TestClient,
    context: Context,
    settings: Settings,
    w3: Web3,
    contracts: dict[str, Contract],
) -> None:
    order = paid_order(client, settings, make_buyer(context))
    token = contracts["PaymentToken"].functions
    float_ = balance(contracts, RELAYER)
    tx = token.transfer(contracts["TimelockController"].address, float_).transact({"from": RELAYER})
    w3.eth.wait_for_transaction_receipt(tx)
    assert settle_pending(context) == 0
    stored_order, entry = stored(context, order["id"])
    assert stored_order.status == "paid" and "ERC20InsufficientBalance" in (entry.last_error or "")
    assert "ERC20InsufficientBalance" in (stored_order.reason or "")
    assert entry.attempts == 1
    next_attempt = entry.next_attempt_at.replace(tzinfo=UTC)
    assert next_attempt > datetime.now(UTC)
    assert settle_pending(context) == 0  # not due yet: nothing is tried
    assert stored(context, order["id"])[1].attempts == 1

    tx = token.mint(RELAYER, float_).transact({"from": RELAYER})
    w3.eth.wait_for_transaction_receipt(tx)
    before = balances(contracts)
    assert settle_pending(context, now=next_attempt + timedelta(seconds=1)) == 1
    assert_settled_once(context, contracts, order, before)
    assert stored(context, order["id"])[0].reason is None


def test_chain_down_during_settlement_loses_nothing(
    client: TestClient, context: Context, settings: Settings, contracts: dict[str, Contract]
) -> None:
    order = paid_order(client, settings, make_buyer(context))
    before = balances(contracts)
    # Signed and committed, then the worker dies before sending.
    assert run_worker(worker_env(settings), crash_at=CrashPoint.BEFORE_SEND).returncode == 137
    dead_rpc = f"http://127.0.0.1:{free_port()}"
    down = settings.model_copy(
        update={"rpc_url": dead_rpc, "rpc_timeout_s": 1, "worker_max_backoff_s": 0.4}
    )
    # The worker process reports the outage (EX_TEMPFAIL) and changes nothing.
    offline = run_worker(worker_env(down, LUMBUNG_RPC_URL=dead_rpc))
    assert offline.returncode == 75 and "chain unavailable" in offline.stderr
    down_context = Context(down)
    try:
        with pytest.raises(ChainUnavailableError):
            settle_pending(down_context)
        # The loop keeps running through the outage, backing off.
        stop = threading.Event()
        loop = threading.Thread(target=worker.run, args=(down_context,), kwargs={"stop": stop})
        loop.start()
        loop.join(1.0)
        assert loop.is_alive()
        stop.set()
        loop.join(5)
        assert not loop.is_alive()
    finally:
        down_context.close()
    stored_order, entry = stored(context, order["id"])
    assert stored_order.status == "settling" and entry.state == "signed"
    assert purchases_of(contracts, order["chain_order_id"]) == []
    # The chain is back.
    assert settle_pending(context) == 1
    assert_settled_once(context, contracts, order, before)


def test_crash_hook_is_called_at_each_point_in_order(
    client: TestClient, context: Context, settings: Settings, contracts: dict[str, Contract]
) -> None:
    order = paid_order(client, settings, make_buyer(context))
    before = balances(contracts)
    reached: list[CrashPoint] = []
    assert worker.run(context, once=True, crash=reached.append) == 1
    assert reached == [CrashPoint.BEFORE_SEND, CrashPoint.AFTER_SEND, CrashPoint.AFTER_RECEIPT]
    assert_settled_once(context, contracts, order, before)


def test_many_orders_settle_in_one_round(
    client: TestClient, context: Context, settings: Settings, contracts: dict[str, Contract]
) -> None:
    orders = [paid_order(client, settings, make_buyer(context), pool_id=3) for _ in range(5)]
    before = balances(contracts)
    assert settle_pending(context) == 5
    for order in orders:
        assert len(purchases_of(contracts, order["chain_order_id"])) == 1
    assert balances(contracts) == (before[0] - 5 * POOLS[3][0], before[1] + 5 * POOLS[3][0])
