"""The simulation's line to Anvil: raw JSON-RPC over one keep-alive HTTP session.

Transactions are sent with ``eth_sendTransaction`` from impersonated accounts
(``anvil_autoImpersonateAccount``: no signing in the hot path), with an explicit gas limit (no
estimate round trip), while automine is off; ``evm_mine`` then seals them. ``Sender.send`` mines
each transaction in a block of its own, as bench/bench_gas.py measures it. ``Sender.send_many``
packs many into one block (``pack``, then ``send_blocks``; Anvil fills in each sender's pending
nonce and keeps the order they were sent in, which is checked): a transaction's gas does not
depend on the others in its block (EIP-2929 warm sets and EIP-2200 original values are per
transaction) as long as no two of them push the same checkpoint (``Checkpoints.push`` overwrites
the block's own checkpoint instead of adding one), so callers give such transactions a common
``key`` and ``pack`` never puts two of them in a block.
Every block costs Anvil more than the one before, so fewer blocks keep long runs short, and
``start_chain`` runs Anvil with ``--prune-history``: by default Anvil writes the whole state of
every block past its in-memory window to disk (~/.foundry/anvil/tmp, gigabytes in a full run),
which grows slower with every block. Calldata is encoded locally from the deployed contracts'
ABIs.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from web3.contract import Contract

from lumbung.devchain import AnvilChain, start_anvil

logger = logging.getLogger(__name__)

GAS_LIMIT = 8_000_000
RECEIPT_TIMEOUT_S = 30.0
# Recent states Anvil keeps (in memory only): enough for eth_call at recent blocks (a revert's
# replay at the block before it).
STATES_KEPT = 128


def start_chain(workdir: Path) -> AnvilChain:
    """The harness's Anvil with the cooperative deployed, keeping only the last
    ``STATES_KEPT`` states (blocks, receipts and logs are all kept)."""
    return start_anvil(workdir, extra_args=("--prune-history", str(STATES_KEPT)))


class RpcError(RuntimeError):
    pass


@dataclass
class Rpc:
    url: str
    session: requests.Session = field(default_factory=requests.Session)
    _id: int = 0

    def __call__(self, method: str, *params: Any) -> Any:
        self._id += 1
        body = {"jsonrpc": "2.0", "id": self._id, "method": method, "params": list(params)}
        answer = self.session.post(self.url, json=body, timeout=120).json()
        if "error" in answer:
            raise RpcError(f"{method}: {answer['error']}")
        return answer["result"]

    def batch(self, calls: list[tuple[str, tuple[Any, ...]]], chunk: int = 500) -> list[Any]:
        """Independent calls in JSON-RPC batches (anvil may run a batch's items concurrently:
        never put calls that depend on each other in one batch)."""
        results: list[Any] = []
        for start in range(0, len(calls), chunk):
            part = calls[start : start + chunk]
            body = [
                {"jsonrpc": "2.0", "id": i, "method": m, "params": list(p)}
                for i, (m, p) in enumerate(part)
            ]
            answers = sorted(
                self.session.post(self.url, json=body, timeout=300).json(), key=lambda a: a["id"]
            )
            for (method, _), answer in zip(part, answers, strict=True):
                if "error" in answer:
                    raise RpcError(f"{method}: {answer['error']}")
                results.append(answer["result"])
        return results

    def advance(self, seconds: int) -> None:
        """Mines a block ``seconds`` after the latest one."""
        target = self.now() + seconds
        self("evm_setNextBlockTimestamp", target)
        self("evm_mine")
        if self.now() < target:
            raise RpcError(f"the chain did not advance to {target}")

    def now(self) -> int:
        return int(self("eth_getBlockByNumber", "latest", False)["timestamp"], 16)


@dataclass(frozen=True)
class Call:
    """One transaction for ``Sender.send_blocks``. Calls sharing a ``key`` (not None) write the
    same checkpoint and must not share a block."""

    action: str | None
    sender: str
    contract: Contract
    fn: str
    args: tuple[Any, ...] = ()
    gas: int = GAS_LIMIT
    key: Hashable | None = None


def pack(calls: Iterable[Call], per_block: int = 100) -> list[list[Call]]:
    """Consecutive calls in blocks of at most ``per_block``, in order; a block ends early
    before a call whose key is already in it."""
    blocks: list[list[Call]] = [[]]
    keys: set[Hashable] = set()
    for call in calls:
        if len(blocks[-1]) >= per_block or (call.key is not None and call.key in keys):
            blocks.append([])
            keys = set()
        blocks[-1].append(call)
        if call.key is not None:
            keys.add(call.key)
    return [block for block in blocks if block]


@dataclass
class Sender:
    """Sends transactions and keeps the gasUsed of each, by action name."""

    rpc: Rpc
    gas: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    sent: int = 0
    # With automine off, each send is followed by evm_mine: one transaction per block, and
    # no polling that would take CPU from Anvil (two cores are shared with it).
    manual_mining: bool = False

    def send(
        self,
        action: str | None,
        sender: str,
        contract: Contract,
        fn: str,
        *args: Any,
        gas: int = GAS_LIMIT,
    ) -> dict[str, Any]:
        data = contract.encode_abi(fn, args=list(args))
        return self.send_raw(action, sender, str(contract.address), data, gas=gas)

    def send_raw(
        self, action: str | None, sender: str, to: str | None, data: str, gas: int = GAS_LIMIT
    ) -> dict[str, Any]:
        """Sends one transaction (``to=None`` deploys ``data``), waits for it, records its gas
        under ``action`` (None: not a cooperative action, nothing recorded)."""
        tx = {"from": sender, "data": data, "gas": hex(gas)}
        if to is not None:
            tx["to"] = to
        tx_hash = self.rpc("eth_sendTransaction", tx)
        if self.manual_mining:
            self.rpc("evm_mine")  # returns once the block is sealed: no receipt polling
        receipt = self.receipt(tx_hash)
        if int(receipt["status"], 16) != 1:
            reason = self._revert_reason(tx, receipt)
            raise RpcError(f"{action or 'transaction'} from {sender} reverted: {reason}")
        self.sent += 1
        if action:
            self.gas[action].append(int(receipt["gasUsed"], 16))
        return receipt

    def send_many(self, calls: Iterable[Call], per_block: int = 100) -> list[dict[str, Any]]:
        """``pack``s the calls and sends them block by block (``send_blocks``)."""
        return self.send_blocks(pack(calls, per_block))

    def send_blocks(self, blocks: Iterable[list[Call]]) -> list[dict[str, Any]]:
        """Sends each list of calls, mines them in one block, checks every receipt (mined, in
        that block, in the order sent, status 1) and records gasUsed by action as ``send`` does.
        Returns the receipts in call order. Needs manual mining (automine off)."""
        if not self.manual_mining:
            raise RuntimeError("send_blocks needs automine off (manual_mining)")
        receipts: list[dict[str, Any]] = []
        for block in blocks:
            txs = []
            for call in block:
                tx = {
                    "from": call.sender,
                    "to": str(call.contract.address),
                    "data": call.contract.encode_abi(call.fn, args=list(call.args)),
                    "gas": hex(call.gas),
                }
                txs.append(tx)
            hashes = [self.rpc("eth_sendTransaction", tx) for tx in txs]
            self.rpc("evm_mine")
            mined = self.rpc.batch([("eth_getTransactionReceipt", (h,)) for h in hashes])
            number = None
            for position, (call, tx, receipt) in enumerate(zip(block, txs, mined, strict=True)):
                if receipt is None:
                    raise RpcError(f"{call.action or call.fn} from {call.sender} was not mined")
                number = number or receipt["blockNumber"]
                if receipt["blockNumber"] != number or int(receipt["transactionIndex"], 16) != (
                    position
                ):
                    raise RpcError(
                        f"{call.action or call.fn} from {call.sender} was mined at "
                        f"{receipt['blockNumber']}/{receipt['transactionIndex']}, not "
                        f"{number}/{position}: one block, in the order sent, was expected"
                    )
                if int(receipt["status"], 16) != 1:
                    reason = self._revert_reason(tx, receipt)
                    raise RpcError(
                        f"{call.action or 'transaction'} from {call.sender} reverted: {reason}"
                    )
            for call, receipt in zip(block, mined, strict=True):
                self.sent += 1
                if call.action:
                    self.gas[call.action].append(int(receipt["gasUsed"], 16))
                receipts.append(dict(receipt))
        return receipts

    def receipt(self, tx_hash: str) -> dict[str, Any]:
        deadline = time.monotonic() + RECEIPT_TIMEOUT_S
        while True:
            receipt = self.rpc("eth_getTransactionReceipt", tx_hash)
            if receipt is not None:
                return dict(receipt)
            if time.monotonic() > deadline:
                raise RpcError(f"no receipt for {tx_hash} within {RECEIPT_TIMEOUT_S}s")
            time.sleep(0.002)

    def record(self, action: str, tx_hash: str) -> None:
        """Records the gas of a transaction someone else sent (the API's settlement worker)."""
        self.gas[action].append(int(self.receipt(tx_hash)["gasUsed"], 16))

    def _revert_reason(self, tx: dict[str, Any], receipt: dict[str, Any]) -> str:
        block = hex(int(receipt["blockNumber"], 16) - 1)
        try:
            self.rpc("eth_call", tx, block)
        except RpcError as error:
            return str(error)
        return "no revert data on replay"
