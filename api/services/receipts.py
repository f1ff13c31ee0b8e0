"""Consent receipts: a member's record of every event that touched their contributions.

Each receipt is one ISO/IEC TS 27560 consent record, written with the W3C Data Privacy
Vocabulary (DPV) terms (docs/receipts.md gives the mapping and why each term was chosen). They
are derived, on every read, from what the database and the indexer already hold; none is stored:

* ``consent``: the member's signed EIP-712 Consent to an upload (``consents``), with the batch
  that carried it on-chain once there is one;
* ``registration``: a contribution the member registered on-chain themselves (``submit``, the
  indexer's ``contributions`` without a batch): the transaction is the consent;
* ``revocation``: a contribution (or a batch leaf) the member revoked on-chain;
* ``erasure``: an upload whose key the member had destroyed (``vault_items.erased_at``);
* ``review-opening``: a curator opened the contribution for review (``curation_access``);
* ``sale``: a purchase of a pool while it held the member's contribution (``purchases``).

A receipt names the contribution by its id only: never a file name, a size or a hash of the
file, so a receipt of an erased contribution reveals nothing of what was erased (its CID, the
ciphertext's address, is left out too once it is erased).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from eth_utils import to_checksum_address
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.chain import Chain
from api.errors import ForbiddenError, NotFoundError
from api.indexer.projections.base import contribution_key
from api.models import (
    AggregatedBatch,
    Batch,
    BatchEntry,
    BatchLeaf,
    Buyer,
    ChainEvent,
    Consent,
    Contribution,
    CurationAccess,
    Order,
    Pool,
    Purchase,
    Review,
    VaultItem,
)
from api.services import contributions, delivery_batches
from lumbung.protocol import Purpose

DPV = "https://w3id.org/dpv#"
LUMBUNG = "urn:lumbung:vocab#"
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
SCHEMA_VERSION = "lumbung-receipt/1"

# A pool's purposes (lumbung.protocol.Purpose) as DPV purposes. AI training has no DPV core
# term: Lumbung's own, declared a kind of dpv:ResearchAndDevelopment in the context below.
DPV_PURPOSES: dict[Purpose, str] = {
    Purpose.RESEARCH: "dpv:ResearchAndDevelopment",
    Purpose.PUBLIC_INTEREST: "dpv:PublicBenefit",
    Purpose.COMMERCIAL: "dpv:CommercialPurpose",
    Purpose.AI_TRAINING: "lumbung:AITraining",
}
PURPOSE_WORDS: dict[Purpose, dict[str, str]] = {
    Purpose.RESEARCH: {"en": "research", "id": "penelitian"},
    Purpose.PUBLIC_INTEREST: {"en": "the public interest", "id": "kepentingan umum"},
    Purpose.COMMERCIAL: {"en": "commercial use", "id": "keperluan komersial"},
    Purpose.AI_TRAINING: {"en": "AI training", "id": "pelatihan AI"},
}
MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
}
LANGUAGES = ("en", "id")

# The JSON-LD context every receipt document carries: DPV, Dublin Core, and Lumbung's terms.
CONTEXT: dict[str, Any] = {
    "dpv": DPV,
    "dct": DCT,
    "xsd": XSD,
    "lumbung": LUMBUNG,
    "receipts": {"@id": "lumbung:receipts", "@container": "@list"},
    "kind": "lumbung:eventKind",
    "schema_version": "lumbung:schemaVersion",
    "data_subject": {"@id": "dpv:hasDataSubject", "@type": "@id"},
    "data_controller": {"@id": "dpv:hasDataController", "@type": "@id"},
    "contribution_id": "lumbung:contribution",
    "cid": "lumbung:cid",
    "pool_id": "lumbung:pool",
    "pool_name": "lumbung:poolName",
    "purposes": {"@id": "dpv:hasPurpose", "@type": "@vocab", "@container": "@set"},
    "processing": {"@id": "dpv:hasProcessing", "@type": "@vocab", "@container": "@set"},
    "legal_basis": {"@id": "dpv:hasLegalBasis", "@type": "@vocab"},
    "consent_status": {"@id": "dpv:hasConsentStatus", "@type": "@vocab"},
    "recipient": {"@id": "dpv:hasRecipient"},
    "name": "dct:title",
    "address": "lumbung:address",
    "role": {"@id": "lumbung:role", "@type": "@vocab"},
    "timestamp": {"@id": "dct:created", "@type": "xsd:dateTime"},
    "on_chain": "lumbung:onChain",
    "chain_id": "lumbung:chainId",
    "contract": "lumbung:contract",
    "tx_hash": "lumbung:txHash",
    "block": "lumbung:block",
    "summary": {"@id": "dct:description", "@container": "@language"},
}


class Kind(StrEnum):
    """What happened: the receipt's ``kind``."""

    CONSENT = "consent"
    REGISTRATION = "registration"
    REVOCATION = "revocation"
    ERASURE = "erasure"
    REVIEW_OPENING = "review-opening"
    SALE = "sale"


