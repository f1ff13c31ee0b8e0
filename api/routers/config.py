"""The dApp's start-up configuration: addresses, ABIs, the payment token and names."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ChainDep, SettingsDep
from api.schemas.config import DappConfig
from api.services.dapp import dapp_config

router = APIRouter(tags=["dapp"])


@router.get("/config", response_model=DappConfig)
def get_config(chain: ChainDep, settings: SettingsDep) -> DappConfig:
    """Contract addresses and ABIs (with every custom error), the payment token's symbol and
    decimals, the purpose and stakeholder-class names, and whether this is a development chain."""
    return dapp_config(chain, settings)
