"""The governance projection is checked against CoopGovernor as the indexer runs: agreement
passes silently, and a corrupted row is reported at ERROR without stopping the indexer."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select, update
from web3 import Web3
from web3.contract import Contract

from api.context import Context
from api.indexer import Follower, index_until_head, rebuild_all
from api.indexer.crosscheck import check_governance, proposals_to_check
from api.models import Proposal, Vote
from lumbung.protocol import VoteType
from tests.api.cooperative import Coop
from tests.api.harness import CURATOR, PRODUCER, STEWARD

CROSSCHECK = "api.indexer.crosscheck"


@pytest.fixture
def coop(w3: Web3, contracts: dict[str, Contract]) -> Coop:
    return Coop(w3, contracts)


def open_vote(coop: Coop) -> int:
    """A proposal in its voting period with the steward's vote For."""
    market = coop.c["DataMarket"]
    call = (market.address, market.functions.setGeneralStrike(True)._encode_transaction_data())
    proposal_id = coop.propose(STEWARD, [call], "Strike until the license is signed")
    coop.advance(61)
    coop.vote(STEWARD, proposal_id, VoteType.FOR, n=3)
    return proposal_id


def check_everything(context: Context) -> list[str]:
    """The cross-check over every indexed block."""
    with context.sessions() as session:
        cursor = Follower(context).cursor(session)
        return check_governance(
            session, context.chain, context.chain.deployment.start_block, cursor
        )


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == CROSSCHECK and r.levelno >= 40]


def test_the_projection_agrees_with_the_governor_through_a_vote(
    context: Context, coop: Coop, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger=CROSSCHECK):
        proposal_id = open_vote(coop)
        index_until_head(context)
        coop.vote(CURATOR, proposal_id, VoteType.AGAINST, n=2)
        coop.advance(601)  # the vote ends without an event: the check asks the governor
        index_until_head(context)
    assert errors(caplog) == []
    with context.sessions() as session:
        first = context.chain.deployment.start_block
        checked = proposals_to_check(session, first, Follower(context).cursor(session))
        assert [p.id for p in checked] == [str(proposal_id)]
    assert check_everything(context) == []


def test_a_corrupted_vote_row_is_detected_and_a_rebuild_restores_it(
    context: Context, coop: Coop, caplog: pytest.LogCaptureFixture
) -> None:
    proposal_id = open_vote(coop)
    index_until_head(context)
    with context.sessions.begin() as session:
        session.execute(
            update(Vote).where(Vote.proposal_id == str(proposal_id)).values(votes=Vote.votes + 1)
        )

    # Detected when asked, and as the indexer runs: the next vote's batch names the proposal.
    [difference] = check_everything(context)
    assert difference.startswith(f"proposal {proposal_id} ")
    with caplog.at_level(logging.ERROR, logger=CROSSCHECK):
        coop.vote(PRODUCER, proposal_id, VoteType.FOR, n=1)
        head = index_until_head(context)
    assert head == coop.w3.eth.block_number  # the indexer went on
    logged = errors(caplog)
    assert logged and all(f"proposal {proposal_id} " in line for line in logged)

    rebuild_all(context)
    assert check_everything(context) == []


def test_a_corrupted_quorum_is_detected(context: Context, coop: Coop) -> None:
    proposal_id = open_vote(coop)
    index_until_head(context)
    with context.sessions.begin() as session:
        proposal = session.scalars(select(Proposal)).one()
        proposal.class_quorums = [q + 1 for q in proposal.class_quorums]
    [difference] = check_everything(context)
    assert difference.startswith(f"proposal {proposal_id} ")
