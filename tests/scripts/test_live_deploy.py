"""`make deploy` on a live network, rehearsed on an Anvil that brownie knows only as live.

The path a testnet or L2 deployment takes, for real: a brownie keystore account unlocked by its
password on standard input, the summary of what will be deployed, the confirmation prompt, and
the governed deployment that leaves the deployer no role. The chain is a fresh Anvil registered
for the test as a live network (a throwaway entry in brownie's network list, removed after).
Deployments use their own chain id, so brownie's records of live deployments
(build/deployments/<chain id>) for the `make run` chain are left alone; the test's own are
removed after. Declining runs on Anvil's usual id: a live network is live whatever its id.

Every live deployment takes a bootstrap file (scripts/bootstrap.py): a confirmed one must leave
the chain exactly as the file says, and a file that nobody could use, or none at all, must be
refused before the first transaction.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from web3 import Web3

from ipfs.cid import cid_to_bytes
from tests.api.harness import ADDRESSES, KEYS, ROOT, launch_anvil

BROWNIE = ROOT / ".venv" / "bin" / "brownie"
PASSWORD = "correct horse battery staple"
DEPLOYER_KEY = KEYS[9]  # an Anvil account no other test uses
CHAIN_ID = 31338  # not 31337: a live network of that id would share brownie's records with it
LICENSE = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
# The cooperative the tests bootstrap: Anvil accounts 0..8 (the deployer is account 9).
BOOTSTRAP: dict[str, Any] = {
    "members": {
        "producer": [ADDRESSES[0], ADDRESSES[1]],
        "funder": [ADDRESSES[2]],
        "worker": [ADDRESSES[3], ADDRESSES[4]],
        "steward": [ADDRESSES[5].lower()],  # any case: written checksummed
    },
    "registrar": ADDRESSES[6],
    "settler": ADDRESSES[7],
    "aggregator": ADDRESSES[8],
    "curators": [ADDRESSES[4]],
    "pools": [{"name": "Rice-field photos"}, {"name": "Market prices", "metadata": "weekly"}],
    "listings": [
        {"pool_id": 2, "price": 10_000_000, "purposes": ["research", 3], "license_cid": LICENSE},
    ],
}


@dataclass
class LiveChain:
    network_id: str
    chain_id: int
    account_name: str
    w3: Web3
    deployer: str
    payment_token: str

    def deploy(
        self, answers: str, bootstrap: Path | None = None, **env_vars: str
    ) -> subprocess.CompletedProcess[str]:
        """`make deploy NETWORK=<id> [BOOTSTRAP=<file>]`, answering the prompts with `answers`."""
        env = {  # make puts the toolchain, node_modules/.bin and the venv on PATH itself
            **{k: v for k, v in os.environ.items() if k != "LUMBUNG_BOOTSTRAP"},
            "LUMBUNG_DEPLOYER": self.account_name,
            "LUMBUNG_PAYMENT_TOKEN": self.payment_token,
            "LUMBUNG_TIMELOCK_DELAY": "60",
            **env_vars,
        }
        variables = [f"BOOTSTRAP={bootstrap}"] if bootstrap is not None else []
        return subprocess.run(
            ["make", "--no-print-directory", "deploy", f"NETWORK={self.network_id}", *variables],
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

    def assert_nothing_sent(self, result: subprocess.CompletedProcess[str]) -> str:
        """The deployment was refused before its first transaction; returns its output."""
        output = result.stdout + result.stderr
        assert result.returncode != 0, output
        assert "Nothing sent." in output
        assert self.w3.eth.get_transaction_count(self.deployer) == 0
        assert not self.deployment_file.exists()
        return output


def write_bootstrap(directory: Path, content: dict[str, Any] | str) -> Path:
    path = directory / "bootstrap.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


# Deployment names whose artifact is named otherwise.
ARTIFACTS = {"Forwarder": "LumbungForwarder"}


def contract(w3: Web3, address: str, name: str) -> Any:
    abi = json.loads((ROOT / "build" / "contracts" / f"{name}.json").read_text())["abi"]
    return w3.eth.contract(address=address, abi=abi)


def role(contract: Any, name: str) -> bytes:
    return bytes(getattr(contract.functions, name)().call())


def _live_chain(workdir: Path, chain_id: int) -> Iterator[LiveChain]:
    anvil = launch_anvil(workdir, chain_id=chain_id)
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
        if chain_id != 31337:  # the `make run` chain's id: its records are not ours
            shutil.rmtree(ROOT / "build" / "deployments" / str(chain_id), ignore_errors=True)
        subprocess.run([str(BROWNIE), "networks", "delete", network_id],
                       cwd=ROOT, check=False, capture_output=True)


@pytest.fixture
def live_chain(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveChain]:
    yield from _live_chain(tmp_path, int(getattr(request, "param", CHAIN_ID)))


@pytest.fixture(scope="module")
def idle_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveChain]:
    """One live chain for all the refusals, since none of them may send anything to it."""
    yield from _live_chain(tmp_path_factory.mktemp("idle"), CHAIN_ID)


@pytest.mark.parametrize("live_chain", [31337], indirect=True)
def test_declining_the_confirmation_sends_nothing(live_chain: LiveChain, tmp_path: Path) -> None:
    result = live_chain.deploy(f"{PASSWORD}\nn\n", write_bootstrap(tmp_path, BOOTSTRAP))
    output = live_chain.assert_nothing_sent(result)
    network, deployer = live_chain.network_id, live_chain.deployer
    assert f"Network {network} (chain id 31337), deployer {deployer}" in output
    assert f"paying in {live_chain.payment_token}" in output
    assert "Send these transactions? [y/N]" in output
    # The whole plan comes before the question, with the token's own units.
    plan = output.split("Send these transactions? [y/N]", 1)[0]
    assert "(13 transactions)" in plan
    for address in ADDRESSES[:9]:
        assert address in plan
    assert "listed at 10 tUSD (10000000 base units), active, purposes research, ai_training" in plan
    assert f"license {LICENSE}" in plan
    assert "WARNING members.funder: a single member" in plan
    assert "WARNING members.steward: a single member" in plan
    assert "'Rice-field photos' has no listing" in plan


def test_a_wrong_keystore_password_sends_nothing(live_chain: LiveChain, tmp_path: Path) -> None:
    result = live_chain.deploy("not the password\ny\n", write_bootstrap(tmp_path, BOOTSTRAP))
    assert result.returncode != 0
    assert "Send these transactions?" not in result.stdout
    assert live_chain.w3.eth.get_transaction_count(live_chain.deployer) == 0


def test_confirmed_live_deploy_bootstraps_and_hands_every_role_to_the_timelock(
    live_chain: LiveChain, tmp_path: Path
) -> None:
    result = live_chain.deploy(f"{PASSWORD}\ny\n", write_bootstrap(tmp_path, BOOTSTRAP))
    assert result.returncode == 0, result.stdout + result.stderr
    # Brownie records each contract it deploys on a live network (toolchain/patch-brownie.py).
    assert "Traceback" not in result.stdout + result.stderr
    assert "Verified on chain: 6 members, 1 curators, 2 pools, 1 listings" in result.stdout
    assert f"Wrote {live_chain.deployment_file}" in result.stdout
    written = json.loads(live_chain.deployment_file.read_text())
    assert set(written) == {"network", "chainId", "startBlock", "contracts"}
    assert written["network"] == live_chain.network_id
    assert written["chainId"] == CHAIN_ID
    contracts = written["contracts"]
    assert contracts["PaymentToken"] == live_chain.payment_token
    w3, deployer = live_chain.w3, live_chain.deployer
    assert w3.eth.get_transaction_count(deployer) > 0  # signed by the keystore account
    for name in ("Forwarder", "Membership", "ContributionToken", "RevenueDistributor",
                 "DataMarket", "ContributionRegistry", "CoopGovernor", "TimelockController"):
        assert len(w3.eth.get_code(contracts[name])) > 0, name

    # The chain holds what the bootstrap file says, read with nothing but web3 and the ABIs.
    membership = contract(w3, contracts["Membership"], "Membership")
    for class_index, name in enumerate(("producer", "funder", "worker", "steward")):
        expected = [Web3.to_checksum_address(a) for a in BOOTSTRAP["members"][name]]
        assert membership.functions.memberCount(class_index).call() == len(expected)
        for address in expected:
            assert membership.functions.memberStatus(address).call() == [True, class_index]
    market = contract(w3, contracts["DataMarket"], "DataMarket")
    registry = contract(w3, contracts["ContributionRegistry"], "ContributionRegistry")
    assert membership.functions.hasRole(role(membership, "REGISTRAR_ROLE"), ADDRESSES[6]).call()
    assert market.functions.hasRole(role(market, "SETTLER_ROLE"), ADDRESSES[7]).call()
    assert registry.functions.hasRole(role(registry, "AGGREGATOR_ROLE"), ADDRESSES[8]).call()
    assert registry.functions.isCurator(ADDRESSES[4]).call()
    assert not registry.functions.isCurator(ADDRESSES[3]).call()
    assert registry.functions.poolCount().call() == 2
    assert registry.functions.pool(1).call()[:3] == ["Rice-field photos", "", True]
    assert registry.functions.pool(2).call()[:3] == ["Market prices", "weekly", True]
    listing, license_cid = market.functions.listing(2).call()
    assert (listing, license_cid) == ((10_000_000, 0b1001, True), cid_to_bytes(LICENSE))
    assert market.functions.listing(1).call()[0] == (0, 0, False)  # not listed

    # Every admin role is the timelock's, and the deployer holds no role anywhere.
    timelock = contracts["TimelockController"]
    for name in ("Forwarder", "Membership", "ContributionToken", "RevenueDistributor",
                 "DataMarket", "ContributionRegistry", "TimelockController"):
        handle = contract(w3, contracts[name], ARTIFACTS.get(name, name))
        admin_role = role(handle, "DEFAULT_ADMIN_ROLE")
        if name != "TimelockController":
            assert handle.functions.hasRole(admin_role, timelock).call(), name
        roles = [f["name"] for f in handle.abi if f.get("name", "").endswith("_ROLE")]
        assert "DEFAULT_ADMIN_ROLE" in roles
        for role_name in roles:
            assert not handle.functions.hasRole(role(handle, role_name), deployer).call(), (
                name, role_name
            )
    assert contract(w3, timelock, "TimelockController").functions.getMinDelay().call() == 60


def test_a_live_network_without_a_bootstrap_file_is_refused(live_chain: LiveChain) -> None:
    output = live_chain.assert_nothing_sent(live_chain.deploy(f"{PASSWORD}\ny\n"))
    assert "without a bootstrap file" in output
    assert "BOOTSTRAP=" in output
    assert "Send these transactions?" not in output


# Each case costs a `make deploy` (~4 s); tests/scripts/test_bootstrap.py checks the rest.
UNUSABLE = {
    "no members": (
        {**BOOTSTRAP, "members": {}, "curators": []},
        "members: no member at all",
    ),
    "a curator who is not a worker": (
        {**BOOTSTRAP, "curators": [ADDRESSES[4], ADDRESSES[0]]},
        f"curators[1]: {ADDRESSES[0]} is a producer; a curator must be an initial member of "
        "the worker class",
    ),
    "a listing for an unknown pool": (
        {**BOOTSTRAP, "listings": [{**BOOTSTRAP["listings"][0], "pool_id": 3}]},
        "listings[0].pool_id: pool 3 is not in the file (pools has ids 1..2",
    ),
    "a malformed file": ('{"members": {"worker": [}', "not JSON: Expecting value at line 1"),
}


@pytest.mark.parametrize("case", list(UNUSABLE), ids=list(UNUSABLE))
def test_a_bootstrap_nobody_could_use_is_refused_before_sending(
    idle_chain: LiveChain, tmp_path: Path, case: str
) -> None:
    content, reason = UNUSABLE[case]
    path = write_bootstrap(tmp_path, content)
    # The environment variable works as well as make's BOOTSTRAP.
    via_env = case == "no members"
    result = (
        idle_chain.deploy(f"{PASSWORD}\ny\n", LUMBUNG_BOOTSTRAP=str(path))
        if via_env
        else idle_chain.deploy(f"{PASSWORD}\ny\n", path)
    )
    output = idle_chain.assert_nothing_sent(result)
    assert "Refusing to deploy" in output
    assert reason in output
    assert "Send these transactions?" not in output
