"""Hostile input, unauthenticated or not: every answer is a 4xx problem+json, never a 500.

Each test is an attack that once made the API answer a plain-text 500 (``str.isdigit()`` takes
"²", which ``int()`` refuses, and ``int()`` refuses more than 4,300 digits; PostgreSQL refuses
NUL in text), or read an unbounded body. They run on both databases against the real chain.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.context import Context
from api.main import create_app
from api.models import Order, WebhookEvent
from api.payments.hmac import sign
from api.request_guard import JSON_BODY_LIMIT, WEBHOOK_BODY_LIMIT
from api.settings import Settings
from tests.api.orderflow import admin, event_for, make_buyer, quoted_order, webhook

PROBLEM = "https://lumbung.coop/problems/"
PROBLEM_JSON = "application/problem+json"
HUGE = "9" * 5_000

pytestmark = pytest.mark.usefixtures("stocked")


def assert_problem(response: Any, status: int, slug: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    if slug is not None:
        assert body["type"] == PROBLEM + slug, body
    return body


def order_count(context: Context) -> int:
    with context.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Order)) or 0)


@pytest.mark.parametrize("timestamp", ["²", "١٧٠٠٠٠٠٠٠٠", HUGE, "-1", "+1700000000", ""])
def test_webhook_timestamp_that_is_not_ascii_digits_is_401(
    client: TestClient, settings: Settings, timestamp: str
) -> None:
    raw = b'{"event_id": "x"}'
    # Header bytes are read as Latin-1: b"\xb2" arrives as "²", for which isdigit() is true.
    value = f"t={timestamp},v1=" + "00" * 32
    header = value.encode("latin-1") if value.isascii() or "²" in value else value.encode()
    response = client.post(
        "/v1/webhooks/payments", content=raw, headers={"Lumbung-Signature": header}
    )
    assert_problem(response, 401, "webhook-signature-invalid")


@pytest.mark.parametrize("candidate", ["²" * 64, "zz" * 32, "00" * 31, ""])
def test_webhook_signature_that_is_not_a_hex_digest_is_401(
    client: TestClient, candidate: str
) -> None:
    header = f"t={int(time.time())},v1={candidate}".encode("latin-1")
    response = client.post(
        "/v1/webhooks/payments", content=b"{}", headers={"Lumbung-Signature": header}
    )
    assert_problem(response, 401, "webhook-signature-invalid")


@pytest.mark.parametrize("proposal_id", ["²", "١", HUGE, str(2**256), "1e3", "-1", " 1"])
def test_proposal_id_that_is_not_a_uint256_is_422(client: TestClient, proposal_id: str) -> None:
    response = client.get(f"/v1/governance/proposals/{proposal_id}")
    assert_problem(response, 422, "invalid-input")


def test_largest_uint256_proposal_id_is_a_plain_404(client: TestClient) -> None:
    assert_problem(client.get(f"/v1/governance/proposals/{2**256 - 1}"), 404, "not-found")


def test_nul_in_a_path_or_query_is_400(
    client: TestClient, context: Context, settings: Settings
) -> None:
    buyer = make_buyer(context)
    assert_problem(client.get("/v1/orders/%00", headers=buyer.headers), 400, "bad-request")
    assert_problem(client.get("/v1/orders/abc%00def", headers=buyer.headers), 400)
    assert_problem(
        client.post("/v1/orders/%00/payment", json={"payment_ref": "r"}, headers=admin(settings)),
        400,
    )
    assert_problem(client.get("/v1/members/%00"), 400)  # unauthenticated
    assert_problem(client.get("/v1/orders?limit=1%00", headers=buyer.headers), 400)


def test_nul_in_a_body_is_422_and_stores_nothing(
    client: TestClient, context: Context, settings: Settings
) -> None:
    order = quoted_order(client, make_buyer(context))
    refused = webhook(client, settings, event_for(order, event_id="evt\x00nul"))
    assert_problem(refused, 422, "invalid-input")
    assert "NUL" in refused.json()["detail"]
    confirm = client.post(
        f"/v1/orders/{order['id']}/payment", json={"payment_ref": "bank\x00"},
        headers=admin(settings),
    )
    assert_problem(confirm, 422, "invalid-input")
    with context.sessions() as session:
        assert session.scalar(select(func.count()).select_from(WebhookEvent)) == 0
        stored = session.get(Order, order["id"])
        assert stored is not None and stored.status == "quoted"


@pytest.mark.parametrize("amount", [HUGE, str(2**256), "²", "١٠", "-1", "1.0", "0x10", ""])
def test_signed_amount_that_is_not_a_uint256_is_422(
    client: TestClient, context: Context, settings: Settings, amount: str
) -> None:
    order = quoted_order(client, make_buyer(context))
    response = webhook(client, settings, event_for(order, amount=amount))
    assert_problem(response, 422, "invalid-input")


def test_largest_uint256_amount_is_a_mismatch_not_an_error(
    client: TestClient, context: Context, settings: Settings
) -> None:
    order = quoted_order(client, make_buyer(context))
    response = webhook(client, settings, event_for(order, amount=str(2**256 - 1)))
    assert_problem(response, 409, "payment-mismatch")


@pytest.mark.parametrize("pool_id", [True, "1", " 1", 1.0, None, [1]])
def test_pool_id_takes_a_json_integer_only(
    client: TestClient, context: Context, pool_id: Any
) -> None:
    buyer = make_buyer(context)
    response = client.post(
        "/v1/orders",
        json={"pool_id": pool_id, "purpose": "research"},
        headers={**buyer.headers, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert_problem(response, 422, "invalid-input")
    assert order_count(context) == 0
    good = client.post(
        "/v1/orders",
        json={"pool_id": 1, "purpose": "research"},
        headers={**buyer.headers, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert good.status_code == 201, good.text


def test_oversized_json_body_is_413_before_it_is_parsed(
    client: TestClient, context: Context
) -> None:
    buyer = make_buyer(context)
    padding = "x" * (JSON_BODY_LIMIT + 1)
    body = json.dumps({"pool_id": 1, "purpose": "research", "padding": padding}).encode()
    headers = {**buyer.headers, "Idempotency-Key": uuid.uuid4().hex,
               "Content-Type": "application/json"}
    declared = client.post("/v1/orders", content=body, headers=headers)
    assert_problem(declared, 413, "payload-too-large")

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit applies as it streams
        for start in range(0, len(body), 4096):
            yield body[start:start + 4096]

    streamed = client.post("/v1/orders", content=chunks(), headers=headers)
    assert_problem(streamed, 413, "payload-too-large")
    assert order_count(context) == 0


def test_webhook_header_is_checked_before_the_body_and_the_body_is_bounded(
    client: TestClient, context: Context, settings: Settings
) -> None:
    big = b"{" + b" " * (WEBHOOK_BODY_LIMIT + 1) + b"}"
    secret = settings.webhook_secret.get_secret_value()

    def streamed(data: bytes) -> Iterator[bytes]:
        yield from (data[i:i + 1024] for i in range(0, len(data), 1024))

    # An unsigned or stale flood is refused on its header alone.
    for header in ({}, {"Lumbung-Signature": f"t={int(time.time()) - 3600},v1=00"}):
        response = client.post("/v1/webhooks/payments", content=streamed(big), headers=header)
        assert_problem(response, 401, "webhook-signature-invalid")
    # A well-formed header does not buy an unbounded read, declared or streamed.
    header = {"Lumbung-Signature": sign(secret, int(time.time()), big)}
    assert_problem(client.post("/v1/webhooks/payments", content=big, headers=header), 413)
    assert_problem(
        client.post("/v1/webhooks/payments", content=streamed(big), headers=header), 413
    )
    # A real event still fits.
    order = quoted_order(client, make_buyer(context))
    assert webhook(client, settings, event_for(order)).status_code == 200


def test_unexpected_error_is_a_problem_500_without_details(
    context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.services import catalogue

    def explode(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("postgresql://lumbung:hunter2@db.internal/lumbung broke")

    monkeypatch.setattr(catalogue, "list_pools", explode)
    with TestClient(create_app(context=context), raise_server_exceptions=False) as client:
        response = client.get("/v1/pools")
    body = assert_problem(response, 500, "internal-error")
    assert body["detail"] is None
    assert "hunter2" not in response.text and "RuntimeError" not in response.text


def test_the_openapi_document_shows_the_strict_types(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    pool_id = schemas["OrderCreate"]["properties"]["pool_id"]
    assert pool_id["type"] == "integer" and "anyOf" not in pool_id
    webhook_body = document["paths"]["/v1/webhooks/payments"]["post"]["requestBody"]
    amount = webhook_body["content"]["application/json"]["schema"]["properties"]["amount"]
    assert amount["type"] == "string" and amount["pattern"] == "^[0-9]{1,78}$"
    assert schemas["OrderPublic"]["properties"]["price"]["pattern"] == "^[0-9]{1,78}$"
    operation = document["paths"]["/v1/governance/proposals/{proposal_id}"]["get"]
    (parameter,) = operation["parameters"]
    assert parameter["schema"]["pattern"] == "^[0-9]{1,78}$"
    assert "413" in document["paths"]["/v1/orders"]["post"]["responses"]