# Per kind: the processing it records (DPV processing terms) and the consent's state after it.
PROCESSING: dict[Kind, tuple[str, ...]] = {
    Kind.CONSENT: ("dpv:Collect", "dpv:Store"),
    Kind.REGISTRATION: ("dpv:Collect", "dpv:Store"),
    Kind.REVOCATION: ("dpv:Store",),
    Kind.ERASURE: ("dpv:Erase",),
    Kind.REVIEW_OPENING: ("dpv:Consult", "dpv:Use"),
    Kind.SALE: ("dpv:Use", "dpv:Share", "dpv:Transfer"),
}
CONSENT_STATUS: dict[Kind, str] = {
    Kind.CONSENT: "dpv:ConsentGiven",
    Kind.REGISTRATION: "dpv:ConsentGiven",
    Kind.REVOCATION: "dpv:ConsentWithdrawn",
    Kind.ERASURE: "dpv:ConsentWithdrawn",
    Kind.REVIEW_OPENING: "dpv:ConsentGiven",
    Kind.SALE: "dpv:ConsentGiven",
}


@dataclass(frozen=True)
class OnChain:
    """Where the event is on the chain."""

    chain_id: int
    contract: str
    tx_hash: str | None
    block: int | None


@dataclass(frozen=True)
class Recipient:
    """Who received the data: a buyer (by name, or wallet address) or a curator."""

    role: str  # a DPV entity term
    name: str
    address: str | None = None


@dataclass(frozen=True)
class Receipt:
    kind: Kind
    key: str  # unique among a member's receipts
    member: str
    contribution_id: str
    pool_id: int
    pool_name: str
    purposes: tuple[Purpose, ...]
    timestamp: datetime
    cid: str | None = None
    recipient: Recipient | None = None
    on_chain: OnChain | None = None
    # Sales: the one purpose the buyer declared (the pool's purposes otherwise).
    sale_purpose: Purpose | None = None

    @property
    def id(self) -> str:
        return f"urn:lumbung:receipt:{self.kind}:{self.key}"

    def declared_purposes(self) -> tuple[Purpose, ...]:
        """The purposes the event was for: a sale's declared one, else the pool's."""
        return (self.sale_purpose,) if self.sale_purpose is not None else self.purposes

    def dpv_purposes(self) -> list[str]:
        return [DPV_PURPOSES[p] for p in self.declared_purposes()]


def did_of(chain_id: int, address: str) -> str:
    """A wallet as a DID (did:pkh, CAIP-10): the data subject's or a recipient's IRI."""
    return f"did:pkh:eip155:{chain_id}:{address}"


def purposes_of(mask: int) -> tuple[Purpose, ...]:
    return tuple(p for p in Purpose if mask & p)


def spoken_date(moment: datetime, language: str) -> str:
    """``1 Dec 2026`` / ``1 Des 2026``, in UTC."""
    at = moment.astimezone(UTC)
    return f"{at.day} {MONTHS[language][at.month - 1]} {at.year}"


def _short(value: str) -> str:
    return f"{value[:6]}…{value[-4:]}"


def _words(purposes: Iterable[Purpose], language: str) -> str:
    words = [PURPOSE_WORDS[p][language] for p in purposes]
    if not words:
        return {"en": "no declared purpose", "id": "tanpa tujuan yang dinyatakan"}[language]
    joiner = {"en": " and ", "id": " dan "}[language]
    return ", ".join(words[:-1]) + joiner + words[-1] if len(words) > 1 else words[0]


