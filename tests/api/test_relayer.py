"""The relayer on a real Anvil: it signs, sends and waits for any contract call, and turns the
node's refusals into typed errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from eth_account import Account
from web3 import Web3
from web3.contract import Contract

from api.chain import Chain
from api.relayer import (
    AlreadyKnownError,
    BroadcastRefusedError,
    ContractCall,
    InsufficientFundsError,
    LocalKeyRelayer,
    NonceTooLowError,
    NotMinedYetError,
    RevertedError,
    UnderpricedError,
)
from api.relayer.errors import classify_rejection
from lumbung.protocol import UINT256_MAX
from tests.api.harness import ADDRESSES, KEYS, ROOT, SETTLER, AnvilChain

SPENDER = ADDRESSES[9]


@pytest.fixture
def chain(anvil: AnvilChain) -> Chain:
    return Chain(anvil.rpc_url, anvil.deployment_file, ROOT / "build" / "contracts")


@pytest.fixture
def relayer(chain: Chain) -> LocalKeyRelayer:
    return LocalKeyRelayer(chain, KEYS[SETTLER], receipt_timeout_s=30)


@pytest.fixture
def token(chain: Chain) -> Contract:
    return chain["PaymentToken"]


def rpc(w3: Web3, method: str, *params: Any) -> Any:
    answer = w3.provider.make_request(method, list(params))  # type: ignore[arg-type]
    assert "error" not in answer, answer
    return answer.get("result")


@contextmanager
def mempool_held(w3: Web3) -> Iterator[None]:
    """Transactions stay pending until the block is mined by hand, at the end."""
    rpc(w3, "evm_setAutomine", False)
    try:
        yield
    finally:
        rpc(w3, "evm_setAutomine", True)
        rpc(w3, "evm_mine")


def allowance(token: Contract, owner: str, spender: str) -> int:
    return int(token.functions.allowance(owner, spender).call())


def test_transact_sends_any_call_at_the_next_nonce(
    relayer: LocalKeyRelayer, token: Contract, w3: Web3
) -> None:
    nonce = relayer.mined_nonce()
    receipt = relayer.transact(ContractCall.of(token, "approve", SPENDER, 1234))
    assert receipt["status"] == 1
    assert w3.eth.get_transaction(receipt["transactionHash"])["nonce"] == nonce
    assert relayer.mined_nonce() == nonce + 1
    assert allowance(token, relayer.address, SPENDER) == 1234


def test_sign_does_not_send(relayer: LocalKeyRelayer, token: Contract) -> None:
    signed = relayer.sign(ContractCall.of(token, "approve", SPENDER, 1))
    assert signed.nonce == relayer.mined_nonce()
    assert relayer.receipt(signed.tx_hash) is None
    relayer.broadcast(signed.raw)
    receipt = relayer.wait_for_receipt(signed.tx_hash)
    assert receipt == relayer.receipt(signed.tx_hash) and receipt["status"] == 1


def test_a_reverting_estimate_names_the_solidity_error(
    relayer: LocalKeyRelayer, token: Contract
) -> None:
    held = int(token.functions.balanceOf(relayer.address).call())
    with pytest.raises(RevertedError) as reverted:
        relayer.sign(ContractCall.of(token, "transfer", SPENDER, held + 1))
    assert reverted.value.error == "ERC20InsufficientBalance"
    assert str(reverted.value).startswith("ERC20InsufficientBalance: ")


def test_the_nodes_answers_at_a_taken_nonce_are_typed(
    relayer: LocalKeyRelayer, token: Contract, w3: Web3
) -> None:
    first = relayer.sign(ContractCall.of(token, "approve", SPENDER, 1))
    rival = relayer.sign(ContractCall.of(token, "approve", SPENDER, 2))
    assert rival.nonce == first.nonce  # nothing was sent in between
    with mempool_held(w3):
        relayer.broadcast(first.raw)
        with pytest.raises(AlreadyKnownError):
            relayer.broadcast(first.raw)
        with pytest.raises(UnderpricedError):  # same fees: no replacement
            relayer.broadcast(rival.raw)
    assert relayer.wait_for_receipt(first.tx_hash)["status"] == 1
    with pytest.raises(NonceTooLowError):
        relayer.broadcast(rival.raw)
    assert allowance(token, relayer.address, SPENDER) == 1


def test_an_account_without_ether_cannot_pay_for_gas(chain: Chain, token: Contract) -> None:
    penniless = LocalKeyRelayer(chain, Account.create().key.hex(), receipt_timeout_s=5)
    signed = penniless.sign(ContractCall.of(token, "approve", SPENDER, 1))
    with pytest.raises(InsufficientFundsError):
        penniless.broadcast(signed.raw)


def test_no_receipt_within_the_timeout(chain: Chain, token: Contract, w3: Web3) -> None:
    impatient = LocalKeyRelayer(chain, KEYS[SETTLER], receipt_timeout_s=0.2)
    with mempool_held(w3), pytest.raises(NotMinedYetError):
        impatient.transact(ContractCall.of(token, "approve", SPENDER, 1))
    assert allowance(token, impatient.address, SPENDER) == 1  # mined once the block came


def test_ensure_allowance_approves_the_maximum_once(
    relayer: LocalKeyRelayer, token: Contract
) -> None:
    relayer.transact(ContractCall.of(token, "approve", SPENDER, 100))
    nonce = relayer.mined_nonce()
    relayer.ensure_allowance(token, SPENDER, 50)  # enough already: nothing sent
    assert relayer.mined_nonce() == nonce
    relayer.ensure_allowance(token, SPENDER, 200)
    assert allowance(token, relayer.address, SPENDER) == UINT256_MAX
    assert relayer.mined_nonce() == nonce + 1
    relayer.ensure_allowance(token, SPENDER, 200)
    assert relayer.mined_nonce() == nonce + 1


def test_an_unknown_refusal_is_refused_as_such() -> None:
    refusal = classify_rejection("intrinsic gas too low")
    assert type(refusal) is BroadcastRefusedError and str(refusal) == "intrinsic gas too low"
