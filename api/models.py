"""The database schema: what the indexer derives from the chain, and the API's own records.

Chain-derived tables carry the block they came from. ``chain_events`` is the indexer's log of
every decoded contract event; every other chain-derived table is a projection of that log and is
rebuilt from it after a reorg. The API's own records (buyers, sessions, orders, the settlement
outbox, the vault) never come from the chain and survive reorgs.

Amounts are unsigned 256-bit integers; :class:`Uint` stores them exactly on SQLite and
PostgreSQL alike.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from lumbung.protocol import ContributionStatus

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Uint(TypeDecorator[int]):
    """A uint256 stored as a zero-padded decimal string, so it sorts and compares exactly."""

    impl = String(78)
    cache_ok = True

    def process_bind_param(self, value: int | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value < 0:
            raise ValueError(f"negative amount {value}")
        return f"{value:078d}"

    def process_result_value(self, value: str | None, dialect: Dialect) -> int | None:
        return None if value is None else int(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: DateTime(timezone=True)}


# ---------------------------------------------------------------------------------------------
# Indexer bookkeeping
# ---------------------------------------------------------------------------------------------


class IndexerCursor(Base):
    """The last block whose events are all stored, per indexer."""

    __tablename__ = "indexer_cursor"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    block_number: Mapped[int] = mapped_column(BigInteger)


class IndexedBlock(Base):
    """A block the indexer processed, with its hash: the evidence a reorg is detected by."""

    __tablename__ = "indexed_blocks"
    number: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(66))
    timestamp: Mapped[int] = mapped_column(BigInteger)


class ChainEvent(Base):
    """One decoded contract event, the source every projection below is rebuilt from."""

    __tablename__ = "chain_events"
    __table_args__ = (UniqueConstraint("block_number", "log_index"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    block_number: Mapped[int] = mapped_column(BigInteger, index=True)
    block_hash: Mapped[str] = mapped_column(String(66))
    block_timestamp: Mapped[int] = mapped_column(BigInteger)
    log_index: Mapped[int] = mapped_column(Integer)
    tx_hash: Mapped[str] = mapped_column(String(66))
    contract: Mapped[str] = mapped_column(String(40))
    event: Mapped[str] = mapped_column(String(64), index=True)
    # String arguments appear in ``args`` as display text (see api.indexer.decode.display_text);
    # their exact bytes, which Solidity never checks, are kept here as 0x hex, by argument name.
    args: Mapped[dict[str, Any]] = mapped_column(JSON)
    raw_strings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class QuarantinedLog(Base):
    """A contract log the indexer could not decode or project: set aside so the cursor moves on.

    It is not in ``chain_events``, so no projection holds it; the error says why, and the raw
    log (address, topics, data) is kept for an operator to replay once the cause is fixed.
    """

    __tablename__ = "quarantined_logs"
    __table_args__ = (UniqueConstraint("block_number", "log_index"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    block_number: Mapped[int] = mapped_column(BigInteger, index=True)
    block_hash: Mapped[str] = mapped_column(String(66))
    log_index: Mapped[int] = mapped_column(Integer)
    tx_hash: Mapped[str] = mapped_column(String(66))
    contract: Mapped[str] = mapped_column(String(40))
    event: Mapped[str] = mapped_column(String(64))
    error: Mapped[str] = mapped_column(Text)
    raw_log: Mapped[dict[str, Any]] = mapped_column(JSON)
    quarantined_at: Mapped[datetime]


# ---------------------------------------------------------------------------------------------
# Projections of chain_events, grouped by the domain whose projection module writes them
# (api/indexer/projections/<domain>.py); the read services read them and nothing else.
# ---------------------------------------------------------------------------------------------

# Membership


class Member(Base):
    __tablename__ = "members"
    address: Mapped[str] = mapped_column(String(42), primary_key=True)
    stakeholder_class: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean)
    joined_block: Mapped[int] = mapped_column(BigInteger)
    updated_block: Mapped[int] = mapped_column(BigInteger)


class MemberHistory(Base):
    """Every change of a member's class or status, for reading them as they stood at a time."""

    __tablename__ = "member_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address: Mapped[str] = mapped_column(String(42), index=True)
    stakeholder_class: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean)
    block_number: Mapped[int] = mapped_column(BigInteger)
    timestamp: Mapped[int] = mapped_column(BigInteger)


# Registry (pools, contributions, batches); the market projection writes a pool's listing


