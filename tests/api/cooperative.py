"""Actions on the local cooperative for API tests: members, contributions, sales, claims, votes.

Everything is a real transaction on the test Anvil chain. Governance-only setters are sent from
the impersonated timelock (the admin of every contract after the deploy).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from eth_abi import encode
from eth_utils import function_signature_to_4byte_selector
from web3 import Web3
from web3.contract import Contract

from api.contribution_ids import contribution_id
from api.indexer.decode import string_as_bytes
from api.proposals import signed_description
from tests.api.harness import ADDRESSES, CURATOR, SETTLER, send

WORK_POT = 2**256 - 1
MAX_UINT = 2**256 - 1
PRODUCER_CLASS, FUNDER_CLASS, WORKER_CLASS, STEWARD_CLASS = range(4)
AGAINST, FOR, ABSTAIN = 0, 1, 2


class Coop:
    """The deployed contracts and the test chain, with one method per cooperative action."""

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

    def send_raw_strings(
        self, contract: str, function: str, args: list[Any], sender: str | None = None
    ) -> Any:
        """Calls ``function`` with its string arguments given as raw bytes, ABI-encoded exactly
        as strings are (Solidity never checks that a string is UTF-8); ``sender`` None sends
        from the impersonated timelock. Returns the mined receipt."""
        handle = self.c[contract]
        types = [entry["type"] for entry in handle.get_function_by_name(function).abi["inputs"]]
        selector = function_signature_to_4byte_selector(f"{function}({','.join(types)})")
        data = selector + encode([string_as_bytes(t) for t in types], args)
        with self.impersonating_timelock() if sender is None else nullcontext(sender) as origin:
            tx_hash = self.w3.eth.send_transaction(
                {"from": origin, "to": handle.address, "data": data}
            )
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=30)
        if receipt["status"] != 1:
            raise AssertionError(f"{function} with raw strings reverted")
        return receipt

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

    # -- sales and revenue ---------------------------------------------------------------------

    def _approve(self, address: str) -> None:
        token, market = self.c["PaymentToken"], self.c["DataMarket"].address
        if token.functions.allowance(address, market).call() < 2**255:
            send(self.w3, token.functions.approve(market, MAX_UINT), address)

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
