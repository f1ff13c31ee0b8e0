"""The README's curator command: a deployed contract loaded with `.at()` in a console session.

On a live network brownie records every contract it loads (in its deployments database and
in deployments/<chain id> of the build folder); brownie 1.22.2 crashed there with
``TypeError: dict object expected; got brownie.project.sources.Sources`` until `make setup`
patched it (toolchain/patch-brownie.py). The session runs as a user's would, in its own process
against a fresh Anvil that brownie knows only as live, on a chain id of its own; its records
go to a temporary folder and the database rows it made are removed after.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.harness import ROOT, AnvilChain, launch_anvil

CHAIN_ID = 31340  # unused by every other test and by `make run`
DEPLOYMENTS_DB = Path.home() / ".brownie" / "deployments.db"


@pytest.fixture
def live_anvil(tmp_path: Path) -> Iterator[AnvilChain]:
    forget_database_rows()
    anvil = launch_anvil(tmp_path, chain_id=CHAIN_ID)
    try:
        yield anvil
    finally:
        anvil.stop()
        forget_database_rows()


def forget_database_rows() -> None:
    """Removes what brownie's deployments database holds for this chain id."""
    with sqlite3.connect(DEPLOYMENTS_DB) as database:
        database.execute(f"DROP TABLE IF EXISTS chain{CHAIN_ID}")


def deploy_stablecoin(anvil: AnvilChain) -> str:
    """Deploys the test stablecoin with web3 alone, as a contract brownie has not seen."""
    w3 = anvil.w3
    artifact = json.loads((ROOT / "build" / "contracts" / "TestStablecoin.json").read_text())
    contract = w3.eth.contract(abi=artifact["abi"], bytecode=artifact["bytecode"])
    txid = contract.constructor().transact({"from": w3.eth.accounts[0]})
    return str(w3.eth.wait_for_transaction_receipt(txid)["contractAddress"])


def console(anvil: AnvilChain, records: Path, *lines: str) -> str:
    session = subprocess.run(
        [sys.executable, "-m", "tests.scripts.console_session",
         anvil.rpc_url, str(CHAIN_ID), str(records)],
        cwd=ROOT,
        input="".join(f"{line}\n" for line in lines),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    output = re.sub(r"\x1b\[[0-9;]*m", "", session.stdout + session.stderr)  # no colours
    assert session.returncode == 0, output
    return output


def test_at_loads_a_deployed_contract_and_records_it(
    live_anvil: AnvilChain, tmp_path: Path
) -> None:
    address = deploy_stablecoin(live_anvil)
    records = tmp_path / "build"
    output = console(
        live_anvil,
        records,
        f'token = TestStablecoin.at("{address}")',
        'print("decimals", token.decimals())',
        # Contract() finds it again through the record that .at() wrote.
        f'print("recorded", Contract("{address}").symbol())',
    )
    assert 'File "<console>"' not in output, output  # how the console shows an exception
    assert "decimals 6" in output
    assert "recorded tUSD" in output
    assert (records / "deployments" / str(CHAIN_ID) / f"{address}.json").exists()
