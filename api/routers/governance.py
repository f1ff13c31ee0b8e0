"""Proposals, their state and their per-class tallies (from the indexer's tables)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ChainDep, SessionDep
from api.schemas_catalogue import ProposalPublic
from api.services import governance

router = APIRouter(prefix="/governance", tags=["governance"])


@router.get("/proposals", response_model=list[ProposalPublic])
def list_proposals(session: SessionDep, chain: ChainDep) -> list[ProposalPublic]:
    """Every proposal, newest first, with its state as of the newest indexed block."""
    return governance.list_proposals(session, chain["Membership"].address)


@router.get("/proposals/{proposal_id}", response_model=ProposalPublic)
def get_proposal(session: SessionDep, chain: ChainDep, proposal_id: str) -> ProposalPublic:
    """One proposal by its decimal id; 422 if malformed, 404 if unknown."""
    return governance.get_proposal(session, proposal_id, chain["Membership"].address)
