"""Projections: the tables the API reads, each a pure function of ``chain_events``.

:func:`apply_event` folds one stored event into the projections; the indexer calls it for every
new event, in (block, log index) order, inside the batch's transaction. :func:`rebuild` deletes
every projection and folds the whole log again, which is what a reorg does. Nothing here calls the
chain, so incremental indexing and a rebuild give the same rows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from api.indexer import distributor
from api.models import (
    PROJECTIONS,
    ChainEvent,
    Contribution,
    Ledger,
    Member,
    MemberHistory,
    Pool,
    Position,
    PositionChange,
    Pot,
    Proposal,
    Purchase,
    RevenueClaim,
    RevenueDeposit,
    Strike,
    Vote,
)
from ipfs.cid import cid_string

logger = logging.getLogger(__name__)

LEDGER_ID = 1
# What the contracts' constructors set when the deployment predates the start block's events;
# the deploy script's start block precedes every constructor, so the events normally say it.
DEFAULT_SPLIT = (7000, 2000, 1000)
DEFAULT_CLASS_WEIGHTS = [2500, 2500, 2500, 2500]
DEFAULT_CLASS_QUORUMS = [2000, 2000, 2000, 2000]

STATUS_NAMES = ("none", "pending", "accepted", "rejected", "revoked")


class ProjectionError(RuntimeError):
    """The event log contradicts the replica (a bug, or a start block after the deployment)."""


def contribution_key(contribution_id: int) -> str:
    """A contribution id (uint256) as the 0x-prefixed, 64-digit hex the tables key it by."""
    return f"0x{contribution_id:064x}"


def cid_text(raw_hex: str) -> str:
    """The text form of a binary CID carried by an event (0x hex)."""
    raw = bytes.fromhex(raw_hex.removeprefix("0x"))
    try:
        return cid_string(raw)
    except Exception:  # the registry validates CIDs; a listing's license CID is free-form
        return raw_hex


def raw_string(event: ChainEvent, name: str) -> bytes:
    """The exact bytes of the event's string argument ``name`` (``args`` has its display text)."""
    return bytes.fromhex(str((event.raw_strings or {})[name]).removeprefix("0x"))


def _ledger(session: Session) -> Ledger:
    ledger = session.get(Ledger, LEDGER_ID)
    if ledger is None:
        contributors, workers, reserve = DEFAULT_SPLIT
        ledger = Ledger(
            id=LEDGER_ID,
            contributors_bps=contributors,
            workers_bps=workers,
            reserve_bps=reserve,
            deposited=0,
            claimed=0,
            reserve_accrued=0,
            reserve_remainder=0,
            reserve_released=0,
        )
        session.add(ledger)
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


def _pool(session: Session, pool_id: int, block: int) -> Pool:
    pool = session.get(Pool, pool_id)
    if pool is None:  # a listing may name a pool before (or without) the registry creating it
        pool = Pool(
            id=pool_id,
            name="",
            metadata_="",
            name_raw=b"",
            metadata_raw=b"",
            open=False,
            listed=False,
            price=0,
            purposes=0,
            license_cid=None,
            accepted_count=0,
            accepted_weight=0,
            created_block=block,
        )
        session.add(pool)
    return pool


def _contribution(session: Session, args: dict[str, Any]) -> Contribution:
    contribution = session.get(Contribution, contribution_key(int(args["id"])))
    if contribution is None:
        raise ProjectionError(f"contribution {args['id']} was never submitted")
    return contribution


def _latest_args(session: Session, event: ChainEvent, name: str) -> dict[str, Any] | None:
    """The args of the newest ``name`` event logged before ``event``."""
    earlier = or_(
        ChainEvent.block_number < event.block_number,
        and_(
            ChainEvent.block_number == event.block_number,
            ChainEvent.log_index < event.log_index,
        ),
    )
    row = session.scalars(
        select(ChainEvent)
        .where(ChainEvent.event == name, earlier)
        .order_by(ChainEvent.block_number.desc(), ChainEvent.log_index.desc())
        .limit(1)
    ).first()
    return row.args if row is not None else None


# ---------------------------------------------------------------------------------------------
# Membership
# ---------------------------------------------------------------------------------------------