class Pool(Base):
    __tablename__ = "pools"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # Display text of the pool's name and metadata; ``*_raw`` hold the bytes the event carried.
    name: Mapped[str] = mapped_column(Text)
    metadata_: Mapped[str] = mapped_column("metadata", Text, default="")
    name_raw: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    metadata_raw: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    open: Mapped[bool] = mapped_column(Boolean, default=True)
    listed: Mapped[bool] = mapped_column(Boolean, default=False)
    price: Mapped[int] = mapped_column(Uint, default=0)
    purposes: Mapped[int] = mapped_column(BigInteger, default=0)
    license_cid: Mapped[str | None] = mapped_column(String(128), nullable=True)
    accepted_count: Mapped[int] = mapped_column(Integer, default=0)
    accepted_weight: Mapped[int] = mapped_column(BigInteger, default=0)
    created_block: Mapped[int] = mapped_column(BigInteger)


# The registry's status names (lumbung.protocol.ContributionStatus), in order;
# ``Contribution.status`` holds one of the last four.
CONTRIBUTION_STATUSES = tuple(status.label for status in ContributionStatus)


class Contribution(Base):
    __tablename__ = "contributions"
    # The contribution id: the CID's sha2-256 digest, as 0x-prefixed hex.
    id: Mapped[str] = mapped_column(String(66), primary_key=True)
    cid: Mapped[str] = mapped_column(String(128), index=True)
    pool_id: Mapped[int] = mapped_column(BigInteger, index=True)
    contributor: Mapped[str] = mapped_column(String(42), index=True)
    status: Mapped[str] = mapped_column(String(16))  # pending, accepted, rejected, revoked
    weight: Mapped[int] = mapped_column(BigInteger, default=0)
    curator: Mapped[str | None] = mapped_column(String(42), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)  # display text
    reason_raw: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    submitted_block: Mapped[int] = mapped_column(BigInteger)
    accepted_block: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    closed_block: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    tx_hash: Mapped[str] = mapped_column(String(66))
    # The batch a claimed leaf came from; None for a contribution registered on its own.
    batch_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)


class Batch(Base):
    """A batch of contributions registered by one Merkle root (ContributionRegistry batches).

    Its leaves become contributions one claim at a time (``Contribution.batch_id``); the claimed
    totals are kept here so a claim is checked against the batch without reading the log.
    """

    __tablename__ = "batches"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    pool_id: Mapped[int] = mapped_column(BigInteger, index=True)
    root: Mapped[str] = mapped_column(String(66))
    count: Mapped[int] = mapped_column(BigInteger)
    total_weight: Mapped[int] = mapped_column(BigInteger)
    manifest_cid: Mapped[str] = mapped_column(String(128))
    aggregator: Mapped[str] = mapped_column(String(42))
    status: Mapped[str] = mapped_column(String(16))  # pending, accepted, rejected, overturned
    curator: Mapped[str | None] = mapped_column(String(42), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)  # display text
    reason_raw: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    claimed_count: Mapped[int] = mapped_column(BigInteger, default=0)
    claimed_weight: Mapped[int] = mapped_column(BigInteger, default=0)
    submitted_block: Mapped[int] = mapped_column(BigInteger)
    decided_block: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    tx_hash: Mapped[str] = mapped_column(String(66))
    # Reviews that rejected (listed in the manifest, no leaf), and the weight its revoked
    # leaves took out of the pool.
    rejected: Mapped[int] = mapped_column(BigInteger, default=0)
    revoked_weight: Mapped[int] = mapped_column(BigInteger, default=0)


class BatchLeaf(Base):
    """A leaf of an accepted batch a member acted on: claimed its revenue, activated its tokens
    or revoked it (the distributor's BatchLeavesClaimed, the registry's LeafActivated and
    LeafRevoked). A leaf nobody acted on has no row: it earns all the same."""

    __tablename__ = "batch_leaves"
    batch_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    contributor: Mapped[str] = mapped_column(String(42), primary_key=True)
    ordinal: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    # Known once the leaf is activated or revoked (a claim event carries only a total).
    weight: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # The contribution it became when activated or revoked (the registry's id, 0x hex).
    contribution_id: Mapped[str | None] = mapped_column(String(66), nullable=True, index=True)
    claimed_block: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    activated_block: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    revoked_block: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


# Market


