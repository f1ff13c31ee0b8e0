"""The curators' workbench: a contribution opened for review (and the member's log of it), the
pool's rubric, reject reasons, duplicate flags, and a curator's history and pay.

*Opening.* Only an eligible curator (``registry.isCurator``, read from the chain now) opens a
contribution, and only while it waits in the queue: consented, not reviewed, its consent not
expired, not the curator's own, and not erased. Every opening is written to ``curation_access``
before a byte is served, and the uploader reads those rows as their access log.

*Rubric.* What a weight means in a pool is set with the pool: its on-chain metadata (the
``createPool(name, metadata)`` string) may be a JSON object whose ``rubric`` lists levels, each
``{"weight": w, "text": ...}`` meaning "from weight w", the text a string or one per language
(``{"en": ..., "id": ...}``). Metadata that is not such JSON (a plain URI) has no rubric. The
bound itself is the chain's ``poolMaxWeight``.

*Reject reasons.* The reason is part of the Review the curator signs, so a template is written
into it: ``"<code>: <note>"`` (or ``"<code>"``) for a code of :data:`REJECT_CODES`, and plain
text for ``other``. :func:`parse_reason` reads any reason back into its code and note.

*Duplicates.* The plaintext's SHA-256 lives in the key store beside each key, never in the
database (see :mod:`api.services.vault`), so erasure takes it with the key. Duplicates are
found by reading it there for the uploads that still have a key: no hash is kept anywhere an
erased upload would outlive its erasure (docs/erasure.md, "Duplicates").
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.chain import Chain
from api.errors import (
    ContractRevertError,
    ForbiddenError,
    NotFoundError,
    VaultIntegrityError,
    VaultKeyErasedError,
)
from api.models import Consent, CurationAccess, RevenueClaim, Review, VaultItem
from api.services import contributions, vault
from api.services.batching import stages
from api.services.batching.reviews import require_curator
from ipfs.cid import parse_cid
from ipfs.interface import IpfsBackend

logger = logging.getLogger(__name__)

# The reject templates, in the order the workbench offers them; ``other`` is free text alone.
REJECT_CODES = (
    "unreadable",
    "wrong_pool",
    "duplicate",
    "personal_data_visible",
    "low_quality",
    "other",
)
OTHER = "other"
_CODED = re.compile(r"^(" + "|".join(c for c in REJECT_CODES if c != OTHER) + r")(?::\s*(.*))?$",
                    re.DOTALL)
MAX_RUBRIC_LEVELS = 20
MAX_RUBRIC_TEXT = 500
HISTORY_LIMIT = 500
THROUGHPUT_DAYS = 14
PPB = 10**9
BPS = 10_000


# -- reject reasons ---------------------------------------------------------------------------


def compose_reason(code: str, note: str = "") -> str:
    """The reason a rejection signs: ``"code: note"``, ``"code"``, or the note alone (other)."""
    if code not in REJECT_CODES:
        raise ValueError(f"unknown reject code {code!r}; one of {', '.join(REJECT_CODES)}")
    note = note.strip()
    if code == OTHER:
        return note
    return f"{code}: {note}" if note else code


def parse_reason(reason: str) -> tuple[str | None, str]:
    """A review's reason as (code, note); (None, "") for an acceptance without one."""
    text = reason.strip()
    if not text:
        return None, ""
    coded = _CODED.match(text)
    if coded is None:
        return OTHER, text
    return coded.group(1), (coded.group(2) or "").strip()


# -- rubric -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RubricLevel:
    """From ``weight`` up to the next level: what the pool means by it, per language."""

    weight: int
    text: dict[str, str]


@dataclass(frozen=True)
class PoolRubric:
    pool_id: int
    name: str
    max_weight: int
    levels: list[RubricLevel]


def _level_text(value: Any) -> dict[str, str] | None:
    if isinstance(value, str):
        return {"": value[:MAX_RUBRIC_TEXT]}
    if isinstance(value, dict) and value and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        return {k[:8]: v[:MAX_RUBRIC_TEXT] for k, v in value.items()}
    return None


def parse_rubric(metadata: str, max_weight: int) -> list[RubricLevel]:
    """The rubric in a pool's metadata, its levels in weight order within ``1..max_weight``;
    an empty list when the metadata holds none (anything malformed is left out, not fatal:
    the metadata is whatever governance wrote on-chain)."""
    try:
        parsed = json.loads(metadata) if metadata.lstrip().startswith("{") else None
    except ValueError:
        return []
    levels = parsed.get("rubric") if isinstance(parsed, dict) else None
    if not isinstance(levels, list):
        return []
    found: dict[int, RubricLevel] = {}
    for level in levels[:MAX_RUBRIC_LEVELS]:
        if not isinstance(level, dict):
            continue
        weight, text = level.get("weight"), _level_text(level.get("text"))
        if isinstance(weight, int) and not isinstance(weight, bool) and text is not None:
            if 1 <= weight <= max_weight:
                found.setdefault(weight, RubricLevel(weight, text))
    return [found[w] for w in sorted(found)]


