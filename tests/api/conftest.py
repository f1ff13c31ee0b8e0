"""Fixtures of the API tests: a real Anvil chain, real SQLite and PostgreSQL databases.

Run with brownie's plugin off (``-p no:pytest-brownie``): these tests drive the chain through
web3.py, as the API does. Every test runs once per database backend (``sqlite`` and
``postgresql``; ``LUMBUNG_TEST_DATABASES`` narrows the list) against a fresh database, and the
chain is reverted to the freshly deployed cooperative after each test.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web3 import Web3
from web3.contract import Contract

from api.context import Context
from api.db import migrate
from api.main import create_app
from api.settings import Settings
from tests.api.cooperative import Coop
from tests.api.harness import (
    DATABASES,
    PRODUCER,
    AnvilChain,
    PostgresCluster,
    api_settings,
    postgres_bindir,
    start_anvil,
    start_postgres,
)
from tests.api.orderflow import POOLS


@pytest.fixture(autouse=True)
def isolation():
    """Overrides tests/conftest.py's brownie isolation; see ``chain_state`` instead."""


@pytest.fixture(scope="session")
def anvil(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AnvilChain]:
    chain = start_anvil(tmp_path_factory.mktemp("anvil"))
    yield chain
    chain.stop()


@pytest.fixture(autouse=True)
def chain_state(anvil: AnvilChain) -> Iterator[None]:
    """Every test starts from the freshly deployed cooperative and leaves nothing behind."""
    snapshot = anvil.snapshot()
    yield
    anvil.revert(snapshot)


@pytest.fixture
def stocked(w3: Web3, contracts: dict[str, Contract]) -> None:
    """One accepted contribution in each starter pool: DataMarket sells only pools that hold
    accepted content (DataMarketNoContent), and the API refuses to quote the others."""
    coop = Coop(w3, contracts)
    for pool_id in POOLS:
        contribution_id, _ = coop.submit(PRODUCER, pool_id, b"stock of pool %d" % pool_id)
        coop.accept(contribution_id, 1)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster | None]:
    if "postgresql" not in DATABASES:
        yield None
        return
    if postgres_bindir() is None:
        pytest.fail("PostgreSQL is not installed: run `make setup-test`")
    cluster = start_postgres()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def migrated(
    tmp_path_factory: pytest.TempPathFactory, postgres: PostgresCluster | None
) -> dict[str, str]:
    """One database per backend brought to the newest schema once; each test gets a copy.

    Migrating takes about 0.1 s on SQLite and 0.2 s on PostgreSQL, a copy under 0.01 s and
    0.15 s. The migrations themselves are run from an empty database by ``migrate`` here, and
    by the tests of the CLIs, the worker and the indexer that migrate their own databases."""
    templates = {}
    if "sqlite" in DATABASES:
        templates["sqlite"] = f"sqlite:///{tmp_path_factory.mktemp('template') / 'lumbung.db'}"
        migrate(templates["sqlite"])
    if postgres is not None:
        templates["postgresql"] = postgres.create_database()
        migrate(templates["postgresql"])
    return templates


@pytest.fixture(params=DATABASES)
def database_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    postgres: PostgresCluster | None,
    migrated: dict[str, str],
) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "lumbung.db"
        shutil.copyfile(migrated["sqlite"].removeprefix("sqlite:///"), path)
        yield f"sqlite:///{path}"
        return
    assert postgres is not None
    url = postgres.create_database(template=migrated["postgresql"])
    yield url
    postgres.drop_database(url)


@pytest.fixture
def settings(anvil: AnvilChain, database_url: str, tmp_path: Path) -> Settings:
    return api_settings(anvil, database_url, tmp_path)


@pytest.fixture
def context(settings: Settings) -> Iterator[Context]:
    context = Context(settings)
    yield context
    context.close()


@pytest.fixture
def client(context: Context) -> Iterator[TestClient]:
    with TestClient(create_app(context=context)) as test_client:
        yield test_client


@pytest.fixture
def w3(anvil: AnvilChain) -> Web3:
    return anvil.w3


@pytest.fixture
def contracts(context: Context) -> dict[str, Contract]:
    """The deployed contracts, as web3 handles from the API's own chain gateway."""
    return context.chain.contracts