def summary_of(receipt: Receipt) -> dict[str, str]:
    """The receipt in plain words, in English and Indonesian, for the dApp to show."""
    out: dict[str, str] = {}
    for lang in LANGUAGES:
        date = spoken_date(receipt.timestamp, lang)
        what = _short(receipt.contribution_id)
        pool = receipt.pool_name or f"#{receipt.pool_id}"
        purposes = _words(receipt.purposes, lang)
        recipient = receipt.recipient
        texts = {
            Kind.CONSENT: {
                "en": f"You agreed to share contribution {what} with {pool} for {purposes} "
                f"on {date}",
                "id": f"Anda setuju membagikan kontribusi {what} ke {pool} untuk {purposes} "
                f"pada {date}",
            },
            Kind.REGISTRATION: {
                "en": f"You registered contribution {what} in {pool} on the chain for "
                f"{purposes} on {date}",
                "id": f"Anda mendaftarkan kontribusi {what} di {pool} ke blockchain untuk "
                f"{purposes} pada {date}",
            },
            Kind.REVOCATION: {
                "en": f"You withdrew contribution {what} from {pool} on {date}",
                "id": f"Anda menarik kontribusi {what} dari {pool} pada {date}",
            },
            Kind.ERASURE: {
                "en": f"The file of contribution {what} was erased at your request on {date}",
                "id": f"Berkas kontribusi {what} dihapus atas permintaan Anda pada {date}",
            },
            Kind.REVIEW_OPENING: {
                "en": f"Opened for review by curator "
                f"{_short(recipient.name if recipient else '')} on {date}",
                "id": f"Dibuka untuk ditinjau oleh kurator "
                f"{_short(recipient.name if recipient else '')} pada {date}",
            },
            Kind.SALE: {
                "en": f"Bought by {recipient.name if recipient else ''} for "
                f"{_words(receipt.declared_purposes(), lang)} on {date}",
                "id": f"Dibeli oleh {recipient.name if recipient else ''} untuk "
                f"{_words(receipt.declared_purposes(), lang)} pada {date}",
            },
        }
        out[lang] = texts[receipt.kind][lang]
    return out


# ---------------------------------------------------------------------------------------------
# Reading the receipts
# ---------------------------------------------------------------------------------------------

REVOCATION_EVENTS = ("ContributionRevoked", "LeafRevoked")


@dataclass(frozen=True)
class _Sources:
    """What the receipts are read from: the chain's ids and the names of pools."""

    chain_id: int
    registry: str
    market: str
    pools: dict[int, Pool]

    def pool_name(self, pool_id: int) -> str:
        pool = self.pools.get(pool_id)
        return pool.name if pool is not None else ""

    def purposes(self, pool_id: int) -> tuple[Purpose, ...]:
        pool = self.pools.get(pool_id)
        return purposes_of(pool.purposes) if pool is not None else ()


def data_controller(chain: Chain) -> str:
    """The cooperative, as the data controller: its treasury and governance (the timelock)."""
    addresses = chain.addresses
    controller = addresses.get("TimelockController") or addresses.get("ContributionRegistry")
    return did_of(chain.chain_id, str(controller or ""))


def _at(timestamp: int) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


def _aware(moment: datetime) -> datetime:
    """Times read back from SQLite come without their zone; they were written in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _block_times(session: Session, blocks: Iterable[int | None]) -> dict[int, datetime]:
    wanted = {b for b in blocks if b is not None}
    if not wanted:
        return {}
    rows = session.execute(
        select(ChainEvent.block_number, ChainEvent.block_timestamp)
        .where(ChainEvent.block_number.in_(wanted))
        .distinct()
    )
    return {number: _at(timestamp) for number, timestamp in rows}


def _revocation_txs(session: Session, blocks: Iterable[int]) -> dict[tuple[int, str], str]:
    """The revoking transactions in ``blocks``, by (block, contribution key)."""
    wanted = set(blocks)
    if not wanted:
        return {}
    events = session.scalars(
        select(ChainEvent).where(
            ChainEvent.block_number.in_(wanted), ChainEvent.event.in_(REVOCATION_EVENTS)
        )
    )
    return {(e.block_number, contribution_key(int(e.args["id"]))): e.tx_hash for e in events}


def _owned(session: Session, member: str) -> tuple[list[VaultItem], list[Contribution]]:
    """The member's uploads to this vault and the contributions they registered on-chain."""
    uploads = list(session.scalars(select(VaultItem).where(VaultItem.uploader == member)))
    registered = list(
        session.scalars(select(Contribution).where(Contribution.contributor == member))
    )
    return uploads, registered