def pool_rubric(chain: Chain, pool_id: int) -> PoolRubric:
    """Pool ``pool_id``'s name, weight bound and rubric, from the chain; 404 for no such pool."""
    try:
        pool = chain.registry.pool(pool_id)
    except ContractRevertError as exc:
        if exc.name == "ContributionRegistryUnknownPool":
            raise NotFoundError(f"pool {pool_id} does not exist") from exc
        raise
    max_weight = chain.registry.pool_max_weight(pool_id)
    return PoolRubric(pool_id, pool.name, max_weight, parse_rubric(pool.metadata, max_weight))


# -- duplicates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Duplicate:
    """Another upload whose plaintext is the same file."""

    contribution_id: str
    same_contributor: bool


def _sha256_of(keys: vault.Vault, item: VaultItem) -> str | None:
    try:
        return keys.facts(contributions.item_key(item)).plaintext_sha256 or None
    except (VaultKeyErasedError, VaultIntegrityError):
        return None


def duplicates(
    session: Session, keys: vault.Vault, contribution_ids: Sequence[str]
) -> dict[str, list[Duplicate]]:
    """For each of ``contribution_ids``, the other uploads (not erased) with the same
    plaintext, oldest first."""
    if not contribution_ids:
        return {}
    items = list(
        session.scalars(
            select(VaultItem)
            .where(VaultItem.erased_at.is_(None))
            .order_by(VaultItem.created_at, VaultItem.contribution_id)
        )
    )
    by_hash: dict[str, list[VaultItem]] = defaultdict(list)
    hash_of: dict[str, str] = {}
    for item in items:
        digest = _sha256_of(keys, item)
        if digest is not None:
            by_hash[digest].append(item)
            hash_of[item.contribution_id] = digest
    found: dict[str, list[Duplicate]] = {}
    uploader = {item.contribution_id: item.uploader for item in items}
    for key in contribution_ids:
        digest = hash_of.get(key)
        same = by_hash.get(digest, []) if digest else []
        found[key] = [
            Duplicate(other.contribution_id, other.uploader == uploader[key])
            for other in same
            if other.contribution_id != key
        ]
    return found


# -- opening a contribution for review --------------------------------------------------------


@dataclass(frozen=True)
class Opened:
    """A contribution opened for review: its file's facts and its verified plaintext."""

    contribution_id: str
    filename: str
    content_type: str
    size: int
    plaintext: Iterator[bytes]


def awaiting_review(session: Session, chain: Chain, wallet: str, key: str) -> Consent:
    """The consent of ``key`` if ``wallet`` may open it now (see the module's docstring)."""
    require_curator(chain, wallet)
    consent = session.get(Consent, key)
    if consent is None:
        raise ForbiddenError(
            f"contribution {key} is not waiting for review: its member has not consented"
        )
    if consent.contributor == wallet:
        raise ForbiddenError("a curator cannot open their own contribution for review")
    if session.scalar(select(Review.id).where(Review.contribution_id == key)) is not None:
        raise ForbiddenError(f"contribution {key} is reviewed already: it is no longer open")
    if consent.deadline <= chain.head_timestamp():
        raise ForbiddenError(f"the consent to {key} has expired: it is not waiting for review")
    return consent


def open_for_review(
    session: Session,
    chain: Chain,
    ipfs: IpfsBackend,
    keys: vault.Vault,
    wallet: str,
    contribution_id: str,
) -> Opened:
    """Checks that ``wallet`` may open ``contribution_id``, records the opening, and returns
    the plaintext to stream (which fails rather than yield a byte of a file that does not
    decrypt to what was sealed)."""
    key = contributions.normalise_contribution_id(contribution_id)
    consent = awaiting_review(session, chain, wallet, key)
    item = contributions.vault_item(session, key)
    if item is None or item.erased_at is not None or (item.key_id is None and not item.wrapped_key):
        raise ForbiddenError(f"contribution {key} was erased by its member: nothing to open")
    item_key = contributions.item_key(item)
    facts = keys.facts(item_key)
    session.add(
        CurationAccess(
            contribution_id=key,
            pool_id=consent.pool_id,
            member=item.uploader,
            curator=wallet,
            opened_at=datetime.now(UTC),
        )
    )
    session.flush()
    logger.info("curator %s opened %s for review", wallet, key)
    return Opened(
        key, facts.filename, facts.content_type or "application/octet-stream", item.size,
        _verified(ipfs, keys, item, item_key, facts.plaintext_sha256),
    )


