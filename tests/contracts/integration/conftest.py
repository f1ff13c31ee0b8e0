"""A governed cooperative: every admin role sits with the timelock, as after a real deploy."""

from __future__ import annotations

import pytest
from brownie import accounts, chain

from scripts.deploy import deploy_all
from tests.contracts.conftest import USD
from tests.contracts.governance_helpers import (
    FUNDER,
    PARAMS,
    PRODUCER,
    STEWARD,
    TIMELOCK_DELAY,
    WORKER,
)

POOL = 1
PRICE = 20 * USD
FIRST_CID = b"\x12\x20" + b"\xf1" * 32  # the bootstrap's accepted contribution (CIDv0)
FIRST_WEIGHT = 10


@pytest.fixture(scope="module")
def electorate(deployer):
    """Members in every class, as local accounts that can sign."""
    members = {
        cls: [accounts.add() for _ in range(2)] for cls in (PRODUCER, FUNDER, WORKER, STEWARD)
    }
    for group in members.values():
        for member in group:
            deployer.transfer(member, "1 ether")
    return members


@pytest.fixture(scope="module")
def governed(deployer, registrar, settler, electorate):
    def bootstrap(coop):
        tx = {"from": deployer}
        for cls, group in electorate.items():
            for member in group:
                coop.membership.admit(member, cls, tx)
        coop.registry.createPool("Rice harvests", "", tx)
        coop.market.setListing(POOL, PRICE, 1, True, b"", tx)
        # A pool sells only with accepted content: one contribution, accepted by a curator.
        curator, contributor = electorate[WORKER][1], electorate[FUNDER][1]
        coop.registry.grantRole(coop.registry.CURATOR_ROLE(), curator, tx)
        submitted = coop.registry.submit(POOL, FIRST_CID, {"from": contributor})
        coop.registry.accept(submitted.return_value, FIRST_WEIGHT, {"from": curator})

    coop = deploy_all(
        deployer,
        registrar=registrar,
        settler=settler,
        governance=PARAMS,
        timelock_delay=TIMELOCK_DELAY,
        bootstrap=bootstrap,
    )
    # Proposers must have been members before the second they propose; every test starts
    # from this block (brownie reverts to it), so let time pass the admissions first.
    chain.sleep(5)
    chain.mine()
    return coop


@pytest.fixture(scope="module")
def governor(governed):
    return governed.governor


@pytest.fixture(scope="module")
def timelock(governed):
    return governed.timelock


@pytest.fixture(scope="module")
def membership(governed):
    return governed.membership


@pytest.fixture(scope="module")
def proposer(electorate):
    return electorate[STEWARD][0]
