"""The aggregator: gathers each curator's reviews in a pool into a batch and submits it exactly
once through ``ContributionRegistry.submitBatch`` (AGGREGATOR_ROLE, ``LUMBUNG_AGGREGATOR_KEY``).

A batch is one curator's work in one pool: their reviews not yet carried by a batch, oldest
first, at most ``LUMBUNG_BATCH_MAX_REVIEWS`` and at most what the curator can still be credited
for in this curation epoch (``curationCap() - reviewsInEpoch``, less the reviews of their batches
still waiting for acceptance), so the curator can accept it. Reviews of expired consents stay
behind. Every batch moves through :class:`~api.models.AggregateState`:

1. *prepared*: the tree is built, the manifest pinned, and the batch and its entries recorded
   (COMMIT) before anything is signed. Its reviews belong to it from then on.
2. The chain is asked first: a ``BatchSubmitted`` with the batch's root and manifest CID since
   ``from_block`` means it was submitted already (a crash after sending): record it. Otherwise
   sign ``submitBatch`` at the aggregator's pending nonce and keep the raw transaction (COMMIT):
   *signed*.
3. *signed*: its receipt gives the batch id (*submitted*). Without a receipt, the chain is asked
   for the batch again; when the nonce is unused the very same raw transaction is broadcast
   again, and when something else used the nonce the batch goes back to *prepared*.
4. *submitted* batches whose curator rejected them on-chain (the indexer's ``batches``) are
   *released*: their reviews wait for the next batch.
5. A *submitted* batch the indexer has not confirmed yet is read back from the registry each
   round: when the chain no longer holds it (a reorg, a node that lost its last blocks) it goes
   back to *prepared*, and is submitted again.

So a crash at any point ends, on restart, with each review in exactly one submitted batch.
The crash hook (:data:`CrashHook`) is called at each :class:`CrashPoint`; the crash tests raise
there, as a kill would.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from web3.logs import DISCARD

from api.context import Context
from api.db import transaction
from api.errors import ContractRevertError
from api.models import (
    AggregatedBatch,
    AggregateState,
    Batch,
    BatchEntry,
    Consent,
    Review,
)
from api.redaction import redact_text
from api.relayer import (
    ContractCall,
    LocalKeyRelayer,
    NotMinedYetError,
    Relayer,
    RelayerError,
    RevertedError,
    hex_hash,
)
from api.services.batching import manifest as mf
from ipfs.cid import parse_cid

logger = logging.getLogger(__name__)


class CrashPoint(StrEnum):
    """Where aggregating can be interrupted between two durable steps."""

    PREPARED = "prepared"  # recorded and pinned, nothing signed
    SIGNED = "signed"  # signed and committed, not broadcast
    SENT = "sent"  # broadcast, not yet recorded


CrashHook = Callable[[CrashPoint], None]


def no_crash(point: CrashPoint) -> None:
    """The default crash hook: carry on."""


# The on-chain statuses (the indexer's ``batches.status``) of a batch still waiting for its
# curator, whose reviews are not credited yet.
WAITING = "pending"
# The widest eth_getLogs the aggregator asks for when it looks for a batch it sent (public RPC
# nodes refuse ranges wider than a few thousand blocks).
FIND_LOG_RANGE = 2_000


def unbatched_reviews(session: Session, now: int) -> list[tuple[Review, Consent]]:
    """Reviews of live consents that no batch (other than a released one) carries, oldest
    first."""
    carried = (
        select(BatchEntry.review_id)
        .join(AggregatedBatch, AggregatedBatch.id == BatchEntry.batch_key)
        .where(AggregatedBatch.state != AggregateState.RELEASED)
    )
    query = (
        select(Review, Consent)
        .join(Consent, Consent.contribution_id == Review.contribution_id)
        .where(Review.id.not_in(carried), Consent.deadline > now)
        .order_by(Review.created_at, Review.id)
    )
    return [(review, consent) for review, consent in session.execute(query)]


def superseded(session: Session, selection: mf.Selection) -> list[int]:
    """The on-chain ids of the released batches that carried any of ``selection``'s reviews."""
    review_ids = [r.review_id for r, _ordinal in selection.leaves]
    review_ids += [r.review_id for r in selection.rejections]
    found = session.scalars(
        select(AggregatedBatch.batch_id)
        .join(BatchEntry, BatchEntry.batch_key == AggregatedBatch.id)
        .where(AggregatedBatch.state == AggregateState.RELEASED)
        .where(BatchEntry.review_id.in_(review_ids))
        .distinct()
    )
    return sorted(batch_id for batch_id in found if batch_id is not None)


