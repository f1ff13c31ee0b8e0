"""The whole cooperative for browser tests: Anvil with the deployment, the API serving the built
dApp, the indexer and the settlement worker (each its own process, as `make run` starts them),
and Debian's headless chromium driven by Playwright.

Run with brownie's plugin off: ``pytest -p no:pytest-brownie tests/browser``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from web3 import Web3

from api.chain import Chain
from api.db import migrate
from api.settings import DEV_ADMIN_TOKEN, DEV_REGISTRAR_KEY, Settings
from tests.api.harness import ROOT, AnvilChain, free_port, start_anvil, wait_for

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "browser"
DAPP = ROOT / "dapp" / "dist"


@pytest.fixture(autouse=True)
def isolation():
    """Overrides tests/conftest.py's brownie isolation: this chain runs on, one story."""


@dataclass
class Cooperative:
    anvil: AnvilChain
    api_url: str
    database_url: str
    admin_token: str
    logs: Path
    env: dict[str, str]  # the environment the API, indexer and worker run with

    @property
    def w3(self) -> Web3:
        return self.anvil.w3

    def http(self) -> httpx.Client:
        return httpx.Client(base_url=self.api_url, timeout=30)


def _spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )


@pytest.fixture(scope="session")
def cooperative(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cooperative]:
    if not (DAPP / "index.html").exists():
        subprocess.run(["node", "dapp/build.mjs"], cwd=ROOT, check=True)
    work = tmp_path_factory.mktemp("cooperative")
    anvil = start_anvil(work)
    port = free_port()
    api_url = f"http://127.0.0.1:{port}"
    database_url = f"sqlite:///{work / 'lumbung.db'}"
    migrate(database_url)
    env = {
        **os.environ,
        "PATH": f"{ROOT / 'node_modules' / '.bin'}:{os.environ['PATH']}",
        "LUMBUNG_RPC_URL": anvil.rpc_url,
        "LUMBUNG_DEPLOYMENT_FILE": str(anvil.deployment_file),
        "LUMBUNG_DATABASE_URL": database_url,
        "LUMBUNG_IPFS_ROOT": str(work / "ipfs"),
        "LUMBUNG_DAPP_DIR": str(DAPP),
        "LUMBUNG_REGISTRAR_KEY": DEV_REGISTRAR_KEY,
        "LUMBUNG_SIWE_DOMAIN": f"127.0.0.1:{port}",
        "LUMBUNG_SIWE_URI": api_url,
        "LUMBUNG_INDEXER_POLL_S": "0.2",
        "LUMBUNG_WORKER_POLL_S": "0.2",
        # The worker aggregates once as it starts; a test runs `lumbung worker aggregate` itself.
        "LUMBUNG_AGGREGATE_EVERY_S": "86400",
        # One browser signs in, uploads, orders and relays far faster than a person would.
        **{f"LUMBUNG_RATE_LIMIT_{c}": "1000000/1"
           for c in ("NONCE", "SIGNIN", "UPLOAD", "ORDERS", "RELAY")},
    }
    bindir = Path(sys.executable).parent
    processes = [
        _spawn([sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory",
                "--host", "127.0.0.1", "--port", str(port)], env, work / "api.log"),
        _spawn([str(bindir / "lumbung"), "indexer", "run"], env, work / "indexer.log"),
        _spawn([str(bindir / "lumbung"), "worker", "run"], env, work / "worker.log"),
    ]
    try:
        wait_for(lambda: httpx.get(f"{api_url}/v1/config", timeout=2).status_code == 200, 60,
                 "the API")
        yield Cooperative(anvil, api_url, database_url, DEV_ADMIN_TOKEN, work, env)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        anvil.stop()
        for log in ("api.log", "indexer.log", "worker.log"):
            tail = (work / log).read_text(errors="replace")[-3000:]
            sys.stderr.write(f"\n----- {log} (tail) -----\n{tail}\n")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed: run `make setup-test`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def chain(cooperative: Cooperative) -> Chain:
    settings = Settings(rpc_url=cooperative.anvil.rpc_url,
                        deployment_file=cooperative.anvil.deployment_file)
    return Chain(settings.rpc_url, settings.deployment_file, settings.artifacts_dir)


@pytest.fixture(scope="session", autouse=True)
def artifacts() -> Path:
    """test-artifacts/browser/, emptied of the last run's screenshots."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    return ARTIFACTS
