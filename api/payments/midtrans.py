"""Midtrans's HTTP notification, verified by its ``signature_key``.

Midtrans POSTs a JSON notification to the merchant's Payment Notification URL (here
``/v1/webhooks/payments/midtrans``) each time a transaction's status changes. Its
``signature_key`` is the hex SHA-512 of ``order_id + status_code + gross_amount + server key``
(https://docs.midtrans.com/reference/receiving-notifications), over the strings exactly as sent
(``gross_amount`` keeps its decimals: ``"100000.00"``).

Mapping to Lumbung's orders:

- The Midtrans ``order_id`` is our order's ``id`` (a UUID, 36 characters; Midtrans allows 50):
  the buyer's Snap or Core API transaction is created with it.
- ``transaction_status`` ``settlement``, or ``capture`` with ``fraud_status`` ``accept``, is
  paid; ``capture`` under ``challenge`` and ``pending`` are pending; ``deny``, ``cancel``,
  ``expire`` and ``failure`` are failed; ``refund`` and ``partial_refund`` are refunded. Any
  other status is treated as pending: acknowledged, changing nothing.
- Midtrans charges rupiah. An order can be paid through Midtrans only when the cooperative
  prices in an IDR-pegged payment token: ``LUMBUNG_MIDTRANS_SYMBOL`` names it and
  ``LUMBUNG_MIDTRANS_DECIMALS`` gives its decimals, so ``"10000.00"`` IDR is
  ``10000 × 10^decimals`` base units. An order quoted in another token is refused as a mismatch.
- A notice has no event id of its own: the event is ``<transaction_id>:<transaction_status>``,
  and the payment is ``midtrans:<transaction_id>`` (a capture and its settlement are one
  payment).

The signature does not cover ``transaction_status`` or ``transaction_id``. A paid status is
therefore believed only with the signed ``status_code`` ``200``; Midtrans's own advice for
full assurance is to confirm with its GET status API, which this provider does not call.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from decimal import Decimal

from pydantic import Field

from api.errors import ValidationError, WebhookSignatureError
from api.payments.interface import PaymentNotice, PaymentStatus, parse_body
from api.schemas.common import RequestBody

MIDTRANS_CURRENCY = "IDR"
# The status code of a successful charge; pending is 201, denied 202, expired 407.
SUCCESS_STATUS_CODE = "200"

_STATUSES = {
    "settlement": PaymentStatus.PAID,
    "pending": PaymentStatus.PENDING,
    "deny": PaymentStatus.FAILED,
    "cancel": PaymentStatus.FAILED,
    "expire": PaymentStatus.FAILED,
    "failure": PaymentStatus.FAILED,
    "refund": PaymentStatus.REFUNDED,
    "partial_refund": PaymentStatus.REFUNDED,
}
_CAPTURE = {"accept": PaymentStatus.PAID, "challenge": PaymentStatus.PENDING}


class MidtransNotification(RequestBody):
    """The fields of a Midtrans transaction notification that Lumbung reads (others are kept
    in the notice's payload)."""

    order_id: str = Field(min_length=1, max_length=50)
    status_code: str = Field(pattern=r"^[0-9]{3}$")
    gross_amount: str = Field(pattern=r"^[0-9]{1,30}(\.[0-9]{1,2})?$", examples=["10000.00"])
    signature_key: str = Field(pattern=r"^[0-9A-Fa-f]{128}$")
    transaction_id: str = Field(min_length=1, max_length=64)
    transaction_status: str = Field(min_length=1, max_length=32)
    fraud_status: str | None = Field(default=None, max_length=32)
    currency: str | None = Field(default=None, max_length=16)


def signature_key(order_id: str, status_code: str, gross_amount: str, server_key: str) -> str:
    """The ``signature_key`` Midtrans sends with a transaction notification."""
    text = order_id + status_code + gross_amount + server_key
    return hashlib.sha512(text.encode()).hexdigest()


def payment_status(notification: MidtransNotification) -> PaymentStatus:
    """What the notification's ``transaction_status`` (and ``fraud_status``) say."""
    if notification.transaction_status == "capture":
        return _CAPTURE.get(notification.fraud_status or "", PaymentStatus.FAILED)
    return _STATUSES.get(notification.transaction_status, PaymentStatus.PENDING)


class MidtransProvider:
    """The ``midtrans`` provider: notifications signed with the merchant's server key."""

    name = "midtrans"
    body_model = MidtransNotification

    def __init__(self, server_key: str, token_symbol: str, token_decimals: int) -> None:
        self._server_key = server_key
        self._token_symbol = token_symbol
        self._scale = Decimal(10) ** token_decimals

    def check_headers(self, headers: Mapping[str, str]) -> None:
        """Nothing to check: Midtrans signs the body only."""

    def verify(self, headers: Mapping[str, str], raw_body: bytes) -> PaymentNotice:
        notification = parse_body(MidtransNotification, raw_body)
        expected = signature_key(
            notification.order_id,
            notification.status_code,
            notification.gross_amount,
            self._server_key,
        )
        if not hmac.compare_digest(expected, notification.signature_key.lower()):
            raise WebhookSignatureError("the signature_key does not match the notification")
        status = payment_status(notification)
        if status is PaymentStatus.PAID and notification.status_code != SUCCESS_STATUS_CODE:
            raise WebhookSignatureError(
                f"a {notification.transaction_status} notification must carry the signed "
                f"status_code {SUCCESS_STATUS_CODE}, not {notification.status_code}"
            )
        return PaymentNotice(
            provider=self.name,
            event_id=f"{notification.transaction_id}:{notification.transaction_status}",
            payment_ref=f"midtrans:{notification.transaction_id}",
            order_id=notification.order_id,
            status=status,
            amount=self._base_units(notification.gross_amount),
            currency=self._currency(notification.currency),
            payload=json.loads(raw_body),
        )

    def _base_units(self, gross_amount: str) -> int:
        units = Decimal(gross_amount) * self._scale
        if units != units.to_integral_value():
            raise ValidationError(
                f"gross_amount {gross_amount} is not a whole number of the payment token's "
                "base units"
            )
        return int(units)

    def _currency(self, currency: str | None) -> str:
        """The payment token that rupiah pay for; another currency is kept, to be refused."""
        if currency is None or currency == MIDTRANS_CURRENCY:
            return self._token_symbol
        return currency
