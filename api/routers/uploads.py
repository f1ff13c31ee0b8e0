"""A member's own uploads and their stages on the batch path."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ChainDep, SessionDep
from api.deps_auth import CurrentWallet
from api.errors import ForbiddenError
from api.schemas.batching import UploadProgress, Uploads
from api.services.batching import stages
from api.services.members import parse_address

router = APIRouter(prefix="/members", tags=["members"])


@router.get("/{address}/uploads", response_model=Uploads)
def uploads(address: str, session: SessionDep, chain: ChainDep, wallet: CurrentWallet) -> Uploads:
    """Every upload of the signed-in member, newest first, with its stage, consent, review and
    batch; 403 for another member's address."""
    if parse_address(address) != wallet:
        raise ForbiddenError("a member sees only their own uploads")
    now = chain.head_timestamp()
    return Uploads(
        uploads=[UploadProgress.from_progress(p) for p in stages.uploads(session, wallet, now)]
    )
