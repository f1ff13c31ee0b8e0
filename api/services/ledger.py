"""The cooperative's books from the indexer's replica: deposits and their split, claims, reserve."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api import distributor
from api.errors import NotFoundError
from api.models import (
    SINGLE_ROW_ID,
    BatchPot,
    IndexerCursor,
    Ledger,
    Pool,
    Position,
    Pot,
    Purchase,
    RevenueDeposit,
)
from api.schemas.ledger import DepositPublic, LedgerPublic, PoolRevenue, SplitPublic
from api.schemas.relay import RelayTotals


def total_claimable(session: Session) -> int:
    """Σ claimable over every position, as the contract would answer account by account, and
    over every batch pot what its leaves earned and were not paid (in whole wei)."""
    pots = {pot.id: pot for pot in session.scalars(select(Pot))}
    positions = sum(
        distributor.claimable(pots[position.pot_id], position)
        for position in session.scalars(select(Position))
    )
    batches = sum(
        distributor.batch_earned_scaled(pots[batch.pool_id], batch) // distributor.PRECISION
        for batch in session.scalars(select(BatchPot))
    )
    return positions + batches


def ledger_view(session: Session, relay: RelayTotals) -> LedgerPublic:
    """The books as of the indexer's last block; ``relay`` is the gas relay's spending."""
    ledger = session.get(Ledger, SINGLE_ROW_ID)
    if ledger is None:
        raise NotFoundError("the indexer has not reached the revenue distributor's deployment")
    deposits = list(
        session.scalars(
            select(RevenueDeposit).order_by(RevenueDeposit.block_number, RevenueDeposit.log_index)
        )
    )
    per_pool: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for pool_id in session.scalars(select(Pool.id)):
        per_pool[pool_id] = [0, 0, 0, 0]
    for d in deposits:
        sums = per_pool[d.pool_id]
        sums[0] += d.amount
        sums[1] += d.to_contributors
        sums[2] += d.to_workers
        sums[3] += d.to_reserve
    purchases = dict(
        session.execute(select(Purchase.pool_id, func.count()).group_by(Purchase.pool_id)).all()
    )
    cursor = session.get(IndexerCursor, "main")
    return LedgerPublic(
        split=SplitPublic(
            contributors_bps=ledger.contributors_bps,
            workers_bps=ledger.workers_bps,
            reserve_bps=ledger.reserve_bps,
        ),
        deposited=str(ledger.deposited),
        to_contributors=str(sum(d.to_contributors for d in deposits)),
        to_workers=str(sum(d.to_workers for d in deposits)),
        to_reserve=str(sum(d.to_reserve for d in deposits)),
        claimed=str(ledger.claimed),
        claimable=str(total_claimable(session)),
        reserve_accrued=str(ledger.reserve_accrued),
        reserve_released=str(ledger.reserve_released),
        pools=[
            PoolRevenue(
                pool_id=pool_id,
                revenue=str(sums[0]),
                to_contributors=str(sums[1]),
                to_workers=str(sums[2]),
                to_reserve=str(sums[3]),
                purchases=int(purchases.get(pool_id, 0)),
            )
            for pool_id, sums in sorted(per_pool.items())
        ],
        history=[DepositPublic.from_model(d) for d in deposits],
        indexed_block=cursor.block_number if cursor else None,
        relay=relay,
    )
