"""The CoopGovernor projection: the class rules new proposals copy, proposals and votes.

The rules start as the governor's constructor sets them, from its ``ClassWeightsSet`` and
``ClassQuorumsSet`` events; a proposal copies them when it is created, as the governor does.
Whether the state served from these rows is the governor's own is checked against the chain as
the indexer runs (:mod:`api.indexer.crosscheck`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from api.indexer.projections.base import Handler, ProjectionError, raw_string
from api.indexer.projections.membership import member_status_at
from api.models import SINGLE_ROW_ID, Base, ChainEvent, GovernorRules, Proposal, Vote

TABLES: tuple[type[Base], ...] = (GovernorRules, Proposal, Vote)


def _rules(session: Session) -> GovernorRules:
    rules = session.get(GovernorRules, SINGLE_ROW_ID)
    if rules is None:
        rules = GovernorRules(id=SINGLE_ROW_ID)
        session.add(rules)
    return rules


def _proposal(session: Session, proposal_id: Any) -> Proposal:
    proposal = session.get(Proposal, str(int(proposal_id)))
    if proposal is None:
        raise ProjectionError(f"proposal {proposal_id} was never created")
    return proposal


def _on_class_weights_set(session: Session, event: ChainEvent) -> None:
    _rules(session).class_weights = [int(w) for w in event.args["newWeights"]]


def _on_class_quorums_set(session: Session, event: ChainEvent) -> None:
    _rules(session).class_quorums = [int(q) for q in event.args["newQuorums"]]


def _on_proposal_created(session: Session, event: ChainEvent) -> None:
    args = event.args
    rules = session.get(GovernorRules, SINGLE_ROW_ID)
    if rules is None or rules.class_weights is None or rules.class_quorums is None:
        raise ProjectionError(
            "a proposal before the governor's class rules: the start block is late"
        )
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
            class_weights=list(rules.class_weights),
            class_quorums=list(rules.class_quorums),
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


HANDLERS: dict[str, Handler] = {
    "ClassWeightsSet": _on_class_weights_set,
    "ClassQuorumsSet": _on_class_quorums_set,
    "ProposalCreated": _on_proposal_created,
    "ProposalExtended": _on_proposal_extended,
    "ProposalQueued": _on_proposal_queued,
    "ProposalExecuted": _on_proposal_executed,
    "ProposalCanceled": _on_proposal_canceled,
    "VoteCast": _on_vote_cast,
    "VoteCastWithParams": _on_vote_cast,
}
