"""Actions on the local cooperative for API tests: :class:`lumbung.devchain.Coop` (members,
contributions, sales, claims, votes), plus the hostile calls only tests make."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from eth_abi import encode
from eth_utils import function_signature_to_4byte_selector

from api.indexer.decode import string_as_bytes
from lumbung import devchain


class Coop(devchain.Coop):
    """The deployed contracts and the test chain, with one method per cooperative action."""

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