def _sources(session: Session, chain: Chain, pool_ids: Iterable[int]) -> _Sources:
    wanted = set(pool_ids)
    pools = {p.id: p for p in session.scalars(select(Pool).where(Pool.id.in_(wanted)))}
    addresses = chain.addresses
    return _Sources(
        chain_id=chain.chain_id,
        registry=addresses.get("ContributionRegistry", ""),
        market=addresses.get("DataMarket", ""),
        pools=pools,
    )


def member_receipts(session: Session, chain: Chain, member: str) -> list[Receipt]:
    """Every receipt of ``member``'s contributions, newest first."""
    uploads, registered = _owned(session, member)
    consents = list(session.scalars(select(Consent).where(Consent.contributor == member)))
    openings = list(
        session.scalars(select(CurationAccess).where(CurationAccess.member == member))
    )
    leaves = list(
        session.execute(
            select(BatchLeaf, Batch.pool_id)
            .join(Batch, Batch.id == BatchLeaf.batch_id)
            .where(BatchLeaf.contributor == member, BatchLeaf.revoked_block.is_not(None))
        )
    )
    batched = _batched_leaves(session, member)
    pool_ids = (
        {u.pool_id for u in uploads}
        | {c.pool_id for c in registered}
        | {c.pool_id for c in consents}
        | {pool for _, pool in leaves}
        | {b.pool_id for b in batched}
    )
    sources = _sources(session, chain, pool_ids)
    erased = {u.contribution_id for u in uploads if u.erased_at is not None}

    def cid_of(contribution_id: str, cid: str) -> str | None:
        return None if contribution_id in erased else cid

    found: list[Receipt] = []
    found += _consent_receipts(session, sources, consents, cid_of)
    found += _registration_receipts(session, sources, member, registered, cid_of)
    found += _revocation_receipts(session, sources, member, registered, leaves)
    found += [
        Receipt(
            kind=Kind.ERASURE,
            key=u.contribution_id,
            member=member,
            contribution_id=u.contribution_id,
            pool_id=u.pool_id,
            pool_name=sources.pool_name(u.pool_id),
            purposes=sources.purposes(u.pool_id),
            timestamp=_aware(u.erased_at),
        )
        for u in uploads
        if u.erased_at is not None
    ]
    found += [
        Receipt(
            kind=Kind.REVIEW_OPENING,
            key=str(row.id),
            member=member,
            contribution_id=row.contribution_id,
            pool_id=row.pool_id,
            pool_name=sources.pool_name(row.pool_id),
            purposes=sources.purposes(row.pool_id),
            timestamp=_aware(row.opened_at),
            cid=None,
            recipient=Recipient("dpv:DataProcessor", row.curator, row.curator),
        )
        for row in openings
    ]
    found += _sale_receipts(session, sources, member, registered, batched, cid_of)
    found.sort(key=lambda r: (r.timestamp, r.kind, r.key), reverse=True)
    return found


def _consent_receipts(
    session: Session, sources: _Sources, consents: list[Consent], cid_of: Any
) -> list[Receipt]:
    """Signed consents, each with the batch that carried it on-chain once it is submitted."""
    keys = [c.contribution_id for c in consents]
    carried: dict[str, Batch] = {}
    if keys:
        rows = session.execute(
            select(Review.contribution_id, Batch)
            .join(BatchEntry, BatchEntry.review_id == Review.id)
            .join(AggregatedBatch, AggregatedBatch.id == BatchEntry.batch_key)
            .join(Batch, Batch.id == AggregatedBatch.batch_id)
            .where(Review.contribution_id.in_(keys))
        )
        carried = {key: batch for key, batch in rows}
    out = []
    for consent in consents:
        batch = carried.get(consent.contribution_id)
        out.append(
            Receipt(
                kind=Kind.CONSENT,
                key=consent.contribution_id,
                member=consent.contributor,
                contribution_id=consent.contribution_id,
                pool_id=consent.pool_id,
                pool_name=sources.pool_name(consent.pool_id),
                purposes=sources.purposes(consent.pool_id),
                timestamp=_aware(consent.created_at),
                cid=cid_of(consent.contribution_id, consent.cid),
                on_chain=OnChain(
                    sources.chain_id, sources.registry, batch.tx_hash, batch.submitted_block
                )
                if batch is not None
                else None,
            )
        )
    return out


