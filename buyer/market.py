"""Buying on-chain from the buyer's own wallet: ``DataMarket.purchase`` with a ``maxPrice``, or
``purchaseWithPermit`` (ERC-2612) when the payment token takes permits, in one transaction.

The buyer's key signs locally (eth-account); the RPC node only ever sees signed transactions.
``maxPrice`` bounds what the market may take: a price raised after the quote reverts the
purchase (``DataMarketPriceAboveMax``) instead of charging more, and a permit is for exactly
``maxPrice``, so it lets the market take no more either.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from eth_account import Account
from web3.exceptions import ContractLogicError
from web3.logs import DISCARD

from buyer import abi
from buyer.onchain import Cooperative, PurchaseRecord
from lumbung.eip712 import PERMIT, sign_typed

logger = logging.getLogger(__name__)

PERMIT_LIFETIME = 600  # seconds a permit stays valid after signing


class PurchaseFailedError(Exception):
    """The purchase transaction reverted or was not mined."""


class Market:
    """The cooperative's DataMarket, spoken to from one buyer's wallet."""

    def __init__(self, cooperative: Cooperative, private_key: str) -> None:
        self.cooperative = cooperative
        self.account = Account.from_key(private_key)
        w3 = cooperative.w3
        self.token = w3.eth.contract(
            address=cooperative.market.functions.paymentToken().call(), abi=abi.PERMIT_TOKEN
        )

    def permit_domain(self) -> tuple[str, str] | None:
        """The token's EIP-712 name and version (ERC-5267), or None if it takes no permits."""
        try:
            _fields, name, version, *_ = self.token.functions.eip712Domain().call()
            self.token.functions.nonces(self.account.address).call()
        except (ContractLogicError, ValueError):
            return None
        return str(name), str(version)

    def purchase(
        self, pool_id: int, purpose: int, max_price: int, use_permit: bool | None = None
    ) -> PurchaseRecord:
        """Buys ``pool_id`` for ``purpose``, paying at most ``max_price``; with a permit when
        the token takes one (``use_permit`` None) or as told; returns the mined purchase."""
        market = self.cooperative.market
        domain = self.permit_domain() if use_permit in (None, True) else None
        if use_permit and domain is None:
            raise PurchaseFailedError("the payment token takes no ERC-2612 permit")
        if domain is not None:
            deadline = int(time.time()) + PERMIT_LIFETIME
            signed = sign_typed(
                self.account.key,
                domain=domain,
                chain_id=self.cooperative.deployment.chain_id,
                contract=self.token.address,
                primary_type="Permit",
                fields=PERMIT,
                message={
                    "owner": self.account.address,
                    "spender": market.address,
                    "value": max_price,
                    "nonce": self.token.functions.nonces(self.account.address).call(),
                    "deadline": deadline,
                },
            )
            call = market.functions.purchaseWithPermit(
                pool_id,
                purpose,
                max_price,
                deadline,
                signed.v,
                signed.r.to_bytes(32, "big"),
                signed.s.to_bytes(32, "big"),
            )
        else:
            allowance = self.token.functions.allowance(self.account.address, market.address)
            if allowance.call() < max_price:
                self._send(self.token.functions.approve(market.address, max_price))
            call = market.functions.purchase(pool_id, purpose, max_price)
        receipt = self._send(call)
        (event,) = market.events.Purchased().process_receipt(receipt, errors=DISCARD)
        purchase_id = int(event["args"]["purchaseId"])
        logger.info("purchase %s mined in %s", purchase_id, receipt["transactionHash"].hex())
        return self.cooperative.purchase(purchase_id)

    def _send(self, call: Any) -> Any:
        w3 = self.cooperative.w3
        try:
            tx = call.build_transaction(
                {
                    "from": self.account.address,
                    "nonce": w3.eth.get_transaction_count(self.account.address, "pending"),
                    "chainId": self.cooperative.deployment.chain_id,
                }
            )
        except ContractLogicError as exc:
            raise PurchaseFailedError(f"the market refuses the purchase: {exc}") from exc
        signed = self.account.sign_transaction(tx)
        tx_hash = w3.eth.send_raw_transaction(signed.raw_transaction)
        receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=120)
        if receipt["status"] != 1:
            raise PurchaseFailedError(f"transaction {tx_hash.hex()} reverted")
        return receipt