def _member_changed(
    session: Session, event: ChainEvent, address: str, cls: int | None, active: bool
) -> None:
    member = session.get(Member, address)
    if member is None:
        if cls is None:
            raise ProjectionError(f"{address} changed without having joined")
        member = Member(
            address=address,
            stakeholder_class=cls,
            active=active,
            joined_block=event.block_number,
            updated_block=event.block_number,
        )
        session.add(member)
    else:
        if cls is not None:
            member.stakeholder_class = cls
        if active and not member.active:
            member.joined_block = event.block_number
        member.active = active
        member.updated_block = event.block_number
    session.add(
        MemberHistory(
            address=address,
            stakeholder_class=member.stakeholder_class,
            active=active,
            block_number=event.block_number,
            timestamp=event.block_timestamp,
        )
    )


def _on_member_joined(session: Session, event: ChainEvent) -> None:
    args = event.args
    _member_changed(session, event, args["member"], int(args["stakeholderClass"]), True)


def _on_member_left(session: Session, event: ChainEvent) -> None:
    _member_changed(session, event, event.args["member"], None, False)


def _on_member_expelled(session: Session, event: ChainEvent) -> None:
    """Governance expelled a member: checkpointed exactly as leaving."""
    _member_changed(session, event, event.args["member"], None, False)


def _on_member_class_changed(session: Session, event: ChainEvent) -> None:
    args = event.args
    member = session.get(Member, args["member"])
    active = member.active if member is not None else True
    _member_changed(session, event, args["member"], int(args["toClass"]), active)


# ---------------------------------------------------------------------------------------------
# Pools and contributions
# ---------------------------------------------------------------------------------------------


def _on_pool_created(session: Session, event: ChainEvent) -> None:
    args = event.args
    pool = _pool(session, int(args["poolId"]), event.block_number)
    pool.name = args["name"]
    pool.metadata_ = args["metadata"]
    pool.name_raw = raw_string(event, "name")
    pool.metadata_raw = raw_string(event, "metadata")
    pool.open = True
    pool.created_block = event.block_number


def _on_pool_closed(session: Session, event: ChainEvent) -> None:
    _pool(session, int(event.args["poolId"]), event.block_number).open = False


def _on_pool_reopened(session: Session, event: ChainEvent) -> None:
    _pool(session, int(event.args["poolId"]), event.block_number).open = True


def _new_contribution(
    event: ChainEvent, *, weight: int = 0, curator: str | None = None
) -> Contribution:
    """A contribution registered by ``event``: pending, or accepted when it has a weight."""
    args = event.args
    return Contribution(
        id=contribution_key(int(args["id"])),
        cid=cid_text(args["cid"]),
        pool_id=int(args["poolId"]),
        contributor=args["contributor"],
        status="accepted" if weight else "pending",
        weight=weight,
        curator=curator,
        reason=None,
        submitted_block=event.block_number,
        accepted_block=event.block_number if weight else None,
        closed_block=None,
        tx_hash=event.tx_hash,
    )


def _on_submitted(session: Session, event: ChainEvent) -> None:
    session.add(_new_contribution(event))


def _on_accepted(session: Session, event: ChainEvent) -> None:
    args = event.args
    contribution = _contribution(session, args)
    weight = int(args["weight"])
    contribution.status = "accepted"
    contribution.weight = weight
    contribution.curator = args["curator"]
    contribution.accepted_block = event.block_number
    pool = _pool(session, contribution.pool_id, event.block_number)
    pool.accepted_count += 1
    pool.accepted_weight += weight


def _batch_curator(session: Session, batch_id: int) -> str | None:
    """The curator who accepted batch ``batch_id`` (batches are few; their events are scanned)."""
    for accepted in session.scalars(select(ChainEvent).where(ChainEvent.event == "BatchAccepted")):
        if int(accepted.args["batchId"]) == batch_id:
            return str(accepted.args["curator"])
    return None


def _on_batch_leaf_claimed(session: Session, event: ChainEvent) -> None:
    """A leaf of an accepted batch became an ordinary accepted contribution of its member."""
    args = event.args
    weight = int(args["weight"])
    pool_id = int(args["poolId"])
    curator = _batch_curator(session, int(args["batchId"]))
    session.add(_new_contribution(event, weight=weight, curator=curator))
    pool = _pool(session, pool_id, event.block_number)
    pool.accepted_count += 1
    pool.accepted_weight += weight


def _on_rejected(session: Session, event: ChainEvent) -> None:
    args = event.args
    contribution = _contribution(session, args)
    contribution.status = "rejected"
    contribution.curator = args["curator"]
    contribution.reason = args["reason"]
    contribution.reason_raw = raw_string(event, "reason")
    contribution.closed_block = event.block_number


