"""The ContributionRegistry projection: pools, contributions and batches.

A batch is a row from its submission on; its curator's decision updates that row, and its
acceptance adds its leaves and weight to the pool at once. A leaf a member acted on is a
``batch_leaves`` row: claimed (the distributor's BatchLeavesClaimed), activated (it becomes an
accepted contribution that names its batch) or revoked.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.indexer.projections import revenue
from api.indexer.projections.base import (
    Handler,
    ProjectionError,
    cid_text,
    contribution_key,
    raw_string,
)
from api.models import Base, Batch, BatchLeaf, ChainEvent, Contribution, Pool

TABLES: tuple[type[Base], ...] = (Pool, Contribution, Batch, BatchLeaf)


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
            rejected=int(args["rejected"]),
            manifest_cid=cid_text(args["manifestCid"]),
            aggregator=args["aggregator"],
            status="pending",
            curator=args["curator"],
            claimed_count=0,
            claimed_weight=0,
            revoked_weight=0,
            submitted_block=event.block_number,
            tx_hash=event.tx_hash,
        )
    )


def _decide(batch: Batch, event: ChainEvent, status: str) -> None:
    """A curator's decision (why, for a rejection), or governance's overturn (why)."""
    batch.status = status
    batch.decided_block = event.block_number
    if "reason" in event.args:
        batch.reason = event.args["reason"]
        batch.reason_raw = raw_string(event, "reason")


def _on_batch_accepted(session: Session, event: ChainEvent) -> None:
    """The batch's leaves joined the pool's shares at once, as one holder."""
    batch = _batch(session, event.args)
    if (int(event.args["count"]), int(event.args["totalWeight"])) != (
        batch.count,
        batch.total_weight,
    ):
        raise ProjectionError(f"batch {batch.id} was accepted with other totals than submitted")
    _decide(batch, event, "accepted")
    pool = pool_row(session, batch.pool_id, event.block_number)
    pool.accepted_count += batch.count
    pool.accepted_weight += batch.total_weight


def _on_batch_rejected(session: Session, event: ChainEvent) -> None:
    _decide(_batch(session, event.args), event, "rejected")


def _on_batch_overturned(session: Session, event: ChainEvent) -> None:
    """Governance overturned the batch: if it was earning, what is left of it leaves the pool."""
    batch = _batch(session, event.args)
    if batch.status == "accepted":
        revoked = session.scalar(
            select(func.count())
            .select_from(BatchLeaf)
            .where(BatchLeaf.batch_id == batch.id, BatchLeaf.revoked_block.is_not(None))
        )
        pool = pool_row(session, batch.pool_id, event.block_number)
        pool.accepted_count -= batch.count - int(revoked or 0)
        pool.accepted_weight -= batch.total_weight - batch.revoked_weight
    _decide(batch, event, "overturned")


def _leaf(session: Session, batch_id: int, contributor: str, ordinal: int) -> BatchLeaf:
    leaf = session.get(BatchLeaf, (batch_id, contributor, ordinal))
    if leaf is None:
        leaf = BatchLeaf(batch_id=batch_id, contributor=contributor, ordinal=ordinal)
        session.add(leaf)
    return leaf


def _on_leaves_claimed(session: Session, event: ChainEvent) -> None:
    """The distributor's first claim of some of a member's leaves (a bitmap of ordinals), which
    paid what they earned."""
    args = event.args
    batch = _batch(session, args)
    ordinals = [
        i for i in range(int(args["ordinals"]).bit_length()) if int(args["ordinals"]) >> i & 1
    ]
    batch.claimed_count += len(ordinals)
    batch.claimed_weight += int(args["weight"])
    if batch.claimed_count > batch.count or batch.claimed_weight > batch.total_weight:
        raise ProjectionError(
            f"batch {batch.id}: {batch.claimed_count} leaves of weight {batch.claimed_weight} "
            f"claimed, more than its {batch.count} of weight {batch.total_weight}"
        )
    for ordinal in ordinals:
        _leaf(session, batch.id, args["account"], ordinal).claimed_block = event.block_number
    revenue.record_batch_payment(session, event)


def _leaf_event(session: Session, event: ChainEvent) -> tuple[Batch, BatchLeaf]:
    args = event.args
    batch = _batch(session, args)
    leaf = _leaf(session, batch.id, args["contributor"], int(args["ordinal"]))
    leaf.weight = int(args["weight"])
    leaf.contribution_id = contribution_key(int(args["id"]))
    return batch, leaf


def _on_leaf_activated(session: Session, event: ChainEvent) -> None:
    """A leaf became an accepted contribution of its member (its weight already counts)."""
    batch, leaf = _leaf_event(session, event)
    if batch.status != "accepted":
        raise ProjectionError(
            f"a leaf of batch {batch.id} was activated while it is {batch.status}"
        )
    leaf.activated_block = event.block_number
    session.add(
        _new_contribution(event, weight=leaf.weight or 0, curator=batch.curator, batch_id=batch.id)
    )


def _on_leaf_revoked(session: Session, event: ChainEvent) -> None:
    """A leaf was revoked: paid what it earned, and its weight left the pool if it still
    earned there."""
    batch, leaf = _leaf_event(session, event)
    leaf.revoked_block = event.block_number
    weight = leaf.weight or 0
    if batch.status == "accepted":
        batch.revoked_weight += weight
        pool = pool_row(session, batch.pool_id, event.block_number)
        pool.accepted_count -= 1
        pool.accepted_weight -= weight
    contribution = session.get(Contribution, leaf.contribution_id)
    if contribution is not None:
        contribution.status = "revoked"
        contribution.closed_block = event.block_number


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
    "LeafActivated": _on_leaf_activated,
    "LeafRevoked": _on_leaf_revoked,
    "BatchLeavesClaimed": _on_leaves_claimed,
}
