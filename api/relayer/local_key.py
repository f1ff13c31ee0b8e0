"""A relayer that signs with a private key it holds (``LUMBUNG_RELAYER_KEY``): EIP-1559
transactions at the account's pending nonce, fees read from the node."""

from __future__ import annotations

import logging
import time

from eth_account import Account
from hexbytes import HexBytes
from web3.contract import Contract
from web3.exceptions import TimeExhausted, TransactionNotFound, Web3RPCError
from web3.types import TxParams, TxReceipt

from api.chain import Chain
from api.errors import ContractRevertError
from api.relayer.errors import NotMinedYetError, RevertedError, classify_rejection
from api.relayer.interface import ContractCall, SignedTransaction, hex_hash
from lumbung.protocol import UINT256_MAX

logger = logging.getLogger(__name__)

GAS_MARGIN_PCT = 125
FEE_REFRESH_S = 10.0
RECEIPT_POLL_S = 0.05


class LocalKeyRelayer:
    """The :class:`~api.relayer.interface.Relayer` of one key; one instance per key, since the
    key's nonces are a single sequence."""

    def __init__(self, chain: Chain, key: str, receipt_timeout_s: float) -> None:
        self.chain = chain
        self._key = key
        self._address = Account.from_key(key).address
        self.receipt_timeout_s = receipt_timeout_s
        self._fee_cache: tuple[float, int, int] | None = None
        self._approved: set[tuple[str, str]] = set()

    @property
    def address(self) -> str:
        return self._address

    def sign(self, call: ContractCall) -> SignedTransaction:
        chain = self.chain
        tx: TxParams = {"from": self.address, "to": call.to, "data": call.data}
        try:
            gas = chain.guard(lambda: chain.w3.eth.estimate_gas(tx))
        except ContractRevertError as exc:
            raise RevertedError(exc.detail, exc.name) from exc
        nonce = chain.guard(lambda: chain.w3.eth.get_transaction_count(self._address, "pending"))
        max_fee, tip = self._fees()
        signed = Account.sign_transaction(
            {
                "to": call.to,
                "data": call.data,
                "value": 0,
                "chainId": chain.chain_id,
                "nonce": nonce,
                "gas": gas * GAS_MARGIN_PCT // 100 + call.extra_gas,
                "maxPriorityFeePerGas": tip,
                "maxFeePerGas": max_fee,
                "type": 2,
            },
            self._key,
        )
        return SignedTransaction(bytes(signed.raw_transaction), hex_hash(signed.hash), nonce)

    def broadcast(self, raw: bytes) -> None:
        try:
            self.chain.guard(lambda: self.chain.w3.eth.send_raw_transaction(raw))
        except Web3RPCError as exc:
            raise classify_rejection(str(exc)) from exc

    def receipt(self, tx_hash: str) -> TxReceipt | None:
        w3 = self.chain.w3
        try:
            return self.chain.guard(lambda: w3.eth.get_transaction_receipt(HexBytes(tx_hash)))
        except TransactionNotFound:
            return None

    def wait_for_receipt(self, tx_hash: str) -> TxReceipt:
        w3 = self.chain.w3
        try:
            return self.chain.guard(
                lambda: w3.eth.wait_for_transaction_receipt(
                    HexBytes(tx_hash), timeout=self.receipt_timeout_s, poll_latency=RECEIPT_POLL_S
                )
            )
        except TimeExhausted as exc:
            raise NotMinedYetError(f"no receipt for {tx_hash} yet") from exc

    def mined_nonce(self) -> int:
        w3 = self.chain.w3
        return self.chain.guard(lambda: w3.eth.get_transaction_count(self._address, "latest"))

    def transact(self, call: ContractCall) -> TxReceipt:
        signed = self.sign(call)
        self.broadcast(signed.raw)
        receipt = self.wait_for_receipt(signed.tx_hash)
        if receipt["status"] != 1:
            raise RevertedError(f"{signed.tx_hash} reverted")
        return receipt

    def ensure_allowance(self, token: Contract, spender: str, amount: int) -> None:
        pair = (token.address, spender)
        if pair in self._approved:
            return
        allowance = int(
            self.chain.guard(lambda: token.functions.allowance(self.address, spender).call())
        )
        if allowance >= UINT256_MAX // 2:
            self._approved.add(pair)
            return
        if allowance >= amount:
            return
        receipt = self.transact(ContractCall.of(token, "approve", spender, UINT256_MAX))
        logger.info(
            "relayer %s approved %s on %s (tx %s)",
            self.address,
            spender,
            token.address,
            hex_hash(receipt["transactionHash"]),
        )
        self._approved.add(pair)

    def _fees(self) -> tuple[int, int]:
        """(maxFeePerGas, maxPriorityFeePerGas), read at most every FEE_REFRESH_S."""
        now = time.monotonic()
        if self._fee_cache is None or now - self._fee_cache[0] > FEE_REFRESH_S:
            w3 = self.chain.w3
            block = self.chain.guard(lambda: w3.eth.get_block("latest"))
            base_fee = int(block.get("baseFeePerGas", 0))
            tip = int(self.chain.guard(lambda: w3.eth.max_priority_fee))
            # Twice the base fee rides out six full blocks of base-fee increases.
            self._fee_cache = (now, 2 * base_fee + tip, tip)
        return self._fee_cache[1], self._fee_cache[2]