def _on_overturned(session: Session, event: ChainEvent) -> None:
    """Governance re-weighted an accepted contribution, or rejected it (new weight 0)."""
    args = event.args
    contribution = _contribution(session, args)
    new_weight = int(args["newWeight"])
    pool = _pool(session, contribution.pool_id, event.block_number)
    pool.accepted_weight += new_weight - contribution.weight
    contribution.weight = new_weight
    if new_weight == 0:
        pool.accepted_count -= 1
        contribution.status = "rejected"
        contribution.reason = "overturned by governance"
        contribution.reason_raw = None
        contribution.closed_block = event.block_number


def _on_revoked(session: Session, event: ChainEvent) -> None:
    contribution = _contribution(session, event.args)
    if contribution.status == "accepted":
        pool = _pool(session, contribution.pool_id, event.block_number)
        pool.accepted_count -= 1
        pool.accepted_weight -= contribution.weight
    contribution.status = "revoked"
    contribution.closed_block = event.block_number


# ---------------------------------------------------------------------------------------------
# Market
# ---------------------------------------------------------------------------------------------


def _on_listing_set(session: Session, event: ChainEvent) -> None:
    args = event.args
    pool = _pool(session, int(args["poolId"]), event.block_number)
    pool.price = int(args["price"])
    pool.purposes = int(args["purposes"])
    pool.listed = bool(args["active"])
    pool.license_cid = cid_text(args["licenseCid"]) if args["licenseCid"] != "0x" else None


def _on_purchased(session: Session, event: ChainEvent) -> None:
    args = event.args
    session.add(
        Purchase(
            id=int(args["purchaseId"]),
            pool_id=int(args["poolId"]),
            buyer=args["buyer"],
            buyer_ref=args["buyerRef"],
            order_id=args["orderId"],
            purpose=int(args["purpose"]),
            price=int(args["price"]),
            content_block=int(args["contentBlock"]),
            block_number=event.block_number,
            timestamp=event.block_timestamp,
            tx_hash=event.tx_hash,
        )
    )


def _set_strike(session: Session, event: ChainEvent, target: str) -> None:
    strike = session.get(Strike, target)
    if strike is None:
        strike = Strike(target=target, struck=False, block_number=event.block_number)
        session.add(strike)
    strike.struck = bool(event.args["struck"])
    strike.block_number = event.block_number


def _on_buyer_strike(session: Session, event: ChainEvent) -> None:
    _set_strike(session, event, f"buyer:{event.args['buyer']}")


def _on_buyer_ref_strike(session: Session, event: ChainEvent) -> None:
    _set_strike(session, event, f"ref:{event.args['buyerRef']}")


def _on_general_strike(session: Session, event: ChainEvent) -> None:
    _set_strike(session, event, "general")


# ---------------------------------------------------------------------------------------------
# Revenue (the RevenueDistributor replica)
# ---------------------------------------------------------------------------------------------


def _on_split_changed(session: Session, event: ChainEvent) -> None:
    ledger = _ledger(session)
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


# ---------------------------------------------------------------------------------------------
# Governance
# ---------------------------------------------------------------------------------------------


def _proposal(session: Session, proposal_id: Any) -> Proposal:
    proposal = session.get(Proposal, str(int(proposal_id)))
    if proposal is None:
        raise ProjectionError(f"proposal {proposal_id} was never created")
    return proposal


def _on_proposal_created(session: Session, event: ChainEvent) -> None:
    args = event.args
    weights = _latest_args(session, event, "ClassWeightsSet")
    quorums = _latest_args(session, event, "ClassQuorumsSet")
    actions = [
        {"target": target, "value": str(int(value)), "calldata": calldata}
        for target, value, calldata in zip(
            args["targets"], args["values"], args["calldatas"], strict=True
        )
    ]
    session.add(
        Proposal(
            id=str(int(args["proposalId"])),
            proposer=args["proposer"],
            description=args["description"],
            description_raw=raw_string(event, "description"),
            actions=actions,
            vote_start=int(args["voteStart"]),
            vote_end=int(args["voteEnd"]),
            class_weights=[int(w) for w in weights["newWeights"]]
            if weights
            else list(DEFAULT_CLASS_WEIGHTS),
            class_quorums=[int(q) for q in quorums["newQuorums"]]
            if quorums
            else list(DEFAULT_CLASS_QUORUMS),
            queued_eta=None,
            executed=False,
            canceled=False,
            created_block=event.block_number,
        )
    )


def _on_proposal_extended(session: Session, event: ChainEvent) -> None:
    proposal = _proposal(session, event.args["proposalId"])
    proposal.vote_end = max(proposal.vote_end, int(event.args["extendedDeadline"]))


