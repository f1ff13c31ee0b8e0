"""What transactions cost on the chains a cooperative would use: Ethereum L1 and an OP-stack L2.

An OP-stack chain charges two fees for a transaction: its own execution gas at the L2 gas
price, and an L1 data fee for publishing the transaction's bytes to Ethereum. Since the
Ecotone upgrade the data fee is (OP Stack specification, "Ecotone L1 cost"):

    compressed_size = (4 * zero_bytes + 16 * nonzero_bytes) / 16
    l1_data_fee     = compressed_size * (16 * base_fee_scalar * l1_base_fee
                                         + blob_base_fee_scalar * l1_blob_base_fee) / 1e6

The bytes are those of the signed transaction as broadcast (OP's GasPriceOracle takes the
unsigned transaction and adds 68 bytes for the signature). Fjord's FastLZ estimate, live on OP
Mainnet since 2024, compresses first and is usually lower: these are the uncompressed figures.
Every price is a stated assumption (:data:`STATED`), written beside the figures.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

GWEI = 10**9
ETHER = 10**18


@dataclass(frozen=True)
class Prices:
    """The gas prices and rates the costs are stated at."""

    l1_gas_price_wei: int
    l2_gas_price_wei: int
    l1_base_fee_wei: int
    l1_blob_base_fee_wei: int
    base_fee_scalar: int
    blob_base_fee_scalar: int
    idr_per_ether: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# OP Mainnet's Ecotone scalars (its SystemConfig since 2024: 1368 and 810949); 10 gwei on L1
# (a quiet day), 1 gwei for blobs (a busy one), 0.001 gwei of L2 execution; Rp 55 million per
# ether (about USD 3,400 at Rp 16,200).
STATED = Prices(
    l1_gas_price_wei=10 * GWEI,
    l2_gas_price_wei=GWEI // 1000,
    l1_base_fee_wei=10 * GWEI,
    l1_blob_base_fee_wei=GWEI,
    base_fee_scalar=1368,
    blob_base_fee_scalar=810_949,
    idr_per_ether=55_000_000,
)


@dataclass(frozen=True)
class Transaction:
    """One transaction as measured: its gas and its signed bytes."""

    gas_used: int
    raw: bytes


def l1_gas(raw: bytes) -> int:
    """Ecotone's L1 gas of a signed transaction: 4 per zero byte, 16 per other byte."""
    zeros = raw.count(0)
    return 4 * zeros + 16 * (len(raw) - zeros)


def l1_data_fee_wei(raw: bytes, prices: Prices) -> int:
    """The L1 data fee an OP-stack chain charges (Ecotone) for this signed transaction."""
    weighted = 16 * prices.base_fee_scalar * prices.l1_base_fee_wei \
        + prices.blob_base_fee_scalar * prices.l1_blob_base_fee_wei
    return l1_gas(raw) * weighted // (16 * 10**6)


def l1_cost_wei(tx: Transaction, prices: Prices) -> int:
    """What the transaction costs on Ethereum L1."""
    return tx.gas_used * prices.l1_gas_price_wei


def l2_cost_wei(tx: Transaction, prices: Prices) -> int:
    """What the transaction costs on an OP-stack L2: execution plus the L1 data fee."""
    return tx.gas_used * prices.l2_gas_price_wei + l1_data_fee_wei(tx.raw, prices)


def rupiah(wei: int, prices: Prices) -> float:
    """Wei in rupiah at the stated rate, to the cent."""
    return round(wei * prices.idr_per_ether / ETHER, 2)
