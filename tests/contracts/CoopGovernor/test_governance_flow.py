"""The timelock path end to end, and the governance-only setters."""

import brownie
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
    tx = govern([(governor.address, 0, governor.setClassQuorums.encode_input([0, 10000, 100, 0]))])
    assert list(tx.events["ClassQuorumsSet"]["newQuorums"]) == [0, 10000, 100, 0]
    assert list(governor.proposalClassRules(make_proposal().id)[1]) == [0, 10000, 100, 0]


def test_invalid_class_weights_and_quorums_refused(governor, govern):
    with brownie.reverts(revert_pattern=r"CoopGovernorInvalidClassWeights:.*"):
        govern([(governor.address, 0, governor.setClassWeights.encode_input([5000, 5000, 0, 1]))])
    with brownie.reverts(revert_pattern=r"CoopGovernorInvalidClassQuorum:.*"):
        govern([(governor.address, 0, governor.setClassQuorums.encode_input([0, 0, 10001, 0]))])


def test_epoch_rules_change_at_the_next_boundary(governor, govern):
    old_length = PARAMS.epoch_length
    calls = [
        (governor.address, 0, governor.setEpochLength.encode_input(500)),
        (governor.address, 0, governor.setBaseCredits.encode_input(7)),
    ]
    tx = govern(calls)
    effective_from, first_epoch, length, base = governor.scheduledEpochRules()
    assert (length, base) == (500, 7)
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
    assert list(governor.epochAt(effective_from + 1234)) == [
        first_epoch + 2,
        effective_from + 1000,
        500,
        7,
    ]
    advance_to(effective_from + 1)
    # once in force, older timestamps still resolve through the history
    assert list(governor.epochAt(start)) == [current, start, old_length, PARAMS.base_credits]


def test_rule_change_keeps_credits_of_running_epoch(
    governor, govern, electorate, make_proposal, activate, vote, next_epoch
):
    next_epoch()
    govern([(governor.address, 0, governor.setBaseCredits.encode_input(0))])
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
    assert governor.getVotes(steward, governor.proposalSnapshot(later.id)) == 0
    with brownie.reverts(revert_pattern=r"CoopGovernorInsufficientCredits:.*"):
        vote(later, steward, FOR)


def test_invalid_epoch_length_refused(governor, govern):
    with brownie.reverts(revert_pattern=r"CoopGovernorInvalidEpochLength:.*"):
        govern([(governor.address, 0, governor.setEpochLength.encode_input(0))])