class Purchase(Base):
    __tablename__ = "purchases"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    pool_id: Mapped[int] = mapped_column(BigInteger, index=True)
    buyer: Mapped[str] = mapped_column(String(42), index=True)
    buyer_ref: Mapped[str] = mapped_column(String(66))
    order_id: Mapped[str] = mapped_column(String(66), index=True)
    purpose: Mapped[int] = mapped_column(Integer)
    price: Mapped[int] = mapped_column(Uint)
    content_block: Mapped[int] = mapped_column(BigInteger)
    block_number: Mapped[int] = mapped_column(BigInteger)
    timestamp: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(String(66))


class Strike(Base):
    """A strike: ``general``, ``buyer:<address>`` or ``ref:<buyerRef>``."""

    __tablename__ = "strikes"
    target: Mapped[str] = mapped_column(String(80), primary_key=True)
    struck: Mapped[bool] = mapped_column(Boolean)
    block_number: Mapped[int] = mapped_column(BigInteger)


# Revenue (the RevenueDistributor replica)


class RevenueDeposit(Base):
    __tablename__ = "revenue_deposits"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pool_id: Mapped[int] = mapped_column(BigInteger, index=True)
    amount: Mapped[int] = mapped_column(Uint)
    to_contributors: Mapped[int] = mapped_column(Uint)
    to_workers: Mapped[int] = mapped_column(Uint)
    to_reserve: Mapped[int] = mapped_column(Uint)
    # The accumulators of the pool's pot and of the work pot right after this deposit, so a
    # member's accruals can be replayed deposit by deposit.
    pool_acc_per_unit: Mapped[int] = mapped_column(Uint, default=0)
    work_acc_per_unit: Mapped[int] = mapped_column(Uint, default=0)
    block_number: Mapped[int] = mapped_column(BigInteger)
    log_index: Mapped[int] = mapped_column(Integer, default=0)
    timestamp: Mapped[int] = mapped_column(BigInteger)


class RevenueClaim(Base):
    __tablename__ = "revenue_claims"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pot_id: Mapped[int] = mapped_column(Uint, index=True)
    account: Mapped[str] = mapped_column(String(42), index=True)
    amount: Mapped[int] = mapped_column(Uint)
    block_number: Mapped[int] = mapped_column(BigInteger)
    timestamp: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(String(66))


class Pot(Base):
    """The indexer's replica of a RevenueDistributor pot (a pool, or the work pot)."""

    __tablename__ = "pots"
    id: Mapped[int] = mapped_column(Uint, primary_key=True)
    total_units: Mapped[int] = mapped_column(Uint, default=0)
    acc_per_unit: Mapped[int] = mapped_column(Uint, default=0)


class Position(Base):
    """The replica of one account's position in a pot; amounts scaled as the contract scales."""

    __tablename__ = "positions"
    pot_id: Mapped[int] = mapped_column(Uint, primary_key=True)
    account: Mapped[str] = mapped_column(String(42), primary_key=True)
    units: Mapped[int] = mapped_column(Uint, default=0)
    acc_snapshot: Mapped[int] = mapped_column(Uint, default=0)
    owed: Mapped[int] = mapped_column(Uint, default=0)
    remainder: Mapped[int] = mapped_column(Uint, default=0)
    claimed: Mapped[int] = mapped_column(Uint, default=0)


class PositionChange(Base):
    """An account's units in a pot after each change (UnitsChanged), in event order."""

    __tablename__ = "position_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pot_id: Mapped[int] = mapped_column(Uint, index=True)
    account: Mapped[str] = mapped_column(String(42), index=True)
    units: Mapped[int] = mapped_column(Uint)
    block_number: Mapped[int] = mapped_column(BigInteger)
    log_index: Mapped[int] = mapped_column(Integer)


class BatchPot(Base):
    """The replica of an accepted batch's pot (RevenueDistributor batch pots): one holder of
    ``units`` in its pool; what it earned is ``books_accrued`` plus its units times the pool's
    accumulator since ``books_acc`` (frozen once closed), less what its leaves were ``paid``."""

    __tablename__ = "batch_pots"
    batch_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    pool_id: Mapped[int] = mapped_column(BigInteger, index=True)
    earning: Mapped[bool] = mapped_column(Boolean)
    units: Mapped[int] = mapped_column(Uint)
    books_acc: Mapped[int] = mapped_column(Uint)
    books_accrued: Mapped[int] = mapped_column(Uint, default=0)
    paid: Mapped[int] = mapped_column(Uint, default=0)


# The id of the one row of ``ledger`` and of ``governor_rules``.
SINGLE_ROW_ID = 1


