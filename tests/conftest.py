"""Shared brownie fixtures: accounts named by role and one fixture per deployed contract."""

from __future__ import annotations

import os

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """``LUMBUNG_CHAIN_PORT`` moves the test chain off its network's port, so that two
    checkouts can run their suites at once. Under ``-n N`` brownie gives worker k the port
    plus k (gw0 the port itself), so N consecutive ports must be free."""
    port = os.environ.get("LUMBUNG_CHAIN_PORT")
    network = config.getoption("network", default=None)
    if port and network:
        from brownie._config import CONFIG

        CONFIG.networks[network[0]]["cmd_settings"]["port"] = int(port)


@pytest.fixture(autouse=True)
def isolation(fn_isolation):
    """Every test starts from the module's deployed state and leaves nothing behind."""


@pytest.fixture(scope="session")
def deployer(accounts):
    return accounts[0]


@pytest.fixture(scope="session")
def registrar(accounts):
    return accounts[1]


@pytest.fixture(scope="session")
def curator(accounts):
    return accounts[2]


@pytest.fixture(scope="session")
def member(accounts):
    return accounts[3]


@pytest.fixture(scope="session")
def buyer(accounts):
    return accounts[4]


@pytest.fixture(scope="session")
def settler(accounts):
    return accounts[5]


@pytest.fixture(scope="session")
def outsider(accounts):
    return accounts[9]
