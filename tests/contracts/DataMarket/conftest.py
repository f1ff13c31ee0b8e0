import pytest

from lumbung.protocol import Purpose, StakeholderClass
from tests.contracts.conftest import USD

POOL = 1
# Purpose bit numbers, as a purchase names them.
RESEARCH, COMMERCIAL, AI_TRAINING = (
    p.bit for p in (Purpose.RESEARCH, Purpose.COMMERCIAL, Purpose.AI_TRAINING)
)
PRICE = 25 * USD


WORKER = StakeholderClass.WORKER


@pytest.fixture(scope="module")
def stocked(coop, deployer, curator, member):
    """Pool 1 with one accepted contribution: a pool sells only with accepted content."""
    tx = {"from": deployer}
    coop.membership.admit(curator, WORKER, tx)
    coop.membership.admit(member, 0, tx)
    coop.registry.grantRole(coop.registry.CURATOR_ROLE(), curator, tx)
    coop.registry.createPool("Rice harvests", "", tx)
    submitted = coop.registry.submit(POOL, b"\x12\x20" + b"\x22" * 32, {"from": member})
    coop.registry.accept(submitted.return_value, 10, {"from": curator})
    return coop


@pytest.fixture(scope="module")
def listed(market, deployer, stocked):
    market.setListing(
        POOL,
        PRICE,
        (1 << RESEARCH) | (1 << AI_TRAINING),
        True,
        b"\x12\x20" + b"\x11" * 32,
        {"from": deployer},
    )
    return market
