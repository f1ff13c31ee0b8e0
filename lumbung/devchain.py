"""The local development chain the tests, ``make run`` and the benchmarks share: Anvil on a free
port, the cooperative deployed on it by ``scripts/local_chain.py`` (the same deployment ``make
run`` makes), Anvil's public development accounts and the part each plays, and :class:`Coop`,
one method per cooperative action on such a chain.

``python -m lumbung.devchain`` prints the development accounts and their keys.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any

from eth_abi import encode
from eth_account import Account
from web3 import Web3
from web3.contract import Contract

from lumbung.eip712 import sign_forward_request
from lumbung.protocol import (
    ANVIL_CHAIN_ID,
    ANVIL_MNEMONIC,
    UINT256_MAX,
    contribution_id,
    signed_description,
)

ROOT = Path(__file__).resolve().parents[1]
ANVIL = ROOT / "toolchain" / "bin" / "anvil"  # npm's Anvil with a private, reaped home

Account.enable_unaudited_hdwallet_features()
# Anvil's default accounts, with their keys (for SIWE and EIP-712 signatures).
KEYS = [
    Account.from_mnemonic(ANVIL_MNEMONIC, account_path=f"m/44'/60'/0'/0/{i}").key.hex()
    for i in range(10)
]
ADDRESSES = [Account.from_key(k).address for k in KEYS]


class Role(IntEnum):
    """The part each development account plays in the local cooperative (its account index)."""

    DEPLOYER = 0
    REGISTRAR = 1
    CURATOR = 2
    STEWARD = 3
    PRODUCER = 4
    SETTLER = 5
    AGGREGATOR = 6  # submits batches of reviewed contributions (AGGREGATOR_ROLE)
    NEWCOMER = 8  # not a member: the account to try joining with
    GAS_RELAYER = 9  # sends members' signed requests through the forwarder, paying their gas


DEPLOYER, REGISTRAR, CURATOR, STEWARD, PRODUCER, SETTLER = (
    Role.DEPLOYER, Role.REGISTRAR, Role.CURATOR, Role.STEWARD, Role.PRODUCER, Role.SETTLER
)


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
    workdir: Path,
    extra_args: Sequence[str] = (),
    chain_id: int = ANVIL_CHAIN_ID,
    port: int | None = None,
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


def send(w3: Web3, function: Any, sender: str, value: int = 0, extra_gas: int = 0) -> Any:
    """Sends a contract call from an unlocked Anvil account and returns the mined receipt;
    ``extra_gas`` is added to the estimate (a forwarded request's signed budget)."""
    tx: dict[str, Any] = {"from": sender, "value": value}
    if extra_gas:
        tx["gas"] = function.estimate_gas(tx) * 5 // 4 + extra_gas
    tx_hash = function.transact(tx)
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=30)
    if receipt["status"] != 1:
        raise AssertionError(f"transaction {tx_hash.hex()} reverted")
    return receipt


def forward_request(
    forwarder: Contract,
    key: Any,
    function: Any,
    gas: int,
    deadline: int,
    sender: str | None = None,
) -> tuple[str, str, int, int, int, bytes, bytes]:
    """``function`` (a web3 contract call) signed by ``key`` as an ERC-2771 ForwardRequest from
    ``sender`` (the key's own address unless a test forges another) at the sender's current
    forwarder nonce: the ForwardRequestData tuple ``execute`` takes."""
    sender = sender or Account.from_key(key).address
    data = bytes.fromhex(function._encode_transaction_data().removeprefix("0x"))
    signature = sign_forward_request(
        key,
        chain_id=forwarder.w3.eth.chain_id,
        forwarder=forwarder.address,
        sender=sender,
        to=function.address,
        data=data,
        gas=gas,
        nonce=forwarder.functions.nonces(sender).call(),
        deadline=deadline,
    )
    return (sender, function.address, 0, gas, deadline, data, signature)


