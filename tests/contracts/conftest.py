"""Fixtures over a whole deployment, made by the same deploy_all that the deploy script runs."""

from __future__ import annotations

import pytest
from brownie import accounts, chain

from scripts.deploy import deploy_all
from tests.contracts.governance_helpers import (
    FOR,
    SUCCEEDED,
    Proposal,
    advance_to,
    signed_description,
    votes_param,
)

USD = 10**6  # the test stablecoin has 6 decimals


@pytest.fixture(scope="module")
def coop(deployer, registrar, settler):
    return deploy_all(deployer, registrar=registrar, settler=settler)


@pytest.fixture(scope="module")
def usd(coop):
    return coop.payment_token


@pytest.fixture(scope="module")
def distributor(coop):
    return coop.distributor


@pytest.fixture(scope="module")
def market(coop):
    return coop.market


@pytest.fixture(scope="module")
def membership(coop):
    return coop.membership


@pytest.fixture(scope="module")
def fund(usd):
    """Mints test dollars to an account and approves a spender for them."""

    def fund(account, amount, spender=None):
        usd.mint(account, amount, {"from": account})
        if spender is not None:
            usd.approve(spender, amount, {"from": account})

    return fund


# -- the governance process, over whichever `governor`, `timelock`, `electorate`, `proposer`
# -- and `membership` the test's directory provides -----------------------------------------


@pytest.fixture(scope="module")
def make_proposal(governor, membership, proposer):
    """Factory: proposes a harmless call (or the given calls) and returns a Proposal."""
    counter = iter(range(1_000_000))

    def make(calls=None, description=None, sender=None):
        calls = calls or [(membership.address, 0, membership.isMember.encode_input(proposer))]
        targets = [c[0] for c in calls]
        values = [c[1] for c in calls]
        calldatas = [c[2] for c in calls]
        sender = sender or proposer
        description = description or f"proposal {next(counter)}"
        if "#proposer=" not in description:
            description = signed_description(description, sender)
        tx = governor.propose(targets, values, calldatas, description, {"from": sender})
        return Proposal(tx.return_value, targets, values, calldatas, description)

    return make


@pytest.fixture(scope="module")
def activate(governor):
    """Moves time past a proposal's snapshot."""

    def go(proposal):
        advance_to(governor.proposalSnapshot(proposal.id) + 1)

    return go


@pytest.fixture(scope="module")
def finish(governor):
    """Moves time past a proposal's (possibly extended) deadline."""

    def go(proposal):
        advance_to(governor.proposalDeadline(proposal.id) + 1)

    return go


@pytest.fixture(scope="module")
def next_epoch(governor):
    """Moves time to one second after the next epoch boundary."""

    def go():
        chain.mine()
        _, start, length, _ = governor.epochAt(chain[-1].timestamp)
        advance_to(start + length + 1)

    return go


@pytest.fixture(scope="module")
def vote(governor):
    """Casts n votes with the params form (n=None uses plain castVote)."""

    def cast(proposal, voter, support=FOR, n=None):
        if n is None:
            return governor.castVote(proposal.id, support, {"from": voter})
        return governor.castVoteWithReasonAndParams(
            proposal.id, support, "", votes_param(n), {"from": voter}
        )

    return cast


@pytest.fixture(scope="module")
def pass_proposal(governor, electorate, activate, finish, vote):
    """Every member votes For with one vote; returns once the proposal has succeeded."""

    def run(proposal):
        activate(proposal)
        for members in electorate.values():
            for voter in members:
                vote(proposal, voter, FOR)
        finish(proposal)
        assert governor.state(proposal.id) == SUCCEEDED

    return run


@pytest.fixture(scope="module")
def govern(governor, timelock, make_proposal, pass_proposal):
    """Runs calls through the whole governance path: propose, pass, queue, execute."""

    def run(calls, description=None):
        proposal = make_proposal(calls, description)
        pass_proposal(proposal)
        governor.queue(*proposal.args, {"from": accounts[0]})
        chain.sleep(timelock.getMinDelay() + 1)
        return governor.execute(*proposal.args, {"from": accounts[0]})

    return run
