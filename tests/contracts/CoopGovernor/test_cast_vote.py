"""Quadratic voting: n votes cost n² credits from the snapshot's epoch; every refusal."""

import math

import brownie
from brownie import chain

from tests.contracts.governance_helpers import (
    ABSTAIN,
    AGAINST,
    FOR,
    FUNDER,
    PARAMS,
    PRODUCER,
    STEWARD,
    WORKER,
    sign_ballot,
    votes_param,
)


def _epoch(governor, proposal):
    return governor.epochAt(governor.proposalSnapshot(proposal.id))[0]


def test_credits_are_base_plus_tokens_at_epoch_start(governor, electorate, make_proposal, activate):
    proposal = make_proposal()
    activate(proposal)
    snapshot = governor.proposalSnapshot(proposal.id)
    assert governor.getVotes(electorate[PRODUCER][0], snapshot) == PARAMS.base_credits + 70
    assert governor.getVotes(electorate[STEWARD][0], snapshot) == PARAMS.base_credits


def test_cast_vote_casts_one_vote_for_one_credit(
    governor, electorate, make_proposal, activate, vote
):
    proposal = make_proposal()
    activate(proposal)
    voter = electorate[FUNDER][0]
    tx = vote(proposal, voter, FOR)
    assert tx.return_value == 1
    assert tx.events["VoteCast"]["weight"] == 1
    assert governor.hasVoted(proposal.id, voter)
    assert governor.creditsSpent(voter, _epoch(governor, proposal)) == 1
    assert list(governor.proposalClassTally(proposal.id, FUNDER))[:4] == [1, 0, 0, 1]


def test_n_votes_cost_n_squared(governor, electorate, make_proposal, activate, vote):
    proposal = make_proposal()
    activate(proposal)
    voter = electorate[PRODUCER][0]  # 100 credits
    tx = vote(proposal, voter, AGAINST, n=5)
    assert tx.return_value == 5
    event = tx.events["VoteCastWithParams"]
    assert event["weight"] == 5 and event["params"] == "0x" + votes_param(5).hex()
    assert governor.creditsSpent(voter, _epoch(governor, proposal)) == 25
    assert list(governor.proposalClassTally(proposal.id, PRODUCER))[:4] == [0, 5, 0, 1]


def test_whole_budget_can_be_spent(governor, electorate, make_proposal, activate, vote):
    proposal = make_proposal()
    activate(proposal)
    vote(proposal, electorate[PRODUCER][1], ABSTAIN, n=6)  # 36 credits, all of them
    assert list(governor.proposalClassTally(proposal.id, PRODUCER))[:4] == [0, 0, 6, 1]


def test_zero_votes_refused(electorate, make_proposal, activate, vote):
    proposal = make_proposal()
    activate(proposal)
    with brownie.reverts(revert_pattern=r"CoopGovernorZeroVotes:.*"):
        vote(proposal, electorate[PRODUCER][0], FOR, n=0)


def test_cost_above_remaining_credits_refused(governor, electorate, make_proposal, activate, vote):
    proposal = make_proposal()
    activate(proposal)
    voter = electorate[FUNDER][0]  # 49 credits
    with brownie.reverts(revert_pattern=r"CoopGovernorInsufficientCredits:.*"):
        vote(proposal, voter, FOR, n=8)  # 64 > 49
    vote(proposal, voter, FOR, n=7)


def test_huge_n_refused_without_overflow(electorate, make_proposal, activate, vote):
    proposal = make_proposal()
    activate(proposal)
    with brownie.reverts(revert_pattern=r"CoopGovernorInsufficientCredits:.*"):
        vote(proposal, electorate[PRODUCER][0], FOR, n=2**200)


def test_outsider_vote_refused(make_proposal, activate, vote, outsider):
    proposal = make_proposal()
    activate(proposal)
    with brownie.reverts(revert_pattern=r"CoopGovernorVoterNotMember:.*"):
        vote(proposal, outsider, FOR)