def _on_proposal_queued(session: Session, event: ChainEvent) -> None:
    _proposal(session, event.args["proposalId"]).queued_eta = int(event.args["etaSeconds"])


def _on_proposal_executed(session: Session, event: ChainEvent) -> None:
    _proposal(session, event.args["proposalId"]).executed = True


def _on_proposal_canceled(session: Session, event: ChainEvent) -> None:
    _proposal(session, event.args["proposalId"]).canceled = True


def member_status_at(session: Session, address: str, timestamp: int) -> MemberHistory | None:
    """The member's newest history entry at or before ``timestamp`` (the contract's lookup)."""
    return session.scalars(
        select(MemberHistory)
        .where(MemberHistory.address == address, MemberHistory.timestamp <= timestamp)
        .order_by(MemberHistory.block_number.desc(), MemberHistory.id.desc())
        .limit(1)
    ).first()


def _on_vote_cast(session: Session, event: ChainEvent) -> None:
    args = event.args
    proposal = _proposal(session, args["proposalId"])
    status = member_status_at(session, args["voter"], proposal.vote_start)
    if status is None or not status.active:
        raise ProjectionError(f"{args['voter']} voted without being a member at the snapshot")
    session.add(
        Vote(
            proposal_id=proposal.id,
            voter=args["voter"],
            stakeholder_class=status.stakeholder_class,
            support=int(args["support"]),
            votes=int(args["weight"]),
            block_number=event.block_number,
        )
    )


HANDLERS: dict[str, Callable[[Session, ChainEvent], None]] = {
    "MemberJoined": _on_member_joined,
    "MemberLeft": _on_member_left,
    "MemberExpelled": _on_member_expelled,
    "MemberClassChanged": _on_member_class_changed,
    "PoolCreated": _on_pool_created,
    "PoolClosed": _on_pool_closed,
    "PoolReopened": _on_pool_reopened,
    "ContributionSubmitted": _on_submitted,
    "ContributionAccepted": _on_accepted,
    "BatchLeafClaimed": _on_batch_leaf_claimed,
    "ContributionRejected": _on_rejected,
    "ContributionOverturned": _on_overturned,
    "ContributionRevoked": _on_revoked,
    "ListingSet": _on_listing_set,
    "Purchased": _on_purchased,
    "BuyerStrikeSet": _on_buyer_strike,
    "BuyerRefStrikeSet": _on_buyer_ref_strike,
    "GeneralStrikeSet": _on_general_strike,
    "SplitChanged": _on_split_changed,
    "UnitsChanged": _on_units_changed,
    "RevenueDeposited": _on_revenue_deposited,
    "RevenueClaimed": _on_revenue_claimed,
    "ReserveReleased": _on_reserve_released,
    "ProposalCreated": _on_proposal_created,
    "ProposalExtended": _on_proposal_extended,
    "ProposalQueued": _on_proposal_queued,
    "ProposalExecuted": _on_proposal_executed,
    "ProposalCanceled": _on_proposal_canceled,
    "VoteCast": _on_vote_cast,
    "VoteCastWithParams": _on_vote_cast,
}


def apply_event(session: Session, event: ChainEvent) -> None:
    """Folds one stored event into the projections (events without a projection are kept only
    in the log)."""
    handler = HANDLERS.get(event.event)
    if handler is not None:
        handler(session, event)


def rebuild(session: Session) -> int:
    """Deletes every projection and folds the whole event log again; returns the event count."""
    for table in PROJECTIONS:
        session.execute(delete(table))
    session.flush()
    count = 0
    events = session.scalars(
        select(ChainEvent).order_by(ChainEvent.block_number, ChainEvent.log_index)
    )
    for event in events:
        apply_event(session, event)
        count += 1
    session.flush()
    logger.info("rebuilt the projections from %s events", count)
    return count


# Surrogate keys that depend on insertion history rather than on the event log.
_SURROGATE = {"member_history", "revenue_deposits", "revenue_claims", "position_changes", "votes"}


def dump(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every projection's rows, sorted, without surrogate ids: equal dumps mean equal state."""
    result: dict[str, list[tuple[Any, ...]]] = {}
    for table in PROJECTIONS:
        columns = [
            c
            for c in table.__table__.columns
            if not (table.__tablename__ in _SURROGATE and c.name == "id")
        ]
        rows = session.execute(select(*columns)).all()
        result[table.__tablename__] = sorted((tuple(r) for r in rows), key=repr)
    return result
