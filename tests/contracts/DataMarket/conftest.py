import pytest

from tests.contracts.conftest import USD

POOL = 1
RESEARCH, COMMERCIAL, AI_TRAINING = 0, 1, 2
PRICE = 25 * USD


@pytest.fixture(scope="module")
def listed(market, deployer):
    market.setListing(
        POOL,
        PRICE,
        (1 << RESEARCH) | (1 << AI_TRAINING),
        True,
        b"\x12\x20" + b"\x11" * 32,
        {"from": deployer},
    )
    return market
