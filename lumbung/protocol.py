"""The protocol's vocabulary, defined once: the contracts' enums and constants as Python sees
them, the development chains and their public keys, the id formats and JSON's integer limit.

Enum members mirror the Solidity enums member for member, in order (``Membership``'s
``StakeholderClass``, ``ContributionRegistry``'s ``Status`` and ``BatchStatus``, OpenZeppelin's
``IGovernor.ProposalState``); the constants mirror the contracts' own (``WORK_POT``, the
governor's vote types, ``DataMarket``'s purpose bits). tests/api/test_protocol_abi.py checks
them against the compiled contracts, so a Solidity change that this module misses fails a test.
Pure definitions: no chain access.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from enum import IntEnum, IntFlag
from typing import Any, Literal

from eth_abi import encode
from eth_utils import keccak

# -- Membership ---------------------------------------------------------------------------------


class StakeholderClass(IntEnum):
    """``IMembership.StakeholderClass``."""

    PRODUCER = 0
    FUNDER = 1
    WORKER = 2
    STEWARD = 3

    @property
    def label(self) -> str:
        """The name the API and the dApp use: ``producer``, ``funder``, …"""
        return self.name.lower()


CLASS_NAMES: tuple[str, ...] = tuple(c.label for c in StakeholderClass)
# The same names as a type, for request and response schemas (a test checks they agree).
StakeholderClassName = Literal["producer", "funder", "worker", "steward"]

# -- ContributionRegistry -----------------------------------------------------------------------


class ContributionStatus(IntEnum):
    """``IContributionRegistry.Status``; NONE means the id was never registered."""

    NONE = 0
    PENDING = 1
    ACCEPTED = 2
    REJECTED = 3
    REVOKED = 4

    @property
    def label(self) -> str:
        return self.name.lower()


class BatchStatus(IntEnum):
    """``IContributionRegistry.BatchStatus``; NONE means the id was never used."""

    NONE = 0
    PENDING = 1
    ACCEPTED = 2
    REJECTED = 3
    OVERTURNED = 4


class BatchPotState(IntEnum):
    """``IBatchPots.BatchPotState``: a batch's revenue. NONE: never accepted."""

    NONE = 0
    EARNING = 1
    CLOSED = 2


# -- DataMarket ---------------------------------------------------------------------------------


class Purpose(IntFlag):
    """The purposes a buyer may declare. A listing allows a mask of them (``uint64
    purposes``); a purchase names one by its bit number (``uint8 purpose``)."""

    RESEARCH = 1 << 0
    PUBLIC_INTEREST = 1 << 1
    COMMERCIAL = 1 << 2
    AI_TRAINING = 1 << 3

    @property
    def bit(self) -> int:
        """The bit number a purchase passes to DataMarket (a single purpose only)."""
        return int(self).bit_length() - 1

    @property
    def label(self) -> str:
        return str(self.name).lower()

    @classmethod
    def from_bit(cls, bit: int) -> Purpose:
        return cls(1 << bit)

    @classmethod
    def from_label(cls, label: str) -> Purpose:
        return cls[label.upper()]


PURPOSE_NAMES: tuple[str, ...] = tuple(p.label for p in Purpose)  # indexed by bit number
# The same names as a type, for request and response schemas (a test checks they agree).
PurposeName = Literal["research", "public_interest", "commercial", "ai_training"]


def purpose_names(mask: int) -> list[str]:
    """The names of the purposes a listing's mask allows, by bit number."""
    return [p.label for p in Purpose if mask & p]


# -- RevenueDistributor -------------------------------------------------------------------------

UINT256_MAX = 2**256 - 1
WORK_POT = UINT256_MAX  # RevenueDistributor.WORK_POT: the digital workers' (curators') pot

# -- CoopGovernor -------------------------------------------------------------------------------


class VoteType(IntEnum):
    """``support`` of a ballot: GovernorCountingCoop's ``_AGAINST``, ``_FOR``, ``_ABSTAIN``."""

    AGAINST = 0
    FOR = 1
    ABSTAIN = 2


