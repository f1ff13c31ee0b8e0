"""The batch path's part of a delivery: the leaves of the pool's accepted batches that the
purchase's block held.

A leaf is sold content from its batch's ``BatchAccepted`` on, whether or not its member ever
claimed, activated or revoked it (it earns from acceptance, docs/batches.md); it stops being
held at its ``LeafRevoked`` or at the batch's ``BatchOverturned``. This node knows each leaf's
upload through the aggregator's records (``batch_entries``: the review, so the consent, so the
vault item); a batch another aggregator submitted has none here, and its leaves are listed as
``not-held``. Each batch's manifest (on IPFS under the CID its ``BatchSubmitted`` names) goes
into a ciphertext delivery, so that ``lumbung buyer verify`` can rebuild the batch's Merkle tree
and check every leaf against the chain's root without asking this node (buyer/onchain.py).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import (
    AggregatedBatch,
    Batch,
    BatchEntry,
    BatchLeaf,
    ChainEvent,
    Purchase,
    Review,
    VaultItem,
)

# Batches whose leaves may have been held at some block: accepted, or accepted and overturned.
_EARNED = ("accepted", "overturned")


@dataclass(frozen=True)
class HeldLeaf:
    """A leaf the purchase's block held, with what became of it since."""

    batch_id: int
    manifest_cid: str
    contribution_id: str
    cid: str
    item: VaultItem | None
    revoked_block: int | None  # its LeafRevoked, if any (after the purchase's block)
    overturned_block: int | None  # its batch's BatchOverturned, if any (after it too)


def accepted_blocks(session: Session, batches: Collection[Batch]) -> dict[int, int]:
    """Each batch's ``BatchAccepted`` block. An accepted batch's ``decided_block`` is that
    block; an overturned one's is its overturn, so its acceptance is read from the event log."""
    blocks = {b.id: b.decided_block for b in batches if b.status == "accepted"}
    overturned = {b.id: b for b in batches if b.status == "overturned"}
    if overturned:
        low = min(b.submitted_block for b in overturned.values())
        high = max(b.decided_block or 0 for b in overturned.values())
        events = session.scalars(
            select(ChainEvent).where(
                ChainEvent.event == "BatchAccepted",
                ChainEvent.block_number >= low,
                ChainEvent.block_number <= high,
            )
        )
        for event in events:
            batch_id = int(event.args["batchId"])
            if batch_id in overturned:
                blocks[batch_id] = event.block_number
    return {k: v for k, v in blocks.items() if v is not None}


def held_leaves(session: Session, purchase: Purchase) -> list[HeldLeaf]:
    """The leaves of ``purchase``'s pool that its block held, oldest batch first (activated
    ones too: the caller lists each contribution once, and carries the manifest of every batch
    it came from, which ``verify`` needs to know the leaf was bought)."""
    block = purchase.content_block
    batches = session.scalars(
        select(Batch).where(
            Batch.pool_id == purchase.pool_id,
            Batch.status.in_(_EARNED),
            Batch.submitted_block <= block,
        )
    ).all()
    accepted = accepted_blocks(session, batches)
    held = [
        b
        for b in batches
        if b.id in accepted
        and accepted[b.id] <= block
        and (b.status == "accepted" or (b.decided_block or 0) > block)
    ]
    held.sort(key=lambda b: (accepted[b.id], b.id))
    leaves: list[HeldLeaf] = []
    for batch in held:
        rows = session.execute(
            select(BatchEntry, Review, VaultItem, BatchLeaf)
            .join(AggregatedBatch, AggregatedBatch.id == BatchEntry.batch_key)
            .join(Review, Review.id == BatchEntry.review_id)
            .join(VaultItem, VaultItem.contribution_id == Review.contribution_id, isouter=True)
            .join(
                BatchLeaf,
                (BatchLeaf.batch_id == batch.id)
                & (BatchLeaf.contributor == BatchEntry.contributor)
                & (BatchLeaf.ordinal == BatchEntry.ordinal),
                isouter=True,
            )
            .where(AggregatedBatch.batch_id == batch.id, BatchEntry.ordinal.is_not(None))
            .order_by(BatchEntry.contributor, BatchEntry.ordinal)
        ).all()
        for _entry, review, item, leaf in rows:
            revoked = leaf.revoked_block if leaf is not None else None
            if revoked is not None and revoked <= block:
                continue  # revoked before the purchase: never part of it
            leaves.append(
                HeldLeaf(
                    batch_id=batch.id,
                    manifest_cid=batch.manifest_cid,
                    contribution_id=review.contribution_id,
                    cid=item.cid if item is not None else "",
                    item=item,
                    revoked_block=revoked,
                    overturned_block=batch.decided_block if batch.status == "overturned" else None,
                )
            )
    return leaves