def reviewed(review: Review, consent: Consent) -> mf.Reviewed:
    return mf.Reviewed(
        review_id=review.id,
        contributor=consent.contributor,
        cid=consent.cid,
        cid_bytes=bytes(parse_cid(consent.cid)),
        weight=review.weight,
        reason=review.reason,
        review_signature=review.signature,
        consent_deadline=consent.deadline,
        consent_signature=consent.signature,
        consent_digest=consent.digest,
    )


def _row(session: Session, key: int) -> AggregatedBatch:
    batch = session.get(AggregatedBatch, key)
    if batch is None:
        raise LookupError(f"no aggregated batch {key}")
    return batch


class Aggregator:
    """Builds and submits batches; see the module docstring for the protocol."""

    def __init__(
        self, context: Context, relayer: Relayer | None = None, crash: CrashHook = no_crash
    ) -> None:
        self.context = context
        self.settings = context.settings
        self.chain = context.chain
        self.relayer = relayer or LocalKeyRelayer(
            self.chain,
            self.settings.aggregator_key.get_secret_value(),
            self.settings.worker_receipt_timeout_s,
        )
        self.crash = crash

    @property
    def deployment(self) -> mf.Deployment:
        return mf.Deployment(
            self.chain.chain_id, self.chain.registry.address, self.chain.distributor.address
        )

    # -- the round ------------------------------------------------------------------------

    def run_once(self) -> int:
        """Finishes the batches a crash left open, releases rejected ones, then builds and
        submits new batches; returns how many batches were submitted."""
        self.release_rejected()
        self.reconcile()
        submitted = sum(self.finish(key) for key in self.open_batches())
        for pool_id, curator in self.due():
            key = self.prepare(pool_id, curator)
            if key is not None:
                submitted += self.finish(key)
        return submitted

    def open_batches(self) -> list[int]:
        with self.context.sessions() as session:
            query = select(AggregatedBatch.id).where(
                AggregatedBatch.state.in_([AggregateState.PREPARED, AggregateState.SIGNED])
            )
            return list(session.scalars(query.order_by(AggregatedBatch.id)))

    def release_rejected(self) -> int:
        """Releases the reviews of submitted batches their curator rejected on-chain."""
        with transaction(self.context.sessions) as session:
            rejected = session.scalars(
                select(AggregatedBatch)
                .join(Batch, Batch.id == AggregatedBatch.batch_id)
                .where(AggregatedBatch.state == AggregateState.SUBMITTED)
                .where(Batch.status == "rejected")
            ).all()
            for batch in rejected:
                batch.state = AggregateState.RELEASED
                logger.info("batch %s was rejected by its curator: released", batch.batch_id)
            return len(rejected)

    def reconcile(self) -> int:
        """Puts submitted batches the chain no longer holds back to prepared; their count."""
        with self.context.sessions() as session:
            unconfirmed = session.execute(
                select(AggregatedBatch.id, AggregatedBatch.batch_id, AggregatedBatch.root)
                .outerjoin(Batch, Batch.id == AggregatedBatch.batch_id)
                .where(AggregatedBatch.state == AggregateState.SUBMITTED, Batch.id.is_(None))
            ).all()
        lost = 0
        for key, batch_id, root in unconfirmed:
            assert batch_id is not None
            try:
                held = "0x" + self.chain.registry.batch(batch_id).root.hex() == root
            except ContractRevertError as exc:
                if exc.name != "ContributionRegistryUnknownBatch":
                    raise
                held = False
            if not held:
                self.back_to_prepared(key, f"the chain no longer holds batch {batch_id}")
                lost += 1
        return lost

    def due(self) -> list[tuple[int, str]]:
        """The (pool, curator) pairs with reviews waiting for a batch."""
        now = self.chain.head_timestamp()
        with self.context.sessions() as session:
            pairs = {(r.pool_id, r.curator) for r, _c in unbatched_reviews(session, now)}
        return sorted(pairs)

    # -- building ---------------------------------------------------------------------------

    def room(self, session: Session, curator: str, now: int) -> int:
        """How many more reviews the curator can be credited for in this epoch, counting their
        batches that still wait for acceptance as credited."""
        registry = self.chain.registry
        epoch = now // registry.curation_epoch()
        credited = registry.reviews_in_epoch(curator, epoch)
        waiting = session.execute(
            select(AggregatedBatch.count, AggregatedBatch.rejected)
            .outerjoin(Batch, Batch.id == AggregatedBatch.batch_id)
            .where(AggregatedBatch.curator == curator)
            .where(AggregatedBatch.state != AggregateState.RELEASED)
            .where((Batch.id.is_(None)) | (Batch.status == WAITING))
        ).all()
        pending = sum(count + rejected for count, rejected in waiting)
        return max(0, registry.curation_cap() - credited - pending)

    def prepare(self, pool_id: int, curator: str) -> int | None:
        """Records (and pins the manifest of) the next batch of ``curator`` in ``pool_id``;
        its key, or None when there is nothing the curator could accept now."""
        if not self.chain.registry.is_curator(curator):
            logger.info("curator %s is not eligible now: their reviews wait", curator)
            return None
        now = self.chain.head_timestamp()
        from_block = self.chain.ping()
        with transaction(self.context.sessions) as session:
            limit = min(self.settings.batch_max_reviews, self.room(session, curator, now))
            if limit == 0:
                logger.info("curator %s has no curation room left this epoch", curator)
                return None
            candidates = [
                reviewed(review, consent)
                for review, consent in unbatched_reviews(session, now)
                if review.pool_id == pool_id and review.curator == curator
            ]
            selection = mf.select(candidates, limit)
            if not len(selection):
                return None
            tree = mf.tree_of(self.deployment, pool_id, selection)
            document = mf.manifest(
                self.deployment, pool_id, curator, selection, tree, superseded(session, selection)
            )
            manifest_cid = self.context.ipfs.add_bytes(mf.manifest_bytes(document), cid_version=1)
            batch = AggregatedBatch(
                pool_id=pool_id,
                curator=curator,
                root=document["root"],
                count=selection.count,
                total_weight=selection.total_weight,
                rejected=len(selection.rejections),
                manifest_cid=str(manifest_cid),
                tree=document["tree"],
                state=AggregateState.PREPARED,
                from_block=from_block,
                created_at=datetime.now(UTC),
            )
            session.add(batch)
            session.flush()
            session.add_all(
                BatchEntry(
                    batch_key=batch.id,
                    review_id=r.review_id,
                    contributor=r.contributor,
                    ordinal=ordinal,
                    weight=r.weight,
                )
                for r, ordinal in selection.leaves
            )
            session.add_all(
                BatchEntry(
                    batch_key=batch.id,
                    review_id=r.review_id,
                    contributor=r.contributor,
                    ordinal=None,
                    weight=0,
                )
                for r in selection.rejections
            )
            key = batch.id
        logger.info(
            "prepared batch %s of %s in pool %s: %s leaves, %s rejections, manifest %s",
            key,
            curator,
            pool_id,
            selection.count,
            len(selection.rejections),
            manifest_cid,
        )
        self.crash(CrashPoint.PREPARED)
        return key

    # -- submitting -------------------------------------------------------------------------

    def finish(self, key: int) -> int:
        """Moves batch ``key`` on as far as it goes now; 1 when it became submitted."""
        with self.context.sessions() as session:
            batch = _row(session, key)
            state, tx_hash, raw, nonce = batch.state, batch.tx_hash, batch.raw_tx, batch.nonce
        try:
            found = self.find_on_chain(key)
            if found is not None:
                return self.record(key, found)
            if state == AggregateState.PREPARED:
                tx_hash, raw, nonce = self.sign(key)
                self.crash(CrashPoint.SIGNED)
            assert tx_hash is not None and raw is not None and nonce is not None
            return self.send(key, tx_hash, raw, nonce)
        except (RelayerError, NotMinedYetError) as exc:
            self.note_error(key, exc)
            return 0

    def submit_call(self, batch: AggregatedBatch) -> ContractCall:
        return ContractCall.of(
            self.chain["ContributionRegistry"],
            "submitBatch",
            batch.pool_id,
            batch.curator,
            bytes.fromhex(batch.root.removeprefix("0x")),
            batch.count,
            batch.total_weight,
            batch.rejected,
            bytes(parse_cid(batch.manifest_cid)),
        )

    def sign(self, key: int) -> tuple[str, bytes, int]:
        with transaction(self.context.sessions) as session:
            batch = _row(session, key)
            signed = self.relayer.sign(self.submit_call(batch))
            batch.state = AggregateState.SIGNED
            batch.tx_hash, batch.raw_tx, batch.nonce = signed.tx_hash, signed.raw, signed.nonce
        logger.info(
            "signed submitBatch of batch %s: %s (nonce %s)", key, signed.tx_hash, signed.nonce
        )
        return signed.tx_hash, signed.raw, signed.nonce

    def send(self, key: int, tx_hash: str, raw: bytes, nonce: int) -> int:
        receipt = self.relayer.receipt(tx_hash)
        if receipt is None:
            if self.relayer.mined_nonce() > nonce:  # the nonce went to another transaction
                self.back_to_prepared(key, "its nonce was used by another transaction")
                return 0
            try:
                self.relayer.broadcast(raw)
            except RelayerError as exc:  # already known, or mined meanwhile: the receipt says
                logger.info("broadcasting batch %s again: %s", key, exc)
            self.crash(CrashPoint.SENT)
            receipt = self.relayer.wait_for_receipt(tx_hash)
        if receipt["status"] != 1:
            self.back_to_prepared(key, f"submitBatch {tx_hash} reverted")
            return 0
        found = self.submitted_event(receipt)
        if found is None:
            raise RevertedError(f"{tx_hash} emitted no BatchSubmitted")
        return self.record(key, found)

    def submitted_event(self, receipt: Any) -> tuple[int, str] | None:
        """(batch id, transaction hash) of the receipt's BatchSubmitted."""
        event = self.chain["ContributionRegistry"].events.BatchSubmitted()
        for log in event.process_receipt(receipt, errors=DISCARD):
            return int(log["args"]["batchId"]), hex_hash(receipt["transactionHash"])
        return None

    def find_on_chain(self, key: int) -> tuple[int, str] | None:
        """(batch id, transaction hash) of the BatchSubmitted that submitted batch ``key``
        (same root and manifest CID) since its ``from_block``; None if the chain has none."""
        with self.context.sessions() as session:
            batch = _row(session, key)
            root, manifest_cid, from_block = batch.root, batch.manifest_cid, batch.from_block
        manifest = bytes(parse_cid(manifest_cid))
        event = self.chain["ContributionRegistry"].events.BatchSubmitted()
        mine = {"aggregator": self.relayer.address}
        latest = int(self.chain.guard(lambda: self.chain.w3.eth.block_number))
        # In ranges of FIND_LOG_RANGE blocks: public RPC nodes refuse wider eth_getLogs.
        for start in range(int(from_block), latest + 1, FIND_LOG_RANGE):
            end = min(start + FIND_LOG_RANGE - 1, latest)
            logs = self.chain.guard(partial(event.get_logs, from_block=start, to_block=end,
                                            argument_filters=mine))
            for log in logs:
                args = log["args"]
                if (
                    "0x" + bytes(args["root"]).hex() == root
                    and bytes(args["manifestCid"]) == manifest
                ):
                    return int(args["batchId"]), hex_hash(log["transactionHash"])
        return None

    def record(self, key: int, found: tuple[int, str]) -> int:
        batch_id, tx_hash = found
        with transaction(self.context.sessions) as session:
            batch = _row(session, key)
            batch.state = AggregateState.SUBMITTED
            batch.batch_id, batch.tx_hash = batch_id, tx_hash
            batch.raw_tx, batch.last_error = None, None
            batch.submitted_at = datetime.now(UTC)
        logger.info("batch %s is on-chain batch %s (tx %s)", key, batch_id, tx_hash)
        return 1

    def back_to_prepared(self, key: int, why: str) -> None:
        from_block = self.chain.ping()
        with transaction(self.context.sessions) as session:
            batch = _row(session, key)
            batch.state = AggregateState.PREPARED
            batch.tx_hash = batch.raw_tx = batch.nonce = batch.batch_id = None
            batch.from_block = min(batch.from_block, from_block)
            batch.last_error = why
        logger.warning("batch %s goes back to prepared: %s", key, why)

    def note_error(self, key: int, exc: Exception) -> None:
        with transaction(self.context.sessions) as session:
            batch = _row(session, key)
            batch.last_error = redact_text(str(exc))[:2000]
        logger.warning("batch %s waits: %s", key, redact_text(str(exc)))