class Ledger(Base):
    """The replica of the distributor's totals, split and reserve (one row, id 1)."""

    __tablename__ = "ledger"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contributors_bps: Mapped[int] = mapped_column(Integer)
    workers_bps: Mapped[int] = mapped_column(Integer)
    reserve_bps: Mapped[int] = mapped_column(Integer)
    deposited: Mapped[int] = mapped_column(Uint, default=0)
    claimed: Mapped[int] = mapped_column(Uint, default=0)
    reserve_accrued: Mapped[int] = mapped_column(Uint, default=0)
    reserve_remainder: Mapped[int] = mapped_column(Uint, default=0)
    reserve_released: Mapped[int] = mapped_column(Uint, default=0)


# Governance


class GovernorRules(Base):
    """The class weights and quorums new proposals copy, as the governor last set them (one row,
    id 1, written by the events its constructor and governance emit)."""

    __tablename__ = "governor_rules"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_weights: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)
    class_quorums: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)


class Proposal(Base):
    __tablename__ = "proposals"
    id: Mapped[str] = mapped_column(String(78), primary_key=True)  # uint256, decimal
    proposer: Mapped[str] = mapped_column(String(42))
    description: Mapped[str] = mapped_column(Text)  # display text
    # The exact bytes proposed: what hashProposal needs to queue or execute the proposal.
    description_raw: Mapped[bytes] = mapped_column(LargeBinary)
    actions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # target, value, calldata
    vote_start: Mapped[int] = mapped_column(BigInteger)
    vote_end: Mapped[int] = mapped_column(BigInteger)
    class_weights: Mapped[list[int]] = mapped_column(JSON)
    class_quorums: Mapped[list[int]] = mapped_column(JSON)
    queued_eta: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    executed: Mapped[bool] = mapped_column(Boolean, default=False)
    canceled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_block: Mapped[int] = mapped_column(BigInteger)


class Vote(Base):
    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("proposal_id", "voter"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[str] = mapped_column(String(78), index=True)
    voter: Mapped[str] = mapped_column(String(42))
    stakeholder_class: Mapped[int] = mapped_column(Integer)
    support: Mapped[int] = mapped_column(Integer)  # 0 against, 1 for, 2 abstain
    votes: Mapped[int] = mapped_column(BigInteger)
    block_number: Mapped[int] = mapped_column(BigInteger)


# ---------------------------------------------------------------------------------------------
# The API's own records
# ---------------------------------------------------------------------------------------------


class Buyer(Base):
    """An off-chain buyer; the API key is shown once and only its hash is kept."""

    __tablename__ = "buyers"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    key_prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    buyer_ref: Mapped[str] = mapped_column(String(66), unique=True)
    created_at: Mapped[datetime]
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)


class ConsumedNonce(Base):
    """A SIWE nonce a sign-in has used. Nonces are stateless until then (HMAC-signed, see
    :mod:`api.services.auth`); the primary key refuses a second use in any process, and the
    worker deletes the row once the nonce has expired, when it is refused anyway."""

    __tablename__ = "siwe_consumed_nonces"
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    consumed_at: Mapped[datetime]


class WalletSession(Base):
    """A session opened by Sign-In with Ethereum; the bearer token is kept hashed."""

    __tablename__ = "wallet_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    address: Mapped[str] = mapped_column(String(42), index=True)
    chain_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)  # the worker's sweep


class OrderState(StrEnum):
    """An off-chain order's life: quoted, paid, settling, settled; or expired, refused, failed.
    The values are what ``orders.status`` holds."""

    QUOTED = "quoted"
    PAID = "paid"
    SETTLING = "settling"
    SETTLED = "settled"
    EXPIRED = "expired"
    REFUSED = "refused"
    FAILED = "failed"


# The reason an order holds when its quote expired unpaid.
QUOTE_EXPIRED = "the quote expired before it was paid"


class OutboxState(StrEnum):
    """A settlement's progress in the outbox: pending, signed, sent, mined (waiting for
    confirmations), done. The values are what ``settlement_outbox.state`` holds."""

    PENDING = "pending"  # no transaction: the next try asks the chain, then signs
    SIGNED = "signed"  # signed and committed; maybe not sent
    SENT = "sent"  # broadcast; waiting for its receipt
    MINED = "mined"  # a Purchased event was found; waiting for the confirmations
    DONE = "done"  # settled, refused or failed: nothing more to do


