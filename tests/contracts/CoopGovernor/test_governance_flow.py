"""The timelock path end to end, and the governance-only setters."""

import brownie
import pytest
from brownie import accounts, chain

from tests.contracts.governance_helpers import (
    EXECUTED,
    FOR,
    PARAMS,
    QUEUED,
    STEWARD,
    SUCCEEDED,
    TIMELOCK_DELAY,
    WORKER,
    advance_to,
)


def test_admit_member_through_propose_vote_queue_execute(
    governor, timelock, membership, deployer, make_proposal, pass_proposal
):
    membership.grantRole(membership.DEFAULT_ADMIN_ROLE(), timelock, {"from": deployer})
    newcomer = accounts.add()
    calldata = membership.admit.encode_input(newcomer, WORKER)
    proposal = make_proposal([(membership.address, 0, calldata)], "Admit a new worker")
    pass_proposal(proposal)
    assert governor.state(proposal.id) == SUCCEEDED
    tx = governor.queue(*proposal.args, {"from": deployer})
    assert "ProposalQueued" in tx.events
    assert governor.state(proposal.id) == QUEUED
    with brownie.reverts(revert_pattern=r"TimelockUnexpectedOperationState:.*"):
        governor.execute(*proposal.args, {"from": deployer})
    chain.sleep(TIMELOCK_DELAY + 1)
    tx = governor.execute(*proposal.args, {"from": deployer})
    assert "ProposalExecuted" in tx.events
    assert governor.state(proposal.id) == EXECUTED
    assert membership.isMember(newcomer)
    assert tuple(membership.memberStatus(newcomer)) == (True, WORKER)


def test_setters_are_governance_only(governor, deployer):
    calls = [
        (governor.setClassWeights, ([2500, 2500, 2500, 2500],)),
        (governor.setClassQuorums, ([0, 0, 0, 0],)),
        (governor.setEpochLength, (10,)),
        (governor.setBaseCredits, (1,)),
        (governor.setVotingPeriod, (5,)),
        (governor.setProposalThreshold, (5,)),
    ]
    for setter, args in calls:
        with brownie.reverts(revert_pattern=r"GovernorOnlyExecutor:.*"):
            setter(*args, {"from": deployer})


def test_class_weights_change_applies_to_new_proposals_only(governor, govern, make_proposal):
    before = make_proposal()
    tx = govern(
        [(governor.address, 0, governor.setClassWeights.encode_input([1000, 2000, 3000, 4000]))]
    )
    assert list(tx.events["ClassWeightsSet"]["newWeights"]) == [1000, 2000, 3000, 4000]
    after = make_proposal()
    assert list(governor.proposalClassRules(before.id)[0]) == list(PARAMS.class_weights)
    assert list(governor.proposalClassRules(after.id)[0]) == [1000, 2000, 3000, 4000]


def test_class_quorums_change(governor, govern, make_proposal):
    tx = govern([(governor.address, 0, governor.setClassQuorums.encode_input([0, 5000, 100, 0]))])
    assert list(tx.events["ClassQuorumsSet"]["newQuorums"]) == [0, 5000, 100, 0]
    assert list(governor.proposalClassRules(make_proposal().id)[1]) == [0, 5000, 100, 0]


def test_invalid_class_weights_and_quorums_refused(governor, govern):
    with brownie.reverts("CoopGovernorInvalidClassWeights: 10001"):
        govern(
            [(governor.address, 0, governor.setClassWeights.encode_input([4000, 3000, 2000, 1001]))]
        )
    # No class can be silenced (below 5 %) or decide alone (above 70 %).
    with brownie.reverts("CoopGovernorOutOfBounds: classWeight, 0, 500, 7000"):
        govern(
            [(governor.address, 0, governor.setClassWeights.encode_input([5000, 4000, 0, 1000]))]
        )
    with brownie.reverts("CoopGovernorOutOfBounds: classWeight, 7500, 500, 7000"):
        govern(
            [(governor.address, 0, governor.setClassWeights.encode_input([7500, 1000, 1000, 500]))]
        )
    with brownie.reverts("CoopGovernorInvalidClassQuorum: 2, 5001"):
        govern([(governor.address, 0, governor.setClassQuorums.encode_input([0, 0, 5001, 0]))])


