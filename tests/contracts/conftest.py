"""Fixtures over a whole deployment, made by the same deploy_all that the deploy script runs."""

from __future__ import annotations

import pytest

from scripts.deploy import deploy_all

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