def _registration_receipts(
    session: Session,
    sources: _Sources,
    member: str,
    registered: list[Contribution],
    cid_of: Any,
) -> list[Receipt]:
    """Contributions the member submitted on-chain themselves (a batch's leaves were consented
    to by signature: their receipt is the consent's)."""
    own = [c for c in registered if c.batch_id is None]
    times = _block_times(session, (c.submitted_block for c in own))
    return [
        Receipt(
            kind=Kind.REGISTRATION,
            key=c.id,
            member=member,
            contribution_id=c.id,
            pool_id=c.pool_id,
            pool_name=sources.pool_name(c.pool_id),
            purposes=sources.purposes(c.pool_id),
            timestamp=times.get(c.submitted_block, _at(0)),
            cid=cid_of(c.id, c.cid),
            on_chain=OnChain(sources.chain_id, sources.registry, c.tx_hash, c.submitted_block),
        )
        for c in own
    ]


def _revocation_receipts(
    session: Session,
    sources: _Sources,
    member: str,
    registered: list[Contribution],
    leaves: list[Any],
) -> list[Receipt]:
    """Revoked contributions, and revoked batch leaves (with or without a contribution row)."""
    revoked: dict[str, tuple[int, int]] = {
        c.id: (c.pool_id, c.closed_block)
        for c in registered
        if c.status == "revoked" and c.closed_block is not None
    }
    for leaf, pool_id in leaves:
        key = leaf.contribution_id or f"batch-{leaf.batch_id}-{leaf.ordinal}"
        revoked.setdefault(key, (pool_id, leaf.revoked_block))
    blocks = [block for _, block in revoked.values()]
    times, txs = _block_times(session, blocks), _revocation_txs(session, blocks)
    return [
        Receipt(
            kind=Kind.REVOCATION,
            key=key,
            member=member,
            contribution_id=key,
            pool_id=pool_id,
            pool_name=sources.pool_name(pool_id),
            purposes=sources.purposes(pool_id),
            timestamp=times.get(block, _at(0)),
            on_chain=OnChain(sources.chain_id, sources.registry, txs.get((block, key)), block),
        )
        for key, (pool_id, block) in revoked.items()
    ]


@dataclass(frozen=True)
class _BatchedLeaf:
    """One of the member's reviews carried as a leaf by a batch the registry accepted (and
    perhaps governance overturned since)."""

    contribution_id: str
    cid: str
    pool_id: int
    batch_id: int
    accepted_block: int
    ordinal: int
    overturned_block: int | None = None

    def held_at(self, block: int, revoked_at: int | None) -> bool:
        """Whether the leaf was sold content at ``block`` (the rule the delivery plan uses:
        api.services.delivery_batches)."""
        return (
            self.accepted_block <= block
            and (revoked_at is None or revoked_at > block)
            and (self.overturned_block is None or self.overturned_block > block)
        )


def _batched_leaves(session: Session, member: str) -> list[_BatchedLeaf]:
    rows = session.execute(
        select(Review.contribution_id, Consent.cid, Batch, BatchEntry.ordinal)
        .join(BatchEntry, BatchEntry.review_id == Review.id)
        .join(Consent, Consent.contribution_id == Review.contribution_id)
        .join(AggregatedBatch, AggregatedBatch.id == BatchEntry.batch_key)
        .join(Batch, Batch.id == AggregatedBatch.batch_id)
        .where(
            BatchEntry.contributor == member,
            BatchEntry.ordinal.is_not(None),
            Batch.status.in_(("accepted", "overturned")),
            Batch.decided_block.is_not(None),
        )
    ).all()
    accepted = delivery_batches.accepted_blocks(session, {batch for _, _, batch, _ in rows})
    return [
        _BatchedLeaf(
            key,
            cid,
            batch.pool_id,
            batch.id,
            accepted[batch.id],
            ordinal or 0,
            batch.decided_block if batch.status == "overturned" else None,
        )
        for key, cid, batch, ordinal in rows
        if batch.id in accepted
    ]


