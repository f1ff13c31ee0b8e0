"""A member's uploads and their stages on the batch path, and their leaves in batches."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ChainDep, SessionDep, SettingsDep
from api.deps_auth import CurrentWallet
from api.errors import ForbiddenError
from api.schemas.batching import MemberBatch, MemberBatches
from api.schemas.members import MemberUpload, MemberUploads
from api.services.batching import holdings, stages
from api.services.contributions import vault_of
from api.services.members import parse_address

router = APIRouter(prefix="/members", tags=["members"])


@router.get("/{address}/uploads", response_model=MemberUploads)
def uploads(
    address: str,
    session: SessionDep,
    settings: SettingsDep,
    chain: ChainDep,
    wallet: CurrentWallet,
) -> MemberUploads:
    """Every upload of the signed-in member, newest first, with its stage, consent, review,
    batch, upload time, size and whether it was erased, and the API's upload size limit; 403
    for another member's address."""
    if parse_address(address) != wallet:
        raise ForbiddenError("a member sees only their own uploads")
    now, vault = chain.head_timestamp(), vault_of(settings)
    return MemberUploads(
        uploads=[
            MemberUpload.of(found, stages.filename_of(vault, found.item))
            for found in stages.uploads(session, wallet, now)
        ],
        max_upload_bytes=settings.max_upload_bytes,
    )


@router.get("/{address}/batches", response_model=MemberBatches)
def batches(address: str, session: SessionDep, chain: ChainDep) -> MemberBatches:
    """The member's leaves in every submitted batch: per batch its status, each leaf's proof
    and stage, one multiproof of the leaves not yet claimed or revoked (in the proof's order,
    for claimLeaves or activateLeaves), and what a claim would pay now. Public, like the
    manifests the proofs come from."""
    found = holdings.holdings(session, chain, parse_address(address))
    return MemberBatches(batches=[MemberBatch.of(h) for h in found])