def test_invalid_support_refused(electorate, make_proposal, activate, vote):
    proposal = make_proposal()
    activate(proposal)
    with brownie.reverts(revert_pattern=r"GovernorInvalidVoteType:.*"):
        vote(proposal, electorate[WORKER][1], 3)


def test_malformed_params_refused(governor, electorate, make_proposal, activate):
    proposal = make_proposal()
    activate(proposal)
    with brownie.reverts(revert_pattern=r"GovernorInvalidVoteParams:.*"):
        governor.castVoteWithReasonAndParams(
            proposal.id, FOR, "", b"\x01" * 31, {"from": electorate[WORKER][1]}
        )


def test_vote_while_pending_refused(electorate, make_proposal, vote):
    proposal = make_proposal()
    with brownie.reverts(revert_pattern=r"GovernorUnexpectedProposalState:.*"):
        vote(proposal, electorate[WORKER][1], FOR)


def test_next_epoch_brings_a_fresh_budget(
    governor, electorate, make_proposal, activate, vote, next_epoch
):
    next_epoch()
    voter = electorate[FUNDER][0]
    early = make_proposal()
    activate(early)
    vote(early, voter, FOR, n=7)
    next_epoch()
    later = make_proposal()
    activate(later)
    assert _epoch(governor, later) == _epoch(governor, early) + 1
    vote(later, voter, AGAINST, n=7)
    assert governor.creditsSpent(voter, _epoch(governor, later)) == 49


def test_signature_cannot_be_redirected(governor, electorate, make_proposal, activate, outsider):
    proposal = make_proposal()
    activate(proposal)
    voter = electorate[WORKER][1]
    signature = sign_ballot(governor, proposal.id, FOR, voter)
    with brownie.reverts(revert_pattern=r"GovernorInvalidSignature:.*"):
        governor.castVoteBySig(proposal.id, AGAINST, voter, signature, {"from": outsider})
    with brownie.reverts(revert_pattern=r"GovernorInvalidSignature:.*"):
        governor.castVoteBySig(
            proposal.id, FOR, electorate[WORKER][0], signature, {"from": outsider}
        )


def test_a_spent_budget_still_casts_one_vote_and_no_more(
    governor, make_proposal, activate, vote, electorate
):
    """Issue 13, attack 6 (decoys): whatever a member spent, one vote remains on every proposal."""
    voter = electorate[STEWARD][0]
    proposals = [make_proposal() for _ in range(8)]
    activate(proposals[-1])
    snapshot = governor.proposalSnapshot(proposals[0].id)
    budget = governor.getVotes(voter, snapshot)
    epoch = governor.epochAt(snapshot)[0]
    decoys = iter(proposals[:-1])
    while governor.creditsSpent(voter, epoch) < budget:  # spend it all, greedily
        vote(next(decoys), voter, FOR, n=math.isqrt(budget - governor.creditsSpent(voter, epoch)))
    last = proposals[-1]
    with brownie.reverts(
        f"CoopGovernorInsufficientCredits: {voter.address.lower()}, {epoch}, 4, 0"
    ):
        vote(last, voter, FOR, n=2)
    vote(last, voter, FOR)  # costs what is left: nothing
    assert governor.creditsSpent(voter, epoch) == budget
    assert governor.hasVoted(last.id, voter)


def test_proposal_votes_sums_classes(governor, electorate, make_proposal, activate, vote):
    proposal = make_proposal()
    activate(proposal)
    vote(proposal, electorate[PRODUCER][0], FOR, n=3)
    vote(proposal, electorate[WORKER][1], FOR, n=2)
    vote(proposal, electorate[FUNDER][0], AGAINST, n=4)
    vote(proposal, electorate[STEWARD][0], ABSTAIN)
    assert list(governor.proposalVotes(proposal.id)) == [4, 5, 1]
    chain.mine()