def _buyer_names(session: Session, purchases: list[Purchase]) -> dict[str, str]:
    """The off-chain buyers' names, by the purchase's order id and by its buyer reference (a
    settlement names its buyer by reference; its order may be another node's)."""
    orders = {p.order_id.lower() for p in purchases}
    refs = {p.buyer_ref.lower() for p in purchases}
    if not purchases:
        return {}
    by_order = session.execute(
        select(Order.chain_order_id, Buyer.name)
        .join(Buyer, Buyer.id == Order.buyer_id)
        .where(func.lower(Order.chain_order_id).in_(orders))
    )
    by_ref = session.execute(
        select(Buyer.buyer_ref, Buyer.name).where(func.lower(Buyer.buyer_ref).in_(refs))
    )
    names = {f"ref:{ref.lower()}": name for ref, name in by_ref}
    names |= {f"order:{order_id.lower()}": name for order_id, name in by_order}
    return names


def _buyer_name(names: dict[str, str], purchase: Purchase) -> str:
    if int(purchase.order_id, 16) == 0:  # a wallet purchase: the wallet is all we know
        return to_checksum_address(purchase.buyer)
    return (
        names.get(f"order:{purchase.order_id.lower()}")
        or names.get(f"ref:{purchase.buyer_ref.lower()}")
        or to_checksum_address(purchase.buyer)
    )


def _sale_receipts(
    session: Session,
    sources: _Sources,
    member: str,
    registered: list[Contribution],
    batched: list[_BatchedLeaf],
    cid_of: Any,
) -> list[Receipt]:
    """One receipt per purchase and contribution of the member's that the purchase's block held
    (as delivery plans it: accepted by then, not closed by then), whether it was delivered or
    only paid for."""
    pool_ids = {c.pool_id for c in registered} | {b.pool_id for b in batched}
    if not pool_ids:
        return []
    purchases = list(session.scalars(select(Purchase).where(Purchase.pool_id.in_(pool_ids))))
    names = _buyer_names(session, purchases)
    revoked_leaves = {
        (leaf.batch_id, leaf.ordinal): leaf.revoked_block
        for leaf in session.scalars(
            select(BatchLeaf).where(
                BatchLeaf.contributor == member, BatchLeaf.revoked_block.is_not(None)
            )
        )
    }
    out = []
    for purchase in purchases:
        held: dict[str, str] = {}
        for c in registered:
            if (
                c.pool_id == purchase.pool_id
                and c.accepted_block is not None
                and c.accepted_block <= purchase.content_block
                and (c.status == "accepted" or (c.closed_block or 0) > purchase.content_block)
            ):
                held[c.id] = c.cid
        for leaf in batched:
            revoked_at = revoked_leaves.get((leaf.batch_id, leaf.ordinal))
            if leaf.pool_id == purchase.pool_id and leaf.held_at(
                purchase.content_block, revoked_at
            ):
                held.setdefault(leaf.contribution_id, leaf.cid)
        name = _buyer_name(names, purchase)
        wallet_sale = int(purchase.order_id, 16) == 0
        for key, cid in sorted(held.items()):
            out.append(
                Receipt(
                    kind=Kind.SALE,
                    key=f"{purchase.id}:{key}",
                    member=member,
                    contribution_id=key,
                    pool_id=purchase.pool_id,
                    pool_name=sources.pool_name(purchase.pool_id),
                    purposes=sources.purposes(purchase.pool_id),
                    timestamp=_at(purchase.timestamp),
                    cid=cid_of(key, cid),
                    recipient=Recipient(
                        "dpv:ThirdParty", name, purchase.buyer if wallet_sale else None
                    ),
                    on_chain=OnChain(
                        sources.chain_id, sources.market, purchase.tx_hash, purchase.block_number
                    ),
                    sale_purpose=Purpose.from_bit(purchase.purpose),
                )
            )
    return out


def contribution_receipts(
    session: Session, chain: Chain, contribution_id: str, wallet: str
) -> list[Receipt]:
    """The receipts of one contribution, for its owner (its uploader or its registrant) only."""
    key = contributions.normalise_contribution_id(contribution_id)
    item = contributions.vault_item(session, key)
    registered = session.get(Contribution, key)
    owners = {
        to_checksum_address(o)
        for o in (item.uploader if item else None, registered.contributor if registered else None)
        if o
    }
    if not owners:
        raise NotFoundError(f"contribution {key} is neither uploaded here nor registered")
    if wallet not in owners:
        raise ForbiddenError(f"only the owner of contribution {key} reads its receipts")
    return [r for r in member_receipts(session, chain, wallet) if r.contribution_id == key]