class Order(Base):
    """An off-chain order; ``status`` is an :class:`OrderState`."""

    __tablename__ = "orders"
    __table_args__ = (UniqueConstraint("buyer_id", "idempotency_key"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # The bytes32 order id given to DataMarket.settleOffchain, 0x-prefixed hex.
    chain_order_id: Mapped[str] = mapped_column(String(66), unique=True)
    buyer_id: Mapped[str] = mapped_column(ForeignKey("buyers.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    pool_id: Mapped[int] = mapped_column(BigInteger)
    purpose: Mapped[int] = mapped_column(Integer)
    price: Mapped[int] = mapped_column(Uint)
    # The payment token's symbol at quote time; a payment in another currency is refused.
    currency: Mapped[str] = mapped_column(String(16), default="")
    status: Mapped[str] = mapped_column(String(16), index=True)  # an OrderState
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    paid_at: Mapped[datetime | None] = mapped_column(nullable=True)
    payment_ref: Mapped[str | None] = mapped_column(String(255), nullable=True)
    settled_at: Mapped[datetime | None] = mapped_column(nullable=True)
    purchase_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    tx_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class OutboxEntry(Base):
    """The settlement worker's record of one paid order's transaction, written before sending."""

    __tablename__ = "settlement_outbox"
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), index=True)  # an OutboxState
    nonce: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    tx_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)
    raw_tx: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    # Where the settlement was mined, kept while it waits to be LUMBUNG_CONFIRMATIONS deep.
    purchase_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    block_number: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    block_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class WebhookEvent(Base):
    """A payment-provider event already processed: a replay is acknowledged and ignored.

    Event ids are the provider's own, unique only within it: the key is (provider, event_id).
    """

    __tablename__ = "webhook_events"
    provider: Mapped[str] = mapped_column(String(32), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    order_id: Mapped[str] = mapped_column(String(36))
    received_at: Mapped[datetime]


class VaultItem(Base):
    """An uploaded contribution: its ciphertext's CID and where its key is.

    ``format`` is the vault format (:mod:`api.services.vault`): 2 (age) rows name their identity
    in the key store by ``key_id`` and hold no key; 1 rows hold a KEK-wrapped ``wrapped_key``
    until ``lumbung vault rotate-kek`` moves it into the key store. ``filename``,
    ``content_type`` and ``plaintext_sha256`` are filled for format 1 only: format 2 keeps them
    beside the identity in the key store, so that old pages of the row do not outlive their
    erasure with them. Erasure destroys the key, deletes the ciphertext's blocks and clears the
    file name, type, size and hash.
    """

    __tablename__ = "vault_items"
    cid: Mapped[str] = mapped_column(String(128), primary_key=True)
    contribution_id: Mapped[str] = mapped_column(String(66), unique=True)
    uploader: Mapped[str] = mapped_column(String(42), index=True)
    pool_id: Mapped[int] = mapped_column(BigInteger)
    format: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    plaintext_sha256: Mapped[str] = mapped_column(String(64))
    chunk_size: Mapped[int] = mapped_column(Integer)
    key_id: Mapped[str | None] = mapped_column(String(32), nullable=True, unique=True)
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime]
    erased_at: Mapped[datetime | None] = mapped_column(nullable=True)


class RelayKind(StrEnum):
    """What the gas relay sent for a member: an ERC-2771 request through the forwarder, a
    signed governor ballot, or a membership voucher. The values are what
    ``relay_transactions.kind`` holds."""

    FORWARD = "forward"
    VOTE = "vote"
    JOIN = "join"


class RelayStatus(StrEnum):
    """A relayed transaction's outcome: mined and succeeded, mined and reverted, or not yet
    mined when the request was answered. The values are what ``relay_transactions.status``
    holds."""

    SUCCESS = "success"
    REVERTED = "reverted"
    PENDING = "pending"


class RelayTransaction(Base):
    """A transaction the gas relayer sent and paid for on a member's behalf."""

    __tablename__ = "relay_transactions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # The member the transaction acts for: the request's signer, the voter, the joining member.
    account: Mapped[str] = mapped_column(String(42), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # a RelayKind
    action: Mapped[str] = mapped_column(String(96))  # "ContributionRegistry.submit"
    target: Mapped[str] = mapped_column(String(42))  # the contract the member's call is for
    selector: Mapped[str] = mapped_column(String(10))
    # keccak256 of the member's signature: a second request with it is a replay.
    signature_hash: Mapped[str] = mapped_column(String(66), index=True)
    tx_hash: Mapped[str] = mapped_column(String(66), unique=True)
    block_number: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    gas_used: Mapped[int] = mapped_column(BigInteger, default=0)
    effective_gas_price: Mapped[int] = mapped_column(Uint, default=0)
    cost_wei: Mapped[int] = mapped_column(Uint, default=0)
    status: Mapped[str] = mapped_column(String(16))  # a RelayStatus
    # The chain's time at the head when it was sent: the quota's periods are in chain time.
    chain_time: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(index=True)


# The batch path (issue 16): consents signed in the wallet, curators' reviews, the aggregator's
# batches. The API's own records: the signatures are the evidence the manifest publishes.


class Consent(Base):
    """A member's EIP-712 Consent to contribute an upload to its pool (lumbung.consent)."""

    __tablename__ = "consents"
    # The upload's contribution id (VaultItem.contribution_id): one consent per upload.
    contribution_id: Mapped[str] = mapped_column(String(66), primary_key=True)
    pool_id: Mapped[int] = mapped_column(BigInteger, index=True)
    cid: Mapped[str] = mapped_column(String(128))  # text, as VaultItem.cid
    contributor: Mapped[str] = mapped_column(String(42), index=True)
    deadline: Mapped[int] = mapped_column(BigInteger)
    digest: Mapped[str] = mapped_column(String(66), unique=True)
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(index=True)


class Review(Base):
    """A curator's EIP-712 Review of a consent: a weight, or 0 and a reason (a rejection)."""

    __tablename__ = "reviews"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    contribution_id: Mapped[str] = mapped_column(
        ForeignKey("consents.contribution_id"), unique=True
    )
    pool_id: Mapped[int] = mapped_column(BigInteger, index=True)
    curator: Mapped[str] = mapped_column(String(42), index=True)
    weight: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text, default="")
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(index=True)


class AggregateState(StrEnum):
    """An aggregated batch's progress: prepared (pinned, nothing signed), signed (the
    submitBatch transaction is signed and kept; maybe sent), submitted (its BatchSubmitted event
    gave the batch id), released (the curator rejected it on-chain: its reviews may be batched
    again). The values are what ``aggregated_batches.state`` holds."""

    PREPARED = "prepared"
    SIGNED = "signed"
    SUBMITTED = "submitted"
    RELEASED = "released"


class AggregatedBatch(Base):
    """A batch the aggregator built from one curator's reviews in one pool, recorded before its
    transaction is signed, so a crash never submits the same reviews twice."""

    __tablename__ = "aggregated_batches"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pool_id: Mapped[int] = mapped_column(BigInteger, index=True)
    curator: Mapped[str] = mapped_column(String(42), index=True)
    root: Mapped[str] = mapped_column(String(66), index=True)
    count: Mapped[int] = mapped_column(Integer)
    total_weight: Mapped[int] = mapped_column(BigInteger)
    rejected: Mapped[int] = mapped_column(Integer)
    manifest_cid: Mapped[str] = mapped_column(String(128), unique=True)
    # The StandardMerkleTree dump of the accepted leaves (None when the batch has none).
    tree: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    state: Mapped[str] = mapped_column(String(16), index=True)  # an AggregateState
    # The first block its BatchSubmitted event can be in: where the chain is searched after a
    # crash.
    from_block: Mapped[int] = mapped_column(BigInteger)
    nonce: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    tx_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)
    raw_tx: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    batch_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, unique=True)
    created_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None] = mapped_column(nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class BatchEntry(Base):
    """One review carried by an aggregated batch: a leaf (with its ordinal) or a rejection."""

    __tablename__ = "batch_entries"
    __table_args__ = (UniqueConstraint("batch_key", "review_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_key: Mapped[int] = mapped_column(ForeignKey("aggregated_batches.id"), index=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    contributor: Mapped[str] = mapped_column(String(42), index=True)
    ordinal: Mapped[int | None] = mapped_column(Integer, nullable=True)  # None: a rejection
    weight: Mapped[int] = mapped_column(BigInteger)


class CurationAccess(Base):
    """A curator opened a contribution's plaintext for review (the curators' workbench): who,
    when, which contribution. The contribution's member reads these rows as their access log;
    they name no file and no content, so they stay after an erasure as the record of it."""

    __tablename__ = "curation_access"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    contribution_id: Mapped[str] = mapped_column(String(66), index=True)
    pool_id: Mapped[int] = mapped_column(BigInteger)
    # The contribution's uploader, whose log this row is in.
    member: Mapped[str] = mapped_column(String(42), index=True)
    curator: Mapped[str] = mapped_column(String(42), index=True)
    opened_at: Mapped[datetime] = mapped_column(index=True)
