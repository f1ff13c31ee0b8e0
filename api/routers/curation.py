"""Curators' reviews of signed consents: the queue and the signed reviews (EIP-712)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ChainDep, IpfsDep, SessionDep
from api.deps_auth import CurrentWallet
from api.schemas.batching import (
    BatchPublic,
    CurationQueue,
    CuratorBatches,
    QueueItem,
    ReviewBody,
    ReviewPublic,
    signature_bytes,
)
from api.services.batching import consents, reviews, verification
from lumbung.consent import REVIEW
from lumbung.eip712 import EIP712_DOMAIN

router = APIRouter(prefix="/curation", tags=["curation"])


@router.get("/queue", response_model=CurationQueue)
def queue(
    session: SessionDep,
    chain: ChainDep,
    wallet: CurrentWallet,
    pool_id: Annotated[int | None, Query(ge=0, le=2**63 - 1)] = None,
) -> CurationQueue:
    """Signed consents nobody reviewed yet, oldest first (not the curator's own); 403 unless
    the signed-in wallet is an eligible curator on-chain."""
    found = reviews.queue(session, chain, wallet, pool_id)
    pools = sorted({consent.pool_id for consent in found})
    return CurationQueue(
        domain=consents.registry_domain(chain).as_json(),
        types={"EIP712Domain": EIP712_DOMAIN, "Review": REVIEW},
        max_weight={str(p): chain.registry.pool_max_weight(p) for p in pools},
        items=[QueueItem.from_model(consent) for consent in found],
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
