"""The hmac provider's webhook: HMAC over the raw body, timestamp tolerance, replays, amounts."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.context import Context
from api.models import Order, OutboxEntry, WebhookEvent
from api.payments.hmac import sign
from api.services.settlement import settle_pending
from api.settings import Settings
from tests.api.orderflow import POOLS, event_for, make_buyer, quoted_order, webhook

PROBLEM = "https://lumbung.coop/problems/"

# A pool sells only while it holds accepted contributions: every starter pool gets one.
pytestmark = pytest.mark.usefixtures("stocked")


def outbox_count(context: Context) -> int:
    with context.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(OutboxEntry)) or 0)


def order_status(context: Context, order_id: str) -> str:
    with context.sessions() as session:
        order = session.get(Order, order_id)
        assert order is not None
        return order.status


def test_signed_event_pays_the_order_and_settles(
    client: TestClient, context: Context, settings: Settings
) -> None:
    order = quoted_order(client, make_buyer(context), pool_id=3)
    assert order["price"] == str(POOLS[3][0])
    response = webhook(client, settings, event_for(order))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["duplicate"] is False and body["order"]["status"] == "paid"
    assert settle_pending(context) == 1
    assert order_status(context, order["id"]) == "settled"


def test_replayed_event_is_acknowledged_once(
    client: TestClient, context: Context, settings: Settings
) -> None:
    order = quoted_order(client, make_buyer(context))
    event = event_for(order)
    first = webhook(client, settings, event)
    assert first.status_code == 200 and first.json()["duplicate"] is False
    assert settle_pending(context) == 1
    for _ in range(3):
        again = webhook(client, settings, event)
        assert again.status_code == 200 and again.json()["duplicate"] is True
        assert again.json()["order"]["status"] == "settled"
    with context.sessions() as session:
        assert session.scalar(select(func.count()).select_from(WebhookEvent)) == 1
    assert outbox_count(context) == 1
    # A second, different payment event for a paid order is a conflict, not a second payment.
    other = webhook(client, settings, event_for(order))
    assert other.status_code == 409 and other.json()["type"] == PROBLEM + "order-state"


def test_bad_signatures_are_refused(
    client: TestClient, context: Context, settings: Settings
) -> None:
    order = quoted_order(client, make_buyer(context))
    event = event_for(order)
    wrong_secret = webhook(client, settings, event, secret="not-the-secret")
    assert wrong_secret.status_code == 401
    assert wrong_secret.json()["type"] == PROBLEM + "webhook-signature-invalid"
    stale = webhook(client, settings, event, timestamp=int(time.time()) - 3600)
    assert stale.status_code == 401 and "tolerance" in stale.json()["detail"]
    future = webhook(client, settings, event, timestamp=int(time.time()) + 3600)
    assert future.status_code == 401
    raw = json.dumps(event).encode()
    for header in (None, "", "t=abc,v1=00", f"t={int(time.time())}", "v1=deadbeef"):
        headers = {"Content-Type": "application/json"}
        if header is not None:
            headers["Lumbung-Signature"] = header
        response = client.post("/v1/webhooks/payments", content=raw, headers=headers)
        assert response.status_code == 401, header
    # A valid signature over another body does not carry over (the body was tampered with).
    signed = webhook(client, settings, event)  # valid: pays the order
    assert signed.status_code == 200
    tampered_order = quoted_order(client, make_buyer(context))
    good = json.dumps(event_for(tampered_order)).encode()
    header = sign(settings.webhook_secret.get_secret_value(), int(time.time()), good)
    tampered = good.replace(b'"payment.succeeded"', b'"payment.succeeded" ')
    response = client.post(
        "/v1/webhooks/payments", content=tampered, headers={"Lumbung-Signature": header}
    )
    assert response.status_code == 401
    assert order_status(context, tampered_order["id"]) == "quoted"
    assert outbox_count(context) == 1


def test_amount_or_currency_mismatch_leaves_the_order_unpaid(
    client: TestClient, context: Context, settings: Settings
) -> None:
    order = quoted_order(client, make_buyer(context))
    short = webhook(client, settings, event_for(order, amount=str(int(order["price"]) - 1)))
    assert short.status_code == 409 and short.json()["type"] == PROBLEM + "payment-mismatch"
    assert "does not match the quote" in short.json()["detail"]
    euro = webhook(client, settings, event_for(order, currency="EUR"))
    assert euro.status_code == 409
    assert order_status(context, order["id"]) == "quoted" and outbox_count(context) == 0
    # The corrected delivery of the same event id still takes effect.
    event = event_for(order, amount="1")
    assert webhook(client, settings, event).status_code == 409
    assert webhook(client, settings, {**event, "amount": order["price"]}).status_code == 200
    assert order_status(context, order["id"]) == "paid" and outbox_count(context) == 1


def test_malformed_and_unknown_events(
    client: TestClient, context: Context, settings: Settings
) -> None:
    order = quoted_order(client, make_buyer(context))
    unknown = webhook(client, settings, event_for(order, order_id=str(uuid.uuid4())))
    assert unknown.status_code == 404
    malformed = webhook(client, settings, {"event_id": "x"})
    assert malformed.status_code == 422
    wrong_type = webhook(client, settings, event_for(order, type="payment.refunded"))
    assert wrong_type.status_code == 422
    assert order_status(context, order["id"]) == "quoted"


def test_webhook_for_an_expired_quote_is_refused(
    client: TestClient, context: Context, settings: Settings
) -> None:
    order = quoted_order(client, make_buyer(context))
    with context.sessions() as session, session.begin():
        stored = session.get(Order, order["id"])
        assert stored is not None
        stored.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    response = webhook(client, settings, event_for(order))
    assert response.status_code == 409 and response.json()["type"] == PROBLEM + "quote-expired"
    assert order_status(context, order["id"]) == "expired" and outbox_count(context) == 0


def test_event_id_reused_for_another_order_is_a_conflict(
    client: TestClient, context: Context, settings: Settings
) -> None:
    buyer = make_buyer(context)
    first, second = quoted_order(client, buyer), quoted_order(client, buyer)
    event = event_for(first)
    assert webhook(client, settings, event).status_code == 200
    reused = webhook(client, settings, event_for(second, event_id=event["event_id"]))
    assert reused.status_code == 409, reused.text
    assert reused.json()["type"] == PROBLEM + "webhook-event-reused"
    assert reused.json()["order_id"] == first["id"]
    # The second order is not reported paid; its own event still pays it.
    assert order_status(context, second["id"]) == "quoted"
    assert webhook(client, settings, event_for(second)).status_code == 200
    assert order_status(context, second["id"]) == "paid" and outbox_count(context) == 2


def test_the_hmac_provider_path_is_the_same_webhook(
    client: TestClient, context: Context, settings: Settings
) -> None:
    order = quoted_order(client, make_buyer(context))
    raw = json.dumps(event_for(order)).encode()
    header = sign(settings.webhook_secret.get_secret_value(), int(time.time()), raw)
    response = client.post(
        "/v1/webhooks/payments/hmac", content=raw, headers={"Lumbung-Signature": header}
    )
    assert response.status_code == 200, response.text
    ack = response.json()
    assert ack["provider"] == "hmac" and ack["payment_status"] == "paid"
    # The original path is the same provider: the same event is a replay there.
    replay = client.post(
        "/v1/webhooks/payments", content=raw, headers={"Lumbung-Signature": header}
    )
    assert replay.status_code == 200 and replay.json()["duplicate"] is True
    assert order_status(context, order["id"]) == "paid" and outbox_count(context) == 1
    # Providers this deployment does not enable are not found (Midtrans is off by default).
    off = client.post("/v1/webhooks/payments/midtrans", content=b"{}")
    assert off.status_code == 404 and off.json()["type"] == PROBLEM + "payment-provider-unknown"
