"""The governance projection checked against the governor, as the indexer runs.

The revenue replica checks itself on every deposit and claim, whose events carry the contract's
results. A proposal's state also changes without any event (its vote opens, its vote ends), so
the governance projection is checked by asking the governor: after each batch, every proposal
whose state could have changed in it (one named by an event of the batch, or whose vote opened
or ended within the batch's time) is computed as ``/v1/governance`` serves it and compared with
the governor's state, class rules and per-class tallies as of the batch's last block.

A difference is logged at ERROR and returned: it means a projection row no longer says what the
log says (``lumbung indexer rebuild`` restores it) or that the service's decision rule departs
from the governor's. Like a poison log, it does not stop the indexer; nor does a governor that
cannot be read at that block (an RPC outage, or a node that no longer holds the block's state),
which skips the check.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from api.chain import Chain
from api.errors import ContractRevertError
from api.models import ChainEvent, IndexedBlock, Proposal
from api.services import governance
from lumbung.protocol import ProposalState

logger = logging.getLogger(__name__)

# The governor's events that name a proposal.
PROPOSAL_EVENTS = (
    "ProposalCreated",
    "ProposalExtended",
    "ProposalQueued",
    "ProposalExecuted",
    "ProposalCanceled",
    "VoteCast",
    "VoteCastWithParams",
)


def proposals_to_check(session: Session, first: int, last: int) -> list[Proposal]:
    """The proposals whose served state blocks ``first..last`` may have changed."""
    named = {
        str(int(event.args["proposalId"]))
        for event in session.scalars(
            select(ChainEvent).where(
                ChainEvent.block_number.between(first, last),
                ChainEvent.event.in_(PROPOSAL_EVENTS),
            )
        )
    }
    before = session.get(IndexedBlock, first - 1)
    since = before.timestamp if before is not None else 0
    until = governance.indexed_time(session)
    timed = or_(Proposal.vote_start.between(since, until), Proposal.vote_end.between(since, until))
    return list(
        session.scalars(
            select(Proposal).where(or_(Proposal.id.in_(named), timed)).order_by(Proposal.id)
        )
    )


def _served(session: Session, proposal: Proposal, now: int, membership: str) -> dict[str, Any]:
    excluded = governance.quorum_exclusions(session, proposal, membership)
    tallies = governance.tallies(session, proposal, now, excluded)
    return {
        "state": governance.proposal_state(proposal, tallies, now),
        "rules": (list(proposal.class_weights), list(proposal.class_quorums)),
        "tallies": [
            (t.for_votes, t.against, t.abstain, t.voters, t.members, t.quorum_reached)
            for t in tallies
        ],
    }


def _governors(chain: Chain, proposal_id: int, block: int) -> dict[str, Any]:
    functions = chain["CoopGovernor"].functions

    def read() -> dict[str, Any]:
        weights, quorums = functions.proposalClassRules(proposal_id).call(block_identifier=block)
        return {
            "state": ProposalState(functions.state(proposal_id).call(block_identifier=block)).label,
            "rules": (list(weights), list(quorums)),
            "tallies": [
                tuple(functions.proposalClassTally(proposal_id, c).call(block_identifier=block))
                for c in range(governance.CLASS_COUNT)
            ],
        }

    return chain.guard(read)


def check_governance(session: Session, chain: Chain, first: int, last: int) -> list[str]:
    """Compares each proposal of :func:`proposals_to_check` with the governor at block ``last``;
    returns (and logs at ERROR) one line per proposal that differs."""
    now = governance.indexed_time(session)
    membership = chain["Membership"].address
    differences: list[str] = []
    for proposal in proposals_to_check(session, first, last):
        try:
            actual = _governors(chain, int(proposal.id), last)
        except ContractRevertError as exc:
            actual = {"error": str(exc)}
        except Exception as exc:  # the RPC is down, or no longer holds that block's state
            logger.warning("governance cross-check at block %s skipped: %s", last, exc)
            return differences
        try:
            served = _served(session, proposal, now, membership)
        except Exception as exc:  # the service's rule failing is as wrong as a different answer
            served = {"error": f"{type(exc).__name__}: {exc}"}
        if served != actual:
            line = f"proposal {proposal.id} at block {last}: served {served}, governor {actual}"
            logger.error("indexer: the governance projection departs from the chain: %s", line)
            differences.append(line)
    return differences
