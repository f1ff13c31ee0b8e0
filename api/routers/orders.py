"""Off-chain orders: quote (``POST /v1/orders``), read, and the operator's payment confirmation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status

from api.deps import (
    RATE_LIMITED,
    AdminDep,
    ChainDep,
    CurrentBuyer,
    SessionDep,
    SettingsDep,
    rate_limit,
)
from api.schemas.orders import OrderCreate, OrderPublic, PaymentConfirm
from api.services import orders, payments

router = APIRouter(prefix="/orders", tags=["orders"])

IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description="1 to 255 visible ASCII characters; a retry with the same key and body "
        "returns the same order",
    ),
]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    dependencies=[rate_limit("orders")],
    responses={200: {"model": OrderPublic, "description": "an idempotent replay"}, **RATE_LIMITED},
)
def create_order(
    body: OrderCreate,
    buyer: CurrentBuyer,
    idempotency_key: IdempotencyKey,
    session: SessionDep,
    chain: ChainDep,
    settings: SettingsDep,
    response: Response,
) -> OrderPublic:
    """Quotes the pool's current on-chain price for this buyer, valid until ``expires_at``."""
    order, created = orders.create_order(session, chain, settings, buyer, idempotency_key, body)
    if not created:
        response.status_code = status.HTTP_200_OK
    return OrderPublic.from_model(order)


@router.get("")
def list_orders(
    session: SessionDep,
    buyer: CurrentBuyer,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=2**31)] = 0,
) -> list[OrderPublic]:
    """The calling buyer's orders, newest first."""
    return [OrderPublic.from_model(o) for o in orders.list_orders(session, buyer, limit, offset)]


@router.get("/{order_id}")
def get_order(order_id: str, session: SessionDep, buyer: CurrentBuyer) -> OrderPublic:
    """One of the calling buyer's orders."""
    return OrderPublic.from_model(orders.get_order(session, buyer, order_id))


@router.post("/{order_id}/payment")
def confirm_payment(
    order_id: str, body: PaymentConfirm, _admin: AdminDep, session: SessionDep
) -> OrderPublic:
    """The operator confirms a payment; the settlement worker then settles the order on-chain.

    Idempotent for the same ``payment_ref``; another reference for a paid order is a conflict.
    """
    return OrderPublic.from_model(payments.confirm_payment(session, order_id, body.payment_ref))
