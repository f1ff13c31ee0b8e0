"""Attacks: only checkpoints before the snapshot or epoch start count."""

import brownie
from brownie import chain

from tests.contracts.governance_helpers import (
    AGAINST,
    FOR,
    FUNDER,
    PARAMS,
    PRODUCER,
    STEWARD,
    WORKER,
    sign_ballot,
)


def test_tokens_minted_after_the_epoch_start_add_no_credits(
    governor, token, deployer, electorate, make_proposal, activate, vote, next_epoch
):
    voter = electorate[STEWARD][0]  # 30 credits
    next_epoch()
    proposal = make_proposal()
    token.mint(
        voter, 1_000_000, {"from": deployer}
    )  # after the epoch start and before the snapshot
    activate(proposal)
    token.mint(voter, 1_000_000, {"from": deployer})  # after the snapshot
    assert governor.getVotes(voter, governor.proposalSnapshot(proposal.id)) == PARAMS.base_credits
    with brownie.reverts(revert_pattern=r"CoopGovernorInsufficientCredits:.*"):
        vote(proposal, voter, FOR, n=6)
    vote(proposal, voter, FOR, n=5)


def test_member_joining_after_the_snapshot_neither_votes_nor_counts(
    governor, membership, deployer, make_member, electorate, make_proposal, activate, vote
):
    proposal = make_proposal()
    activate(proposal)
    latecomer = make_member(STEWARD, 500)
    chain.mine()
    with brownie.reverts(revert_pattern=r"CoopGovernorVoterNotMember:.*"):
        vote(proposal, latecomer, FOR)
    vote(proposal, electorate[STEWARD][0], FOR)
    assert governor.proposalClassTally(proposal.id, STEWARD)[4] == 1  # one steward at the snapshot
    assert membership.memberCount(STEWARD) == 2


def test_member_who_left_before_the_snapshot_cannot_vote(
    governor, membership, electorate, make_proposal, activate, vote
):
    leaver = electorate[WORKER][1]
    proposal = make_proposal()
    membership.leave({"from": leaver})
    activate(proposal)
    with brownie.reverts(revert_pattern=r"CoopGovernorVoterNotMember:.*"):
        vote(proposal, leaver, FOR)
    assert governor.proposalClassTally(proposal.id, WORKER)[4] == 1


def test_member_who_leaves_after_the_snapshot_keeps_that_vote(
    governor, membership, electorate, make_proposal, activate, vote
):
    leaver = electorate[WORKER][1]
    proposal = make_proposal()
    activate(proposal)
    membership.leave({"from": leaver})
    vote(proposal, leaver, AGAINST)  # the snapshot decides, as for tokens
    assert list(governor.proposalClassTally(proposal.id, WORKER))[:4] == [0, 1, 0, 1]


def test_double_vote_refused(governor, electorate, make_proposal, activate, vote):
    proposal = make_proposal()
    activate(proposal)
    voter = electorate[WORKER][1]
    vote(proposal, voter, FOR)
    with brownie.reverts(revert_pattern=r"CoopGovernorDoubleVote:.*"):
        vote(proposal, voter, AGAINST)
    with brownie.reverts(revert_pattern=r"CoopGovernorDoubleVote:.*"):
        vote(proposal, voter, FOR, n=2)
    assert list(governor.proposalClassTally(proposal.id, WORKER))[:4] == [1, 0, 0, 1]


def test_credits_cannot_be_reused_across_proposals_of_one_epoch(
    governor, electorate, make_proposal, activate, vote, next_epoch
):
    next_epoch()
    first, second, third = make_proposal(), make_proposal(), make_proposal()
    epoch = governor.epochAt(governor.proposalSnapshot(first.id))[0]
    assert governor.epochAt(governor.proposalSnapshot(third.id))[0] == epoch
    activate(third)
    voter = electorate[FUNDER][0]  # 49 credits
    vote(first, voter, FOR, n=6)  # 36
    vote(second, voter, FOR, n=3)  # 9, total 45
    with brownie.reverts(revert_pattern=r"CoopGovernorInsufficientCredits:.*"):
        vote(third, voter, FOR, n=3)  # 9 > 4 remaining
    vote(third, voter, FOR, n=2)  # 4, total 49
    assert governor.creditsSpent(voter, epoch) == 49
    assert all(governor.hasVoted(p.id, voter) for p in (first, second, third))


