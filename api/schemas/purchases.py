"""Bodies of purchases and their delivery: ``/v1/purchases``."""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, Field

from api.models import Purchase
from api.schemas.common import AmountStr
from lumbung.protocol import ADDRESS_PATTERN, PURPOSE_NAMES, PurposeName


class PurchasePublic(BaseModel):
    id: int
    pool_id: int
    purpose: PurposeName
    price: AmountStr
    buyer: str = Field(pattern=ADDRESS_PATTERN)
    order_id: str | None = Field(
        description="the off-chain order's bytes32 id; null if bought with a wallet"
    )
    content_block: int
    block_number: int
    timestamp: int

    @classmethod
    def from_model(cls, row: Purchase, by_wallet: bool) -> Self:
        """``row``; ``by_wallet`` when a wallet bought it (it then has no order)."""
        return cls(
            id=row.id,
            pool_id=row.pool_id,
            purpose=PURPOSE_NAMES[row.purpose],  # type: ignore[arg-type]
            price=str(row.price),
            buyer=row.buyer,
            order_id=None if by_wallet else row.order_id,
            content_block=row.content_block,
            block_number=row.block_number,
            timestamp=row.timestamp,
        )
