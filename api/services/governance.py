"""Proposals as the governor sees them, computed from the indexed events.

The state follows OpenZeppelin's Governor.state with the rules of ICoopGovernor: times are unix
seconds (the governor's clock is the block timestamp) and "now" is the timestamp of the newest
indexed block, so the answer is the chain's answer as of the indexed block.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session
from web3 import Web3

from api.errors import NotFoundError, ValidationError
from api.models import ChainEvent, IndexedBlock, MemberHistory, Proposal, Vote
from api.schemas.common import parse_uint256
from api.schemas.governance import ClassTally, ProposalPublic
from lumbung.protocol import CLASS_NAMES, StakeholderClass, VoteType, plain_description

BPS = 10_000
CLASS_COUNT = len(StakeholderClass)
# Membership.expel(address): a proposal made only of such calls leaves the members it names out
# of their class's quorum (CoopGovernor's liveness rule).
EXPEL_SELECTOR = "0x" + Web3.keccak(text="expel(address)")[:4].hex()


@dataclass
class Tally:
    for_votes: int = 0
    against: int = 0
    abstain: int = 0
    voters: int = 0
    members: int = 0
    voters_needed: int = 0  # the class's participation quorum, in voters
    quorum_reached: bool = True
    # The class's members at the snapshot as far as the indexer knows them: before the snapshot
    # is in the indexed past, every membership change indexed so far (on an idle chain, the
    # snapshot's answer), so a client can show the quorum of a proposal whose voting opened
    # while no block was mined.
    members_at_snapshot: int = 0
    voters_needed_at_snapshot: int = 0


def indexed_time(session: Session) -> int:
    """The timestamp of the newest indexed block: the indexer's view of the governor's clock."""
    block = session.scalars(select(IndexedBlock).order_by(IndexedBlock.number.desc()).limit(1))
    newest = block.first()
    return newest.timestamp if newest is not None else 0


def _statuses_at(session: Session, timestamp: int) -> dict[str, MemberHistory]:
    """Each account's newest membership entry at or before ``timestamp``."""
    latest: dict[str, MemberHistory] = {}
    rows = session.scalars(
        select(MemberHistory)
        .where(MemberHistory.timestamp <= timestamp)
        .order_by(MemberHistory.block_number, MemberHistory.id)
    )
    for row in rows:
        latest[row.address.lower()] = row
    return latest


def class_sizes_at(session: Session, timestamp: int) -> list[int]:
    """Active members per class at ``timestamp`` (each member's newest entry at or before it)."""
    sizes = [0] * CLASS_COUNT
    for row in _statuses_at(session, timestamp).values():
        if row.active:
            sizes[row.stakeholder_class] += 1
    return sizes


