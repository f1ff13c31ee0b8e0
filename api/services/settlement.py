"""Exactly-once settlement of paid orders through ``DataMarket.settleOffchain``.

The outbox (``settlement_outbox``, one row per paid order) moves through the states of
:class:`~api.models.OutboxState`, ``pending → signed → sent → mined → done``. The protocol
never sends a transaction the database does not know about:

1. *pending*: ask the chain first (``purchaseOfOrder(orderId) != 0`` means the order is settled
   already: record it). Otherwise estimate ``settleOffchain`` (a revert there is decoded: a
   strike, a price above the quote, a pool no longer for sale refuse the order with the Solidity
   error's name), sign it locally with the relayer key at the account's pending nonce, store the
   raw transaction, its hash and nonce, and COMMIT before anything is sent.
2. *signed* / *sent*: look for the stored hash's receipt. Without one: when the chain says the
   order is settled, record it; when the nonce is still unused, broadcast the very same raw
   transaction again ("already known" and "nonce too low" are answers, not errors: the chain is
   checked again); when something else consumed the nonce, sign anew at a fresh nonce.
3. A successful receipt's ``Purchased`` event gives the purchase id; the entry becomes
   *mined*, with the block's number and hash.
4. *mined*: the order is settled, and the entry done, in one transaction once the block is
   ``LUMBUNG_CONFIRMATIONS`` below the head (0: the head itself) and the chain still has that
   block hash at that height. When it no longer does (a reorg, a node that lost its last
   blocks), the chain is asked again: a purchase re-mined elsewhere is followed to its new
   block; an order the chain no longer holds goes back to *pending* and is settled again.

So a crash at any point (before sending, after sending, after the receipt) ends, on restart,
with the order settled exactly once: ``settleOffchain`` itself reverts on a repeated orderId,
and the worker always asks the chain before it signs.

Reconciliation: at start, and every ``LUMBUNG_WORKER_RECONCILE_EVERY_S``, every order settled in
the last ``LUMBUNG_WORKER_RECONCILE_WINDOW_S`` is checked with ``purchaseOfOrder``. One the chain
has lost (blocks deeper than the confirmations lost, say by a node restored from an older state)
goes back to *settling* and its entry to *pending*: the buyer paid, so the pool is paid again.

One worker per relayer key: the relayer's nonces are a single sequence.

Transactions go through a :class:`~api.relayer.Relayer` (nonces, fees, signing, broadcast,
receipts, the payment-token allowance) and the DataMarket calls of :mod:`api.relayer.market`;
this module holds only the outbox's states and their transitions.

Crash points: a :data:`CrashHook` passed to the :class:`Settler` is called at each
:class:`CrashPoint`; the crash tests install one that exits the process, as a kill would. The
default does nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from hexbytes import HexBytes
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from web3.types import TxReceipt

from api.context import Context
from api.db import transaction
from api.models import QUOTE_EXPIRED, Buyer, Order, OrderState, OutboxEntry, OutboxState
from api.relayer import (
    InsufficientFundsError,
    LocalKeyRelayer,
    NonceTakenError,
    NotMinedYetError,
    Relayer,
    RelayerError,
    RevertedError,
    hex_hash,
)
from api.relayer.market import MinedPurchase, SettlementMarket

logger = logging.getLogger(__name__)

# A settleOffchain transaction that reverts on-chain although its estimate passed is retried
# (re-estimated) this often before the order fails.
MAX_ONCHAIN_REVERTS = 3
# At most this many recently settled orders are checked by one reconciliation.
RECONCILE_LIMIT = 1000

# DataMarket's refusals of a sale: the order is refused with the error's name as the reason.
REFUSALS = {
    "DataMarketStrike": "the cooperative is on a data strike against this sale",
    "DataMarketPriceAboveMax": "the pool's price was raised above the quoted price",
    "DataMarketNotForSale": "the pool is no longer for sale",
    "DataMarketNoContent": "the pool no longer holds accepted contributions",
    "DataMarketPurposeNotAllowed": "the pool's license no longer allows this purpose",
}
# Conditions of the relayer's own account that time can fix: retried with backoff.
RETRYABLE = {
    "ERC20InsufficientBalance": "the relayer's payment-token balance is below the price",
    "ERC20InsufficientAllowance": "the relayer has not approved DataMarket for the price",
}


class CrashPoint(StrEnum):
    """Where a settlement can be interrupted between two durable steps."""

    BEFORE_SEND = "before_send"  # signed and committed, not broadcast
    AFTER_SEND = "after_send"  # broadcast, no receipt yet
    AFTER_RECEIPT = "after_receipt"  # mined, not yet recorded


# Called at each crash point; the tests' hook ends the process there.
CrashHook = Callable[[CrashPoint], None]


def no_crash(point: CrashPoint) -> None:
    """The default crash hook: carry on."""


class RetryLaterError(Exception):
    """A condition that time may fix (funds, a slow receipt): the entry backs off."""


@dataclass(frozen=True)
class Job:
    """What settling one order needs, read from the database."""

    order_id: str
    chain_order_id: bytes
    pool_id: int
    purpose: int
    buyer_ref: bytes
    price: int
    order_status: str
    state: OutboxState
    nonce: int | None
    tx_hash: str | None
    raw_tx: bytes | None
    attempts: int
    purchase_id: int | None = None
    block_number: int | None = None
    block_hash: str | None = None


class Settler:
    """Settles the outbox's due entries; see the module docstring for the protocol."""

    def __init__(
        self, context: Context, relayer: Relayer | None = None, crash: CrashHook = no_crash
    ) -> None:
        self.context = context
        self.settings = context.settings
        self.relayer = relayer or LocalKeyRelayer(
            context.chain,
            self.settings.relayer_key.get_secret_value(),
            self.settings.worker_receipt_timeout_s,
        )
        self.market = SettlementMarket(context.chain)
        self.crash = crash
        self._reconciled_at: float | None = None

    # -- the round ------------------------------------------------------------------------

    def run_once(self, now: datetime | None = None, limit: int = 1000) -> int:
        """Expires stale quotes, then works through every due entry; returns how many settled.

        Raises ChainUnavailableError when the chain stops answering; entries are left as they
        were (nothing is lost) and the caller backs off.
        """
        now = now or datetime.now(UTC)
        self.expire_quotes(now)
        every = self.settings.worker_reconcile_every_s
        if self._reconciled_at is None or time.monotonic() - self._reconciled_at >= every:
            self.reconcile(now)
            self._reconciled_at = time.monotonic()
        settled = 0
        for order_id in self.due(now, limit):
            settled += self.settle(order_id)
        return settled

    def expire_quotes(self, now: datetime) -> int:
        with transaction(self.context.sessions) as session:
            result = session.execute(
                update(Order)
                .where(Order.status == OrderState.QUOTED, Order.expires_at <= now)
                .values(status=OrderState.EXPIRED, reason=QUOTE_EXPIRED)
            )
        count = int(getattr(result, "rowcount", 0) or 0)
        if count:
            logger.info("expired %s unpaid quotes", count)
        return count

    def reconcile(self, now: datetime) -> int:
        """Puts recently settled orders the chain no longer holds back to settling; their count."""
        since = now - timedelta(seconds=self.settings.worker_reconcile_window_s)
        with self.context.sessions() as session:
            query = (
                select(Order.id, Order.chain_order_id, Order.purchase_id)
                .where(Order.status == OrderState.SETTLED, Order.settled_at >= since)
                .order_by(Order.settled_at.desc())
                .limit(RECONCILE_LIMIT)
            )
            recent = list(session.execute(query))
        lost = 0
        for order_id, chain_order_id, purchase_id in recent:
            on_chain = self.market.purchase_of(bytes(HexBytes(chain_order_id)))
            if on_chain == purchase_id:
                continue
            if on_chain:
                # Re-mined under another purchase id (a reorg reordered the sales).
                found = self.market.find_purchase(on_chain)
                self._record_settled(order_id, on_chain, found.tx_hash if found else None)
                logger.warning(
                    "order %s: purchase %s is now purchase %s", order_id, purchase_id, on_chain
                )
                continue
            self._unsettle(order_id, purchase_id, now)
            lost += 1
        if lost:
            logger.error("%s settled orders were lost from the chain; settling them again", lost)
        return lost

    def due(self, now: datetime, limit: int) -> list[str]:
        with self.context.sessions() as session:
            query = (
                select(OutboxEntry.order_id)
                .where(OutboxEntry.state != OutboxState.DONE, OutboxEntry.next_attempt_at <= now)
                .order_by(OutboxEntry.next_attempt_at, OutboxEntry.order_id)
                .limit(limit)
            )
            return list(session.scalars(query))

    def settle(self, order_id: str) -> int:
        """Advances one entry as far as it goes now; 1 when the order ended settled."""
        job = self._load(order_id)
        if job is None:
            return 0
        try:
            if job.state == OutboxState.MINED:
                return self._confirm(job)
            if job.state == OutboxState.PENDING:
                signed = self._prepare(job)
                if signed is None:
                    return self._settled_now(order_id)
                return self._deliver(signed, fresh=True)
            return self._deliver(job, fresh=False)
        except RetryLaterError as exc:
            self._back_off(order_id, str(exc))
            return 0

    # -- steps ----------------------------------------------------------------------------

    def _load(self, order_id: str) -> Job | None:
        with self.context.sessions() as session:
            entry = session.get(OutboxEntry, order_id)
            order = session.get(Order, order_id)
            if entry is None or order is None or entry.state == OutboxState.DONE:
                return None
            buyer_ref = order_buyer_ref(session, order)
            return Job(
                order_id=order.id,
                chain_order_id=bytes(HexBytes(order.chain_order_id)),
                pool_id=order.pool_id,
                purpose=order.purpose,
                buyer_ref=bytes(HexBytes(buyer_ref)),
                price=order.price,
                order_status=order.status,
                state=OutboxState(entry.state),
                nonce=entry.nonce,
                tx_hash=entry.tx_hash,
                raw_tx=entry.raw_tx,
                attempts=entry.attempts,
                purchase_id=entry.purchase_id,
                block_number=entry.block_number,
                block_hash=entry.block_hash,
            )

    def _prepare(self, job: Job) -> Job | None:
        """Signs the settlement and commits it; None when the order needs no transaction."""
        if job.order_status not in (OrderState.PAID, OrderState.SETTLING):
            self._finish(job.order_id, None, None, None, None)
            return None
        # The chain first. An entry that never had a transaction is asked too, through the
        # estimate below: settleOffchain reverts DataMarketOrderAlreadySettled for a settled
        # order, which is recorded as settled. One round trip fewer per order.
        if job.attempts or job.order_status == OrderState.SETTLING:
            purchase_id = self.market.purchase_of(job.chain_order_id)
            if purchase_id:
                self._found_on_chain(job.order_id, purchase_id)
                return None
        self._ensure_allowance(job.price)
        call = self.market.settle_call(
            job.chain_order_id, job.pool_id, job.purpose, job.buyer_ref, job.price
        )
        try:
            signed = self.relayer.sign(call)
        except RevertedError as exc:
            self._handle_revert(job, exc)
            return None
        with transaction(self.context.sessions) as session:
            entry = session.get(OutboxEntry, job.order_id)
            order = session.get(Order, job.order_id)
            assert entry is not None and order is not None
            entry.state, entry.nonce = OutboxState.SIGNED, signed.nonce
            entry.tx_hash, entry.raw_tx = signed.tx_hash, signed.raw
            order.status, order.tx_hash = OrderState.SETTLING, signed.tx_hash
        logger.info(
            "order %s: signed settleOffchain %s at nonce %s",
            job.order_id,
            signed.tx_hash,
            signed.nonce,
        )
        self.crash(CrashPoint.BEFORE_SEND)
        return replace(
            job,
            state=OutboxState.SIGNED,
            nonce=signed.nonce,
            tx_hash=signed.tx_hash,
            raw_tx=signed.raw,
            order_status=OrderState.SETTLING,
        )

    def _deliver(self, job: Job, fresh: bool) -> int:
        """Gets a signed entry's transaction mined; returns 1 when the order ended settled."""
        assert job.tx_hash is not None and job.raw_tx is not None and job.nonce is not None
        receipt = None if fresh else self.relayer.receipt(job.tx_hash)
        if receipt is None and not fresh:
            purchase_id = self.market.purchase_of(job.chain_order_id)
            if purchase_id:
                return self._found_on_chain(job.order_id, purchase_id)
            if self.relayer.mined_nonce() > job.nonce:
                receipt = self.relayer.receipt(job.tx_hash)  # mined in between?
                if receipt is None:
                    logger.warning(
                        "order %s: nonce %s was consumed by another transaction; signing anew",
                        job.order_id,
                        job.nonce,
                    )
                    self._reset(job.order_id, "nonce consumed by another transaction")
                    return self.settle(job.order_id)
        if receipt is None:
            self._broadcast(job)
            self.crash(CrashPoint.AFTER_SEND)
            try:
                receipt = self.relayer.wait_for_receipt(job.tx_hash)
            except NotMinedYetError as exc:
                raise RetryLaterError(str(exc)) from exc
        self.crash(CrashPoint.AFTER_RECEIPT)
        return self._conclude(job, receipt)

    def _conclude(self, job: Job, receipt: TxReceipt) -> int:
        mined = self.market.purchase_in(receipt, job.chain_order_id)
        if mined is not None:
            return self._record_mined(job.order_id, mined)
        # RevertedError (or, impossibly, no event): maybe another transaction settled it meanwhile.
        tx_hash = hex_hash(receipt["transactionHash"])
        purchase_id = self.market.purchase_of(job.chain_order_id)
        if purchase_id:
            return self._found_on_chain(job.order_id, purchase_id)
        if job.attempts + 1 >= MAX_ONCHAIN_REVERTS:
            self._finish(
                job.order_id,
                OrderState.FAILED,
                f"settleOffchain {tx_hash} reverted on-chain {MAX_ONCHAIN_REVERTS} times",
                None,
                None,
            )
            return 0
        self._reset(job.order_id, f"settleOffchain {tx_hash} reverted on-chain")
        return 0

    # -- relaying -------------------------------------------------------------------------

    def _broadcast(self, job: Job) -> None:
        assert job.raw_tx is not None
        try:
            self.relayer.broadcast(job.raw_tx)
        except InsufficientFundsError as exc:
            raise RetryLaterError(
                f"the relayer {self.relayer.address} lacks ether for gas: {exc}"
            ) from exc
        except NonceTakenError as exc:  # an answer, not an error: the chain is checked next round
            logger.info(
                "order %s: %s already known to the node (%s)", job.order_id, job.tx_hash, exc
            )
        except RelayerError as exc:
            raise RetryLaterError(f"broadcast of {job.tx_hash} refused: {exc}") from exc
        else:
            logger.info("order %s: sent %s", job.order_id, job.tx_hash)
        with transaction(self.context.sessions) as session:
            entry = session.get(OutboxEntry, job.order_id)
            if entry is not None and entry.state == OutboxState.SIGNED:
                entry.state = OutboxState.SENT

    def _ensure_allowance(self, price: int) -> None:
        """DataMarket takes the price from the relayer's payment token: approve it if it must."""
        try:
            self.relayer.ensure_allowance(self.market.payment_token, self.market.address, price)
        except RelayerError as exc:
            raise RetryLaterError(f"approving DataMarket failed: {exc}") from exc

    def _handle_revert(self, job: Job, exc: RevertedError) -> None:
        """settleOffchain's estimate reverted: settled already, retry later, refuse or fail."""
        name = exc.error or "revert"
        if name == "DataMarketOrderAlreadySettled":
            self._found_on_chain(job.order_id, self.market.purchase_of(job.chain_order_id))
            return
        if name in RETRYABLE:
            raise RetryLaterError(f"{name}: {RETRYABLE[name]} ({exc.detail})") from exc
        if name in REFUSALS:
            reason = f"{name}: {REFUSALS[name]} ({exc.detail}); the payment is to be refunded"
            self._finish(job.order_id, OrderState.REFUSED, reason, None, None)
            logger.warning("order %s refused: %s", job.order_id, reason)
            return
        reason = f"{name}: settleOffchain would revert ({exc.detail})"
        self._finish(job.order_id, OrderState.FAILED, reason, None, None)
        logger.error("order %s failed: %s", job.order_id, reason)

    # -- confirmation ---------------------------------------------------------------------

    def _found_on_chain(self, order_id: str, purchase_id: int) -> int:
        """The chain says the order is settled as ``purchase_id``: follow it to its block."""
        found = self.market.find_purchase(purchase_id)
        if found is None:
            # The node serves the state but not the log (pruned history): its head is the
            # only word there is.
            self._record_settled(order_id, purchase_id, None)
            return 1
        return self._record_mined(order_id, found)

    def _record_mined(self, order_id: str, mined: MinedPurchase) -> int:
        """Keeps where the settlement was mined and confirms it, if it is deep enough already."""
        with transaction(self.context.sessions) as session:
            entry = session.get(OutboxEntry, order_id)
            order = session.get(Order, order_id)
            assert entry is not None and order is not None
            entry.state, entry.tx_hash = OutboxState.MINED, mined.tx_hash
            entry.purchase_id = mined.purchase_id
            entry.block_number, entry.block_hash = mined.block_number, mined.block_hash
            entry.next_attempt_at = datetime.now(UTC)
            order.status, order.tx_hash = OrderState.SETTLING, mined.tx_hash
        logger.info(
            "order %s: purchase %s mined in block %s",
            order_id,
            mined.purchase_id,
            mined.block_number,
        )
        job = self._load(order_id)
        return self._confirm(job) if job is not None else 0

    def _confirm(self, job: Job) -> int:
        """Settles a mined entry once it is deep enough in the canonical chain; 1 when it did."""
        assert job.block_number is not None and job.block_hash is not None
        assert job.purchase_id is not None
        confirmations = self.settings.confirmations
        head = self.market.head() if confirmations else None
        if self.market.block_hash(job.block_number) != job.block_hash:
            # The block is gone: a reorg, or a node that lost its last blocks.
            purchase_id = self.market.purchase_of(job.chain_order_id)
            if purchase_id:
                found = self.market.find_purchase(purchase_id)
                if found is not None and found.block_hash != job.block_hash:
                    logger.warning(
                        "order %s: block %s was reorganised away; the purchase is now in block %s",
                        job.order_id,
                        job.block_number,
                        found.block_number,
                    )
                    self._record_mined(job.order_id, found)
                    return self._settled_now(job.order_id)
            self._unmined(job)
            return 0
        if head is not None and head - job.block_number < confirmations:
            with transaction(self.context.sessions) as session:
                order = session.get(Order, job.order_id)
                assert order is not None
                order.reason = (
                    f"mined in block {job.block_number}; waiting for "
                    f"{confirmations} confirmations ({head - job.block_number} so far)"
                )
            return 0
        self._record_settled(job.order_id, job.purchase_id, job.tx_hash)
        return 1

    def _unmined(self, job: Job) -> None:
        """The chain no longer holds the settlement: back to pending, to be sent again."""
        why = (
            f"block {job.block_number}, which held its settlement {job.tx_hash}, is no longer "
            "on the chain; settling again"
        )
        with transaction(self.context.sessions) as session:
            entry = session.get(OutboxEntry, job.order_id)
            order = session.get(Order, job.order_id)
            assert entry is not None and order is not None
            _clear_transaction(entry)
            entry.last_error = why
            order.status, order.tx_hash, order.reason = OrderState.SETTLING, None, why
        logger.warning("order %s: %s", job.order_id, why)

    def _unsettle(self, order_id: str, purchase_id: int | None, due_at: datetime) -> None:
        """A settled order the chain has lost: settling again, from pending."""
        why = (
            f"the chain no longer holds purchase {purchase_id} (a reorg, or a node that lost "
            "blocks); settling again"
        )
        with transaction(self.context.sessions) as session:
            entry = session.get(OutboxEntry, order_id)
            order = session.get(Order, order_id)
            assert entry is not None and order is not None
            _clear_transaction(entry, due_at)
            entry.last_error = why
            order.status, order.reason = OrderState.SETTLING, why
            order.purchase_id = order.settled_at = order.tx_hash = None
        logger.error("order %s: %s", order_id, why)

    # -- database transitions -------------------------------------------------------------

    def _record_settled(self, order_id: str, purchase_id: int, tx_hash: str | None) -> None:
        self._finish(order_id, OrderState.SETTLED, None, purchase_id, tx_hash)
        logger.info("order %s settled: purchase %s in %s", order_id, purchase_id, tx_hash)

    def _settled_now(self, order_id: str) -> int:
        with self.context.sessions() as session:
            order = session.get(Order, order_id)
            return int(order is not None and order.status == OrderState.SETTLED)

    def _finish(
        self,
        order_id: str,
        status: str | None,
        reason: str | None,
        purchase_id: int | None,
        tx_hash: str | None,
    ) -> None:
        """Ends the entry, and sets the order's final state when ``status`` is given."""
        now = datetime.now(UTC)
        with transaction(self.context.sessions) as session:
            entry = session.get(OutboxEntry, order_id)
            order = session.get(Order, order_id)
            assert entry is not None and order is not None
            entry.state, entry.last_error = OutboxState.DONE, reason
            if status is None:
                return
            order.status, order.reason = status, reason
            if status == OrderState.SETTLED:
                order.purchase_id, order.settled_at = purchase_id, now
                order.tx_hash = tx_hash or order.tx_hash
            else:
                order.tx_hash = None

    def _reset(self, order_id: str, why: str) -> None:
        """Back to pending: the stored transaction can never be mined; sign again."""
        with transaction(self.context.sessions) as session:
            entry = session.get(OutboxEntry, order_id)
            assert entry is not None
            _clear_transaction(entry)
            entry.attempts += 1
            entry.last_error = why

    def _back_off(self, order_id: str, why: str) -> None:
        with transaction(self.context.sessions) as session:
            entry = session.get(OutboxEntry, order_id)
            order = session.get(Order, order_id)
            assert entry is not None and order is not None
            entry.attempts += 1
            delay = min(
                self.settings.worker_max_backoff_s,
                self.settings.worker_poll_s * 2 ** min(entry.attempts, 30),
            )
            entry.next_attempt_at = datetime.now(UTC) + timedelta(seconds=delay)
            entry.last_error = why
            order.reason = f"settlement delayed, retrying in {delay:.0f}s: {why}"
        logger.warning("order %s: %s; retrying in %.1fs", order_id, why, delay)


def _clear_transaction(entry: OutboxEntry, due_at: datetime | None = None) -> None:
    """Back to pending, due at once, with no transaction: the next try asks the chain, signs."""
    entry.state, entry.raw_tx, entry.tx_hash, entry.nonce = OutboxState.PENDING, None, None, None
    entry.purchase_id = entry.block_number = None
    entry.block_hash = None
    entry.next_attempt_at = due_at or datetime.now(UTC)


def order_buyer_ref(session: Session, order: Order) -> str:
    buyer = session.get(Buyer, order.buyer_id)
    assert buyer is not None
    return str(buyer.buyer_ref)


def settle_pending(context: Context, now: datetime | None = None) -> int:
    """One round of the worker (expire stale quotes, settle every due order): settled count.

    For the benchmark and tests; raises ChainUnavailableError when the chain is down.
    """
    return Settler(context).run_once(now)
