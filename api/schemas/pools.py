"""Bodies of the catalogue: ``/v1/pools``."""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, Field

from api.models import Pool
from api.schemas.common import Amount
from lumbung.protocol import PurposeName, purpose_names


class PoolPublic(BaseModel):
    id: int
    name: str
    metadata: str
    open: bool = Field(description="whether the pool takes submissions")
    listed: bool = Field(description="whether the pool is for sale")
    price: str = Amount
    purposes: list[PurposeName]
    purposes_mask: int
    license_cid: str | None
    accepted_contributions: int
    total_size_bytes: int = Field(
        description="bytes of the accepted contributions held in this node's vault"
    )
    strike_active: bool = Field(description="a general strike refuses every sale")

    @classmethod
    def from_model(cls, row: Pool, size: int, strike: bool) -> Self:
        """``row`` with the vault's ``size`` of its accepted contributions and whether a
        general ``strike`` is on."""
        return cls(
            id=row.id,
            name=row.name,
            metadata=row.metadata_,
            open=row.open,
            listed=row.listed,
            price=str(row.price),
            purposes=purpose_names(row.purposes),  # type: ignore[arg-type]
            purposes_mask=row.purposes,
            license_cid=row.license_cid,
            accepted_contributions=row.accepted_count,
            total_size_bytes=size,
            strike_active=strike,
        )
