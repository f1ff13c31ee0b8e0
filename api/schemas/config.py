"""Bodies of the dApp's start-up configuration: ``/v1/config``."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class PaymentTokenInfo(BaseModel):
    address: str
    symbol: str
    decimals: int


class DappConfig(BaseModel):
    """What the wallet dApp needs to talk to the chain and the API."""

    chain_id: int
    public_rpc_url: str | None = Field(
        description="LUMBUNG_PUBLIC_RPC_URL (on a development chain, by default, the local node's "
        "RPC); null when none is public: the dApp then reads the chain through the wallet"
    )
    start_block: int
    contracts: dict[str, str] = Field(description="deployment name -> address (EIP-55)")
    abis: dict[str, list[dict[str, Any]]] = Field(description="deployment name -> ABI")
    errors: list[dict[str, Any]] = Field(
        description="every custom error the contracts (and their libraries) can revert with"
    )
    payment_token: PaymentTokenInfo
    purposes: list[str] = Field(description="purpose names, indexed by bit")
    classes: list[str] = Field(description="stakeholder class names, indexed by enum value")
    work_pot: str = Field(description="RevenueDistributor.WORK_POT, the curators' pot id")
    dev_chain_ids: list[int] = Field(description="the chain ids of local development chains")
    dev: bool = Field(description="a local development chain (demo vouchers, demo accounts)")
