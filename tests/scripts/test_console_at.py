"""The README's curator command: a deployed contract loaded with `.at()` in a console session.

On a live network brownie records every contract it loads (in its deployments database and
in deployments/<chain id> of the build folder); brownie 1.22.2 crashed there with
``TypeError: dict object expected; got brownie.project.sources.Sources`` until `make setup`
patched it (toolchain/patch-brownie.py). The session runs as a user's would, in its own process
against a fresh Anvil that brownie knows only as live. It keeps everything brownie writes apart
from other tests running at the same time: a home folder of its own (brownie's data folder,
with its network list and deployments database) and a records folder of its own.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.harness import ROOT, AnvilChain, launch_anvil

CHAIN_ID = 31340  # unused by every other test and by `make run`


@pytest.fixture
def live_anvil(tmp_path: Path) -> Iterator[AnvilChain]:
    anvil = launch_anvil(tmp_path, chain_id=CHAIN_ID)
    try:
        yield anvil
    finally:
        anvil.stop()


def deploy_stablecoin(anvil: AnvilChain) -> str:
    """Deploys the test stablecoin with web3 alone, as a contract brownie has not seen."""
    w3 = anvil.w3
    artifact = json.loads((ROOT / "build" / "contracts" / "TestStablecoin.json").read_text())
    contract = w3.eth.contract(abi=artifact["abi"], bytecode=artifact["bytecode"])
    txid = contract.constructor().transact({"from": w3.eth.accounts[0]})
    return str(w3.eth.wait_for_transaction_receipt(txid)["contractAddress"])


def console(anvil: AnvilChain, workdir: Path, *lines: str) -> str:
    """Runs ``lines`` in a console session; brownie's home and records are under workdir."""
    home = workdir / "home"
    home.mkdir()
    env = {
        **os.environ,
        "HOME": str(home),
        "SOLCX_BINARY_PATH": str(Path.home() / ".solcx"),  # the compiler `make setup` registered
    }
    session = subprocess.run(
        [sys.executable, "-m", "tests.scripts.console_session",
         anvil.rpc_url, str(CHAIN_ID), str(workdir / "build")],
        cwd=ROOT,
        env=env,
        input="".join(f"{line}\n" for line in lines),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    output = re.sub(r"\x1b\[[0-9;]*m", "", session.stdout + session.stderr)  # no colours
    assert session.returncode == 0, output
    return output


def test_at_loads_a_deployed_contract_records_it_and_forgets_it(
    live_anvil: AnvilChain, tmp_path: Path
) -> None:
    address = deploy_stablecoin(live_anvil)
    output = console(
        live_anvil,
        tmp_path,
        f'token = TestStablecoin.at("{address}")',
        'print("decimals", token.decimals())',
        # Contract() finds it again through the record that .at() wrote.
        f'print("recorded", Contract("{address}").symbol())',
        f'print("removed", Contract.remove_deployment("{address}")[0]["address"])',
    )
    assert 'File "<console>"' not in output, output  # how the console shows an exception
    assert "decimals 6" in output
    assert "recorded tUSD" in output
    assert f"removed {address}" in output
    assert (tmp_path / "build" / "deployments" / str(CHAIN_ID) / f"{address}.json").exists()
    assert (tmp_path / "home" / ".brownie" / "deployments.db").exists()
