"""Turns raw logs of the cooperative's contracts into JSON-safe event records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from eth_typing import ABIEvent
from eth_utils import event_abi_to_log_topic
from web3._utils.events import get_event_data
from web3.types import LogReceipt

from api.chain import Chain

# The contracts whose events the projections are built from. The payment token's transfers, the
# contribution token's checkpoints and the timelock's operations are not needed.
INDEXED_CONTRACTS = (
    "Membership",
    "ContributionRegistry",
    "DataMarket",
    "RevenueDistributor",
    "CoopGovernor",
)

# Integers beyond this travel as decimal strings: JSON readers may hold numbers as doubles.
_SAFE_INT = 2**53


def jsonable(value: Any) -> Any:
    """An event argument as JSON: bytes as 0x hex, big integers as decimal strings."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if abs(value) < _SAFE_INT else str(value)
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class DecodedLog:
    block_number: int
    block_hash: str
    log_index: int
    tx_hash: str
    contract: str
    event: str
    args: dict[str, Any]


class EventDecoder:
    """Decodes the logs of :data:`INDEXED_CONTRACTS` by their first topic."""

    def __init__(self, chain: Chain) -> None:
        self.addresses = {chain[name].address: name for name in INDEXED_CONTRACTS}
        self._events: dict[tuple[str, bytes], ABIEvent] = {}
        for address, name in self.addresses.items():
            for entry in chain[name].abi:
                if entry.get("type") == "event" and not entry.get("anonymous"):
                    event_abi = cast(ABIEvent, entry)
                    self._events[(address, event_abi_to_log_topic(event_abi))] = event_abi
        self._codec = chain.w3.codec

    def decode(self, log: LogReceipt) -> DecodedLog | None:
        """The decoded log, or None for a log of an event this decoder does not know."""
        if not log["topics"]:
            return None
        abi = self._events.get((log["address"], bytes(log["topics"][0])))
        if abi is None:
            return None
        data = get_event_data(self._codec, abi, log)
        return DecodedLog(
            block_number=int(log["blockNumber"]),
            block_hash=hex_text(log["blockHash"]),
            log_index=int(log["logIndex"]),
            tx_hash=hex_text(log["transactionHash"]),
            contract=self.addresses[log["address"]],
            event=str(data["event"]),
            args=jsonable(dict(data["args"])),
        )


def hex_text(value: Any) -> str:
    """A hash or byte string from web3 (HexBytes, bytes or text) as 0x-prefixed hex."""
    if isinstance(value, str):
        return value if value.startswith("0x") else "0x" + value
    return "0x" + bytes(value).hex()
