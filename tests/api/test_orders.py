"""Orders: quotes read from the chain, idempotency, ownership, strikes, expiry; the full flow."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from hexbytes import HexBytes
from sqlalchemy import func, select
from web3 import Web3
from web3.contract import Contract

from api.context import Context
from api.main import create_app
from api.models import Order, OutboxEntry
from api.services.orders import chain_order_id
from api.services.settlement import settle_pending
from api.settings import Settings
from tests.api.harness import free_port
from tests.api.orderflow import (
    POOLS,
    RELAYER,
    as_timelock,
    balance,
    make_buyer,
    paid_order,
    pay,
    purchases_of,
    quote,
    quoted_order,
)

PROBLEM = "https://lumbung.coop/problems/"

# A pool sells only while it holds accepted contributions: every starter pool gets one.
pytestmark = pytest.mark.usefixtures("stocked")


def test_full_flow_settles_once_on_chain(
    client: TestClient, context: Context, settings: Settings, contracts: dict[str, Contract]
) -> None:
    buyer = make_buyer(context)
    distributor = contracts["RevenueDistributor"].address
    relayer_before, distributor_before = (
        balance(contracts, RELAYER),
        balance(contracts, distributor),
    )

    order = quoted_order(client, buyer, pool_id=2)
    price = POOLS[2][0]
    assert order["status"] == "quoted" and order["price"] == str(price)
    assert order["currency"] == "tUSD" and order["purpose"] == "research"
    assert order["chain_order_id"] == chain_order_id(order["id"])
    assert order["purchase_id"] is None and order["tx_hash"] is None
    expires = datetime.fromisoformat(order["expires_at"])
    assert timedelta(0) < expires - datetime.now(UTC) <= timedelta(seconds=settings.quote_ttl_s)

    paid = pay(client, settings, order["id"])
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    assert settle_pending(context) == 1

    settled = client.get(f"/v1/orders/{order['id']}", headers=buyer.headers).json()
    assert settled["status"] == "settled" and settled["reason"] is None
    events = purchases_of(contracts, order["chain_order_id"])
    assert len(events) == 1
    args = events[0]["args"]
    assert args["purchaseId"] == settled["purchase_id"] and args["poolId"] == 2
    assert HexBytes(args["buyerRef"]) == HexBytes(buyer.buyer_ref)
    assert args["buyer"] == RELAYER and args["price"] == price and args["purpose"] == 0
    assert "0x" + bytes(events[0]["transactionHash"]).hex() == settled["tx_hash"]
    market = contracts["DataMarket"]
    assert (
        market.functions.purchaseOfOrder(HexBytes(order["chain_order_id"])).call()
        == (settled["purchase_id"])
    )
    assert balance(contracts, RELAYER) == relayer_before - price
    assert balance(contracts, distributor) == distributor_before + price
    # Nothing is left to do, and a second round settles nothing twice.
    assert settle_pending(context) == 0
    assert len(purchases_of(contracts, order["chain_order_id"])) == 1
    with context.sessions() as session:
        entry = session.get(OutboxEntry, order["id"])
        assert entry is not None and entry.state == "done"


def test_idempotent_replay_and_conflict(client: TestClient, context: Context) -> None:
    buyer = make_buyer(context)
    first = quote(client, buyer, 1, "research", key="order-1")
    assert first.status_code == 201
    replay = quote(client, buyer, 1, "research", key="order-1")
    assert replay.status_code == 200 and replay.json() == first.json()
    conflict = quote(client, buyer, 3, "research", key="order-1")
    assert conflict.status_code == 409
    assert conflict.headers["content-type"] == "application/problem+json"
    assert conflict.json()["type"] == PROBLEM + "idempotency-key-reused"
    # Keys are per buyer: another buyer's same key is another order.
    other = quote(client, make_buyer(context), 1, "research", key="order-1")
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
    with context.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 2


def test_idempotency_key_is_required_and_checked(client: TestClient, context: Context) -> None:
    buyer = make_buyer(context)
    body = {"pool_id": 1, "purpose": "research"}
    for headers in (
        {},
        {"Idempotency-Key": ""},
        {"Idempotency-Key": "x" * 256},
        {"Idempotency-Key": "has space"},
    ):
        response = client.post("/v1/orders", json=body, headers={**buyer.headers, **headers})
        assert response.status_code == 422, (headers, response.text)
        assert response.json()["type"] == PROBLEM + "invalid-input"
    ok = client.post(
        "/v1/orders", json=body, headers={**buyer.headers, "Idempotency-Key": "k" * 255}
    )
    assert ok.status_code == 201
    with context.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 1


def test_orders_need_a_key_and_belong_to_their_buyer(client: TestClient, context: Context) -> None:
    alice, bob = make_buyer(context), make_buyer(context)
    order = quoted_order(client, alice)
    assert (
        client.post(
            "/v1/orders",
            json={"pool_id": 1, "purpose": "research"},
            headers={"Idempotency-Key": "k"},
        ).status_code
        == 401
    )
    assert (
        client.get(f"/v1/orders/{order['id']}", headers={"X-API-Key": "lb_nope"}).status_code == 401
    )
    assert client.get(f"/v1/orders/{order['id']}", headers=alice.headers).status_code == 200
    foreign = client.get(f"/v1/orders/{order['id']}", headers=bob.headers)
    assert foreign.status_code == 404 and foreign.json()["type"] == PROBLEM + "not-found"
    assert client.get(f"/v1/orders/{uuid.uuid4()}", headers=alice.headers).status_code == 404
    assert [o["id"] for o in client.get("/v1/orders", headers=alice.headers).json()] == [
        order["id"]
    ]
    assert client.get("/v1/orders", headers=bob.headers).json() == []


def test_refusals_at_quote_time(
    client: TestClient, context: Context, w3: Web3, contracts: dict[str, Contract]
) -> None:
    buyer, other = make_buyer(context), make_buyer(context)
    market = contracts["DataMarket"]
    purpose = quote(client, buyer, 1, "commercial")  # pool 1 allows research, public interest
    assert purpose.status_code == 409 and purpose.json()["type"] == PROBLEM + "purpose-not-allowed"
    assert "research, public_interest" in purpose.json()["detail"]
    unlisted = quote(client, buyer, 99)
    assert unlisted.status_code == 409 and unlisted.json()["type"] == PROBLEM + "pool-not-for-sale"
    assert quote(client, buyer, 1, "bogus").status_code == 422

    as_timelock(w3, contracts, market.functions.setBuyerRefStrike(HexBytes(buyer.buyer_ref), True))
    struck = quote(client, buyer)
    assert struck.status_code == 409 and struck.json()["type"] == PROBLEM + "strike-active"
    assert "data strike against this buyer" in struck.json()["detail"]
    assert quote(client, other).status_code == 201  # the strike names one buyer only

    as_timelock(w3, contracts, market.functions.setGeneralStrike(True))
    general = quote(client, other)
    assert general.status_code == 409 and "general data strike" in general.json()["detail"]
    with context.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 1


def test_a_pool_without_accepted_content_is_not_quoted(
    client: TestClient, context: Context, w3: Web3, contracts: dict[str, Contract]
) -> None:
    """DataMarket sells only pools that hold accepted contributions (issue 13): the API says so
    before the buyer pays, instead of failing the settlement afterwards."""
    registry, market = contracts["ContributionRegistry"], contracts["DataMarket"]
    as_timelock(w3, contracts, registry.functions.createPool("Empty barn", ""))
    as_timelock(w3, contracts, market.functions.setListing(4, 5 * 10**6, 1, True, b""))
    empty = quote(client, make_buyer(context), 4)
    assert empty.status_code == 409 and empty.json()["type"] == PROBLEM + "pool-not-for-sale"
    assert "no accepted contributions" in empty.json()["detail"]
    with context.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 0


def test_quote_follows_the_chain_price(
    client: TestClient, context: Context, w3: Web3, contracts: dict[str, Contract]
) -> None:
    as_timelock(w3, contracts, contracts["DataMarket"].functions.setPrice(3, 7 * 10**6))
    assert quoted_order(client, make_buyer(context), 3)["price"] == str(7 * 10**6)


def test_chain_down_is_503_and_stores_nothing(settings: Settings, context: Context) -> None:
    buyer = make_buyer(context)
    down = settings.model_copy(update={"rpc_url": f"http://127.0.0.1:{free_port()}"})
    with TestClient(create_app(down)) as client:
        response = quote(client, buyer)
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert response.json()["type"] == PROBLEM + "chain-unavailable"
    with context.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 0


def test_expired_quote_cannot_be_paid_and_is_swept(
    client: TestClient, context: Context, settings: Settings
) -> None:
    buyer = make_buyer(context)
    stale, swept = quoted_order(client, buyer), quoted_order(client, buyer)
    later = datetime.now(UTC) + timedelta(seconds=settings.quote_ttl_s + 1)
    with context.sessions() as session, session.begin():
        for order in session.scalars(select(Order)):
            order.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    shown = client.get(f"/v1/orders/{stale['id']}", headers=buyer.headers).json()
    assert shown["status"] == "expired"
    refused = pay(client, settings, stale["id"])
    assert refused.status_code == 409 and refused.json()["type"] == PROBLEM + "quote-expired"
    assert "request a new quote" in refused.json()["detail"]
    assert settle_pending(context, now=later) == 0
    with context.sessions() as session:
        for order_id in (stale["id"], swept["id"]):
            order = session.get(Order, order_id)
            assert order is not None and order.status == "expired" and order.payment_ref is None
        assert session.scalar(select(func.count()).select_from(OutboxEntry)) == 0


def test_double_payment(client: TestClient, context: Context, settings: Settings) -> None:
    order = quoted_order(client, make_buyer(context))
    first = pay(client, settings, order["id"], "bank-7")
    again = pay(client, settings, order["id"], "bank-7")
    assert first.status_code == again.status_code == 200
    assert again.json()["status"] == "paid"
    other = pay(client, settings, order["id"], "bank-8")
    assert other.status_code == 409 and other.json()["type"] == PROBLEM + "order-state"
    assert (
        client.post(f"/v1/orders/{order['id']}/payment", json={"payment_ref": "x"}).status_code
        == 401
    )
    assert (
        client.post(
            f"/v1/orders/{order['id']}/payment",
            json={"payment_ref": "x"},
            headers={"Authorization": "Bearer wrong"},
        ).status_code
        == 403
    )
    assert pay(client, settings, str(uuid.uuid4())).status_code == 404
    with context.sessions() as session:
        assert session.scalar(select(func.count()).select_from(OutboxEntry)) == 1


def test_concurrent_payments_enqueue_once(
    client: TestClient, context: Context, settings: Settings
) -> None:
    order = quoted_order(client, make_buyer(context))
    with ThreadPoolExecutor(16) as pool:
        codes = list(
            pool.map(
                lambda i: pay(client, settings, order["id"], f"r{i % 2}").status_code, range(32)
            )
        )
    assert set(codes) <= {200, 409} and codes.count(200) >= 1
    with context.sessions() as session:
        assert session.scalar(select(func.count()).select_from(OutboxEntry)) == 1


def test_200_concurrent_creations_with_100_keys_make_100_orders(
    client: TestClient, context: Context
) -> None:
    buyer = make_buyer(context)
    keys = [f"key-{i}" for i in range(100)] * 2
    start = threading.Barrier(32)

    def create(key: str) -> tuple[str, int, str]:
        try:
            start.wait(timeout=5)
        except threading.BrokenBarrierError:
            pass
        response = quote(client, buyer, 3, "ai_training", key=key)
        return key, response.status_code, response.json().get("id", response.text)

    with ThreadPoolExecutor(32) as pool:
        results = list(pool.map(create, keys))
    assert {code for _, code, _ in results} <= {200, 201}, results
    assert sum(code == 201 for _, code, _ in results) == 100
    by_key: dict[str, set[str]] = {}
    for key, _, order_id in results:
        by_key.setdefault(key, set()).add(order_id)
    assert all(len(ids) == 1 for ids in by_key.values())
    with context.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 100


def test_paid_order_is_listed_with_its_status(
    client: TestClient, context: Context, settings: Settings
) -> None:
    buyer = make_buyer(context)
    order = paid_order(client, settings, buyer, 3)
    listed = client.get("/v1/orders", headers=buyer.headers).json()
    assert [(o["id"], o["status"]) for o in listed] == [(order["id"], "paid")]
