"""Lumbung's own webhook scheme: an HMAC-SHA256 over the timestamped raw body.

A provider adapter sends ``Lumbung-Signature: t=<unix>,v1=<hex>``, the HMAC-SHA256 under the
shared secret (``LUMBUNG_WEBHOOK_SECRET``) of ``"<t>.<raw body>"``, and a
:class:`api.schemas.webhooks.PaymentWebhook` body. The timestamp must lie within the tolerance
(replays of old deliveries are refused), and is checked before the body is read.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass

from api.errors import WebhookSignatureError
from api.payments.interface import PaymentNotice, PaymentStatus, parse_body
from api.schemas.webhooks import PaymentWebhook

SIGNATURE_HEADER = "Lumbung-Signature"
# Unix seconds in ASCII digits (str.isdigit() takes "²", and int() refuses 4,301 digits).
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
# A hex SHA-256 (hmac.compare_digest raises TypeError on a non-ASCII str).
_HEX_DIGEST = re.compile(r"[0-9A-Fa-f]{64}")


@dataclass(frozen=True)
class SignatureHeader:
    """A parsed ``Lumbung-Signature``: its timestamp and its candidate v1 signatures."""

    timestamp: int
    signatures: tuple[str, ...]


def parse_signature(
    header: str | None, tolerance_s: int, now: float | None = None
) -> SignatureHeader:
    """Checks the header's form and timestamp, which need no body; raises
    WebhookSignatureError."""
    if not header:
        raise WebhookSignatureError(f"the {SIGNATURE_HEADER} header is missing")
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and _TIMESTAMP.fullmatch(value):
            timestamp = int(value)
        elif key == "v1" and _HEX_DIGEST.fullmatch(value):
            signatures.append(value.lower())
    if timestamp is None or not signatures:
        raise WebhookSignatureError(f"the {SIGNATURE_HEADER} header needs t=<unix>,v1=<hex>")
    skew = abs((time.time() if now is None else now) - timestamp)
    if skew > tolerance_s:
        raise WebhookSignatureError(
            f"the signature's timestamp is {int(skew)}s away from now (tolerance {tolerance_s}s)"
        )
    return SignatureHeader(timestamp, tuple(signatures))


def _digest(secret: str, timestamp: int, raw_body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + raw_body, hashlib.sha256)
    return mac.hexdigest()


def check_signature(secret: str, header: SignatureHeader, raw_body: bytes) -> None:
    """Checks the HMAC of ``raw_body`` in constant time; raises WebhookSignatureError."""
    digest = _digest(secret, header.timestamp, raw_body)
    # Every candidate is compared, so the time taken does not depend on which one matches.
    if not sum(hmac.compare_digest(digest, candidate) for candidate in header.signatures):
        raise WebhookSignatureError("the signature does not match the body")


def sign(secret: str, timestamp: int, raw_body: bytes) -> str:
    """The ``Lumbung-Signature`` value a provider sends (for tests and provider adapters)."""
    return f"t={timestamp},v1={_digest(secret, timestamp, raw_body)}"


class HmacProvider:
    """The ``hmac`` provider: ``payment.succeeded`` events signed with the shared secret."""

    name = "hmac"
    body_model = PaymentWebhook

    def __init__(self, secret: str, tolerance_s: int) -> None:
        self._secret = secret
        self._tolerance_s = tolerance_s

    def check_headers(self, headers: Mapping[str, str]) -> None:
        parse_signature(headers.get(SIGNATURE_HEADER), self._tolerance_s)

    def verify(self, headers: Mapping[str, str], raw_body: bytes) -> PaymentNotice:
        header = parse_signature(headers.get(SIGNATURE_HEADER), self._tolerance_s)
        check_signature(self._secret, header, raw_body)
        event = parse_body(PaymentWebhook, raw_body)
        return PaymentNotice(
            provider=self.name,
            event_id=event.event_id,
            payment_ref=f"webhook:{event.event_id}",
            order_id=event.order_id,
            status=PaymentStatus.PAID,
            amount=int(event.amount),
            currency=event.currency,
            payload=json.loads(raw_body),
        )
