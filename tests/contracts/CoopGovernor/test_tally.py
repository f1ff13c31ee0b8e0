"""Stakeholder-weighted tally: per-class quorum, re-normalised weights, exact comparison."""

from brownie import chain

from tests.contracts.CoopGovernor.coop_model import coop_succeeds
from tests.contracts.governance_helpers import (
    ABSTAIN,
    AGAINST,
    DEFEATED,
    FOR,
    FUNDER,
    PARAMS,
    PRODUCER,
    STEWARD,
    SUCCEEDED,
    WORKER,
    advance_to,
)

# Electorate (conftest): producers 2, funders 1, workers 2, stewards 1; weights 40/30/20/10 %,
# quorums 50 % of each class.
MEMBERS = [2, 1, 2, 1]


def _run(governor, electorate, make_proposal, activate, finish, vote, ballots, members=MEMBERS):
    """Casts ballots {(class, index): (support, n)} and checks state against the model."""
    proposal = make_proposal()
    activate(proposal)
    for (cls, index), (support, n) in ballots.items():
        vote(proposal, electorate[cls][index], support, n=n)
    finish(proposal)
    expected = coop_succeeds(
        members,
        [(cls, support, n) for (cls, _), (support, n) in ballots.items()],
        PARAMS.class_weights,
        PARAMS.class_quorums,
    )
    state = governor.state(proposal.id)
    assert state == (SUCCEEDED if expected else DEFEATED)
    return proposal, state


def test_unanimous_for_succeeds(governor, electorate, make_proposal, activate, finish, vote):
    ballots = {(c, 0): (FOR, 1) for c in range(4)}
    _, state = _run(governor, electorate, make_proposal, activate, finish, vote, ballots)
    assert state == SUCCEEDED


def test_a_class_below_quorum_defeats(governor, electorate, make_proposal, activate, finish, vote):
    ballots = {(PRODUCER, 0): (FOR, 1), (FUNDER, 0): (FOR, 1), (WORKER, 0): (FOR, 1)}
    proposal, state = _run(governor, electorate, make_proposal, activate, finish, vote, ballots)
    assert state == DEFEATED
    assert list(governor.proposalClassTally(proposal.id, STEWARD)) == [0, 0, 0, 0, 1, False]
    assert list(governor.proposalClassTally(proposal.id, WORKER)) == [1, 0, 0, 1, 2, True]


def test_abstain_counts_toward_quorum(governor, electorate, make_proposal, activate, finish, vote):
    ballots = {
        (PRODUCER, 0): (FOR, 1),
        (FUNDER, 0): (FOR, 1),
        (WORKER, 0): (FOR, 1),
        (STEWARD, 0): (ABSTAIN, 1),
    }
    _, state = _run(governor, electorate, make_proposal, activate, finish, vote, ballots)
    assert state == SUCCEEDED  # 0.4 + 0.3 + 0.2 = 0.9 of 1.0


def test_exactly_half_is_defeated(governor, electorate, make_proposal, activate, finish, vote):
    # producers 1.0·0.4 + workers ½·0.2 = 0.5, not more than half
    ballots = {
        (PRODUCER, 0): (FOR, 1),
        (FUNDER, 0): (AGAINST, 1),
        (WORKER, 0): (FOR, 1),
        (WORKER, 1): (AGAINST, 1),
        (STEWARD, 0): (AGAINST, 1),
    }
    _, state = _run(governor, electorate, make_proposal, activate, finish, vote, ballots)
    assert state == DEFEATED


def test_quadratic_votes_tip_a_class(governor, electorate, make_proposal, activate, finish, vote):
    # the same as above, but the second worker... votes For with 2 votes (4 credits): 0.4 + 0.2·2/3
    ballots = {
        (PRODUCER, 0): (FOR, 1),
        (FUNDER, 0): (AGAINST, 1),
        (WORKER, 1): (FOR, 2),
        (WORKER, 0): (AGAINST, 1),
        (STEWARD, 0): (AGAINST, 1),
    }
    proposal, state = _run(governor, electorate, make_proposal, activate, finish, vote, ballots)
    assert state == SUCCEEDED
    assert list(governor.proposalClassTally(proposal.id, WORKER))[:4] == [2, 1, 0, 2]


