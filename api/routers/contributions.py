"""Members' contributions: encrypted upload, reading one, erasing one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from api.deps import RATE_LIMITED, ChainDep, IpfsDep, SessionDep, SettingsDep, rate_limit
from api.deps_auth import CurrentWallet, OptionalWallet
from api.errors import ValidationError
from api.schemas.contributions import ContributionDetail, ContributionUploaded, Erased
from api.services import contributions
from lumbung.protocol import CONTRIBUTION_ID_PATTERN

router = APIRouter(prefix="/contributions", tags=["contributions"])

# Room for the multipart boundaries, part headers and the pool_id field around the file.
MULTIPART_OVERHEAD = 64 * 1024

ContributionId = Annotated[
    str, Path(pattern=CONTRIBUTION_ID_PATTERN.replace("a-f", "a-fA-F"), description="0x hex")
]

_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "pool_id"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "pool_id": {"type": "integer", "minimum": 0},
                        "keep_metadata": {
                            "type": "boolean",
                            "description": "keep the file's location, device and author "
                            "metadata (default: removed before encryption)",
                        },
                    },
                }
            }
        },
    }
}


@router.post(
    "",
    status_code=201,
    response_model=ContributionUploaded,
    openapi_extra=_UPLOAD_BODY,
    dependencies=[rate_limit("upload")],
    responses={
        413: {"description": "the file is larger than LUMBUNG_MAX_UPLOAD_BYTES"},
        **RATE_LIMITED,
    },
)
async def upload(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    chain: ChainDep,
    ipfs: IpfsDep,
    wallet: CurrentWallet,
) -> ContributionUploaded:
    """Encrypts the file, stores the ciphertext on IPFS and returns the calldata to register it.

    The body streams to a temporary file; the request guard (``api.request_guard``) refuses it
    with 413 as soon as it passes LUMBUNG_MAX_UPLOAD_BYTES plus the multipart overhead. The
    member's wallet then sends ``calldata`` to ``registry``.
    """
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise ValidationError("send the file as multipart/form-data with fields file and pool_id")
    parser = MultiPartParser(
        request.headers, request.stream(), max_files=1, max_fields=4, max_part_size=1024
    )
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise ValidationError(f"malformed multipart body: {exc.message}") from exc
    try:
        file, pool_text = form.get("file"), form.get("pool_id")
        keep_text = form.get("keep_metadata", "false")
        if not isinstance(file, UploadFile):
            raise ValidationError("the multipart field 'file' (a file) is missing")
        if not isinstance(pool_text, str):
            raise ValidationError("the multipart field 'pool_id' is missing")
        pool_id = contributions.parse_pool_id(pool_text)
        if not isinstance(keep_text, str) or keep_text.lower() not in ("true", "false", "1", "0"):
            raise ValidationError("the multipart field 'keep_metadata' is true or false")
        uploaded = await run_in_threadpool(
            contributions.store_upload,
            session,
            chain,
            ipfs,
            settings,
            uploader=wallet,
            pool_id=pool_id,
            filename=file.filename,
            content_type=file.content_type,
            plaintext=file.file,
            size_hint=file.size,
            keep_metadata=keep_text.lower() in ("true", "1"),
        )
    finally:
        await form.close()
    return ContributionUploaded.from_model(
        uploaded.item,
        uploaded.plaintext_sha256,
        uploaded.registry,
        uploaded.calldata,
        uploaded.metadata,
    )


@router.get("/{contribution_id}", response_model=ContributionDetail)
def get(
    contribution_id: ContributionId,
    session: SessionDep,
    settings: SettingsDep,
    wallet: OptionalWallet,
) -> ContributionDetail:
    """A registered contribution; its uploader also sees the file's name until it is erased."""
    contribution, item = contributions.get_contribution(session, contribution_id)
    erased = item is not None and item.erased_at is not None
    filename = None
    if item is not None and not erased and wallet == item.uploader:
        keys = contributions.vault_of(settings)
        filename = keys.facts(contributions.item_key(item)).filename
    return ContributionDetail.from_model(contribution, erased, filename=filename)


@router.post("/{contribution_id}/erase", response_model=Erased)
def erase(
    contribution_id: ContributionId,
    session: SessionDep,
    settings: SettingsDep,
    chain: ChainDep,
    ipfs: IpfsDep,
    wallet: CurrentWallet,
) -> Erased:
    """Erases the caller's upload: never registered, rejected, revoked, or registered by
    another wallet. Its key is destroyed and its blocks deleted: no one can decrypt it from now
    on (docs/erasure.md). An accepted or pending contribution is revoked on chain first (409)."""
    contributions.erase(
        session, chain, ipfs, contributions.vault_of(settings), contribution_id, wallet
    )
    return Erased()
