"""The gas relay: members without ether sign their actions and the cooperative sends them."""

from __future__ import annotations

from typing import Annotated

from eth_utils import to_checksum_address
from fastapi import APIRouter, Body, Query

from api.deps import RATE_LIMITED, ChainDep, GasRelayDep, SessionDep, rate_limit
from api.schemas.relay import (
    Address,
    RelayBody,
    RelayInfo,
    RelayResult,
    RelayTransactionPublic,
)
from api.services import relay

router = APIRouter(prefix="/relay", tags=["relay"])

AccountQuery = Annotated[Address | None, Query(description="an account, 0x-hex")]


def _checksummed(account: str | None) -> str | None:
    return None if account is None else to_checksum_address(account)


@router.get("")
def get_relay(
    session: SessionDep, chain: ChainDep, gas_relay: GasRelayDep, account: AccountQuery = None
) -> RelayInfo:
    """What to sign and what the relay sends: the forwarder's EIP-712 domain, its limits, the
    account's relays left in this period and its nonce, the gas relayer's float and burn rate,
    and every relayed action."""
    return relay.relay_info(session, chain, gas_relay.address, _checksummed(account))


@router.post("", dependencies=[rate_limit("relay")], responses=RATE_LIMITED)
def post_relay(
    body: Annotated[RelayBody, Body()],
    session: SessionDep,
    chain: ChainDep,
    gas_relay: GasRelayDep,
) -> RelayResult:
    """Sends a signed action and pays its gas: a forwarded request (``kind: forward``), a
    ballot (``vote``) or a membership voucher (``join``). Refused with nothing sent when it is
    outside the allowlist or its bounds (422), badly signed (422), a replay (409), over the
    account's quota (429) or would revert (409, the Solidity error's name in ``error``)."""
    row = gas_relay.relay(session, chain, body)
    return RelayResult(
        tx_hash=row.tx_hash,
        status=row.status,  # type: ignore[arg-type]
        gas_used=row.gas_used,
        cost_wei=str(row.cost_wei),
        action=row.action,
        account=row.account,
    )


@router.get("/transactions")
def list_transactions(
    session: SessionDep,
    account: AccountQuery = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=2**31)] = 0,
) -> list[RelayTransactionPublic]:
    """The transactions the relay paid for, newest first: who, what, gas and cost."""
    return relay.transactions(session, _checksummed(account), limit, offset)
