"""Bodies of the off-chain order flow: quotes, payment confirmations and payment webhooks."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.models import OrderState
from api.payments.interface import PaymentStatus
from api.schemas import AmountStr, RequestBody
from lumbung.protocol import PurposeName


class OrderCreate(RequestBody):
    pool_id: int = Field(ge=0, lt=2**63, description="the pool to buy")
    purpose: PurposeName


class OrderPublic(BaseModel):
    """An order and its quote; ``price`` holds until ``expires_at`` unless paid before."""

    id: str
    status: OrderState
    pool_id: int
    purpose: PurposeName
    price: AmountStr
    currency: str = Field(description="the payment token's symbol the price is quoted in")
    expires_at: datetime
    chain_order_id: str = Field(description="the bytes32 orderId DataMarket settles, 0x hex")
    purchase_id: int | None = None
    tx_hash: str | None = None
    reason: str | None = Field(default=None, description="why the order was refused or failed")


class PaymentConfirm(RequestBody):
    payment_ref: str = Field(
        min_length=1, max_length=255, description="the payment's reference at the provider"
    )


class PaymentWebhook(RequestBody):
    """The ``hmac`` provider's event, signed in the ``Lumbung-Signature`` header."""

    event_id: str = Field(min_length=1, max_length=255)
    type: Literal["payment.succeeded"]
    order_id: str = Field(min_length=1, max_length=36)
    amount: AmountStr
    currency: str = Field(min_length=1, max_length=16)


class WebhookAck(BaseModel):
    received: bool = True
    provider: str = Field(description="the payment provider whose notice this was")
    payment_status: PaymentStatus = Field(
        description="what the notice said of the payment; only paid changes the order"
    )
    duplicate: bool = Field(description="true when this event_id was already processed")
    order: OrderPublic
