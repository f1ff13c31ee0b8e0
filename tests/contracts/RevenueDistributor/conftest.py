import pytest


@pytest.fixture(scope="module")
def dist(distributor, deployer):
    """The real distributor, with the deployer standing in for the market and the registry."""
    distributor.grantRole(distributor.DEPOSITOR_ROLE(), deployer, {"from": deployer})
    distributor.grantRole(distributor.UNITS_ROLE(), deployer, {"from": deployer})
    return distributor


@pytest.fixture(scope="module")
def pay_in(dist, usd, deployer):
    """Sends `amount` to the distributor and records it as revenue of `pool`."""

    def pay_in(pool, amount):
        usd.mint(dist, amount, {"from": deployer})
        return dist.deposit(pool, amount, {"from": deployer})

    return pay_in


@pytest.fixture(scope="module")
def work_pot(dist):
    return dist.WORK_POT()
