"""Development helpers for the local cooperative; absent (404) on any other chain."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ChainDep, SettingsDep
from api.schemas.dev import VoucherPublic, VoucherRequest
from api.services.dapp import issue_dev_voucher

router = APIRouter(prefix="/dev", tags=["dev"])


@router.post("/vouchers", response_model=VoucherPublic)
def create_voucher(body: VoucherRequest, chain: ChainDep, settings: SettingsDep) -> VoucherPublic:
    """A membership voucher signed by the demo registrar (development chains only)."""
    return issue_dev_voucher(chain, settings, body.address, body.stakeholder_class)
