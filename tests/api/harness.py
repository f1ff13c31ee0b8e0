"""Real parts for the API tests: an Anvil chain with the cooperative deployed, PostgreSQL, the API
in its own process, and the CLI.

The chain and the services are :mod:`lumbung.devchain`'s and :mod:`lumbung.devservices`' (the
benchmarks use the same); each pytest-xdist worker starts its own Anvil on a free port and, when
the Debian ``postgresql`` server is installed, its own PostgreSQL cluster on loopback. This
module adds what only the tests need, and re-exports the rest under the names the tests use.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from api.settings import Settings
from lumbung.devchain import (
    ADDRESSES,
    CURATOR,
    DEPLOYER,
    KEYS,
    PRODUCER,
    REGISTRAR,
    ROOT,
    SETTLER,
    STEWARD,
    AnvilChain,
    free_port,
    launch_anvil,
    send,
    start_anvil,
    terminate,
    wait_for,
)
from lumbung.devservices import (
    ApiServer,
    PostgresCluster,
    postgres_bindir,
    serve_api,
    settings_env,
    start_postgres,
)
from lumbung.protocol import DEV_REGISTRAR_KEY

# The backends every database test runs on (``LUMBUNG_TEST_DATABASES`` narrows the list).
DATABASES = os.environ.get("LUMBUNG_TEST_DATABASES", "sqlite,postgresql").split(",")
# For a test whose outcome is decided before any database work (a request refused by its
# checks, "nothing recorded" read back): one backend is enough. Tests whose decision reads or
# writes rows (replays, quotas, states) run on every backend.
ONE_DATABASE = pytest.mark.parametrize("database_url", DATABASES[:1], indirect=True)

__all__ = [
    "ADDRESSES",
    "CURATOR",
    "DATABASES",
    "DEPLOYER",
    "KEYS",
    "ONE_DATABASE",
    "PRODUCER",
    "REGISTRAR",
    "ROOT",
    "SETTLER",
    "STEWARD",
    "UNLIMITED",
    "AnvilChain",
    "ApiServer",
    "PostgresCluster",
    "api_settings",
    "free_port",
    "launch_anvil",
    "postgres_bindir",
    "run_cli",
    "send",
    "serve_api",
    "settings_env",
    "start_anvil",
    "start_postgres",
    "terminate",
    "wait_for",
]


def run_cli(
    env: dict[str, str],
    *args: str,
    check: bool = False,
    timeout: float = 120,
    module: str = "api.cli",
) -> subprocess.CompletedProcess[str]:
    """``python -m api.cli ARGS`` (or another ``module``) as a separate process with ``env``."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=check,
    )


# Rate limits no test reaches by accident; tests/api/test_rate_limits.py sets low ones.
UNLIMITED = {
    f"rate_limit_{route_class}": "1000000/1"
    for route_class in ("nonce", "signin", "upload", "orders")
}


def api_settings(chain: AnvilChain, database_url: str, workdir: Path) -> Settings:
    """The settings of an API, indexer and worker on ``chain`` and ``database_url``, with their
    files under ``workdir``, fast polling and no rate limit."""
    return Settings(
        rpc_url=chain.rpc_url,
        deployment_file=chain.deployment_file,
        database_url=database_url,
        ipfs_root=workdir / "ipfs",
        keystore_dir=workdir / "keystore",
        dapp_dir=workdir / "no-dapp",
        registrar_key=DEV_REGISTRAR_KEY,
        indexer_poll_s=0.05,
        worker_poll_s=0.05,
        **UNLIMITED,
    )