def _verified(
    ipfs: IpfsBackend, keys: vault.Vault, item: VaultItem, key: vault.ItemKey, sha256: str
) -> Iterator[bytes]:
    digest, served = hashlib.sha256(), 0
    with contributions.storage_errors():
        for chunk in keys.open(ipfs.cat(parse_cid(item.cid)), key):
            served += len(chunk)
            if served > item.size:
                raise VaultIntegrityError(f"{item.cid} decrypts to more than {item.size} bytes")
            digest.update(chunk)
            yield chunk
    if served != item.size or (sha256 and digest.hexdigest() != sha256):
        raise VaultIntegrityError(f"{item.cid} does not decrypt to the recorded plaintext")


def access_log(session: Session, member: str) -> list[CurationAccess]:
    """Every opening of ``member``'s contributions, newest first."""
    query = select(CurationAccess).where(CurationAccess.member == member)
    return list(session.scalars(query.order_by(CurationAccess.id.desc())))


# -- a curator's history and pay --------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    review: Review
    batch_status: str | None  # None until a batch carries it; "submitting", "pending", …


@dataclass(frozen=True)
class Pay:
    """What the curator's reviews earn, read from the RevenueDistributor's work pot."""

    workers_bps: int
    credited_reviews: int  # the curator's units in the work pot
    total_credited: int  # every curator's
    claimable: int
    claimed: int
    per_review_share_ppb: int  # each credited review's part of every sale, in 1e-9
    earned_per_review: int  # (claimable + claimed) / credited reviews, in base units
    epoch_reviews: int
    curation_cap: int


@dataclass(frozen=True)
class History:
    entries: list[HistoryEntry]
    per_day: list[tuple[str, int]]  # (YYYY-MM-DD, reviews) for the last THROUGHPUT_DAYS days
    last_day: int
    last_week: int
    total: int
    pay: Pay
    opened: int = 0
    verdicts: dict[str, int] = field(default_factory=dict)


def _as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def pay_of(session: Session, chain: Chain, wallet: str) -> Pay:
    distributor, registry = chain.distributor, chain.registry
    work_pot = distributor.work_pot()
    units = distributor.units_of(work_pot, wallet)
    total = distributor.total_units(work_pot)
    claimable = distributor.claimable(work_pot, wallet)
    # Amounts are uint256 (stored as text on every backend): summed here, not by SQL.
    claimed = sum(
        session.scalars(
            select(RevenueClaim.amount).where(
                RevenueClaim.pot_id == work_pot, RevenueClaim.account == wallet
            )
        )
    )
    workers_bps = distributor.split().workers_bps
    epoch = chain.head_timestamp() // registry.curation_epoch()
    return Pay(
        workers_bps=workers_bps,
        credited_reviews=units,
        total_credited=total,
        claimable=claimable,
        claimed=claimed,
        per_review_share_ppb=workers_bps * PPB // (BPS * total) if total else 0,
        earned_per_review=(claimable + claimed) // units if units else 0,
        epoch_reviews=registry.reviews_in_epoch(wallet, epoch),
        curation_cap=registry.curation_cap(),
    )


def history(session: Session, chain: Chain, wallet: str) -> History:
    """The signed-in curator's reviews (newest first), throughput and pay."""
    require_curator(chain, wallet)
    reviews = list(
        session.scalars(
            select(Review)
            .where(Review.curator == wallet)
            .order_by(Review.created_at.desc(), Review.id.desc())
        )
    )
    now = datetime.now(UTC)
    days = Counter(_as_utc(r.created_at).date().isoformat() for r in reviews)
    today = now.date()
    per_day = [
        ((today - timedelta(days=back)).isoformat(), days.get(
            (today - timedelta(days=back)).isoformat(), 0))
        for back in range(THROUGHPUT_DAYS - 1, -1, -1)
    ]
    entries = []
    for row in reviews[:HISTORY_LIMIT]:
        found = stages.carried(session, row)
        status = None
        if found is not None:
            status = found.on_chain.status if found.on_chain is not None else "submitting"
        entries.append(HistoryEntry(row, status))
    opened = session.scalar(
        select(func.count()).select_from(CurationAccess).where(CurationAccess.curator == wallet)
    )
    return History(
        entries=entries,
        per_day=per_day,
        last_day=sum(1 for r in reviews if now - _as_utc(r.created_at) <= timedelta(days=1)),
        last_week=sum(1 for r in reviews if now - _as_utc(r.created_at) <= timedelta(days=7)),
        total=len(reviews),
        pay=pay_of(session, chain, wallet),
        opened=int(opened or 0),
        verdicts=dict(Counter("accepted" if r.weight else "rejected" for r in reviews)),
    )
