"""A member's uploads and their stages on the batch path, and their leaves in batches."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ChainDep, SessionDep, SettingsDep
from api.deps_auth import CurrentWallet
from api.errors import ForbiddenError
from api.schemas.batching import MemberBatch, MemberBatches, UploadProgress, Uploads
from api.services.batching import holdings, stages
from api.services.contributions import vault_of
from api.services.members import parse_address

router = APIRouter(prefix="/members", tags=["members"])


@router.get("/{address}/uploads", response_model=Uploads)
def uploads(
    address: str,
    session: SessionDep,
    settings: SettingsDep,
    chain: ChainDep,
    wallet: CurrentWallet,
) -> Uploads:
    """Every upload of the signed-in member, newest first, with its stage, consent, review and
    batch; 403 for another member's address."""
    if parse_address(address) != wallet:
        raise ForbiddenError("a member sees only their own uploads")
    now, vault = chain.head_timestamp(), vault_of(settings)
    return Uploads(
        uploads=[
            UploadProgress.from_progress(found, stages.filename_of(vault, found.item))
            for found in stages.uploads(session, wallet, now)
        ]
    )


@router.get("/{address}/batches", response_model=MemberBatches)
def batches(address: str, session: SessionDep, chain: ChainDep) -> MemberBatches:
    """The member's leaves in every submitted batch: per batch its status, each leaf's proof
    and stage, one multiproof of the leaves not yet claimed or revoked (in the proof's order,
    for claimLeaves or activateLeaves), and what a claim would pay now. Public, like the
    manifests the proofs come from."""
    found = holdings.holdings(session, chain, parse_address(address))
    return MemberBatches(batches=[MemberBatch.of(h) for h in found])
