"""`make deploy` on a live network, rehearsed on an Anvil that brownie knows only as live.

The path a testnet or L2 deployment takes, for real: a brownie keystore account unlocked by its
password on standard input, the summary of what will be deployed, the confirmation prompt, and
the governed deployment that leaves the deployer no role. The chain is a fresh Anvil registered
for the test as a live network (a throwaway entry in brownie's network list, removed after).
Deployments use their own chain id, so brownie's records of live deployments
(build/deployments/<chain id>) for the `make run` chain are left alone; the test's own are
removed after. Declining runs on Anvil's usual id: a live network is live whatever its id.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from eth_account import Account
from web3 import Web3

from tests.api.harness import KEYS, ROOT, launch_anvil

BROWNIE = ROOT / ".venv" / "bin" / "brownie"
PASSWORD = "correct horse battery staple"
DEPLOYER_KEY = KEYS[9]  # an Anvil account no other test uses
CHAIN_ID = 31338  # not 31337: a live network of that id would share brownie's records with it


@dataclass
class LiveChain:
    network_id: str
    chain_id: int
    account_name: str
    w3: Web3
    deployer: str
    payment_token: str

    def deploy(self, answers: str) -> subprocess.CompletedProcess[str]:
        """`make deploy NETWORK=<id>`, answering the prompts with `answers`."""
        env = {  # make puts the toolchain, node_modules/.bin and the venv on PATH itself
            **os.environ,
            "LUMBUNG_DEPLOYER": self.account_name,
            "LUMBUNG_PAYMENT_TOKEN": self.payment_token,
            "LUMBUNG_TIMELOCK_DELAY": "60",
        }
        return subprocess.run(
            ["make", "--no-print-directory", "deploy", f"NETWORK={self.network_id}"],
            cwd=ROOT,
            env=env,
            input=answers,
            capture_output=True,
            text=True,
            timeout=600,
            # No controlling terminal, so the password prompt reads standard input (getpass).
            start_new_session=True,
            check=False,
        )

    @property
    def deployment_file(self) -> Path:
        return ROOT / "deployments" / f"{self.network_id}.json"


@pytest.fixture
def live_chain(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveChain]:
    chain_id = int(getattr(request, "param", CHAIN_ID))
    anvil = launch_anvil(tmp_path, chain_id=chain_id)
    port = anvil.rpc_url.rsplit(":", 1)[1]
    network_id = f"lumbung-live-test-{port}"
    account_name = f"lumbung-live-test-{port}"
    keystore = Path.home() / ".brownie" / "accounts" / f"{account_name}.json"
    try:
        w3 = anvil.w3
        artifact = json.loads((ROOT / "build" / "contracts" / "TestStablecoin.json").read_text())
        stablecoin = w3.eth.contract(abi=artifact["abi"], bytecode=artifact["bytecode"])
        receipt = w3.eth.wait_for_transaction_receipt(
            stablecoin.constructor().transact({"from": w3.eth.accounts[0]})
        )
        subprocess.run(
            [str(BROWNIE), "networks", "add", "LumbungTest", network_id,
             f"host={anvil.rpc_url}", f"chainid={chain_id}"],
            cwd=ROOT, check=True, capture_output=True,
        )
        keystore.parent.mkdir(parents=True, exist_ok=True)
        keystore.write_text(json.dumps(Account.encrypt(DEPLOYER_KEY, PASSWORD)))
        yield LiveChain(
            network_id,
            chain_id,
            account_name,
            w3,
            Account.from_key(DEPLOYER_KEY).address,
            str(receipt["contractAddress"]),
        )
    finally:
        anvil.stop()
        keystore.unlink(missing_ok=True)
        (ROOT / "deployments" / f"{network_id}.json").unlink(missing_ok=True)
        if chain_id == CHAIN_ID:
            shutil.rmtree(ROOT / "build" / "deployments" / str(CHAIN_ID), ignore_errors=True)
        subprocess.run([str(BROWNIE), "networks", "delete", network_id],
                       cwd=ROOT, check=False, capture_output=True)


@pytest.mark.parametrize("live_chain", [31337], indirect=True)
def test_declining_the_confirmation_sends_nothing(live_chain: LiveChain) -> None:
    result = live_chain.deploy(f"{PASSWORD}\nn\n")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    network, deployer = live_chain.network_id, live_chain.deployer
    assert f"Network {network} (chain id 31337), deployer {deployer}" in output
    assert f"paying in {live_chain.payment_token}" in output
    assert "Send these transactions? [y/N]" in output
    assert "Nothing sent." in output
    assert live_chain.w3.eth.get_transaction_count(live_chain.deployer) == 0
    assert not live_chain.deployment_file.exists()


def test_a_wrong_keystore_password_sends_nothing(live_chain: LiveChain) -> None:
    result = live_chain.deploy("not the password\ny\n")
    assert result.returncode != 0
    assert "Send these transactions?" not in result.stdout
    assert live_chain.w3.eth.get_transaction_count(live_chain.deployer) == 0


def test_confirmed_live_deploy_hands_every_role_to_the_timelock(live_chain: LiveChain) -> None:
    result = live_chain.deploy(f"{PASSWORD}\ny\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Wrote {live_chain.deployment_file}" in result.stdout
    written = json.loads(live_chain.deployment_file.read_text())
    assert written["network"] == live_chain.network_id
    assert written["chainId"] == CHAIN_ID
    contracts = written["contracts"]
    assert contracts["PaymentToken"] == live_chain.payment_token
    w3, deployer = live_chain.w3, live_chain.deployer
    assert w3.eth.get_transaction_count(deployer) > 0  # signed by the keystore account
    for name in ("Membership", "ContributionToken", "RevenueDistributor", "DataMarket",
                 "ContributionRegistry", "CoopGovernor", "TimelockController"):
        assert len(w3.eth.get_code(contracts[name])) > 0, name
    abi = json.loads((ROOT / "build" / "contracts" / "Membership.json").read_text())["abi"]
    membership = w3.eth.contract(address=contracts["Membership"], abi=abi)
    admin_role = membership.functions.DEFAULT_ADMIN_ROLE().call()
    assert membership.functions.hasRole(admin_role, contracts["TimelockController"]).call()
    assert not membership.functions.hasRole(admin_role, deployer).call()
    timelock_abi = json.loads(
        (ROOT / "build" / "contracts" / "TimelockController.json").read_text()
    )["abi"]
    timelock = w3.eth.contract(address=contracts["TimelockController"], abi=timelock_abi)
    assert timelock.functions.getMinDelay().call() == 60
