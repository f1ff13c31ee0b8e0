"""Purchases and their delivery, for the buyer who made them (API key or wallet)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response
from fastapi.responses import StreamingResponse

from api.deps import ChainDep, IpfsDep, SessionDep, SettingsDep
from api.deps_auth import CurrentCaller
from api.errors import ForbiddenError, RangeNotSatisfiableError
from api.models import Purchase
from api.schemas.purchases import PurchasePublic
from api.services import contributions, delivery
from lumbung.protocol import ADDRESS_PATTERN

router = APIRouter(prefix="/purchases", tags=["purchases"])

PurchaseId = Annotated[int, Path(ge=1, lt=2**63)]
_RANGE = re.compile(r"bytes=(\d{0,19})-(\d{0,19})")


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


def _byte_range(header: str | None, length: int) -> tuple[int, int] | None:
    """The one range ``bytes=a-b``, ``bytes=a-`` or ``bytes=-n`` of ``header`` as (start,
    stop), clipped to ``length``; None for no header or one this server does not take (several
    ranges, other units), which RFC 9110 lets it answer with the whole archive."""
    if header is None:
        return None
    match = _RANGE.fullmatch(header.strip())
    if match is None:
        return None
    first, last = match.group(1), match.group(2)
    if not first:  # the last ``last`` bytes
        if not last:
            return None
        if int(last) == 0:
            raise RangeNotSatisfiableError(length)
        return max(length - int(last), 0), length
    start = int(first)
    if last and int(last) < start:
        return None  # not a valid range: ignored, as RFC 9110 says
    if start >= length:
        raise RangeNotSatisfiableError(length)
    stop = min(int(last) + 1, length) if last else length
    return start, stop


@router.get(
    "/{purchase_id}/delivery",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"application/x-tar": {}}, "description": "a tar archive"},
        206: {"content": {"application/x-tar": {}}, "description": "the requested range"},
        416: {"description": "the range starts past the archive's end"},
    },
)
def download(
    purchase_id: PurchaseId,
    session: SessionDep,
    settings: SettingsDep,
    chain: ChainDep,
    ipfs: IpfsDep,
    caller: CurrentCaller,
    form: Annotated[
        delivery.DeliveryForm,
        Query(description="plaintext: each contribution decrypted; ciphertext: as stored "
              "(its CID is on-chain) with its age identity, to check with `lumbung buyer "
              "verify`"),
    ] = delivery.DeliveryForm.PLAINTEXT,
    range_: Annotated[str | None, Header(alias="Range", max_length=200)] = None,
    if_range: Annotated[str | None, Header(alias="If-Range", max_length=200)] = None,
) -> Response:
    """The purchase's contributions with ``manifest.json``, as one tar stream.

    Resumable: the same purchase, form and contents always give the same bytes, whose hash is
    the ``ETag``. A ``Range`` (one range) is answered with 206; with ``If-Range``, only while the
    ``ETag`` is unchanged (a revocation since changes it), else with the whole archive.
    """
    purchase = delivery.get_purchase(session, purchase_id, caller.buyer, caller.wallet)
    keys = contributions.vault_of(settings)
    plan = delivery.plan(session, purchase, chain, keys, form, ipfs)
    length, etag = plan.content_length(), plan.etag()
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": etag,
        "Content-Disposition": f'attachment; filename="lumbung-purchase-{purchase.id}-{form}.tar"',
    }
    window = _byte_range(range_, length) if if_range in (None, etag) else None
    if window is None:
        start, stop, status = 0, length, 200
    else:
        (start, stop), status = window, 206
        headers["Content-Range"] = f"bytes {start}-{stop - 1}/{length}"
    headers["Content-Length"] = str(stop - start)
    return StreamingResponse(
        delivery.stream_tar(ipfs, keys, plan, start, stop),
        status_code=status,
        media_type="application/x-tar",
        headers=headers,
    )
