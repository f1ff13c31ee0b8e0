"""Real parts for the API tests: an Anvil chain with the cooperative deployed, and PostgreSQL.

Each pytest-xdist worker starts its own Anvil on a free port, deploys the governed cooperative
there with ``scripts/local_chain.py`` (the same deployment ``make run`` makes), and, when the
Debian ``postgresql`` server is installed, its own PostgreSQL cluster on loopback.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_account import Account
from web3 import Web3

from api.settings import DEV_REGISTRAR_KEY, Settings

ROOT = Path(__file__).resolve().parents[2]
ANVIL = ROOT / "toolchain" / "bin" / "anvil"  # npm's Anvil with a private, reaped home
MNEMONIC = "test test test test test test test test test test test junk"

Account.enable_unaudited_hdwallet_features()
# Anvil's default accounts, with their keys (for SIWE and EIP-712 signatures in tests).
KEYS = [
    Account.from_mnemonic(MNEMONIC, account_path=f"m/44'/60'/0'/0/{i}").key.hex() for i in range(10)
]
ADDRESSES = [Account.from_key(k).address for k in KEYS]
# The local cooperative's roles (scripts/local_chain.py ROLES).
DEPLOYER, REGISTRAR, CURATOR, STEWARD, PRODUCER, SETTLER = range(6)


def terminate(process: subprocess.Popen[bytes]) -> None:
    """Stops a child process: politely, then for sure."""
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if predicate():
                return
        time.sleep(0.1)
    raise TimeoutError(f"{what} did not come up within {timeout}s")


@dataclass
class AnvilChain:
    rpc_url: str
    process: subprocess.Popen[bytes]
    deployment_file: Path

    @property
    def w3(self) -> Web3:
        return Web3(Web3.HTTPProvider(self.rpc_url, request_kwargs={"timeout": 30}))

    def snapshot(self) -> str:
        return str(self.w3.provider.make_request("evm_snapshot", [])["result"])  # type: ignore[arg-type]

    def revert(self, snapshot_id: str) -> None:
        self.w3.provider.make_request("evm_revert", [snapshot_id])  # type: ignore[arg-type]

    def stop(self) -> None:
        terminate(self.process)


def launch_anvil(
    workdir: Path, extra_args: Sequence[str] = (), chain_id: int = 31337, port: int | None = None
) -> AnvilChain:
    """A bare Anvil on ``port`` (default: a free one) with ``extra_args``, answering; nothing
    deployed."""
    port = port or free_port()
    log = (workdir / "anvil.log").open("ab")
    process = subprocess.Popen(
        [str(ANVIL), "--port", str(port), "--host", "127.0.0.1", "--chain-id", str(chain_id),
         *extra_args],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    chain = AnvilChain(f"http://127.0.0.1:{port}", process, workdir / "deployment.json")
    try:
        wait_for(lambda: chain.w3.eth.block_number >= 0, 30, "anvil")
    except BaseException:
        chain.stop()  # never leave an Anvil behind
        raise
    return chain


def start_anvil(workdir: Path, extra_args: Sequence[str] = ()) -> AnvilChain:
    """Anvil on a free port (with ``extra_args``), with the cooperative deployed."""
    chain = launch_anvil(workdir, extra_args)
    try:
        env = {**os.environ, "PATH": f"{ROOT / 'node_modules' / '.bin'}:{os.environ['PATH']}"}
        # Loading the brownie project may rewrite build/ (brownie recompiles sources whose
        # library dependencies leave no artifact), so parallel workers deploy one at a time.
        lock_path = ROOT / "build" / ".deploy.lock"
        lock_path.parent.mkdir(exist_ok=True)
        with lock_path.open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            deployed = _deploy(chain.rpc_url, chain.deployment_file, env)
        if deployed.returncode != 0:
            raise RuntimeError(
                f"deploying to {chain.rpc_url} failed:\n{deployed.stdout}\n{deployed.stderr}"
            )
    except BaseException:
        chain.stop()  # never leave an Anvil behind
        raise
    return chain


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


def _deploy(rpc_url: str, deployment_file: Path, env: dict[str, str]) -> Any:
    return subprocess.run(
        [
            sys.executable, "-m", "scripts.local_chain",
            "--rpc-url", rpc_url, "--deployment-file", str(deployment_file),
        ],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )


@dataclass
class PostgresCluster:
    """A throwaway PostgreSQL cluster on loopback, owned by the ``postgres`` system user."""

    directory: Path
    port: int
    bindir: Path
    as_user: list[str]

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def create_database(self) -> str:
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def drop_database(self, url: str) -> None:
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        subprocess.run(
            [*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.directory), "-m", "fast",
             "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(self.directory, ignore_errors=True)


def postgres_bindir() -> Path | None:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), reverse=True)
    return candidates[0].parent if candidates else None


def start_postgres() -> PostgresCluster:
    bindir = postgres_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed (make setup-test installs it)")
    directory = Path(f"/tmp/lumbung-pg-{uuid.uuid4().hex[:8]}")
    directory.mkdir(mode=0o700)
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(directory, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    subprocess.run(
        [*as_user, str(bindir / "initdb"), "-D", str(directory), "-A", "trust", "-U", "postgres",
         "--no-sync"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off " \
        "-c max_connections=200"
    subprocess.run(
        [*as_user, str(bindir / "pg_ctl"), "-D", str(directory), "-o", options, "-w",
         "-l", str(directory / "server.log"), "start"],
        check=True,
        capture_output=True,
    )
    return PostgresCluster(directory, port, bindir, as_user)


def send(w3: Web3, function: Any, sender: str, value: int = 0) -> Any:
    """Sends a contract call from an unlocked Anvil account and returns the mined receipt."""
    tx_hash = function.transact({"from": sender, "value": value})
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=30)
    if receipt["status"] != 1:
        raise AssertionError(f"transaction {tx_hash.hex()} reverted")
    return receipt


def settings_env(settings: Any) -> dict[str, str]:
    """The ``LUMBUNG_*`` environment that reproduces ``settings`` in another process."""
    env = dict(os.environ)
    for name, value in settings.model_dump().items():
        if value is None:
            continue
        if hasattr(value, "get_secret_value"):
            value = value.get_secret_value()
        env[f"LUMBUNG_{name.upper()}"] = str(value)
    env["PATH"] = f"{ROOT / 'node_modules' / '.bin'}:{env['PATH']}"
    return env


@dataclass
class ApiServer:
    url: str
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        terminate(self.process)


def serve_api(settings: Any, log: Path, workers: int = 1) -> ApiServer:
    """The API in its own uvicorn process, on a free port, configured by ``settings``."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
            "--log-level", "warning",
        ],
        cwd=ROOT,
        env=settings_env(settings),
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    server = ApiServer(f"http://127.0.0.1:{port}", process)

    def up() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"the API exited; see {log}")
        import urllib.request

        with urllib.request.urlopen(server.url + "/openapi.json", timeout=2) as response:
            return bool(response.status == 200)

    wait_for(up, 30, "the API")
    return server


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
        dapp_dir=workdir / "no-dapp",
        registrar_key=DEV_REGISTRAR_KEY,
        indexer_poll_s=0.05,
        worker_poll_s=0.05,
        **UNLIMITED,
    )
