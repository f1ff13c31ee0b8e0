"""The named results of the contract reads that return several values.

Each field is the ABI output's name in snake case, in the ABI's order (:mod:`api.chain.binding`
checks both when the gateway is built); the names of outputs the implementation leaves unnamed
come from the contract's interface.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Listing:
    """``DataMarket.listing(poolId)``: the listing struct, then its license document's CID."""

    price: int
    purposes: int  # a bit per purpose, IDataMarket's order
    active: bool
    license_cid: bytes


@dataclass(frozen=True)
class Pool:
    """``ContributionRegistry.pool(poolId)``."""

    name: str
    metadata: str
    open: bool
    contribution_count: int
    accepted_count: int
    total_weight: int


@dataclass(frozen=True)
class Contribution:
    """``ContributionRegistry.contribution(id)``; ``status`` is an IContributionRegistry.Status."""

    contributor: str
    pool_id: int
    status: int
    weight: int


@dataclass(frozen=True)
class BatchRecord:
    """``ContributionRegistry.batch(batchId)``; ``status`` is a lumbung.protocol.BatchStatus."""

    pool_id: int
    status: int
    root: bytes
    count: int
    rejected: int
    aggregator: str
    curator: str


@dataclass(frozen=True)
class BatchHolding:
    """``RevenueDistributor.batchHolding(batchId, account)``: the weight of the account's
    claimed leaves in the batch, and a bit per ordinal already claimed or revoked."""

    weight: int
    ordinals: int


@dataclass(frozen=True)
class Eip712Domain:
    """``eip712Domain()`` (EIP-5267): the domain a contract's typed signatures are made in."""

    fields: bytes
    name: str
    version: str
    chain_id: int
    verifying_contract: str
    salt: bytes
    extensions: list  # uint256[]; the binding compares the bare type


@dataclass(frozen=True)
class RelayLimits:
    """``LumbungForwarder.relayLimits()``: requests per signer per period, and the most gas one
    request may ask for."""

    quota: int
    period: int
    max_gas: int


@dataclass(frozen=True)
class RelaysUsed:
    """``LumbungForwarder.relaysUsed(signer)``: requests counted in the period that starts at
    ``period_start``."""

    used: int
    period_start: int


@dataclass(frozen=True)
class ForwardRequest:
    """An ERC-2771 request as ``ERC2771Forwarder.execute`` takes it (``ForwardRequestData``)."""

    sender: str
    to: str
    value: int
    gas: int
    deadline: int
    data: bytes
    signature: bytes

    def as_tuple(self) -> tuple[str, str, int, int, int, bytes, bytes]:
        """The struct's fields in the ABI's order."""
        return (
            self.sender,
            self.to,
            self.value,
            self.gas,
            self.deadline,
            self.data,
            self.signature,
        )


@dataclass(frozen=True)
class DecodedCall:
    """Calldata read against a contract's ABI: the function, its 4-byte selector, its arguments."""

    function: str
    selector: str
    args: dict[str, object]


@dataclass(frozen=True)
class Split:
    """``RevenueDistributor.split()``: each share of a sale, in basis points."""

    contributors_bps: int
    workers_bps: int
    reserve_bps: int