class Coop:
    """The deployed contracts on a development chain, with one method per cooperative action.

    Everything is a real transaction. Governance-only setters are sent from the impersonated
    timelock (the admin of every contract after the deploy).
    """

    def __init__(self, w3: Web3, contracts: dict[str, Contract]) -> None:
        self.w3 = w3
        self.c = contracts
        self.timelock = contracts["TimelockController"].address

    # -- chain control -------------------------------------------------------------------------

    def rpc(self, method: str, *params: Any) -> Any:
        response = self.w3.provider.make_request(method, list(params))  # type: ignore[arg-type]
        if "error" in response:
            raise AssertionError(f"{method}: {response['error']}")
        return response["result"]

    def mine(self, blocks: int = 1) -> None:
        for _ in range(blocks):
            self.rpc("evm_mine")

    def advance(self, seconds: int) -> None:
        self.rpc("evm_increaseTime", seconds)
        self.rpc("evm_mine")

    def now(self) -> int:
        return int(self.w3.eth.get_block("latest")["timestamp"])

    @contextmanager
    def impersonating_timelock(self) -> Iterator[str]:
        """The timelock's address, unlocked and funded for governance-only calls."""
        self.rpc("anvil_impersonateAccount", self.timelock)
        self.rpc("anvil_setBalance", self.timelock, hex(10**20))
        try:
            yield self.timelock
        finally:
            self.rpc("anvil_stopImpersonatingAccount", self.timelock)

    def as_timelock(self, function: Any) -> Any:
        """Sends a governance-only call from the impersonated timelock."""
        with self.impersonating_timelock() as timelock:
            return send(self.w3, function, timelock)

    # -- membership, pools, contributions -----------------------------------------------------

    def admit(self, account: int | str, stakeholder_class: int) -> str:
        address = ADDRESSES[account] if isinstance(account, int) else account
        self.as_timelock(self.c["Membership"].functions.admit(address, stakeholder_class))
        return address

    def submit(self, account: int, pool_id: int, seed: bytes) -> tuple[int, bytes]:
        """Registers a CIDv1 (raw) over sha256(seed); returns (contribution id, cid bytes)."""
        digest = hashlib.sha256(seed).digest()
        cid = bytes([0x01, 0x55, 0x12, 0x20]) + digest
        send(
            self.w3,
            self.c["ContributionRegistry"].functions.submit(pool_id, cid),
            ADDRESSES[account],
        )
        return contribution_id(ADDRESSES[account], digest), cid

    def accept(self, contribution_id: int, weight: int) -> None:
        send(
            self.w3,
            self.c["ContributionRegistry"].functions.accept(contribution_id, weight),
            ADDRESSES[CURATOR],
        )

    def reject(self, contribution_id: int, reason: str) -> None:
        send(
            self.w3,
            self.c["ContributionRegistry"].functions.reject(contribution_id, reason),
            ADDRESSES[CURATOR],
        )

    def revoke(self, account: int, contribution_id: int) -> None:
        send(
            self.w3,
            self.c["ContributionRegistry"].functions.revoke(contribution_id),
            ADDRESSES[account],
        )

    # -- relayed actions -----------------------------------------------------------------------

    def relay(self, account: int, function: Any, gas: int = 500_000, ttl: int = 3600) -> Any:
        """Has ``account`` sign ``function`` (a contract call built with web3) as a
        ForwardRequest, and the gas relayer send it through the forwarder; returns the receipt."""
        forwarder = self.c["Forwarder"]
        request = forward_request(forwarder, KEYS[account], function, gas, self.now() + ttl)
        execute = forwarder.functions.execute(request)
        return send(self.w3, execute, ADDRESSES[Role.GAS_RELAYER], extra_gas=gas)

    # -- sales and revenue ---------------------------------------------------------------------

    def _approve(self, address: str) -> None:
        token, market = self.c["PaymentToken"], self.c["DataMarket"].address
        if token.functions.allowance(address, market).call() < 2**255:
            send(self.w3, token.functions.approve(market, UINT256_MAX), address)

    def buy(self, account: int, pool_id: int, purpose: int = 0) -> Any:
        """A wallet purchase, minting the buyer the test dollars it needs."""
        buyer = ADDRESSES[account]
        (listing, _) = self.c["DataMarket"].functions.listing(pool_id).call()
        send(self.w3, self.c["PaymentToken"].functions.mint(buyer, listing[0]), buyer)
        self._approve(buyer)
        return send(
            self.w3, self.c["DataMarket"].functions.purchase(pool_id, purpose, listing[0]), buyer
        )

    def settle(
        self, order_id: bytes, pool_id: int, purpose: int = 0, buyer_ref: bytes = b"\x01" * 32
    ) -> Any:
        """An off-chain order settled by the settler from its float."""
        settler = ADDRESSES[SETTLER]
        self._approve(settler)
        price = self.c["DataMarket"].functions.listing(pool_id).call()[0][0]
        return send(
            self.w3,
            self.c["DataMarket"].functions.settleOffchain(
                order_id, pool_id, purpose, buyer_ref, price
            ),
            settler,
        )

    def claim(self, account: int | str, pot_id: int) -> None:
        address = ADDRESSES[account] if isinstance(account, int) else account
        send(self.w3, self.c["RevenueDistributor"].functions.claim(pot_id), address)

    def set_price(self, pool_id: int, price: int) -> None:
        self.as_timelock(self.c["DataMarket"].functions.setPrice(pool_id, price))

    # -- governance ----------------------------------------------------------------------------

    def propose(self, proposer: int, calls: list[tuple[str, bytes]], description: str) -> int:
        governor = self.c["CoopGovernor"]
        targets = [target for target, _ in calls]
        values = [0] * len(calls)
        calldatas = [data for _, data in calls]
        description = signed_description(description, ADDRESSES[proposer])
        # A proposer must have been a member one second before the proposal's block; on a fast
        # machine the deployment's admissions can share that second.
        self.advance(1)
        send(
            self.w3,
            governor.functions.propose(targets, values, calldatas, description),
            ADDRESSES[proposer],
        )
        description_hash = Web3.keccak(text=description)
        return int(
            governor.functions.hashProposal(targets, values, calldatas, description_hash).call()
        )

    def vote(self, account: int, proposal_id: int, support: int, n: int = 1) -> None:
        governor = self.c["CoopGovernor"]
        params = encode(["uint256"], [n])
        send(
            self.w3,
            governor.functions.castVoteWithReasonAndParams(proposal_id, support, "", params),
            ADDRESSES[account],
        )


def main() -> None:
    """Prints the development accounts: index, part, address and (public) private key."""
    names = {int(role): role.name.lower() for role in Role}
    for index, (address, key) in enumerate(zip(ADDRESSES, KEYS, strict=True)):
        if index in names:
            print(f"    {index} {names[index]:<10}  {address}  0x{key.removeprefix('0x')}")


if __name__ == "__main__":
    main()