def test_whale_is_dampened(governor, electorate, make_proposal, activate, finish, vote):
    # producer 0 has 100 credits (10 votes) against producer 1's 36 (6 votes): 10/16 of 0.4
    ballots = {
        (PRODUCER, 0): (FOR, 10),
        (PRODUCER, 1): (AGAINST, 6),
        (FUNDER, 0): (AGAINST, 1),
        (WORKER, 0): (FOR, 1),
        (STEWARD, 0): (FOR, 1),
    }
    _, state = _run(governor, electorate, make_proposal, activate, finish, vote, ballots)
    assert state == SUCCEEDED  # 0.25 + 0.2 + 0.1 = 0.55


def test_class_with_members_but_no_decided_votes_counts_as_zero(
    governor, electorate, make_proposal, activate, finish, vote
):
    # funders only abstain: their 0.3 weight stays in the total and adds no support, so
    # 0.4 of 1.0 fails (dropping the class instead would give 0.4 / 0.7 and pass).
    ballots = {
        (PRODUCER, 0): (FOR, 1),
        (FUNDER, 0): (ABSTAIN, 1),
        (WORKER, 0): (AGAINST, 1),
        (STEWARD, 0): (AGAINST, 1),
    }
    _, state = _run(governor, electorate, make_proposal, activate, finish, vote, ballots)
    assert state == DEFEATED


def test_class_without_members_is_left_out_and_weights_renormalised(
    governor, electorate, membership, make_proposal, activate, finish, vote
):
    membership.leave({"from": electorate[FUNDER][0]})  # no funders at the snapshot
    chain.sleep(1)
    # 0.4 of 0.7 (re-normalised 57 %) passes; against a fixed total of 1.0 it would fail.
    ballots = {(PRODUCER, 0): (FOR, 1), (WORKER, 0): (AGAINST, 1), (STEWARD, 0): (AGAINST, 1)}
    proposal, state = _run(
        governor, electorate, make_proposal, activate, finish, vote, ballots, members=[2, 0, 2, 1]
    )
    assert state == SUCCEEDED
    assert list(governor.proposalClassTally(proposal.id, FUNDER)) == [0, 0, 0, 0, 0, True]


def test_nobody_voting_is_defeated(governor, make_proposal, activate, finish):
    proposal = make_proposal()
    activate(proposal)
    finish(proposal)
    assert governor.state(proposal.id) == DEFEATED
    assert list(governor.proposalClassTally(proposal.id, PRODUCER)) == [0, 0, 0, 0, 2, False]


def test_class_tally_before_snapshot_reports_no_members(governor, make_proposal):
    proposal = make_proposal()
    assert list(governor.proposalClassTally(proposal.id, PRODUCER)) == [0, 0, 0, 0, 0, True]


def test_late_quorum_extends_the_deadline(governor, electorate, make_proposal, activate, vote):
    proposal = make_proposal()
    activate(proposal)
    deadline = governor.proposalDeadline(proposal.id)
    for cls in (PRODUCER, FUNDER, WORKER):
        vote(proposal, electorate[cls][0], FOR)
    advance_to(deadline - 5)
    tx = vote(proposal, electorate[STEWARD][0], FOR)  # the last class reaches quorum
    assert "ProposalExtended" in tx.events
    assert governor.proposalDeadline(proposal.id) == tx.timestamp + PARAMS.vote_extension


def test_docs_worked_example():
    """docs/governance.md: three classes vote, stewards are empty; Fajar abstaining flips it."""
    weights, quorums = (4000, 3000, 2000, 1000), (5000,) * 4
    members = [3, 2, 2, 0]
    ballots = [
        (PRODUCER, FOR, 6),
        (PRODUCER, AGAINST, 5),
        (FUNDER, AGAINST, 3),
        (FUNDER, FOR, 2),
        (WORKER, FOR, 4),
        (WORKER, ABSTAIN, 1),
    ]
    assert coop_succeeds(members, ballots, weights, quorums)
    fajar_abstains = [*ballots[:4], (WORKER, ABSTAIN, 4), ballots[5]]
    assert not coop_succeeds(members, fajar_abstains, weights, quorums)
