"""The payment provider seam: the factory, Midtrans's signature_key, and its webhook end to end.

Midtrans vectors come from its documentation: the inputs and server key of "Receiving
Notifications" (https://docs.midtrans.com/reference/receiving-notifications), whose page does
not print the hash; the expected SHA-512 below is the one other Midtrans integrations' tests
publish for the same inputs. Notification bodies have the fields and shapes of the documented
sample notifications.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select

from api.context import Context
from api.errors import ValidationError, WebhookSignatureError
from api.models import WebhookEvent
from api.payments.errors import ProviderConfigError
from api.payments.factory import open_providers
from api.payments.hmac import HmacProvider
from api.payments.interface import PaymentProvider, PaymentStatus
from api.payments.midtrans import MidtransProvider, signature_key
from api.services.settlement import settle_pending
from api.settings import DevelopmentKeyError, Settings
from tests.api.harness import AnvilChain, api_settings
from tests.api.orderflow import event_for, make_buyer, quoted_order, webhook
from tests.api.test_settings import OWN_KEYS, SEPOLIA
from tests.api.test_webhook import PROBLEM, order_status, outbox_count

# The documentation's example inputs and the SHA-512 of their concatenation.
DOC_SERVER_KEY = "askvnoibnosifnboseofinbofinfgbiufglnbfg"
DOC_SIGNATURE = (
    "edc076b21793ebe3e17926350f5b8ae67d902fe657b3d0aa31b932d5c127e237"
    "5d308a2bc94f3265ac2d80a1f181a79b997ac178a236fcff35af263fc4d4c231"
)
# The documented pending bank-transfer notification (midtrans-python-client's example).
DOC_PENDING = {
    "currency": "IDR",
    "fraud_status": "accept",
    "gross_amount": "24145.00",
    "order_id": "test-transaction-321",
    "payment_type": "bank_transfer",
    "status_code": "201",
    "status_message": "Success, Bank Transfer transaction is created",
    "transaction_id": "6ee793df-9b1d-4343-8eda-cc9663b4222f",
    "transaction_status": "pending",
    "transaction_time": "2018-10-24 15:34:33",
    "va_numbers": [{"bank": "bca", "va_number": "490526303019299"}],
}
# The test cooperative prices in tUSD (6 decimals); here it stands for an IDR-pegged token.
SYMBOL, DECIMALS = "tUSD", 6
MIDTRANS_PATH = "/v1/webhooks/payments/midtrans"
# Both providers enabled, Midtrans under the documentation's key.
BOTH = {
    "payment_providers": "hmac,midtrans",
    "midtrans_server_key": SecretStr(DOC_SERVER_KEY),
    "midtrans_symbol": SYMBOL,
    "midtrans_decimals": DECIMALS,
}
OFFLINE = Settings().model_copy(update=BOTH)
# The API tests sell: every starter pool holds an accepted contribution.
selling = pytest.mark.usefixtures("stocked")


@pytest.fixture
def settings(anvil: AnvilChain, database_url: str, tmp_path: Path) -> Settings:
    return api_settings(anvil, database_url, tmp_path).model_copy(update=BOTH)


def signed(notification: dict[str, Any], key: str = DOC_SERVER_KEY) -> dict[str, Any]:
    key_of = signature_key(
        notification["order_id"], notification["status_code"], notification["gross_amount"], key
    )
    return {**notification, "signature_key": key_of}


def raw(notification: dict[str, Any]) -> bytes:
    return json.dumps(notification).encode()


def notification(
    order: dict[str, Any], status: str = "settlement", code: str = "200", **changes: Any
) -> dict[str, Any]:
    """A signed Midtrans notification for ``order``, paying its price in full."""
    gross = f"{int(order['price']) / 10**DECIMALS:.2f}"
    body = {
        **DOC_PENDING,
        "order_id": order["id"],
        "gross_amount": gross,
        "status_code": code,
        "status_message": "midtrans payment notification",
        "transaction_id": str(uuid.uuid4()),
        "transaction_status": status,
        **changes,
    }
    return signed(body)


def notify(client: TestClient, body: dict[str, Any]) -> Any:
    headers = {"Content-Type": "application/json"}
    return client.post(MIDTRANS_PATH, content=raw(body), headers=headers)


def midtrans() -> PaymentProvider:
    return open_providers(OFFLINE)["midtrans"]


def test_the_documented_signature_key() -> None:
    assert signature_key("1111", "200", "100000.00", DOC_SERVER_KEY) == DOC_SIGNATURE


def test_the_documented_pending_notification_verifies() -> None:
    notice = midtrans().verify({}, raw(signed(DOC_PENDING)))
    assert notice.provider == "midtrans" and notice.status is PaymentStatus.PENDING
    assert notice.order_id == "test-transaction-321"
    assert notice.event_id == "6ee793df-9b1d-4343-8eda-cc9663b4222f:pending"
    assert notice.payment_ref == "midtrans:6ee793df-9b1d-4343-8eda-cc9663b4222f"
    assert (notice.amount, notice.currency) == (24145 * 10**DECIMALS, SYMBOL)
    assert notice.payload["va_numbers"][0]["bank"] == "bca"


@pytest.mark.parametrize(
    ("transaction_status", "fraud_status", "expected"),
    [
        ("settlement", "accept", PaymentStatus.PAID),
        ("capture", "accept", PaymentStatus.PAID),
        ("capture", "challenge", PaymentStatus.PENDING),
        ("capture", "deny", PaymentStatus.FAILED),
        ("pending", "accept", PaymentStatus.PENDING),
        ("deny", "deny", PaymentStatus.FAILED),
        ("cancel", "accept", PaymentStatus.FAILED),
        ("expire", "accept", PaymentStatus.FAILED),
        ("failure", "accept", PaymentStatus.FAILED),
        ("refund", "accept", PaymentStatus.REFUNDED),
        ("partial_refund", "accept", PaymentStatus.REFUNDED),
        ("authorize", "accept", PaymentStatus.PENDING),
    ],
)
def test_transaction_statuses(
    transaction_status: str, fraud_status: str, expected: PaymentStatus
) -> None:
    body = signed(
        {
            **DOC_PENDING,
            "status_code": "200",
            "transaction_status": transaction_status,
            "fraud_status": fraud_status,
        }
    )
    assert midtrans().verify({}, raw(body)).status is expected


def test_what_the_signature_does_not_cover_is_not_believed() -> None:
    provider = midtrans()
    tampered = {**signed(DOC_PENDING), "gross_amount": "1.00"}
    with pytest.raises(WebhookSignatureError, match="does not match"):
        provider.verify({}, raw(tampered))
    with pytest.raises(WebhookSignatureError):
        provider.verify({}, raw(signed(DOC_PENDING, key="another merchant's key")))
    # transaction_status is unsigned: a pending notice (201) turned into a settlement is refused.
    promoted = {**signed(DOC_PENDING), "transaction_status": "settlement"}
    with pytest.raises(WebhookSignatureError, match="status_code 200"):
        provider.verify({}, raw(promoted))


def test_malformed_notifications_are_invalid_input() -> None:
    provider = midtrans()
    for body in (
        {"order_id": "1111"},
        {**signed(DOC_PENDING), "gross_amount": 24145},
        {**signed(DOC_PENDING), "signature_key": "zz" * 64},
    ):
        with pytest.raises(ValidationError, match="malformed"):
            provider.verify({}, raw(body))
    whole_rupiah = open_providers(OFFLINE.model_copy(update={"midtrans_decimals": 0}))
    with pytest.raises(ValidationError, match="whole number"):
        whole_rupiah["midtrans"].verify({}, raw(signed({**DOC_PENDING, "gross_amount": "1.50"})))


def test_the_factory_builds_the_enabled_providers() -> None:
    providers = open_providers(OFFLINE)
    assert set(providers) == {"hmac", "midtrans"}
    assert isinstance(providers["hmac"], HmacProvider)
    assert isinstance(providers["midtrans"], MidtransProvider)
    assert all(isinstance(p, PaymentProvider) for p in providers.values())
    only_hmac = OFFLINE.model_copy(update={"payment_providers": "hmac"})
    assert set(open_providers(only_hmac)) == {"hmac"}
    with pytest.raises(ProviderConfigError, match="'stripe'"):
        open_providers(OFFLINE.model_copy(update={"payment_providers": "hmac, stripe"}))


def test_the_development_server_key_is_refused_where_midtrans_is_enabled() -> None:
    own = {**OWN_KEYS, "registrar_key": None}
    Settings().model_copy(update=own).check_chain(SEPOLIA)  # Midtrans off: its key is unused
    enabled = Settings().model_copy(update={**own, "payment_providers": "hmac,midtrans"})
    with pytest.raises(DevelopmentKeyError, match="LUMBUNG_MIDTRANS_SERVER_KEY"):
        enabled.check_chain(SEPOLIA)
    enabled.model_copy(update={"midtrans_server_key": SecretStr("own")}).check_chain(SEPOLIA)


@selling
def test_a_settlement_pays_the_order_once_and_it_settles(
    client: TestClient, context: Context
) -> None:
    order = quoted_order(client, make_buyer(context), pool_id=3)
    body = notification(order)
    response = notify(client, body)
    assert response.status_code == 200, response.text
    ack = response.json()
    assert ack["provider"] == "midtrans" and ack["payment_status"] == "paid"
    assert ack["duplicate"] is False and ack["order"]["status"] == "paid"
    again = notify(client, body)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert settle_pending(context) == 1
    assert order_status(context, order["id"]) == "settled" and outbox_count(context) == 1


@selling
def test_pending_and_failed_notices_change_nothing_then_the_settlement_pays(
    client: TestClient, context: Context
) -> None:
    order = quoted_order(client, make_buyer(context))
    for status, code in (("pending", "201"), ("deny", "202"), ("expire", "407")):
        response = notify(client, notification(order, status, code))
        assert response.status_code == 200, response.text
        assert response.json()["payment_status"] in {"pending", "failed"}
        assert order_status(context, order["id"]) == "quoted"
    transaction = str(uuid.uuid4())
    capture = notification(order, "capture", transaction_id=transaction, fraud_status="accept")
    assert notify(client, capture).json()["order"]["status"] == "paid"
    # The settlement of the same transaction is the same payment, not a second one.
    settlement = notification(order, transaction_id=transaction)
    assert notify(client, settlement).status_code == 200
    assert order_status(context, order["id"]) == "paid" and outbox_count(context) == 1


@selling
def test_an_amount_or_currency_off_the_quote_leaves_the_order_unpaid(
    client: TestClient, context: Context
) -> None:
    order = quoted_order(client, make_buyer(context))
    short = notification(order, gross_amount="1.00")
    response = notify(client, short)
    assert response.status_code == 409 and response.json()["type"] == PROBLEM + "payment-mismatch"
    assert response.json()["expected_amount"] == order["price"]
    dollars = notify(client, notification(order, currency="USD"))
    assert dollars.status_code == 409 and "USD" in dollars.json()["detail"]
    assert order_status(context, order["id"]) == "quoted" and outbox_count(context) == 0
    # Nothing was recorded: the corrected notification of the same transaction pays.
    fixed = notification(order, transaction_id=short["transaction_id"])
    assert notify(client, fixed).status_code == 200
    assert order_status(context, order["id"]) == "paid"


@selling
def test_refusals_are_problems(client: TestClient, context: Context) -> None:
    order = quoted_order(client, make_buyer(context))
    unknown = client.post("/v1/webhooks/payments/stripe", content=b"{}")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("application/problem+json")
    assert unknown.json()["type"] == PROBLEM + "payment-provider-unknown"
    forged = notify(client, signed(notification(order), key="not the server key"))
    assert forged.status_code == 401
    assert forged.json()["type"] == PROBLEM + "webhook-signature-invalid"
    missing = notify(client, notification(order, order_id=str(uuid.uuid4())))
    assert missing.status_code == 404
    assert notify(client, {"order_id": order["id"]}).status_code == 422
    assert order_status(context, order["id"]) == "quoted"


@selling
def test_a_transaction_reused_for_another_order_is_a_conflict(
    client: TestClient, context: Context
) -> None:
    buyer = make_buyer(context)
    first, second = quoted_order(client, buyer), quoted_order(client, buyer)
    paid = notification(first)
    assert notify(client, paid).status_code == 200
    reused = notify(client, notification(second, transaction_id=paid["transaction_id"]))
    assert reused.status_code == 409
    assert reused.json()["type"] == PROBLEM + "webhook-event-reused"
    assert order_status(context, second["id"]) == "quoted"


@selling
def test_event_ids_are_unique_per_provider(
    client: TestClient, context: Context, settings: Settings
) -> None:
    buyer = make_buyer(context)
    first, second = quoted_order(client, buyer), quoted_order(client, buyer)
    paid = notification(first)
    assert notify(client, paid).status_code == 200
    same_id = event_for(second, event_id=f"{paid['transaction_id']}:settlement")
    assert webhook(client, settings, same_id).status_code == 200
    with context.sessions() as session:
        keys = session.execute(select(WebhookEvent.provider, WebhookEvent.event_id)).all()
    assert sorted(provider for provider, _ in keys) == ["hmac", "midtrans"]
    assert len({event_id for _, event_id in keys}) == 1