def test_epoch_rules_change_at_the_next_boundary(governor, govern):
    old_length = PARAMS.epoch_length
    calls = [
        (governor.address, 0, governor.setEpochLength.encode_input(2000)),
        (governor.address, 0, governor.setBaseCredits.encode_input(7)),
    ]
    tx = govern(calls)
    effective_from, first_epoch, length, base = governor.scheduledEpochRules()
    assert (length, base) == (2000, 7)
    events = tx.events["EpochRulesScheduled"]
    assert len(events) == 2 and events[1]["effectiveFrom"] == effective_from  # merged, not stacked
    current, start, current_length, current_base = governor.epochAt(chain[-1].timestamp)
    assert (current_length, current_base) == (old_length, PARAMS.base_credits)
    assert effective_from == start + old_length and first_epoch == current + 1
    # the running epoch keeps its rules; the next ones follow the new schedule
    assert list(governor.epochAt(effective_from - 1)) == [
        current,
        start,
        old_length,
        PARAMS.base_credits,
    ]
    assert list(governor.epochAt(effective_from + 4321)) == [
        first_epoch + 2,
        effective_from + 4000,
        2000,
        7,
    ]
    advance_to(effective_from + 1)
    # once in force, older timestamps still resolve through the history
    assert list(governor.epochAt(start)) == [current, start, old_length, PARAMS.base_credits]


def test_rule_change_keeps_credits_of_running_epoch(
    governor, govern, electorate, make_proposal, activate, vote, next_epoch
):
    next_epoch()
    govern([(governor.address, 0, governor.setBaseCredits.encode_input(1))])
    steward = electorate[STEWARD][0]
    proposal = make_proposal()
    activate(proposal)
    snapshot = governor.proposalSnapshot(proposal.id)
    # the proposal's epoch started before the change takes effect: it keeps the old base
    assert governor.epochAt(snapshot)[1] < governor.scheduledEpochRules()[0]
    assert governor.getVotes(steward, snapshot) == PARAMS.base_credits
    next_epoch()
    later = make_proposal()
    activate(later)
    assert governor.getVotes(steward, governor.proposalSnapshot(later.id)) == 1
    with brownie.reverts(revert_pattern=r"CoopGovernorInsufficientCredits:.*"):
        vote(later, steward, FOR, n=2)


def test_invalid_epoch_length_refused(governor, govern):
    # Never shorter than the founding length (the budgets' period), never longer than a year.
    for length in (0, PARAMS.epoch_length - 1, 365 * 86_400 + 1):
        with brownie.reverts(f"CoopGovernorInvalidEpochLength: {length}"):
            govern([(governor.address, 0, governor.setEpochLength.encode_input(length))])


@pytest.mark.parametrize(
    ("setter", "value", "message"),
    [
        ("setBaseCredits", 0, "baseCredits, 0, 1, 1000000"),
        ("setBaseCredits", 1_000_001, "baseCredits, 1000001, 1, 1000000"),
        ("setTokenCreditCap", 1_000_001, "tokenCreditCap, 1000001, 0, 1000000"),
        ("setVotingDelay", 30 * 86_400 + 1, "votingDelay, 2592001, 0, 2592000"),
        (
            "setVotingPeriod",
            PARAMS.voting_period - 1,
            f"votingPeriod, {PARAMS.voting_period - 1}, {PARAMS.voting_period}, 2592000",
        ),
        (
            "setVotingPeriod",
            30 * 86_400 + 1,
            f"votingPeriod, 2592001, {PARAMS.voting_period}, 2592000",
        ),
        ("setProposalThreshold", 1_001, "proposalThreshold, 1001, 0, 1000"),
        ("setLateQuorumVoteExtension", 7 * 86_400 + 1, "voteExtension, 604801, 0, 604800"),
    ],
)
def test_every_governed_setting_is_bounded(governor, govern, setter, value, message):
    """No single passed proposal can brick governance (issue 13): each setting has bounds."""
    with brownie.reverts(f"CoopGovernorOutOfBounds: {message}"):
        govern([(governor.address, 0, getattr(governor, setter).encode_input(value))])
