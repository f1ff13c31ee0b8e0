"""Fixtures for CoopGovernor: a small cooperative with members in all four classes.

Timeline used throughout: epoch 0 starts when the governor is deployed, which happens after
the electorate's tokens are minted, so those tokens count in every epoch's credits.
"""

from __future__ import annotations

import pytest
from brownie import ZERO_ADDRESS, ContributionToken, Membership, accounts, chain

from scripts.governance import deploy_governance
from tests.contracts.governance_helpers import (
    FUNDER,
    PARAMS,
    PRODUCER,
    STEWARD,
    TIMELOCK_DELAY,
    WORKER,
)


@pytest.fixture(scope="module")
def membership(deployer):
    return Membership.deploy(deployer, ZERO_ADDRESS, {"from": deployer})  # no forwarder


@pytest.fixture(scope="module")
def token(deployer):
    token = ContributionToken.deploy(deployer, {"from": deployer})
    token.grantRole(token.MINTER_ROLE(), deployer, {"from": deployer})
    return token


@pytest.fixture(scope="module")
def make_member(membership, token, deployer):
    """Factory: a fresh local account (it can sign) admitted to a class, with tokens."""

    def make(stakeholder_class: int, tokens: int = 0):
        account = accounts.add()
        deployer.transfer(account, "1 ether")
        membership.admit(account, stakeholder_class, {"from": deployer})
        if tokens:
            token.mint(account, tokens, {"from": deployer})
        return account

    return make


@pytest.fixture(scope="module")
def electorate(make_member):
    """Two producers, one funder, two workers, one steward; credits are 30 + tokens."""
    return {
        PRODUCER: [make_member(PRODUCER, 70), make_member(PRODUCER, 6)],
        FUNDER: [make_member(FUNDER, 19)],
        WORKER: [make_member(WORKER, 0), make_member(WORKER, 34)],
        STEWARD: [make_member(STEWARD, 0)],
    }


@pytest.fixture(scope="module")
def governance(deployer, membership, token, electorate):
    chain.sleep(1)
    return deploy_governance(
        deployer, membership, token, params=PARAMS, timelock_delay=TIMELOCK_DELAY
    )


@pytest.fixture(scope="module")
def governor(governance):
    return governance[0]


@pytest.fixture(scope="module")
def timelock(governance):
    return governance[1]


@pytest.fixture(scope="module")
def proposer(electorate):
    return electorate[STEWARD][0]
