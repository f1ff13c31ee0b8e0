"""Payments of quoted orders: by the operator, or by the payment provider's signed webhook.

Marking an order paid and enqueueing its settlement in the outbox happen in one database
transaction, so a paid order is never left without settlement, nor settled twice: the outbox's
primary key is the order id.

Webhooks carry ``Lumbung-Signature: t=<unix>,v1=<hex>``, the HMAC-SHA256 under the shared
secret of ``"<t>.<raw body>"``. The timestamp must lie within the tolerance (replays of old
deliveries are refused), and each ``event_id`` takes effect once: a replay is acknowledged and
does nothing, and the same id sent for another order is refused as a conflict.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from api.db import transaction
from api.errors import (
    LumbungError,
    NotFoundError,
    OrderStateError,
    PaymentMismatchError,
    QuoteExpiredError,
    WebhookEventReusedError,
    WebhookSignatureError,
)
from api.models import Order, OutboxEntry, WebhookEvent
from api.schemas_orders import PaymentWebhook
from api.services.orders import EXPIRED, PAID, QUOTED, utc

logger = logging.getLogger(__name__)

T = TypeVar("T")

SIGNATURE_HEADER = "Lumbung-Signature"
# Unix seconds in ASCII digits (str.isdigit() takes "²", and int() refuses 4,301 digits).
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
# A hex SHA-256 (hmac.compare_digest raises TypeError on a non-ASCII str).
_HEX_DIGEST = re.compile(r"[0-9A-Fa-f]{64}")
# A lost race on a unique key (two deliveries of one payment at once) is retried this often.
_ATTEMPTS = 3


def _locked_order(session: Session, order_id: str) -> Order:
    order = session.scalar(select(Order).where(Order.id == order_id).with_for_update())
    if order is None:
        raise NotFoundError(f"no order {order_id}")
    return order


def _apply_payment(
    session: Session, order: Order, payment_ref: str, now: datetime
) -> LumbungError | None:
    """Moves a quoted order to paid and enqueues its settlement.

    Returns the refusal instead of raising it, so the caller can commit what the refusal itself
    changed (a quote found expired is recorded as expired) before raising.
    """
    if order.payment_ref is not None:
        if order.payment_ref == payment_ref:
            return None  # the same payment again: nothing to do
        return OrderStateError(
            f"order {order.id} is already paid by another payment", order_status=order.status
        )
    if order.status == EXPIRED:
        return QuoteExpiredError(
            f"the quote of order {order.id} expired at {utc(order.expires_at).isoformat()}; "
            "request a new quote"
        )
    if order.status != QUOTED:
        return OrderStateError(f"order {order.id} is {order.status}, it cannot be paid")
    if now >= utc(order.expires_at):
        order.status = EXPIRED
        order.reason = "the quote expired before it was paid"
        return QuoteExpiredError(
            f"the quote of order {order.id} expired at {utc(order.expires_at).isoformat()}, "
            "before this payment; request a new quote (and refund this payment)"
        )
    order.status, order.paid_at, order.payment_ref = PAID, now, payment_ref
    session.add(OutboxEntry(order_id=order.id, state="pending", attempts=0, next_attempt_at=now))
    logger.info("order %s paid (%s); settlement enqueued", order.id, payment_ref)
    return None


def _in_transaction(
    sessions: sessionmaker[Session], work: Callable[[Session], tuple[Order, T]]
) -> tuple[Order, T]:
    """Runs ``work`` in one transaction, again when it loses a race on a unique key."""
    for attempt in range(_ATTEMPTS):
        try:
            with transaction(sessions) as session:
                return work(session)
        except IntegrityError:
            if attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def confirm_payment(
    sessions: sessionmaker[Session], order_id: str, payment_ref: str, now: datetime | None = None
) -> Order:
    """The operator's confirmation; idempotent for the same ``payment_ref``."""
    moment = now or datetime.now(UTC)

    def pay(session: Session) -> tuple[Order, LumbungError | None]:
        order = _locked_order(session, order_id)
        return order, _apply_payment(session, order, payment_ref, moment)

    order, refusal = _in_transaction(sessions, pay)
    if refusal is not None:
        raise refusal
    return order


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


def check_signature(secret: str, header: SignatureHeader, raw_body: bytes) -> None:
    """Checks the HMAC of ``raw_body`` in constant time; raises WebhookSignatureError."""
    expected = hmac.new(
        secret.encode(), f"{header.timestamp}.".encode() + raw_body, hashlib.sha256
    )
    digest = expected.hexdigest()
    # Every candidate is compared, so the time taken does not depend on which one matches.
    if not sum(hmac.compare_digest(digest, candidate) for candidate in header.signatures):
        raise WebhookSignatureError("the signature does not match the body")


def sign(secret: str, timestamp: int, raw_body: bytes) -> str:
    """The ``Lumbung-Signature`` value a provider sends (for tests and provider adapters)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + raw_body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def handle_payment_event(
    sessions: sessionmaker[Session], event: PaymentWebhook, now: datetime | None = None
) -> tuple[Order, bool]:
    """Applies a verified ``payment.succeeded`` event: ``(order, duplicate)``.

    An amount or currency that differs from the quote leaves the order unpaid and the event
    unrecorded, so the provider's corrected delivery can still take effect.
    """
    moment = now or datetime.now(UTC)

    def pay(session: Session) -> tuple[Order, LumbungError | bool]:
        seen = session.get(WebhookEvent, event.event_id)
        if seen is not None:
            if seen.order_id != event.order_id:
                raise WebhookEventReusedError(
                    f"event {event.event_id} already paid order {seen.order_id}; a payment of "
                    f"order {event.order_id} needs an event id of its own",
                    order_id=seen.order_id,
                )
            return _locked_order(session, seen.order_id), True
        order = _locked_order(session, event.order_id)
        if int(event.amount) != order.price or event.currency != order.currency:
            raise PaymentMismatchError(
                f"the payment of {event.amount} {event.currency} does not match the quote of "
                f"{order.price} {order.currency} for order {order.id}; the order stays unpaid",
                expected_amount=str(order.price),
                expected_currency=order.currency,
            )
        refusal = _apply_payment(session, order, f"webhook:{event.event_id}", moment)
        if refusal is not None:
            return order, refusal
        session.add(WebhookEvent(event_id=event.event_id, order_id=order.id, received_at=moment))
        return order, False

    order, outcome = _in_transaction(sessions, pay)
    if isinstance(outcome, LumbungError):
        raise outcome
    return order, outcome