def test_replayed_signature_refused(governor, electorate, make_proposal, activate, outsider):
    proposal = make_proposal()
    activate(proposal)
    voter = electorate[WORKER][1]
    signature = sign_ballot(governor, proposal.id, FOR, voter)
    tx = governor.castVoteBySig(proposal.id, FOR, voter, signature, {"from": outsider})
    assert tx.events["VoteCast"]["voter"] == voter
    assert governor.hasVoted(proposal.id, voter)
    assert governor.nonces(voter) == 1
    with brownie.reverts(revert_pattern=r"GovernorInvalidSignature:.*"):
        governor.castVoteBySig(proposal.id, FOR, voter, signature, {"from": outsider})
    other = make_proposal()
    activate(other)
    with brownie.reverts(revert_pattern=r"GovernorInvalidSignature:.*"):  # not for another proposal
        governor.castVoteBySig(other.id, FOR, voter, signature, {"from": outsider})


def test_ballots_beyond_the_first_page_keep_their_own_bits(
    governor, electorate, make_proposal, activate, vote, next_epoch
):
    """The 129th ballot of an epoch lives on a second ledger page; credits stay on page 0."""
    next_epoch()
    proposals = [make_proposal() for _ in range(130)]
    activate(proposals[-1])
    opener = electorate[PRODUCER][0]  # 100 credits: numbers every ballot with one vote
    for proposal in proposals[:100]:
        vote(proposal, opener, FOR)
    other = electorate[PRODUCER][1]  # 36 credits
    for proposal in proposals[100:128]:
        vote(proposal, other, FOR)
    voter = electorate[FUNDER][0]  # 49 credits
    vote(proposals[128], voter, FOR, n=6)  # ballot 128: page 1
    assert governor.hasVoted(proposals[128].id, voter)
    assert not governor.hasVoted(proposals[0].id, voter)
    with brownie.reverts(revert_pattern=r"CoopGovernorDoubleVote:.*"):
        vote(proposals[128], voter, FOR)
    vote(proposals[0], voter, AGAINST, n=3)  # page 0: 36 + 9 = 45
    with brownie.reverts(revert_pattern=r"CoopGovernorInsufficientCredits:.*"):
        vote(proposals[129], voter, FOR, n=3)
    epoch = governor.epochAt(governor.proposalSnapshot(proposals[0].id))[0]
    assert governor.creditsSpent(voter, epoch) == 45


def test_credits_do_not_outlive_their_tokens(
    governor, token, deployer, make_member, make_proposal, activate, next_epoch
):
    """Issue 13, attack 7: weight accepted before the epoch starts and revoked after counts for
    nothing, since the smaller of the balances at the epoch start and the snapshot counts."""
    voter = make_member(STEWARD, 100)
    next_epoch()
    proposal = make_proposal()
    token.burn(voter, 100, {"from": deployer})  # the revoke, before the snapshot
    activate(proposal)
    assert governor.getVotes(voter, governor.proposalSnapshot(proposal.id)) == PARAMS.base_credits


def test_token_credits_are_capped(governor, make_member, make_proposal, activate, next_epoch):
    """Issue 13, attack 1: revenue weight never becomes unbounded governance weight."""
    whale = make_member(STEWARD, 16_777_215)
    next_epoch()
    proposal = make_proposal()
    activate(proposal)
    cap = governor.tokenCreditCap()
    assert cap == PARAMS.token_credit_cap
    assert (
        governor.getVotes(whale, governor.proposalSnapshot(proposal.id))
        == PARAMS.base_credits + cap
    )
