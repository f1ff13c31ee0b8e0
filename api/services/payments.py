"""Payments of quoted orders: by the operator, or by a payment provider's verified notice.

Marking an order paid and enqueueing its settlement in the outbox happen in the request's one
transaction, so a paid order is never left without settlement, nor settled twice: the outbox's
primary key is the order id. Two deliveries of one payment at once race on those unique keys;
the loser runs again in a fresh savepoint (:func:`api.db.retry_on_conflict`) and sees the
winner's payment.

Notices come from :mod:`api.payments` (each provider checks its own signature). Each
``(provider, event_id)`` takes effect once: a replay is acknowledged and does nothing, and the
same event sent for another order is refused as a conflict.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db import retry_on_conflict
from api.errors import (
    LumbungError,
    NotFoundError,
    OrderStateError,
    PaymentMismatchError,
    QuoteExpiredError,
    WebhookEventReusedError,
)
from api.models import QUOTE_EXPIRED, Order, OrderState, OutboxEntry, OutboxState, WebhookEvent
from api.payments.interface import PaymentNotice, PaymentStatus
from lumbung.protocol import utc

logger = logging.getLogger(__name__)


def _locked_order(session: Session, order_id: str) -> Order:
    order = session.scalar(select(Order).where(Order.id == order_id).with_for_update())
    if order is None:
        raise NotFoundError(f"no order {order_id}")
    return order


def _apply_payment(
    session: Session, order: Order, payment_ref: str, now: datetime
) -> LumbungError | None:
    """Moves a quoted order to paid and enqueues its settlement.

    Returns the refusal instead of raising it, so that the caller raises it after the savepoint
    is released: what the refusal itself changed (a quote found expired is recorded as expired)
    stays in the transaction, which the edge commits for a refusal that ``keeps_work``.
    """
    if order.payment_ref is not None:
        if order.payment_ref == payment_ref:
            return None  # the same payment again: nothing to do
        return OrderStateError(
            f"order {order.id} is already paid by another payment", order_status=order.status
        )
    if order.status == OrderState.EXPIRED:
        return QuoteExpiredError(
            f"the quote of order {order.id} expired at {utc(order.expires_at).isoformat()}; "
            "request a new quote"
        )
    if order.status != OrderState.QUOTED:
        return OrderStateError(f"order {order.id} is {order.status}, it cannot be paid")
    if now >= utc(order.expires_at):
        order.status = OrderState.EXPIRED
        order.reason = QUOTE_EXPIRED
        return QuoteExpiredError(
            f"the quote of order {order.id} expired at {utc(order.expires_at).isoformat()}, "
            "before this payment; request a new quote (and refund this payment)"
        )
    order.status, order.paid_at, order.payment_ref = OrderState.PAID, now, payment_ref
    session.add(
        OutboxEntry(order_id=order.id, state=OutboxState.PENDING, attempts=0, next_attempt_at=now)
    )
    logger.info("order %s paid (%s); settlement enqueued", order.id, payment_ref)
    return None


def confirm_payment(
    session: Session, order_id: str, payment_ref: str, now: datetime | None = None
) -> Order:
    """The operator's confirmation; idempotent for the same ``payment_ref``."""
    moment = now or datetime.now(UTC)

    def pay() -> tuple[Order, LumbungError | None]:
        order = _locked_order(session, order_id)
        return order, _apply_payment(session, order, payment_ref, moment)

    order, refusal = retry_on_conflict(session, pay)
    if refusal is not None:
        raise refusal
    return order


def handle_notice(
    session: Session, notice: PaymentNotice, now: datetime | None = None
) -> tuple[Order, bool]:
    """Applies a verified notice: ``(order, duplicate)``.

    Only a paid notice changes the order; a pending, failed or refunded one is acknowledged
    (the quote stays open until it expires; a refund of a settled order is the operator's to
    handle). An amount or currency that differs from the quote leaves the order unpaid and the
    event unrecorded, so the provider's corrected delivery can still take effect.
    """
    moment = now or datetime.now(UTC)

    def pay() -> tuple[Order, LumbungError | bool]:
        seen = session.get(WebhookEvent, (notice.provider, notice.event_id))
        if seen is not None:
            if seen.order_id != notice.order_id:
                raise WebhookEventReusedError(
                    f"event {notice.event_id} already paid order {seen.order_id}; a payment of "
                    f"order {notice.order_id} needs an event id of its own",
                    order_id=seen.order_id,
                )
            return _locked_order(session, seen.order_id), True
        order = _locked_order(session, notice.order_id)
        if notice.status is not PaymentStatus.PAID:
            logger.info(
                "order %s: %s reports payment %s %s",
                order.id,
                notice.provider,
                notice.payment_ref,
                notice.status,
            )
            return order, False
        if notice.amount != order.price or notice.currency != order.currency:
            raise PaymentMismatchError(
                f"the payment of {notice.amount} {notice.currency} does not match the quote of "
                f"{order.price} {order.currency} for order {order.id}; the order stays unpaid",
                expected_amount=str(order.price),
                expected_currency=order.currency,
            )
        refusal = _apply_payment(session, order, notice.payment_ref, moment)
        if refusal is not None:
            return order, refusal
        session.add(
            WebhookEvent(
                provider=notice.provider,
                event_id=notice.event_id,
                order_id=order.id,
                received_at=moment,
            )
        )
        return order, False

    order, outcome = retry_on_conflict(session, pay)
    if isinstance(outcome, LumbungError):
        raise outcome
    return order, outcome
