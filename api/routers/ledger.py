"""The cooperative's books, for transparency (from the indexer's replica of the distributor)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import SessionDep
from api.schemas.ledger import LedgerPublic
from api.services import ledger

router = APIRouter(prefix="/ledger", tags=["ledger"])


@router.get("", response_model=LedgerPublic)
def get_ledger(session: SessionDep) -> LedgerPublic:
    """The split, totals deposited, claimed, claimable and reserved, revenue per pool and every
    deposit, as of ``indexed_block``."""
    return ledger.ledger_view(session)
