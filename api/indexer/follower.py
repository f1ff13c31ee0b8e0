"""The chain follower: stores contract events batch by batch, survives reorgs and restarts.

Each batch is one ``eth_getLogs`` over a block range and one database transaction: the events,
their projections, the hashes of the range's end and of every block with logs, and the cursor.
Before each batch, the hash stored for the cursor's block is compared with the chain's; when they
differ, the indexer walks back to the newest stored block the chain still has, deletes the events
above it and rebuilds every projection from the remaining log.

No log can stop the indexer: string arguments are decoded leniently (:mod:`api.indexer.decode`),
and a log that still cannot be decoded or projected is rolled back to a savepoint, recorded in
``quarantined_logs`` with an ERROR, and passed over; the rest of its batch is stored and the
cursor moves on. ``/health`` reports the quarantine.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session
from web3.exceptions import BlockNotFound
from web3.types import FilterParams, LogReceipt

from api import backoff
from api.context import Context
from api.db import transaction
from api.indexer.crosscheck import check_governance
from api.indexer.decode import (
    DecodedLog,
    EventDecoder,
    LogRecord,
    UndecodableLog,
    display_text,
    hex_text,
)
from api.indexer.projections import apply_event, rebuild
from api.models import ChainEvent, IndexedBlock, IndexerCursor, QuarantinedLog

logger = logging.getLogger(__name__)

CURSOR = "main"
# How many blocks below the cursor keep their stored hash; a deeper reorg reindexes everything.
HASH_WINDOW = 256
# A quarantined log's error is kept to this many characters.
ERROR_CHARS = 2000


class ReorgDuringBatchError(RuntimeError):
    """The chain changed while a batch was read; the batch is dropped and read again."""


@dataclass(frozen=True)
class BlockHeader:
    number: int
    hash: str
    timestamp: int


class Follower:
    """Indexes one deployment into one database."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.settings = context.settings
        self.chain = context.chain
        self.start_block = self.chain.deployment.start_block
        self._decoder: EventDecoder | None = None

    @property
    def decoder(self) -> EventDecoder:
        if self._decoder is None:
            self._decoder = EventDecoder(self.chain)
        return self._decoder

    # -- chain reads (each raises ChainUnavailableError when the RPC does not answer) ----------

    def head(self) -> int:
        return self.chain.guard(lambda: int(self.chain.w3.eth.block_number))

    def header(self, number: int) -> BlockHeader | None:
        def fetch() -> BlockHeader | None:
            try:
                block = self.chain.w3.eth.get_block(number)
            except BlockNotFound:
                return None
            return BlockHeader(number, hex_text(block["hash"]), int(block["timestamp"]))

        return self.chain.guard(fetch)

    def logs(self, first: int, last: int) -> list[LogReceipt]:
        params: FilterParams = {
            "fromBlock": first,
            "toBlock": last,
            "address": list(self.decoder.addresses),
        }
        return self.chain.guard(lambda: list(self.chain.w3.eth.get_logs(params)))

    # -- database state ---------------------------------------------------------------------

    def cursor(self, session: Session) -> int:
        row = session.get(IndexerCursor, CURSOR)
        return row.block_number if row is not None else self.start_block - 1

    def indexed_block(self) -> int:
        with self.context.sessions() as session:
            return self.cursor(session)

    # -- the steps --------------------------------------------------------------------------

    def check_reorg(self) -> bool:
        """Rolls back to the fork point if the chain no longer holds the indexed blocks.

        Returns True when a reorg was found and handled.
        """
        with self.context.sessions() as session:
            stored = session.scalars(
                select(IndexedBlock).order_by(IndexedBlock.number.desc()).limit(1)
            ).first()
        if stored is None:
            return False
        current = self.header(stored.number)
        if current is not None and current.hash == stored.hash:
            return False
        fork = self.fork_point()
        logger.warning(
            "reorg: block %s is %s on the chain, %s indexed; rolling back to block %s",
            stored.number,
            current.hash if current else "missing",
            stored.hash,
            fork,
        )
        self.roll_back(fork)
        return True

    def fork_point(self) -> int:
        """The newest stored block the chain still holds with the same hash (or the block
        before the start when none is left)."""
        with self.context.sessions() as session:
            stored = list(
                session.scalars(select(IndexedBlock).order_by(IndexedBlock.number.desc()))
            )
        for block in stored:
            current = self.header(block.number)
            if current is not None and current.hash == block.hash:
                return block.number
        return self.start_block - 1

    def roll_back(self, fork: int) -> None:
        with transaction(self.context.sessions) as session:
            session.execute(delete(ChainEvent).where(ChainEvent.block_number > fork))
            session.execute(delete(QuarantinedLog).where(QuarantinedLog.block_number > fork))
            session.execute(delete(IndexedBlock).where(IndexedBlock.number > fork))
            self._set_cursor(session, fork)
            rebuild(session)

    def read_batch(
        self, first: int, last: int
    ) -> tuple[list[DecodedLog | UndecodableLog], dict[int, BlockHeader]]:
        """The decoded logs of ``first..last`` (and those that do not decode) and the headers of
        ``last`` and of every block with logs, checked against each other."""
        raw = self.logs(first, last)
        headers: dict[int, BlockHeader] = {}
        for number in sorted({int(log["blockNumber"]) for log in raw} | {last}):
            header = self.header(number)
            if header is None:
                raise ReorgDuringBatchError(f"block {number} vanished while reading")
            headers[number] = header
        decoded: list[DecodedLog | UndecodableLog] = []
        for log in raw:
            if log.get("removed"):
                raise ReorgDuringBatchError("the node reported a removed log")
            if hex_text(log["blockHash"]) != headers[int(log["blockNumber"])].hash:
                raise ReorgDuringBatchError(f"block {log['blockNumber']} changed while reading")
            event = self.decoder.decode(log)
            if event is not None:
                decoded.append(event)
        decoded.sort(key=lambda e: (e.block_number, e.log_index))
        return decoded, headers

    def store_batch(
        self,
        expected_cursor: int,
        last: int,
        events: Sequence[DecodedLog | UndecodableLog],
        headers: dict[int, BlockHeader],
    ) -> bool:
        """Stores one batch in one transaction; False if another indexer moved the cursor.

        Each event is stored and projected inside its own savepoint: one that fails is rolled
        back alone and quarantined.
        """
        with transaction(self.context.sessions) as session:
            row = session.get(IndexerCursor, CURSOR, with_for_update=True)
            current = row.block_number if row is not None else self.start_block - 1
            if current != expected_cursor:
                logger.info("cursor moved to %s by another indexer; skipping", current)
                return False
            # The cursor is written first: on SQLite this write is what opens the transaction
            # (pysqlite begins one only before DML), so the savepoints below nest inside it.
            self._set_cursor(session, last)
            session.flush()
            for decoded in events:
                if isinstance(decoded, UndecodableLog):
                    self._quarantine(session, decoded, decoded.error)
                    continue
                try:
                    with session.begin_nested():
                        event = ChainEvent(
                            block_number=decoded.block_number,
                            block_hash=decoded.block_hash,
                            block_timestamp=headers[decoded.block_number].timestamp,
                            log_index=decoded.log_index,
                            tx_hash=decoded.tx_hash,
                            contract=decoded.contract,
                            event=decoded.event,
                            args=decoded.args,
                            raw_strings=decoded.raw_strings,
                        )
                        session.add(event)
                        session.flush()
                        apply_event(session, event)
                        session.flush()
                except (OperationalError, InterfaceError):
                    raise  # the database, not the log: the whole batch is retried
                except IntegrityError as exc:
                    if self._already_stored(session, decoded):
                        raise  # a concurrent indexer stored it first (see run_once)
                    self._quarantine(session, decoded, f"IntegrityError: {exc}")
                except Exception as exc:  # whatever a projection raises, the log is set aside
                    logger.debug("projection of %s failed", decoded.event, exc_info=True)
                    error = f"{type(exc).__name__}: {exc}"
                    self._quarantine(session, decoded, error)
            for header in headers.values():
                session.merge(
                    IndexedBlock(number=header.number, hash=header.hash, timestamp=header.timestamp)
                )
            session.execute(delete(IndexedBlock).where(IndexedBlock.number < last - HASH_WINDOW))
            check_governance(session, self.chain, expected_cursor + 1, last)
        return True

    @staticmethod
    def _already_stored(session: Session, decoded: DecodedLog) -> bool:
        stored = session.scalar(
            select(ChainEvent.id).where(
                ChainEvent.block_number == decoded.block_number,
                ChainEvent.log_index == decoded.log_index,
            )
        )
        return stored is not None

    @staticmethod
    def _quarantine(session: Session, log: LogRecord, error: str) -> None:
        """Sets ``log`` aside with an ERROR alert; its batch and the cursor go on without it."""
        error = display_text(error.encode(errors="replace"))[:ERROR_CHARS]
        logger.error(
            "indexer: quarantined %s log %s of block %s (tx %s), which the index leaves out: %s",
            log.event,
            log.log_index,
            log.block_number,
            log.tx_hash,
            error,
        )
        session.add(
            QuarantinedLog(
                block_number=log.block_number,
                block_hash=log.block_hash,
                log_index=log.log_index,
                tx_hash=log.tx_hash,
                contract=log.contract,
                event=log.event,
                error=error,
                raw_log=log.raw_log,
                quarantined_at=datetime.now(UTC),
            )
        )
        session.flush()

    def _set_cursor(self, session: Session, block: int) -> None:
        row = session.get(IndexerCursor, CURSOR)
        if row is None:
            session.add(IndexerCursor(name=CURSOR, block_number=block))
        else:
            row.block_number = block

    def run_once(self, max_batches: int | None = None) -> int:
        """Indexes up to the head less the confirmations; returns the blocks processed."""
        target = self.head() - self.settings.confirmations
        processed = 0
        batches = 0
        while max_batches is None or batches < max_batches:
            if self.check_reorg():
                target = self.head() - self.settings.confirmations
            cursor = self.indexed_block()
            if cursor >= target:
                break
            last = min(cursor + self.settings.indexer_batch_blocks, target)
            try:
                events, headers = self.read_batch(cursor + 1, last)
            except ReorgDuringBatchError as exc:
                logger.warning("batch %s-%s dropped: %s", cursor + 1, last, exc)
                target = self.head() - self.settings.confirmations
                continue
            try:
                stored = self.store_batch(cursor, last, events, headers)
            except IntegrityError:  # a concurrent indexer stored the same events first
                logger.info("batch %s-%s already stored by another indexer", cursor + 1, last)
                continue
            batches += 1
            if stored:
                processed += last - cursor
                logger.debug("indexed blocks %s-%s: %s events", cursor + 1, last, len(events))
        return processed


