"""Curators' reviews of signed consents: the queue, and a review's checks before it is kept.

A review is kept only when its curator is eligible on-chain now (``registry.isCurator``: the
curator role and an active WORKER member), is not the contributor, gives a weight within the
pool's on-chain maximum (0 rejects, and then a reason is required), signs the Review of the
consent's digest, and reviews a consent nobody reviewed before (the table's unique key decides
a race). What bounds a curator beyond that is on-chain: a batch of their reviews is credited only
within the curation cap per epoch, and governance can overturn it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.chain import Chain
from api.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from api.models import Batch, Consent, Review
from api.services.batching.consents import registry_domain
from api.services.contributions import normalise_contribution_id
from lumbung import consent as eip712

logger = logging.getLogger(__name__)

MAX_REASON_CHARS = 1000
QUEUE_LIMIT = 200


class ReviewSignatureError(ValidationError):
    """The signature is not the curator's over this Review."""


def require_curator(chain: Chain, wallet: str) -> None:
    if not chain.registry.is_curator(wallet):
        raise ForbiddenError(
            f"{wallet} is not an eligible curator (the curator role and an active WORKER member)"
        )


def queue(session: Session, chain: Chain, wallet: str, pool_id: int | None) -> list[Consent]:
    """Signed consents nobody reviewed yet, oldest first, leaving out the curator's own and the
    expired ones."""
    require_curator(chain, wallet)
    now = chain.head_timestamp()
    query = (
        select(Consent)
        .outerjoin(Review, Review.contribution_id == Consent.contribution_id)
        .where(Review.id.is_(None), Consent.contributor != wallet, Consent.deadline > now)
        .order_by(Consent.created_at, Consent.contribution_id)
        .limit(QUEUE_LIMIT)
    )
    if pool_id is not None:
        query = query.where(Consent.pool_id == pool_id)
    return list(session.scalars(query))


def review_typed_data(chain: Chain, consent: Consent, weight: int, reason: str) -> dict[str, Any]:
    return eip712.review_typed_data(
        registry_domain(chain),
        consent_digest=bytes.fromhex(consent.digest.removeprefix("0x")),
        weight=weight,
        reason=reason,
    )


def record_review(
    session: Session,
    chain: Chain,
    wallet: str,
    contribution_id: str,
    *,
    weight: int,
    reason: str,
    signature: bytes,
) -> Review:
    """Checks ``wallet``'s Review of the consent to ``contribution_id`` and keeps it."""
    key = normalise_contribution_id(contribution_id)
    require_curator(chain, wallet)
    consent = session.get(Consent, key)
    if consent is None:
        raise NotFoundError(f"contribution {key} has no signed consent")
    if consent.contributor == wallet:
        raise ForbiddenError("a curator cannot review their own contribution")
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationError(f"a reason has at most {MAX_REASON_CHARS} characters")
    if weight == 0 and not reason.strip():
        raise ValidationError("a rejection (weight 0) needs a reason")
    max_weight = chain.registry.pool_max_weight(consent.pool_id)
    if weight > max_weight:
        raise ValidationError(
            f"weight {weight} is above pool {consent.pool_id}'s maximum {max_weight}"
        )
    if consent.deadline <= chain.head_timestamp():
        raise ConflictError(f"the consent to {key} has expired; the member must sign again")
    typed = review_typed_data(chain, consent, weight, reason)
    if eip712.recover(typed, signature) != wallet:
        raise ReviewSignatureError(f"the signature is not {wallet}'s Review of {key}")
    review = Review(
        contribution_id=key,
        pool_id=consent.pool_id,
        curator=wallet,
        weight=weight,
        reason=reason,
        signature=signature,
        created_at=datetime.now(UTC),
    )
    try:
        with session.begin_nested():
            session.add(review)
    except IntegrityError as exc:
        raise ConflictError(f"contribution {key} is reviewed already") from exc
    logger.info("kept %s's review of %s (weight %s)", wallet, key, weight)
    return review


def review_of(session: Session, contribution_id: str) -> Review | None:
    return session.scalar(select(Review).where(Review.contribution_id == contribution_id))


def pending_batches(session: Session, curator: str) -> list[Batch]:
    """The indexed batches that wait for ``curator``'s decision, oldest first."""
    query = select(Batch).where(Batch.curator == curator, Batch.status == "pending")
    return list(session.scalars(query.order_by(Batch.id)))