class ProposalState(IntEnum):
    """OpenZeppelin's ``IGovernor.ProposalState``."""

    PENDING = 0
    ACTIVE = 1
    CANCELED = 2
    DEFEATED = 3
    SUCCEEDED = 4
    QUEUED = 5
    EXPIRED = 6
    EXECUTED = 7

    @property
    def label(self) -> str:
        return self.name.lower()


# -- ids and their formats ----------------------------------------------------------------------

ADDRESS_PATTERN = r"^0x[0-9a-fA-F]{40}$"
# A contribution id as the API writes it (lowercase); CONTRIBUTION_ID_INPUT is what it accepts.
CONTRIBUTION_ID_PATTERN = r"^0x[0-9a-f]{64}$"
CONTRIBUTION_ID_INPUT = re.compile(CONTRIBUTION_ID_PATTERN, re.IGNORECASE)


def contribution_id(contributor: str, digest: bytes | memoryview) -> int:
    """ContributionRegistry's id of ``contributor``'s contribution of the content with sha2-256
    ``digest``: ``uint256(keccak256(abi.encode(contributor, digest)))``. Binding the id to its
    contributor means nobody can register another member's CID in that member's place."""
    encoded = encode(["address", "bytes32"], [contributor, bytes(digest)])
    return int.from_bytes(keccak(encoded), "big")


def contribution_id_hex(contributor: str, digest: bytes | memoryview) -> str:
    """The same id as the API writes it: 0x and 64 lowercase hex digits."""
    return f"0x{contribution_id(contributor, digest):064x}"


# CoopGovernor requires OpenZeppelin's `#proposer=<address>` suffix on every description, which
# binds a proposal to the account that created it (a copy cannot be front-run and cancelled).
_PROPOSER_SUFFIX = re.compile("#proposer=" + ADDRESS_PATTERN.removeprefix("^"))


def signed_description(text: str, proposer: str) -> str:
    """``text`` followed by the suffix naming ``proposer`` (an address, any case)."""
    return f"{text}#proposer={str(proposer).lower()}"


def plain_description(description: str) -> str:
    """The description a member reads: without the proposer suffix."""
    return _PROPOSER_SUFFIX.sub("", description)


# -- development chains -------------------------------------------------------------------------

ANVIL_CHAIN_ID = 31337
GANACHE_CHAIN_ID = 1337
# Local development chains; development keys and demo vouchers work only here.
DEV_CHAIN_IDS = frozenset({ANVIL_CHAIN_ID, GANACHE_CHAIN_ID})
# Anvil's (and Hardhat's) public development mnemonic. Its keys sign only on DEV_CHAIN_IDS.
ANVIL_MNEMONIC = "test test test test test test test test test test test junk"
# Its accounts 1 (the local registrar) and 5 (the local settler): public knowledge, refused by
# the API's settings on any other chain (lumbung.devchain derives the same keys).
DEV_REGISTRAR_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
DEV_RELAYER_KEY = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba"
# Its account 9, the local gas relayer that sends members' signed requests, apart from the
# settler so that their nonces never meet; refused off development chains as well.
DEV_GAS_RELAYER_KEY = "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6"
# Its account 6, the local aggregator that submits batches of reviewed contributions
# (ContributionRegistry AGGREGATOR_ROLE); refused off development chains as well.
DEV_AGGREGATOR_KEY = "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e"
# The local API's admin bearer token, refused as well off development chains.
DEV_ADMIN_TOKEN = "lumbung-dev-admin"  # noqa: S105 (a development default)

# -- time and JSON ------------------------------------------------------------------------------


def utc(moment: datetime) -> datetime:
    """A stored moment as an aware UTC datetime (SQLite hands datetimes back naive; every
    stored moment is UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# JavaScript's Number.MAX_SAFE_INTEGER: larger integers lose precision in a JSON reader that
# holds numbers as doubles, so they travel as decimal strings.
MAX_SAFE_INTEGER = 2**53 - 1


def jsonable(value: Any) -> Any:
    """A chain value as JSON: bytes as 0x hex, integers beyond ±MAX_SAFE_INTEGER as decimal
    strings, sequences and mappings element by element."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if abs(value) <= MAX_SAFE_INTEGER else str(value)
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value
