"""Bodies of the cooperative's books: ``/v1/ledger``."""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel

from api.models import RevenueDeposit
from api.schemas.common import Amount
from api.schemas.relay import RelayTotals


class SplitPublic(BaseModel):
    contributors_bps: int
    workers_bps: int
    reserve_bps: int


class PoolRevenue(BaseModel):
    pool_id: int
    revenue: str = Amount
    to_contributors: str = Amount
    to_workers: str = Amount
    to_reserve: str = Amount
    purchases: int


class DepositPublic(BaseModel):
    timestamp: int
    block: int
    pool_id: int
    amount: str = Amount
    to_contributors: str = Amount
    to_workers: str = Amount
    to_reserve: str = Amount

    @classmethod
    def from_model(cls, row: RevenueDeposit) -> Self:
        return cls(
            timestamp=row.timestamp,
            block=row.block_number,
            pool_id=row.pool_id,
            amount=str(row.amount),
            to_contributors=str(row.to_contributors),
            to_workers=str(row.to_workers),
            to_reserve=str(row.to_reserve),
        )


class LedgerPublic(BaseModel):
    split: SplitPublic
    deposited: str = Amount
    to_contributors: str = Amount
    to_workers: str = Amount
    to_reserve: str = Amount
    claimed: str = Amount
    claimable: str = Amount
    reserve_accrued: str = Amount
    reserve_released: str = Amount
    pools: list[PoolRevenue]
    history: list[DepositPublic]
    indexed_block: int | None
    relay: RelayTotals
