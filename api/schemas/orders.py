"""Bodies of the off-chain order flow: quotes and the operator's payment confirmations
(``/v1/orders``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Self

from pydantic import BaseModel, Field

from api.models import QUOTE_EXPIRED, Order, OrderState
from api.schemas.common import AmountStr, RequestBody
from lumbung.protocol import PURPOSE_NAMES, PurposeName, utc


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

    @classmethod
    def from_model(cls, row: Order, now: datetime | None = None) -> Self:
        """The buyer's view of ``row``; a quote past its expiry reads as expired before the
        worker sweeps it."""
        status, reason = OrderState(row.status), row.reason
        expires_at = utc(row.expires_at)
        if status == OrderState.QUOTED and expires_at <= (now or datetime.now(UTC)):
            status, reason = OrderState.EXPIRED, QUOTE_EXPIRED
        return cls(
            id=row.id,
            status=status,
            pool_id=row.pool_id,
            purpose=PURPOSE_NAMES[row.purpose],  # type: ignore[arg-type]
            price=str(row.price),
            currency=row.currency,
            expires_at=expires_at,
            chain_order_id=row.chain_order_id,
            purchase_id=row.purchase_id,
            tx_hash=row.tx_hash,
            reason=reason,
        )


class PaymentConfirm(RequestBody):
    payment_ref: str = Field(
        min_length=1, max_length=255, description="the payment's reference at the provider"
    )
