"""The RevenueDistributor projection: a replica of its pots, positions, split and reserve.

Each deposit and claim is replayed with the contract's own arithmetic (:mod:`api.distributor`)
and checked against what the event says the contract did; a difference is a
:class:`ProjectionError`. The split starts as the distributor's constructor sets it, from its
``SplitChanged`` event.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from api import distributor
from api.indexer.projections.base import Handler, ProjectionError
from api.models import (
    SINGLE_ROW_ID,
    Base,
    BatchPot,
    ChainEvent,
    Ledger,
    Position,
    PositionChange,
    Pot,
    RevenueClaim,
    RevenueDeposit,
)

TABLES: tuple[type[Base], ...] = (
    BatchPot,
    RevenueDeposit,
    RevenueClaim,
    Pot,
    Position,
    PositionChange,
    Ledger,
)


def _ledger(session: Session) -> Ledger:
    ledger = session.get(Ledger, SINGLE_ROW_ID)
    if ledger is None:
        raise ProjectionError("no SplitChanged event before this one: the start block is late")
    return ledger


def _pot(session: Session, pot_id: int) -> Pot:
    pot = session.get(Pot, pot_id)
    if pot is None:
        pot = Pot(id=pot_id, total_units=0, acc_per_unit=0)
        session.add(pot)
    return pot


def _position(session: Session, pot_id: int, account: str) -> Position:
    position = session.get(Position, (pot_id, account))
    if position is None:
        position = Position(
            pot_id=pot_id, account=account, units=0, acc_snapshot=0, owed=0, remainder=0, claimed=0
        )
        session.add(position)
    return position


def _on_split_changed(session: Session, event: ChainEvent) -> None:
    ledger = session.get(Ledger, SINGLE_ROW_ID)
    if ledger is None:  # the constructor's split: the books open
        ledger = Ledger(
            id=SINGLE_ROW_ID,
            deposited=0,
            claimed=0,
            reserve_accrued=0,
            reserve_remainder=0,
            reserve_released=0,
        )
        session.add(ledger)
    ledger.contributors_bps = int(event.args["contributorsBps"])
    ledger.workers_bps = int(event.args["workersBps"])
    ledger.reserve_bps = int(event.args["reserveBps"])


def _on_units_changed(session: Session, event: ChainEvent) -> None:
    args = event.args
    pot_id, account = int(args["potId"]), args["account"]
    pot = _pot(session, pot_id)
    position = _position(session, pot_id, account)
    distributor.settle(pot, position)
    position.units = int(args["units"])
    pot.total_units = int(args["totalUnits"])
    session.add(
        PositionChange(
            pot_id=pot_id,
            account=account,
            units=position.units,
            block_number=event.block_number,
            log_index=event.log_index,
        )
    )


def _on_revenue_deposited(session: Session, event: ChainEvent) -> None:
    args = event.args
    pool_id, amount = int(args["poolId"]), int(args["amount"])
    ledger = _ledger(session)
    pool_pot = _pot(session, pool_id)
    work_pot = _pot(session, distributor.WORK_POT)
    result = distributor.deposit(
        pool_pot,
        work_pot,
        amount,
        (ledger.contributors_bps, ledger.workers_bps, ledger.reserve_bps),
        ledger.reserve_accrued,
        ledger.reserve_remainder,
    )
    expected = (int(args["toContributors"]), int(args["toWorkers"]), int(args["toReserve"]))
    if (result.to_contributors, result.to_workers, result.to_reserve) != expected:
        raise ProjectionError(
            f"deposit in block {event.block_number}: replica split "
            f"{(result.to_contributors, result.to_workers, result.to_reserve)} != event {expected}"
        )
    ledger.deposited += amount
    ledger.reserve_accrued = result.reserve_accrued
    ledger.reserve_remainder = result.reserve_remainder
    session.add(
        RevenueDeposit(
            pool_id=pool_id,
            amount=amount,
            to_contributors=result.to_contributors,
            to_workers=result.to_workers,
            to_reserve=result.to_reserve,
            pool_acc_per_unit=pool_pot.acc_per_unit,
            work_acc_per_unit=work_pot.acc_per_unit,
            block_number=event.block_number,
            log_index=event.log_index,
            timestamp=event.block_timestamp,
        )
    )


def _on_revenue_claimed(session: Session, event: ChainEvent) -> None:
    args = event.args
    pot_id, account, amount = int(args["potId"]), args["account"], int(args["amount"])
    pot = _pot(session, pot_id)
    position = _position(session, pot_id, account)
    distributor.settle(pot, position)
    if position.owed != amount:
        raise ProjectionError(
            f"claim in block {event.block_number}: replica owes {position.owed}, paid {amount}"
        )
    position.owed = 0
    position.claimed += amount
    _ledger(session).claimed += amount
    session.add(
        RevenueClaim(
            pot_id=pot_id,
            account=account,
            amount=amount,
            block_number=event.block_number,
            timestamp=event.block_timestamp,
            tx_hash=event.tx_hash,
        )
    )


def _on_reserve_released(session: Session, event: ChainEvent) -> None:
    ledger = _ledger(session)
    amount = int(event.args["amount"])
    if ledger.reserve_accrued != amount:
        raise ProjectionError(
            f"reserve release of {amount}, replica holds {ledger.reserve_accrued}"
        )
    ledger.reserve_accrued = 0
    ledger.reserve_released += amount


def _batch_pot(session: Session, batch_id: int) -> BatchPot:
    batch = session.get(BatchPot, batch_id)
    if batch is None:
        raise ProjectionError(f"batch {batch_id} has no pot: it was never accepted")
    return batch


def _on_batch_pot_opened(session: Session, event: ChainEvent) -> None:
    """An accepted batch's weight joined its pool's shares, as one holder."""
    args = event.args
    pool = _pot(session, int(args["poolId"]))
    pool.total_units = int(args["totalUnits"])
    session.add(
        BatchPot(
            batch_id=int(args["batchId"]),
            pool_id=int(args["poolId"]),
            earning=True,
            units=int(args["units"]),
            books_acc=pool.acc_per_unit,
            books_accrued=0,
            paid=0,
        )
    )


def _remove_batch_units(session: Session, batch: BatchPot, units: int, event: ChainEvent) -> None:
    """Settles the batch's books at its pool's accumulator and takes ``units`` out of both."""
    pool = _pot(session, batch.pool_id)
    if units > batch.units or units > pool.total_units:
        raise ProjectionError(
            f"block {event.block_number}: {units} shares leave batch {batch.batch_id}, which "
            f"holds {batch.units} of pool {batch.pool_id}'s {pool.total_units}"
        )
    distributor.settle_batch_books(batch, pool.acc_per_unit)
    batch.units -= units
    pool.total_units -= units


def _on_batch_pot_closed(session: Session, event: ChainEvent) -> None:
    """Governance overturned an earning batch: its shares left the pool, its books froze."""
    batch = _batch_pot(session, int(event.args["batchId"]))
    _remove_batch_units(session, batch, int(event.args["units"]), event)
    batch.earning = False


def _on_batch_leaf_revoked(session: Session, event: ChainEvent) -> None:
    """A revoked leaf's weight left its batch's pool (0 when the batch no longer earned), and
    its member was paid what it and their claimed leaves earned."""
    batch = _batch_pot(session, int(event.args["batchId"]))
    removed = int(event.args["weight"])
    if removed:
        _remove_batch_units(session, batch, removed, event)
    record_batch_payment(session, event)


def record_batch_payment(session: Session, event: ChainEvent) -> None:
    """A member was paid revenue of their leaves in a batch (the event's ``amount``)."""
    amount = int(event.args["amount"])
    batch = _batch_pot(session, int(event.args["batchId"]))
    batch.paid += amount
    if distributor.batch_earned_scaled(_pot(session, batch.pool_id), batch) < 0:
        raise ProjectionError(f"batch {batch.batch_id} paid {batch.paid}, more than it earned")
    _ledger(session).claimed += amount


HANDLERS: dict[str, Handler] = {
    "SplitChanged": _on_split_changed,
    "UnitsChanged": _on_units_changed,
    "RevenueDeposited": _on_revenue_deposited,
    "RevenueClaimed": _on_revenue_claimed,
    "ReserveReleased": _on_reserve_released,
    "BatchPotOpened": _on_batch_pot_opened,
    "BatchPotClosed": _on_batch_pot_closed,
    "BatchLeafRevoked": _on_batch_leaf_revoked,
    "BatchRevenueClaimed": record_batch_payment,
}
