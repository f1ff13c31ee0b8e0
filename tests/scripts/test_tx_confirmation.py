"""Brownie waits out Anvil's moment between a block's state and its receipts.

Anvil commits a mined block's state, the sender's nonce included, a moment before it stores
the block's receipts. Brownie's wait for a receipt used to read "nonce used, no receipt" as a
transaction dropped without replacement, and failed a transaction that was mined: the
`Tx dropped without known replacement` seen under load. `make setup` patches brownie to call
a transaction dropped only when the node no longer knows it (toolchain/patch-brownie.py).

The moment lasts microseconds, so the tests widen it: between brownie and the chain sits a
relay that passes every call to the real Anvil except the first receipt lookup of each
transaction, which it answers as Anvil does inside the moment (no receipt yet). A transaction
the node no longer knows at all is still reported dropped.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests
from brownie import web3
from brownie.exceptions import TransactionError
from web3 import HTTPProvider


class ReceiptLagRelay(ThreadingHTTPServer):
    """JSON-RPC relay to ``upstream`` that has no receipt for a transaction the first time.
    Once ``forgetting``, it has no receipt at all, and knows no transaction it was asked for."""

    def __init__(self, upstream: str) -> None:
        super().__init__(("127.0.0.1", 0), _RelayHandler)
        self.upstream = upstream
        self.lagged: set[str] = set()
        self.forgetting = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def answer(self, call: dict[str, Any]) -> dict[str, Any]:
        method, params = call["method"], call.get("params", [])
        receipt_lags = method == "eth_getTransactionReceipt" and (
            self.forgetting or params[0] not in self.lagged
        )
        forgotten = method == "eth_getTransactionByHash" and params[0] in self.lagged
        if receipt_lags or (self.forgetting and forgotten):
            self.lagged.add(params[0])
            return {"jsonrpc": "2.0", "id": call["id"], "result": None}
        response: dict[str, Any] = requests.post(self.upstream, json=call, timeout=30).json()
        return response


class _RelayHandler(BaseHTTPRequestHandler):
    server: ReceiptLagRelay

    def do_POST(self) -> None:  # http.server's name for it
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        calls = body if isinstance(body, list) else [body]
        answers = [self.server.answer(call) for call in calls]
        payload = json.dumps(answers if isinstance(body, list) else answers[0]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *_args: Any) -> None:
        """Quiet: the test's output is pytest's."""


@pytest.fixture
def lagging_receipts() -> Iterator[ReceiptLagRelay]:
    """Brownie talks to its chain through the relay for the length of the test."""
    chain_provider = web3.provider
    relay = ReceiptLagRelay(chain_provider.endpoint_uri)
    threading.Thread(target=relay.serve_forever, daemon=True).start()
    web3.provider = HTTPProvider(relay.url)
    try:
        yield relay
    finally:
        web3.provider = chain_provider
        relay.shutdown()
        relay.server_close()


def test_a_mined_transaction_whose_receipt_lags_is_confirmed(accounts, lagging_receipts):
    sender, receiver = accounts[0], accounts[1]
    before = receiver.balance()
    try:
        tx = sender.transfer(receiver, 1)
    except TransactionError as error:  # what brownie 1.22.2 did before the patch
        pytest.fail(f"brownie gave up on a mined transaction: {error}")
    assert tx.status == 1
    assert tx.txid in lagging_receipts.lagged  # the lag was met, and waited out
    assert receiver.balance() == before + 1


def test_a_transaction_the_node_no_longer_knows_is_still_dropped(accounts, lagging_receipts):
    lagging_receipts.forgetting = True
    with pytest.raises(TransactionError, match="Tx dropped without known replacement"):
        accounts[0].transfer(accounts[1], 1)
