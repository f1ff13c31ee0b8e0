"""The cooperative's books, for transparency (from the indexer's replica of the distributor)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ChainDep, GasRelayDep, SessionDep
from api.schemas.ledger import LedgerPublic
from api.services import ledger, relay

router = APIRouter(prefix="/ledger", tags=["ledger"])


@router.get("", response_model=LedgerPublic)
def get_ledger(session: SessionDep, chain: ChainDep, gas_relay: GasRelayDep) -> LedgerPublic:
    """The split, totals deposited, claimed, claimable and reserved, revenue per pool and every
    deposit, as of ``indexed_block``; and what relaying members' actions has cost (``relay``)."""
    totals = relay.relay_totals(session, chain, gas_relay.address)
    return ledger.ledger_view(session, totals)
