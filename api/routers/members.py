"""A member's public record: class, contributions and earnings (from the indexer's tables)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import SessionDep
from api.schemas.members import MemberPublic
from api.services import members

router = APIRouter(prefix="/members", tags=["members"])


@router.get("/{address}", response_model=MemberPublic)
def get_member(session: SessionDep, address: str) -> MemberPublic:
    """Membership (null if the address never joined), contributions, earnings per pot (claimable
    and claimed) and their history. 422 for a malformed address."""
    return members.member_view(session, address)
