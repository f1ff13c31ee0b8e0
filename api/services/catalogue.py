"""The pool catalogue, served from the indexer's tables and the vault's records."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.errors import NotFoundError
from api.models import Contribution, Pool, Strike, VaultItem
from api.schemas.pools import PoolPublic

GENERAL_STRIKE = "general"


def general_strike(session: Session) -> bool:
    strike = session.get(Strike, GENERAL_STRIKE)
    return bool(strike and strike.struck)


def _sizes(session: Session, pool_id: int | None = None) -> dict[int, int]:
    """Bytes of accepted contributions held in the vault, by pool."""
    query = (
        select(Contribution.pool_id, func.coalesce(func.sum(VaultItem.size), 0))
        .join(VaultItem, VaultItem.cid == Contribution.cid)
        .where(Contribution.status == "accepted")
        .group_by(Contribution.pool_id)
    )
    if pool_id is not None:
        query = query.where(Contribution.pool_id == pool_id)
    return {int(pool): int(size) for pool, size in session.execute(query)}


def list_pools(session: Session) -> list[PoolPublic]:
    """Every pool the registry created or the market listed, by id."""
    sizes = _sizes(session)
    strike = general_strike(session)
    pools = session.scalars(select(Pool).order_by(Pool.id))
    return [PoolPublic.from_model(pool, sizes.get(pool.id, 0), strike) for pool in pools]


def get_pool(session: Session, pool_id: int) -> PoolPublic:
    pool = session.get(Pool, pool_id)
    if pool is None:
        raise NotFoundError(f"no pool {pool_id}", pool_id=pool_id)
    return PoolPublic.from_model(
        pool, _sizes(session, pool_id).get(pool_id, 0), general_strike(session)
    )
