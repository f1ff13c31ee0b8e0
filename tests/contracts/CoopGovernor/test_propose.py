"""Proposal rights: active members only, above the token threshold; rules are copied."""

import brownie
from brownie import chain

from tests.contracts.governance_helpers import (
    ACTIVE,
    FUNDER,
    PARAMS,
    PENDING,
    PRODUCER,
    STEWARD,
    signed_description,
)


def test_member_proposes_and_proposal_is_pending(governor, make_proposal):
    proposal = make_proposal()
    assert governor.state(proposal.id) == PENDING
    assert governor.proposalSnapshot(proposal.id) == chain[-1].timestamp + PARAMS.voting_delay
    assert governor.proposalDeadline(proposal.id) == (
        governor.proposalSnapshot(proposal.id) + PARAMS.voting_period
    )
    chain.sleep(PARAMS.voting_delay + 1)
    chain.mine()
    assert governor.state(proposal.id) == ACTIVE


def test_outsider_cannot_propose(make_proposal, outsider):
    with brownie.reverts(revert_pattern=r"CoopGovernorProposerNotMember:.*"):
        make_proposal(sender=outsider)


def test_former_member_cannot_propose(make_proposal, electorate, membership):
    leaver = electorate[PRODUCER][0]
    membership.leave({"from": leaver})
    chain.sleep(1)
    with brownie.reverts(revert_pattern=r"CoopGovernorProposerNotMember:.*"):
        make_proposal(sender=leaver)


def test_threshold_counts_contribution_tokens(govern, governor, make_proposal, electorate):
    govern([(governor.address, 0, governor.setProposalThreshold.encode_input(20))])
    assert governor.proposalThreshold() == 20
    chain.sleep(1)
    with brownie.reverts(revert_pattern=r"GovernorInsufficientProposerVotes:.*"):
        make_proposal(sender=electorate[FUNDER][0])  # 0 tokens
    make_proposal(sender=electorate[PRODUCER][0])  # 70 tokens
    # Stewards propose whatever the threshold, so no threshold leaves nobody able to propose.
    make_proposal(sender=electorate[STEWARD][0])  # 0 tokens


def test_proposal_copies_class_rules(governor, make_proposal):
    proposal = make_proposal()
    weights, quorums = governor.proposalClassRules(proposal.id)
    assert list(weights) == list(PARAMS.class_weights)
    assert list(quorums) == list(PARAMS.class_quorums)


def test_restricted_description_is_enforced(make_proposal, electorate, proposer):
    other = electorate[PRODUCER][0]
    description = f"only mine #proposer={proposer.address}"
    with brownie.reverts(revert_pattern=r"GovernorRestrictedProposer:.*"):
        make_proposal(description=description, sender=other)
    make_proposal(description=description, sender=proposer)


def test_description_without_the_proposer_suffix_is_refused(governor, membership, proposer):
    """Issue 13, 8: a copied proposal cannot be front-run and cancelled, because every
    description names its proposer."""
    calldata = membership.isMember.encode_input(proposer)
    with brownie.reverts(f"GovernorRestrictedProposer: {proposer.address.lower()}"):
        governor.propose([membership], [0], [calldata], "no suffix", {"from": proposer})


def test_a_copied_proposal_cannot_be_burnt(
    governor, membership, make_proposal, electorate, proposer
):
    attacker = electorate[PRODUCER][0]
    description = signed_description("raise the price", proposer)
    calls = [(membership.address, 0, membership.isMember.encode_input(proposer))]
    with brownie.reverts(revert_pattern=r"GovernorRestrictedProposer:.*"):
        make_proposal(calls, description=description, sender=attacker)
    make_proposal(calls, description=description, sender=proposer)


def test_proposer_cancels_while_pending(governor, make_proposal, proposer):
    proposal = make_proposal()
    governor.cancel(*proposal.args, {"from": proposer})
    assert governor.state(proposal.id) == 2  # Canceled


def test_quorum_view_sums_class_requirements(governor, electorate):
    chain.mine()
    # 2 producers, 1 funder, 2 workers, 1 steward at 50 %: 1 + 1 + 1 + 1 voters.
    # The last mined block's time, not brownie's chain.time() estimate (it runs ahead after
    # reverts, and a timepoint at or past the clock is a future lookup).
    assert governor.quorum(chain[-1].timestamp - 1) == 4
