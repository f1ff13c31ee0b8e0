"""The ContributionRegistry projection: pools, contributions and batches.

A batch is a row from its submission on; its curator's decision and every claimed leaf update
that row, and a claimed leaf becomes an accepted contribution that names its batch.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from api.indexer.projections.base import (
    Handler,
    ProjectionError,
    cid_text,
    contribution_key,
    raw_string,
)
from api.models import Base, Batch, ChainEvent, Contribution, Pool

TABLES: tuple[type[Base], ...] = (Pool, Contribution, Batch)


def pool_row(session: Session, pool_id: int, block: int) -> Pool:
    """Pool ``pool_id``, created empty if no event named it before."""
    pool = session.get(Pool, pool_id)
    if pool is None:  # a listing may name a pool before (or without) the registry creating it
        pool = Pool(
            id=pool_id,
            name="",
            metadata_="",
            name_raw=b"",
            metadata_raw=b"",
            open=False,
            listed=False,
            price=0,
            purposes=0,
            license_cid=None,
            accepted_count=0,
            accepted_weight=0,
            created_block=block,
        )
        session.add(pool)
    return pool


def _contribution(session: Session, args: dict[str, Any]) -> Contribution:
    contribution = session.get(Contribution, contribution_key(int(args["id"])))
    if contribution is None:
        raise ProjectionError(f"contribution {args['id']} was never submitted")
    return contribution


def _batch(session: Session, args: dict[str, Any]) -> Batch:
    batch = session.get(Batch, int(args["batchId"]))
    if batch is None:
        raise ProjectionError(f"batch {args['batchId']} was never submitted")
    return batch


# -- pools ------------------------------------------------------------------------------------


def _on_pool_created(session: Session, event: ChainEvent) -> None:
    args = event.args
    pool = pool_row(session, int(args["poolId"]), event.block_number)
    pool.name = args["name"]
    pool.metadata_ = args["metadata"]
    pool.name_raw = raw_string(event, "name")
    pool.metadata_raw = raw_string(event, "metadata")
    pool.open = True
    pool.created_block = event.block_number


def _on_pool_closed(session: Session, event: ChainEvent) -> None:
    pool_row(session, int(event.args["poolId"]), event.block_number).open = False


def _on_pool_reopened(session: Session, event: ChainEvent) -> None:
    pool_row(session, int(event.args["poolId"]), event.block_number).open = True


# -- contributions ----------------------------------------------------------------------------


def _new_contribution(
    event: ChainEvent, *, weight: int = 0, curator: str | None = None, batch_id: int | None = None
) -> Contribution:
    """A contribution registered by ``event``: pending, or accepted when it has a weight."""
    args = event.args
    return Contribution(
        id=contribution_key(int(args["id"])),
        cid=cid_text(args["cid"]),
        pool_id=int(args["poolId"]),
        contributor=args["contributor"],
        status="accepted" if weight else "pending",
        weight=weight,
        curator=curator,
        reason=None,
        submitted_block=event.block_number,
        accepted_block=event.block_number if weight else None,
        closed_block=None,
        tx_hash=event.tx_hash,
        batch_id=batch_id,
    )


def _count_accepted(pool: Pool, weight: int) -> None:
    pool.accepted_count += 1
    pool.accepted_weight += weight


def _on_submitted(session: Session, event: ChainEvent) -> None:
    session.add(_new_contribution(event))


def _on_accepted(session: Session, event: ChainEvent) -> None:
    args = event.args
    contribution = _contribution(session, args)
    weight = int(args["weight"])
    contribution.status = "accepted"
    contribution.weight = weight
    contribution.curator = args["curator"]
    contribution.accepted_block = event.block_number
    _count_accepted(pool_row(session, contribution.pool_id, event.block_number), weight)


def _on_rejected(session: Session, event: ChainEvent) -> None:
    args = event.args
    contribution = _contribution(session, args)
    contribution.status = "rejected"
    contribution.curator = args["curator"]
    contribution.reason = args["reason"]
    contribution.reason_raw = raw_string(event, "reason")
    contribution.closed_block = event.block_number


def _on_overturned(session: Session, event: ChainEvent) -> None:
    """Governance re-weighted an accepted contribution, or rejected it (new weight 0)."""
    args = event.args
    contribution = _contribution(session, args)
    new_weight = int(args["newWeight"])
    pool = pool_row(session, contribution.pool_id, event.block_number)
    pool.accepted_weight += new_weight - contribution.weight
    contribution.weight = new_weight
    if new_weight == 0:
        pool.accepted_count -= 1
        contribution.status = "rejected"
        contribution.reason = "overturned by governance"
        contribution.reason_raw = None
        contribution.closed_block = event.block_number


def _on_revoked(session: Session, event: ChainEvent) -> None:
    contribution = _contribution(session, event.args)
    if contribution.status == "accepted":
        pool = pool_row(session, contribution.pool_id, event.block_number)
        pool.accepted_count -= 1
        pool.accepted_weight -= contribution.weight
    contribution.status = "revoked"
    contribution.closed_block = event.block_number


# -- batches ----------------------------------------------------------------------------------


def _on_batch_submitted(session: Session, event: ChainEvent) -> None:
    args = event.args
    session.add(
        Batch(
            id=int(args["batchId"]),
            pool_id=int(args["poolId"]),
            root=args["root"],
            count=int(args["count"]),
            total_weight=int(args["totalWeight"]),
            manifest_cid=cid_text(args["manifestCid"]),
            aggregator=args["aggregator"],
            status="pending",
            claimed_count=0,
            claimed_weight=0,
            submitted_block=event.block_number,
            tx_hash=event.tx_hash,
        )
    )


def _decide(batch: Batch, event: ChainEvent, status: str) -> None:
    """A curator's decision (who, and why for a rejection), or governance's overturn (why)."""
    batch.status = status
    batch.decided_block = event.block_number
    if "curator" in event.args:
        batch.curator = event.args["curator"]
    if "reason" in event.args:
        batch.reason = event.args["reason"]
        batch.reason_raw = raw_string(event, "reason")


def _on_batch_accepted(session: Session, event: ChainEvent) -> None:
    _decide(_batch(session, event.args), event, "accepted")


def _on_batch_rejected(session: Session, event: ChainEvent) -> None:
    _decide(_batch(session, event.args), event, "rejected")


def _on_batch_overturned(session: Session, event: ChainEvent) -> None:
    """Governance rejected an accepted batch: its unclaimed leaves can never be claimed."""
    _decide(_batch(session, event.args), event, "overturned")


def _on_batch_leaf_claimed(session: Session, event: ChainEvent) -> None:
    """A leaf of an accepted batch became an ordinary accepted contribution of its member."""
    args = event.args
    batch = _batch(session, args)
    weight = int(args["weight"])
    if batch.status != "accepted":
        raise ProjectionError(f"a leaf of batch {batch.id} was claimed while it is {batch.status}")
    batch.claimed_count += 1
    batch.claimed_weight += weight
    if batch.claimed_count > batch.count or batch.claimed_weight > batch.total_weight:
        raise ProjectionError(
            f"batch {batch.id}: {batch.claimed_count} leaves of weight {batch.claimed_weight} "
            f"claimed, more than its {batch.count} of weight {batch.total_weight}"
        )
    session.add(_new_contribution(event, weight=weight, curator=batch.curator, batch_id=batch.id))
    _count_accepted(pool_row(session, batch.pool_id, event.block_number), weight)


HANDLERS: dict[str, Handler] = {
    "PoolCreated": _on_pool_created,
    "PoolClosed": _on_pool_closed,
    "PoolReopened": _on_pool_reopened,
    "ContributionSubmitted": _on_submitted,
    "ContributionAccepted": _on_accepted,
    "ContributionRejected": _on_rejected,
    "ContributionOverturned": _on_overturned,
    "ContributionRevoked": _on_revoked,
    "BatchSubmitted": _on_batch_submitted,
    "BatchAccepted": _on_batch_accepted,
    "BatchRejected": _on_batch_rejected,
    "BatchOverturned": _on_batch_overturned,
    "BatchLeafClaimed": _on_batch_leaf_claimed,
}
