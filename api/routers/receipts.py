"""A member's consent receipts (JSON-LD) and their export: everything the cooperative holds
about them, in one archive (see docs/receipts.md and docs/exit.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, StreamingResponse

from api.deps import ChainDep, IpfsDep, SessionDep, SettingsDep
from api.deps_auth import CurrentWallet
from api.errors import ForbiddenError
from api.routers.contributions import ContributionId
from api.schemas.receipts import ReceiptPage
from api.services import export, receipts
from api.services.contributions import vault_of
from api.services.members import parse_address

router = APIRouter(tags=["receipts"])
MAX_PAGE = 200


class LdJsonResponse(JSONResponse):
    media_type = "application/ld+json"


def _own(address: str, wallet: str) -> str:
    if parse_address(address) != wallet:
        raise ForbiddenError("a member reads only their own receipts and export")
    return wallet


@router.get(
    "/members/{address}/receipts", response_model=ReceiptPage, response_class=LdJsonResponse
)
def member_receipts(
    address: str,
    session: SessionDep,
    chain: ChainDep,
    wallet: CurrentWallet,
    offset: Annotated[int, Query(ge=0, le=2**31)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
) -> LdJsonResponse:
    """The signed-in member's consent receipts, newest first, paged: every consent,
    registration, revocation, erasure, opening for review and sale of their contributions, as
    ISO/IEC TS 27560 records in DPV terms (JSON-LD), each with a summary in English and
    Indonesian. 403 for another member's address."""
    member = _own(address, wallet)
    found = receipts.member_receipts(session, chain, member)
    page = ReceiptPage.of(
        member, found, chain.chain_id, receipts.data_controller(chain), offset, limit
    )
    return LdJsonResponse(page.model_dump(mode="json", by_alias=True))


@router.get(
    "/contributions/{contribution_id}/receipts",
    response_model=ReceiptPage,
    response_class=LdJsonResponse,
)
def contribution_receipts(
    contribution_id: ContributionId, session: SessionDep, chain: ChainDep, wallet: CurrentWallet
) -> LdJsonResponse:
    """One contribution's receipts, newest first, for its owner (uploader or registrant);
    403 for anyone else, 404 for a contribution neither uploaded here nor registered."""
    found = receipts.contribution_receipts(session, chain, contribution_id, wallet)
    page = ReceiptPage.of(wallet, found, chain.chain_id, receipts.data_controller(chain))
    return LdJsonResponse(page.model_dump(mode="json", by_alias=True))


@router.get(
    "/members/{address}/export",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-tar": {}}, "description": "a tar archive"}},
)
def member_export(
    address: str,
    session: SessionDep,
    settings: SettingsDep,
    chain: ChainDep,
    ipfs: IpfsDep,
    wallet: CurrentWallet,
) -> StreamingResponse:
    """Everything the cooperative holds about the signed-in member, as one tar stream: their
    contributions decrypted (not erased ones), receipts, earnings, votes, consents and reviews,
    and a README.txt in English and Indonesian. 403 for another member's address."""
    member = _own(address, wallet)
    keys = vault_of(settings)
    now = datetime.now(UTC).replace(microsecond=0)
    plan = export.plan(session, chain, keys, member, now.isoformat())
    stamp = now.strftime("%Y%m%d")
    return StreamingResponse(
        export.stream(ipfs, keys, plan),
        media_type="application/x-tar",
        headers={
            "Content-Length": str(plan.content_length()),
            "Content-Disposition": f'attachment; filename="lumbung-export-{member}-{stamp}.tar"',
            "Cache-Control": "no-store",
        },
    )


