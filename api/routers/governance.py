"""Proposals, their state and their per-class tallies (from the indexer's tables)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.deps import ChainDep, SessionDep
from api.schemas.common import UINT256_PATTERN
from api.schemas.governance import ProposalPublic
from api.services import governance

router = APIRouter(prefix="/governance", tags=["governance"])

ProposalId = Annotated[
    str, Path(pattern=UINT256_PATTERN, description="a uint256 in decimal (ASCII digits)")
]


@router.get("/proposals", response_model=list[ProposalPublic])
def list_proposals(session: SessionDep, chain: ChainDep) -> list[ProposalPublic]:
    """Every proposal, newest first, with its state as of the newest indexed block."""
    return governance.list_proposals(session, chain.membership.address)


@router.get("/proposals/{proposal_id}", response_model=ProposalPublic)
def get_proposal(session: SessionDep, chain: ChainDep, proposal_id: ProposalId) -> ProposalPublic:
    """One proposal by its decimal id; 422 if malformed, 404 if unknown."""
    return governance.get_proposal(session, proposal_id, chain.membership.address)
