"""The RevenueDistributor's integer arithmetic, reproduced exactly (RevenueDistributor.sol).

Every function mirrors one private function of the contract, so the database's pots and positions
hold what the contract's storage holds, to the 1e-18 wei.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

# Re-exported: the projections and the member service name the work pot as the arithmetic does.
from lumbung.protocol import WORK_POT as WORK_POT

PRECISION = 10**18
BPS = 10_000


class PotLike(Protocol):
    acc_per_unit: int
    total_units: int


class PositionLike(Protocol):
    units: int
    acc_snapshot: int
    owed: int
    remainder: int


@dataclass
class PotState:
    acc_per_unit: int = 0
    total_units: int = 0


@dataclass
class PositionState:
    units: int = 0
    acc_snapshot: int = 0
    owed: int = 0
    remainder: int = 0


def accrue(pot: PotLike, amount: int) -> tuple[int, int]:
    """``_accrue``: credits ``amount`` to every unit; returns (distributed wei, scaled dust)."""
    scaled = amount * PRECISION
    total = pot.total_units
    if total == 0 or amount == 0:
        return 0, scaled
    pot.acc_per_unit += scaled // total
    dust = scaled % total
    return amount - dust // PRECISION, dust


def settle(pot: PotLike, position: PositionLike) -> None:
    """``_settle``: moves what a position earned since its snapshot into owed and remainder."""
    acc = pot.acc_per_unit
    if acc == position.acc_snapshot:
        return
    if position.units:
        scaled = position.units * (acc - position.acc_snapshot) + position.remainder
        position.owed += scaled // PRECISION
        position.remainder = scaled % PRECISION
    position.acc_snapshot = acc


def earned_scaled(pot: PotLike, position: PositionLike) -> int:
    """``earnedScaled``: the position's earnings in 1e-18 wei, settled or not."""
    return (
        position.owed * PRECISION
        + position.remainder
        + position.units * (pot.acc_per_unit - position.acc_snapshot)
    )


def claimable(pot: PotLike, position: PositionLike) -> int:
    """``claimable``: whole wei the account can claim now."""
    return earned_scaled(pot, position) // PRECISION


@dataclass(frozen=True)
class DepositSplit:
    to_contributors: int
    to_workers: int
    to_reserve: int
    reserve_accrued: int
    reserve_remainder: int


def deposit(
    pool_pot: PotLike,
    work_pot: PotLike,
    amount: int,
    split_bps: tuple[int, int, int],
    reserve_accrued: int,
    reserve_remainder: int,
) -> DepositSplit:
    """``deposit``: splits ``amount``, accrues both pots; returns the event's parts and reserve."""
    contributors_bps, workers_bps, _ = split_bps
    to_contributors = amount * contributors_bps // BPS
    to_workers = amount * workers_bps // BPS
    reserve_scaled = (amount - to_contributors - to_workers) * PRECISION
    to_contributors, dust = accrue(pool_pot, to_contributors)
    reserve_scaled += dust
    to_workers, dust = accrue(work_pot, to_workers)
    reserve_scaled += dust
    reserve_scaled += reserve_remainder
    return DepositSplit(
        to_contributors=to_contributors,
        to_workers=to_workers,
        to_reserve=amount - to_contributors - to_workers,
        reserve_accrued=reserve_accrued + reserve_scaled // PRECISION,
        reserve_remainder=reserve_scaled % PRECISION,
    )


class BatchPotLike(Protocol):
    earning: bool
    units: int
    books_acc: int
    books_accrued: int
    paid: int


def batch_acc(pool: PotLike, batch: BatchPotLike) -> int:
    """``_batchAcc``: the pool's accumulator while the batch earns, its own once closed."""
    return pool.acc_per_unit if batch.earning else batch.books_acc


def settle_batch_books(batch: BatchPotLike, acc: int) -> None:
    """``_settleBooks``: adds the batch's entitlement since the books' last accumulator."""
    batch.books_accrued += batch.units * (acc - batch.books_acc)
    batch.books_acc = acc


def batch_earned_scaled(pool: PotLike, batch: BatchPotLike) -> int:
    """``batchEarnedScaled``: what the batch's leaves earned and were not paid, in 1e-18 wei."""
    acc = batch_acc(pool, batch)
    return batch.books_accrued + batch.units * (acc - batch.books_acc) - batch.paid * PRECISION