def run_once(context: Context, max_batches: int | None = None) -> int:
    """Indexes up to ``head - confirmations``; returns the number of blocks processed.

    Raises :class:`~api.errors.ChainUnavailableError` when the chain does not answer; what was
    stored before stays stored.
    """
    return Follower(context).run_once(max_batches)


def index_until_head(context: Context) -> int:
    """Indexes everything the chain holds now (less the confirmations); returns the cursor.

    For tests and scripts that need the database to reflect what they just sent.
    """
    follower = Follower(context)
    follower.run_once()
    return follower.indexed_block()


def rebuild_all(context: Context) -> int:
    """Rebuilds every projection from the stored event log; returns the event count."""
    with transaction(context.sessions) as session:
        return rebuild(session)


def run_forever(context: Context, stop: threading.Event) -> None:
    """Follows the chain until ``stop`` is set; outages are logged and retried with backoff."""
    poll = context.settings.indexer_poll_s
    follower: Follower | None = None

    def follow() -> None:
        nonlocal follower
        follower = follower or Follower(context)
        processed = follower.run_once()
        if processed:
            logger.info("indexed %s blocks, now at %s", processed, follower.indexed_block())

    backoff.run_forever(
        follow,
        base=poll,
        cap=max(context.settings.worker_max_backoff_s, poll),
        stop=stop,
        log=logger,
    )
