"""The simulation's line to Anvil: raw JSON-RPC over one keep-alive HTTP session.

Transactions are sent one at a time with ``eth_sendTransaction`` from impersonated accounts
(``anvil_autoImpersonateAccount``: no signing in the hot path), with an explicit gas limit (no
estimate round trip), and each is mined in a block of its own before the next is sent, so every
figure is the gas of a transaction alone in its block, as bench/bench_gas.py measures it.
Calldata is encoded locally from the deployed contracts' ABIs.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import requests
from web3.contract import Contract

logger = logging.getLogger(__name__)

GAS_LIMIT = 8_000_000
RECEIPT_TIMEOUT_S = 30.0


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