def quorum_exclusions(session: Session, proposal: Proposal, membership: str) -> list[int]:
    """Per class, the active members an expel-only proposal names, as CoopGovernor counted them
    one second before the proposal; zeros for any other proposal, and for one naming more than a
    third of the membership then (at least one member)."""
    named: list[str] = []
    for action in proposal.actions:
        data = str(action["calldata"]).lower()
        if (
            str(action["target"]).lower() != membership.lower()
            or int(action["value"]) != 0
            or len(data) != 2 + 2 * 36
            or not data.startswith(EXPEL_SELECTOR)
        ):
            return [0] * CLASS_COUNT
        named.append("0x" + data[-40:])
    statuses = _statuses_at(session, _created_at(session, proposal) - 1)
    excluded = [0] * CLASS_COUNT
    for address in named:
        status = statuses.get(address)
        if status is not None and status.active:
            excluded[status.stakeholder_class] += 1
    total = sum(1 for status in statuses.values() if status.active)
    if sum(excluded) > max(1, total // 3):
        return [0] * CLASS_COUNT
    return excluded


def _created_at(session: Session, proposal: Proposal) -> int:
    """The timestamp of the block in which ``proposal`` was created."""
    events = session.scalars(
        select(ChainEvent).where(
            ChainEvent.event == "ProposalCreated",
            ChainEvent.block_number == proposal.created_block,
        )
    )
    for event in events:
        if str(int(event.args["proposalId"])) == proposal.id:
            return event.block_timestamp
    raise NotFoundError(f"no ProposalCreated event for proposal {proposal.id}")


def tallies(
    session: Session, proposal: Proposal, now: int, excluded: list[int] | None = None
) -> list[Tally]:
    """Per class: votes by support, voters, members counted for the quorum at the snapshot (less
    ``excluded``) and the quorum test."""
    if excluded is not None and any(excluded):
        # An expel-only proposal's base is the classes a second before it, less those named.
        created = class_sizes_at(session, _created_at(session, proposal) - 1)
        known = [max(size - out, 0) for size, out in zip(created, excluded, strict=True)]
    else:
        known = class_sizes_at(session, proposal.vote_start)
    # The governor reports no members while the snapshot is not yet in the past.
    sizes = [0] * CLASS_COUNT if proposal.vote_start >= now else known
    result = [
        Tally(members=sizes[c], members_at_snapshot=known[c]) for c in range(CLASS_COUNT)
    ]
    for vote in session.scalars(select(Vote).where(Vote.proposal_id == proposal.id)):
        tally = result[vote.stakeholder_class]
        tally.voters += 1
        if vote.support == VoteType.FOR:
            tally.for_votes += vote.votes
        elif vote.support == VoteType.AGAINST:
            tally.against += vote.votes
        else:
            tally.abstain += vote.votes
    for c, tally in enumerate(result):
        tally.voters_needed = -(-tally.members * proposal.class_quorums[c] // BPS)  # ceiling
        tally.voters_needed_at_snapshot = -(
            -tally.members_at_snapshot * proposal.class_quorums[c] // BPS
        )
        tally.quorum_reached = tally.voters >= tally.voters_needed
    return result


def vote_succeeded(proposal: Proposal, class_tallies: list[Tally]) -> bool:
    """Σ w_c · For_c / (For_c + Against_c) > ½ · Σ w_c over the classes that had members (or
    whose members left out of the quorum voted anyway)."""
    support = Fraction(0)
    total_weight = 0
    for c, tally in enumerate(class_tallies):
        if tally.members == 0 and tally.voters == 0:
            continue
        weight = proposal.class_weights[c]
        total_weight += weight
        decided = tally.for_votes + tally.against
        if decided:
            support += Fraction(weight * tally.for_votes, decided)
    return 2 * support > total_weight


def proposal_state(proposal: Proposal, class_tallies: list[Tally], now: int) -> str:
    if proposal.executed:
        return "executed"
    if proposal.canceled:
        return "canceled"
    if proposal.vote_start >= now:
        return "pending"
    if proposal.vote_end >= now:
        return "active"
    quorum = all(t.quorum_reached for t in class_tallies)
    if not quorum or not vote_succeeded(proposal, class_tallies):
        return "defeated"
    return "succeeded" if proposal.queued_eta is None else "queued"


def _public(session: Session, proposal: Proposal, now: int, membership: str) -> ProposalPublic:
    class_tallies = tallies(
        session, proposal, now, quorum_exclusions(session, proposal, membership)
    )
    return ProposalPublic.from_model(
        proposal,
        text=plain_description(proposal.description),
        state=proposal_state(proposal, class_tallies, now),
        indexed_time=now,
        tallies=[
            ClassTally.model_validate(
                {
                    "stakeholder_class": CLASS_NAMES[c],
                    "for": t.for_votes,
                    "against": t.against,
                    "abstain": t.abstain,
                    "voters": t.voters,
                    "members": t.members,
                    "voters_needed": t.voters_needed,
                    "quorum_reached": t.quorum_reached,
                    "members_at_snapshot": t.members_at_snapshot,
                    "voters_needed_at_snapshot": t.voters_needed_at_snapshot,
                }
            )
            for c, t in enumerate(class_tallies)
        ],
    )


def list_proposals(session: Session, membership: str) -> list[ProposalPublic]:
    """Every proposal, newest first; ``membership`` is the Membership contract's address."""
    now = indexed_time(session)
    proposals = session.scalars(
        select(Proposal).order_by(Proposal.created_block.desc(), Proposal.vote_start.desc())
    )
    return [_public(session, p, now, membership) for p in proposals]


def get_proposal(session: Session, proposal_id: str, membership: str) -> ProposalPublic:
    number = parse_uint256(proposal_id)
    if number is None:
        raise ValidationError(f"{proposal_id[:80]!r} is not a proposal id (a uint256 in decimal)")
    proposal = session.get(Proposal, str(number))
    if proposal is None:
        raise NotFoundError(f"no proposal {proposal_id}")
    return _public(session, proposal, indexed_time(session), membership)
