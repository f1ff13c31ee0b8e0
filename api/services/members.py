"""A member's view: membership, contributions, earnings per pot and how they came about."""

from __future__ import annotations

from dataclasses import dataclass

from eth_typing import ChecksumAddress
from eth_utils import is_checksum_address, is_hex_address, to_checksum_address
from sqlalchemy import select
from sqlalchemy.orm import Session

from api import distributor
from api.errors import ValidationError
from api.models import (
    Contribution,
    Member,
    Position,
    PositionChange,
    Pot,
    RevenueClaim,
    RevenueDeposit,
    VaultItem,
)
from api.schemas.contributions import ContributionPublic
from api.schemas.members import EarningEvent, EarningPublic, MemberPublic, MembershipPublic


def parse_address(value: str) -> ChecksumAddress:
    """An address given by a client, checksummed; a malformed one (or a mixed-case one with a
    wrong checksum) is refused."""
    if not (value.startswith(("0x", "0X")) and is_hex_address(value)):
        raise ValidationError(f"{value!r} is not an Ethereum address", field="address")
    body = value[2:]
    if body != body.lower() and body != body.upper() and not is_checksum_address(value):
        raise ValidationError(f"{value!r} has a wrong EIP-55 checksum", field="address")
    return to_checksum_address(value)


def pool_of_pot(pot_id: int) -> int | None:
    return None if pot_id == distributor.WORK_POT else pot_id


def contributions_of(session: Session, address: str) -> list[ContributionPublic]:
    rows = session.execute(
        select(Contribution, VaultItem.erased_at)
        .outerjoin(VaultItem, VaultItem.cid == Contribution.cid)
        .where(Contribution.contributor == address)
        .order_by(Contribution.submitted_block, Contribution.id)
    )
    return [ContributionPublic.from_model(c, erased_at is not None) for c, erased_at in rows]


@dataclass(frozen=True)
class _Step:
    block: int
    log_index: int
    timestamp: int
    units: int | None = None  # a position change
    acc_after: int | None = None  # a deposit: the pot's accumulator after it


def accrual_history(session: Session, pot_id: int, account: str) -> list[EarningEvent]:
    """The whole wei an account accrued in a pot, deposit by deposit.

    Replays the account's units against each deposit's accumulator step, as the contract's
    settlement does; the running total of scaled earnings is floored once, so the entries sum
    to exactly what the account earned (claimed + claimable).
    """
    changes = list(
        session.scalars(
            select(PositionChange)
            .where(PositionChange.pot_id == pot_id, PositionChange.account == account)
            .order_by(PositionChange.block_number, PositionChange.log_index)
        )
    )
    if not changes:
        return []
    work = pot_id == distributor.WORK_POT
    deposits = select(RevenueDeposit).order_by(
        RevenueDeposit.block_number, RevenueDeposit.log_index
    )
    if not work:
        deposits = deposits.where(RevenueDeposit.pool_id == pot_id)
    steps = [_Step(c.block_number, c.log_index, 0, units=c.units) for c in changes]
    steps += [
        _Step(
            d.block_number,
            d.log_index,
            d.timestamp,
            acc_after=d.work_acc_per_unit if work else d.pool_acc_per_unit,
        )
        for d in session.scalars(deposits)
    ]
    steps.sort(key=lambda s: (s.block, s.log_index))
    history: list[EarningEvent] = []
    units = acc = scaled = reported = 0
    for step in steps:
        if step.units is not None:
            units = step.units
            continue
        assert step.acc_after is not None
        scaled += units * (step.acc_after - acc)
        acc = step.acc_after
        whole = scaled // distributor.PRECISION
        if whole > reported:
            history.append(
                EarningEvent(
                    timestamp=step.timestamp,
                    pot_id=str(pot_id),
                    kind="accrued",
                    amount=str(whole - reported),
                )
            )
            reported = whole
    return history


def member_view(session: Session, address: str) -> MemberPublic:
    account = parse_address(address)
    member = session.get(Member, account)
    membership = MembershipPublic.from_model(member) if member is not None else None
    earnings: list[EarningPublic] = []
    history: list[EarningEvent] = []
    positions = session.scalars(
        select(Position).where(Position.account == account).order_by(Position.pot_id)
    )
    for position in positions:
        pot = session.get(Pot, position.pot_id)
        assert pot is not None
        earnings.append(
            EarningPublic.from_model(
                position, pool_of_pot(position.pot_id), distributor.claimable(pot, position)
            )
        )
        history += accrual_history(session, position.pot_id, account)
    claims = session.scalars(
        select(RevenueClaim).where(RevenueClaim.account == account).order_by(RevenueClaim.id)
    )
    history += [EarningEvent.from_model(claim) for claim in claims]
    history.sort(key=lambda e: e.timestamp)
    return MemberPublic(
        address=account,
        member=membership,
        contributions=contributions_of(session, account),
        earnings=earnings,
        earnings_history=history,
    )
