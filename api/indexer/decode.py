"""Turns raw logs of the cooperative's contracts into JSON-safe event records.

Solidity never checks that a ``string`` is UTF-8, and PostgreSQL's text refuses NUL, so any member
could otherwise stop the indexer for good with one ``propose`` or ``castVoteWithReason``. Every
non-indexed string argument is therefore decoded as the bytes it is: ``args`` carries its
:func:`display_text` and ``raw_strings`` its exact bytes as 0x hex.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any, cast

from eth_typing import ABIEvent
from eth_utils import event_abi_to_log_topic
from web3._utils.events import get_event_data
from web3.types import LogReceipt

from api.chain import Chain
from lumbung.protocol import jsonable

# The contracts whose events the projections are built from. The payment token's transfers, the
# contribution token's checkpoints and the timelock's operations are not needed.
INDEXED_CONTRACTS = (
    "Membership",
    "ContributionRegistry",
    "DataMarket",
    "RevenueDistributor",
    "CoopGovernor",
)

# C0 controls other than tab and newline; NUL among them, which PostgreSQL text cannot hold.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f]")


def display_text(raw: bytes) -> str:
    """A string argument's bytes as safe text: invalid UTF-8 replaced by U+FFFD, and NUL and the
    other C0 controls except tab and newline removed."""
    return _CONTROLS.sub("", raw.decode("utf-8", errors="replace"))


def string_as_bytes(abi_type: str) -> str:
    """``string``, ``string[]`` or ``string[3]`` as the ``bytes`` type it is encoded like."""
    return "bytes" + abi_type.removeprefix("string") if abi_type.startswith("string") else abi_type


def _lenient(event_abi: ABIEvent) -> tuple[ABIEvent, tuple[str, ...]]:
    """The event's ABI with its non-indexed strings read as bytes, and those arguments' names."""
    lenient = copy.deepcopy(event_abi)
    names = []
    for entry in lenient.get("inputs", []):
        if not entry.get("indexed") and entry["type"].startswith("string"):
            entry["type"] = string_as_bytes(entry["type"])
            names.append(entry["name"])
    return lenient, tuple(names)


@dataclass(frozen=True)
class LogRecord:
    """A followed event's log: where it is, which event it is, and what it was on the chain."""

    block_number: int
    block_hash: str
    log_index: int
    tx_hash: str
    contract: str
    event: str
    raw_log: dict[str, Any]


@dataclass(frozen=True)
class DecodedLog(LogRecord):
    args: dict[str, Any]
    raw_strings: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class UndecodableLog(LogRecord):
    """A log of a followed event whose data does not fit the event's ABI."""

    error: str


def raw_log(log: LogReceipt) -> dict[str, Any]:
    """What a log is on the chain (address, topics, data): kept with a quarantined log."""
    return {
        "address": log["address"],
        "topics": [hex_text(topic) for topic in log["topics"]],
        "data": hex_text(log["data"]),
    }


class EventDecoder:
    """Decodes the logs of :data:`INDEXED_CONTRACTS` by their first topic."""

    def __init__(self, chain: Chain) -> None:
        self.addresses = {chain[name].address: name for name in INDEXED_CONTRACTS}
        # (address, topic) -> the lenient ABI, its own topic and the names of its strings.
        self._events: dict[tuple[str, bytes], tuple[ABIEvent, bytes, tuple[str, ...]]] = {}
        for address, name in self.addresses.items():
            for entry in chain[name].abi:
                if entry.get("type") == "event" and not entry.get("anonymous"):
                    event_abi = cast(ABIEvent, entry)
                    lenient, strings = _lenient(event_abi)
                    self._events[(address, event_abi_to_log_topic(event_abi))] = (
                        lenient,
                        event_abi_to_log_topic(lenient),
                        strings,
                    )
        self._codec = chain.w3.codec

    def decode(self, log: LogReceipt) -> DecodedLog | UndecodableLog | None:
        """The decoded log; an :class:`UndecodableLog` when its data does not fit the event's
        ABI; None for a log of an event this decoder does not know."""
        if not log["topics"]:
            return None
        known = self._events.get((log["address"], bytes(log["topics"][0])))
        if known is None:
            return None
        abi, lenient_topic, strings = known
        record: dict[str, Any] = {
            "block_number": int(log["blockNumber"]),
            "block_hash": hex_text(log["blockHash"]),
            "log_index": int(log["logIndex"]),
            "tx_hash": hex_text(log["transactionHash"]),
            "contract": self.addresses[log["address"]],
            "event": abi["name"],
            "raw_log": raw_log(log),
        }
        # web3 checks the first topic against the signature of the ABI it decodes by, and the
        # lenient ABI's signature names bytes where the event has strings.
        as_lenient = cast(LogReceipt, {**log, "topics": [lenient_topic, *log["topics"][1:]]})
        try:
            data = get_event_data(self._codec, abi, as_lenient)
        except Exception as exc:  # eth_abi and web3 raise several types for malformed data
            return UndecodableLog(**record, error=f"{abi['name']}: {type(exc).__name__}: {exc}")
        args = dict(data["args"])
        raw_strings = {name: jsonable(args[name]) for name in strings}
        for name in strings:
            value = args[name]
            args[name] = (
                display_text(value)
                if isinstance(value, bytes)
                else [display_text(v) for v in value]
            )
        return DecodedLog(**record, args=jsonable(args), raw_strings=raw_strings)


def hex_text(value: Any) -> str:
    """A hash or byte string from web3 (HexBytes, bytes or text) as 0x-prefixed hex."""
    if isinstance(value, str):
        return value if value.startswith("0x") else "0x" + value
    return "0x" + bytes(value).hex()
