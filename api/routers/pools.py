"""The catalogue of data pools, served from the indexer's tables."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.deps import SessionDep
from api.schemas.pools import PoolPublic
from api.services import catalogue

router = APIRouter(prefix="/pools", tags=["catalogue"])


@router.get("", response_model=list[PoolPublic])
def list_pools(session: SessionDep) -> list[PoolPublic]:
    """Every pool: listing, allowed purposes, license, accepted contributions, strike status."""
    return catalogue.list_pools(session)


@router.get("/{pool_id}", response_model=PoolPublic)
def get_pool(session: SessionDep, pool_id: Annotated[int, Path(ge=0, lt=2**63)]) -> PoolPublic:
    """One pool; 404 if the registry never created or the market never listed it."""
    return catalogue.get_pool(session, pool_id)
