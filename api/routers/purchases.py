"""Purchases and their delivery, for the buyer who made them (API key or wallet)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import StreamingResponse

from api.deps import ChainDep, IpfsDep, SessionDep, SettingsDep
from api.deps_auth import CurrentCaller
from api.errors import ForbiddenError
from api.models import Purchase
from api.schemas.purchases import PurchasePublic
from api.services import contributions, delivery
from lumbung.protocol import ADDRESS_PATTERN

router = APIRouter(prefix="/purchases", tags=["purchases"])

PurchaseId = Annotated[int, Path(ge=1, lt=2**63)]


def _public(purchase: Purchase) -> PurchasePublic:
    return PurchasePublic.from_model(purchase, by_wallet=delivery.is_wallet_purchase(purchase))


@router.get("", response_model=list[PurchasePublic])
def list_(
    session: SessionDep,
    caller: CurrentCaller,
    buyer: Annotated[str | None, Query(pattern=ADDRESS_PATTERN)] = None,
) -> list[PurchasePublic]:
    """The caller's purchases; ``buyer``, if given, must be the signed-in wallet."""
    if buyer is not None and (caller.wallet is None or buyer.lower() != caller.wallet.lower()):
        raise ForbiddenError("you can list only your own purchases")
    return [_public(p) for p in delivery.list_purchases(session, caller.buyer, caller.wallet)]


@router.get("/{purchase_id}", response_model=PurchasePublic)
def get(purchase_id: PurchaseId, session: SessionDep, caller: CurrentCaller) -> PurchasePublic:
    return _public(delivery.get_purchase(session, purchase_id, caller.buyer, caller.wallet))


@router.get(
    "/{purchase_id}/delivery",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-tar": {}}, "description": "a tar archive"}},
)
def download(
    purchase_id: PurchaseId,
    session: SessionDep,
    settings: SettingsDep,
    chain: ChainDep,
    ipfs: IpfsDep,
    caller: CurrentCaller,
) -> StreamingResponse:
    """The purchase's contributions, decrypted, with ``manifest.json``, as one tar stream."""
    purchase = delivery.get_purchase(session, purchase_id, caller.buyer, caller.wallet)
    keys = contributions.vault_of(settings)
    plan = delivery.plan(session, purchase, chain, keys)
    return StreamingResponse(
        delivery.stream_tar(ipfs, keys, plan),
        media_type="application/x-tar",
        headers={
            "Content-Length": str(plan.content_length()),
            "Content-Disposition": f'attachment; filename="lumbung-purchase-{purchase.id}.tar"',
        },
    )
