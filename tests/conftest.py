"""Shared brownie fixtures: accounts named by role and one fixture per deployed contract."""

from __future__ import annotations

import pytest


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
