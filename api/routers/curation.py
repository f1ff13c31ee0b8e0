"""Curators' reviews of signed consents: the queue (with each pool's rubric and duplicate flags),
the contribution opened for review, the signed reviews (EIP-712), the curator's history and pay;
and a member's log of who opened their contributions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import StreamingResponse

from api.deps import ChainDep, IpfsDep, SessionDep, SettingsDep
from api.deps_auth import CurrentWallet
from api.errors import ForbiddenError
from api.routers.contributions import ContributionId
from api.schemas.batching import (
    BatchPublic,
    CurationQueue,
    CuratorBatches,
    PoolRubricPublic,
    QueueItem,
    ReviewBody,
    ReviewPublic,
    signature_bytes,
)
from api.schemas.curation import AccessLog, AccessPublic, CuratorHistory
from api.services import curation
from api.services.batching import consents, reviews, verification
from api.services.contributions import safe_filename, vault_of
from api.services.members import parse_address
from lumbung.consent import REVIEW
from lumbung.eip712 import EIP712_DOMAIN

router = APIRouter(prefix="/curation", tags=["curation"])
member_router = APIRouter(prefix="/members", tags=["members"])
# Shown in the page (an <img> or text); anything else is offered as a download.
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "text/plain"})


@router.get("/queue", response_model=CurationQueue)
def queue(
    session: SessionDep,
    settings: SettingsDep,
    chain: ChainDep,
    wallet: CurrentWallet,
    pool_id: Annotated[int | None, Query(ge=0, le=2**63 - 1)] = None,
) -> CurationQueue:
    """Signed consents nobody reviewed yet, oldest first (not the curator's own), each with the
    other uploads of the same file; and each listed pool's weight bound and rubric. 403 unless
    the signed-in wallet is an eligible curator on-chain."""
    found = reviews.queue(session, chain, wallet, pool_id)
    pools = {p: curation.pool_rubric(chain, p) for p in sorted({c.pool_id for c in found})}
    same = curation.duplicates(session, vault_of(settings), [c.contribution_id for c in found])
    return CurationQueue(
        domain=consents.registry_domain(chain).as_json(),
        types={"EIP712Domain": EIP712_DOMAIN, "Review": REVIEW},
        max_weight={str(p): rubric.max_weight for p, rubric in pools.items()},
        pools={str(p): PoolRubricPublic.of(rubric) for p, rubric in pools.items()},
        items=[QueueItem.from_model(c, same.get(c.contribution_id, ())) for c in found],
    )


@router.get("/pools/{pool_id}", response_model=PoolRubricPublic)
def pool_rubric(
    chain: ChainDep, pool_id: Annotated[int, Path(ge=0, le=2**63 - 1)]
) -> PoolRubricPublic:
    """What a weight means in the pool: its bound (``poolMaxWeight``) and its rubric (from the
    pool's on-chain metadata). Public, like the pool."""
    return PoolRubricPublic.of(curation.pool_rubric(chain, pool_id))


@router.get(
    "/contributions/{contribution_id}/content",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"application/octet-stream": {}}, "description": "the plaintext"},
        403: {"description": "not an eligible curator, or not waiting for review, or erased"},
    },
)
def content(
    contribution_id: ContributionId,
    session: SessionDep,
    settings: SettingsDep,
    chain: ChainDep,
    ipfs: IpfsDep,
    wallet: CurrentWallet,
) -> StreamingResponse:
    """The decrypted file of a contribution waiting for review, with its type, for an eligible
    curator (not its contributor). Each opening is recorded in the member's access log before
    a byte is sent. 403 for anyone else, for a contribution not in the queue (not consented,
    reviewed, expired) and for an erased one."""
    opened = curation.open_for_review(
        session, chain, ipfs, vault_of(settings), wallet, contribution_id
    )
    shown = opened.content_type.split(";")[0].strip().lower()
    disposition = "inline" if shown in INLINE_TYPES else "attachment"
    return StreamingResponse(
        opened.plaintext,
        media_type=opened.content_type,
        headers={
            "Content-Length": str(opened.size),
            "Content-Disposition": f'{disposition}; filename="{safe_filename(opened.filename)}"',
            # A member's file is never run as a page of this origin.
            "Content-Security-Policy": "sandbox; default-src 'none'",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )


@router.get("/history", response_model=CuratorHistory)
def curator_history(session: SessionDep, chain: ChainDep, wallet: CurrentWallet) -> CuratorHistory:
    """The signed-in curator's reviews (verdict, weight, reason, pool, when, batch), throughput
    (per day and week) and pay (from the RevenueDistributor's work pot). 403 unless the
    signed-in wallet is an eligible curator on-chain."""
    return CuratorHistory.of(wallet, curation.history(session, chain, wallet))


@member_router.get("/{address}/access-log", response_model=AccessLog)
def access_log(address: str, session: SessionDep, wallet: CurrentWallet) -> AccessLog:
    """Who opened the signed-in member's contributions for review, and when, newest first;
    403 for another member's address."""
    if parse_address(address) != wallet:
        raise ForbiddenError("a member reads only their own access log")
    return AccessLog(
        accesses=[AccessPublic.from_model(row) for row in curation.access_log(session, wallet)]
    )


@router.post("/reviews", status_code=201, response_model=ReviewPublic)
def review(
    body: ReviewBody, session: SessionDep, chain: ChainDep, wallet: CurrentWallet
) -> ReviewPublic:
    """Keeps the curator's signed Review. 403 for a wallet that is not an eligible curator or
    reviews its own contribution; 422 for a weight above the pool's maximum, a rejection
    without a reason or a signature that is not the curator's; 409 for a second review."""
    kept = reviews.record_review(
        session,
        chain,
        wallet,
        body.contribution_id,
        weight=body.weight,
        reason=body.reason,
        signature=signature_bytes(body.signature),
    )
    return ReviewPublic.from_model(kept)


@router.get("/batches", response_model=CuratorBatches)
def pending_batches(
    session: SessionDep, chain: ChainDep, ipfs: IpfsDep, wallet: CurrentWallet
) -> CuratorBatches:
    """The batches of the signed-in curator's reviews that wait for their acceptBatch or
    rejectBatch, oldest first, each checked against its manifest: accept only a verified one.
    403 unless the signed-in wallet is an eligible curator on-chain."""
    reviews.require_curator(chain, wallet)
    pending = reviews.pending_batches(session, wallet)
    return CuratorBatches(
        batches=[BatchPublic.of(row, verification.verify(chain, ipfs, row)) for row in pending]
    )
