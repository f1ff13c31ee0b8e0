"""Where a member's upload stands, from the upload to the claim, read from the API's records
(consent, review, aggregated batch) and the indexer's (the batch on-chain, the leaf's actions).

The batch path: uploaded → signed → reviewed → batched → earning → claimed / active →
revoked / overturned (:class:`Stage`). A consent whose deadline passed before a batch carried it
is *expired*: the member signs again. A rejected review stays *reviewed*, with its reason. An
upload registered on its own (``submit``) shows the registry's status instead: pending,
accepted, rejected, revoked.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import (
    AggregatedBatch,
    AggregateState,
    Batch,
    BatchEntry,
    BatchLeaf,
    Consent,
    Contribution,
    Review,
    VaultItem,
)
from api.services.contributions import item_key
from api.services.vault import Vault


class Stage(StrEnum):
    UPLOADED = "uploaded"
    SIGNED = "signed"
    EXPIRED = "expired"
    REVIEWED = "reviewed"
    BATCHED = "batched"
    EARNING = "earning"
    CLAIMED = "claimed"
    ACTIVE = "active"
    REVOKED = "revoked"
    OVERTURNED = "overturned"
    # An upload registered on its own: ContributionRegistry's statuses.
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Carried:
    """The batch that carries a review, with the review's leaf in it (None for a rejection)."""

    batch: AggregatedBatch
    entry: BatchEntry
    on_chain: Batch | None
    leaf: BatchLeaf | None


@dataclass(frozen=True)
class Progress:
    item: VaultItem
    stage: Stage
    consent: Consent | None
    review: Review | None
    carried: Carried | None
    contribution: Contribution | None


def carried(session: Session, review: Review) -> Carried | None:
    """The batch (not released) that carries ``review``, if any."""
    row = session.execute(
        select(AggregatedBatch, BatchEntry)
        .join(BatchEntry, BatchEntry.batch_key == AggregatedBatch.id)
        .where(BatchEntry.review_id == review.id)
        .where(AggregatedBatch.state != AggregateState.RELEASED)
    ).first()
    if row is None:
        return None
    batch, entry = row
    on_chain = session.get(Batch, batch.batch_id) if batch.batch_id is not None else None
    leaf = None
    if batch.batch_id is not None and entry.ordinal is not None:
        leaf = session.get(BatchLeaf, (batch.batch_id, entry.contributor, entry.ordinal))
    return Carried(batch, entry, on_chain, leaf)


def _batch_stage(found: Carried) -> Stage:
    if found.entry.ordinal is None:
        return Stage.REVIEWED
    status = found.on_chain.status if found.on_chain is not None else "pending"
    leaf = found.leaf
    if leaf is not None and leaf.revoked_block is not None:
        return Stage.REVOKED
    if status == "overturned":
        return Stage.OVERTURNED
    if status != "accepted":
        return Stage.BATCHED
    if leaf is None:
        return Stage.EARNING
    if leaf.activated_block is not None:
        return Stage.ACTIVE
    return Stage.CLAIMED if leaf.claimed_block is not None else Stage.EARNING


def filename_of(vault: Vault, item: VaultItem) -> str | None:
    """The uploaded file's name, from the vault (None once erased)."""
    if item.erased_at is not None:
        return None
    return vault.facts(item_key(item)).filename


def progress(session: Session, item: VaultItem, now: int) -> Progress:
    """The stage of ``item`` at chain time ``now``, with what it rests on."""
    key = item.contribution_id
    contribution = session.get(Contribution, key)
    consent = session.get(Consent, key)
    review = session.scalar(select(Review).where(Review.contribution_id == key))
    found = carried(session, review) if review is not None else None
    if contribution is not None and contribution.batch_id is None:
        stage = Stage(contribution.status)
    elif consent is None:
        stage = Stage.UPLOADED
    elif found is not None:
        stage = _batch_stage(found)
    elif consent.deadline <= now and (review is None or review.weight > 0):
        stage = Stage.EXPIRED
    else:
        stage = Stage.SIGNED if review is None else Stage.REVIEWED
    return Progress(item, stage, consent, review, found, contribution)


def uploads(session: Session, wallet: str, now: int) -> list[Progress]:
    """Every upload of ``wallet``, newest first, with its stage."""
    items = session.scalars(
        select(VaultItem).where(VaultItem.uploader == wallet).order_by(VaultItem.created_at.desc())
    )
    return [progress(session, item, now) for item in items]
