"""The DataMarket calls and reads that settling an order needs, in one place."""

from __future__ import annotations

from dataclasses import dataclass

from web3.contract import Contract
from web3.exceptions import BlockNotFound
from web3.logs import DISCARD
from web3.types import TxReceipt

from api.chain import Chain
from api.relayer.interface import ContractCall, hex_hash


@dataclass(frozen=True)
class MinedPurchase:
    """Where a settlement's ``Purchased`` event was found: the transaction and its block."""

    purchase_id: int
    tx_hash: str
    block_number: int
    block_hash: str


class SettlementMarket:
    """``DataMarket.settleOffchain`` and what the chain says about the purchases it made."""

    def __init__(self, chain: Chain) -> None:
        self.chain = chain
        self._market: Contract = chain["DataMarket"]
        self.payment_token: Contract = chain["PaymentToken"]

    @property
    def address(self) -> str:
        """DataMarket's address: the spender of the relayer's payment token."""
        return str(self._market.address)

    def settle_call(
        self, chain_order_id: bytes, pool_id: int, purpose: int, buyer_ref: bytes, price: int
    ) -> ContractCall:
        return ContractCall.of(
            self._market, "settleOffchain", chain_order_id, pool_id, purpose, buyer_ref, price
        )

    def purchase_of(self, chain_order_id: bytes) -> int:
        """The purchase id that settled ``chain_order_id``; 0 while none did."""
        function = self._market.functions.purchaseOfOrder(chain_order_id)
        return int(self.chain.guard(function.call))

    def purchase_in(self, receipt: TxReceipt, chain_order_id: bytes) -> MinedPurchase | None:
        """The purchase that a successful receipt made for ``chain_order_id``, if it made one."""
        if receipt["status"] != 1:
            return None
        for event in self._market.events.Purchased().process_receipt(receipt, errors=DISCARD):
            if bytes(event["args"]["orderId"]) == chain_order_id:
                return MinedPurchase(
                    int(event["args"]["purchaseId"]),
                    hex_hash(receipt["transactionHash"]),
                    int(receipt["blockNumber"]),
                    hex_hash(receipt["blockHash"]),
                )
        return None

    def find_purchase(self, purchase_id: int) -> MinedPurchase | None:
        """The transaction and block that made ``purchase_id`` (Purchased indexes it)."""
        chain = self.chain
        event = self._market.events.Purchased()
        logs = chain.guard(
            lambda: event.get_logs(
                from_block=chain.deployment.start_block,
                argument_filters={"purchaseId": purchase_id},
            )
        )
        if not logs:
            return None
        log = logs[-1]
        return MinedPurchase(
            purchase_id,
            hex_hash(log["transactionHash"]),
            int(log["blockNumber"]),
            hex_hash(log["blockHash"]),
        )

    def head(self) -> int:
        w3 = self.chain.w3
        return self.chain.guard(lambda: w3.eth.block_number)

    def block_hash(self, number: int) -> str | None:
        """The hash of the chain's block at ``number`` now; None when the chain is shorter."""
        w3 = self.chain.w3
        try:
            block = self.chain.guard(lambda: w3.eth.get_block(number))
        except BlockNotFound:
            return None
        return hex_hash(block["hash"]) if block else None
