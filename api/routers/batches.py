"""A submitted batch, checked against its manifest: anyone may ask."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.deps import ChainDep, IpfsDep, SessionDep
from api.errors import NotFoundError
from api.models import Batch
from api.schemas.batching import BatchPublic
from api.services.batching import verification

router = APIRouter(prefix="/batches", tags=["batches"])


@router.get("/{batch_id}", response_model=BatchPublic)
def get_batch(
    batch_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    session: SessionDep,
    chain: ChainDep,
    ipfs: IpfsDep,
) -> BatchPublic:
    """The batch as indexed, and whether its manifest holds: every consent signed by its
    contributor, every review by the batch's curator, and the leaves those of its root."""
    row = session.get(Batch, batch_id)
    if row is None:
        raise NotFoundError(f"batch {batch_id} is not submitted (or not indexed yet)")
    return BatchPublic.of(row, verification.verify(chain, ipfs, row))
