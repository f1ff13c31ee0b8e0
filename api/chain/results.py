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
