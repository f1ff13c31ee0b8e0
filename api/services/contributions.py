"""Members' contributions: encrypted upload to IPFS, the calldata to register it, erasure.

The API never sends the registration itself: it returns the calldata of
``ContributionRegistry.submit(poolId, cid)`` and the member's wallet sends it, so the chain
records the member, not the API, as the contributor.
"""

from __future__ import annotations

import logging
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO

from eth_utils import to_checksum_address
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.chain import Chain
from api.errors import (
    ConflictError,
    ContractRevertError,
    ForbiddenError,
    NotFoundError,
    PayloadTooLargeError,
    StorageUnavailableError,
    ValidationError,
    VaultIntegrityError,
)
from api.models import Contribution, Member, Pool, VaultItem
from api.redaction import redact_text
from api.services import vault
from api.settings import Settings
from ipfs.cid import parse_cid
from ipfs.errors import CarFormatError, CorruptBlockError, DagFormatError, IpfsError
from ipfs.interface import IpfsBackend
from lumbung.protocol import CONTRIBUTION_ID_INPUT, contribution_id_hex

logger = logging.getLogger(__name__)

CID_VERSION = 1  # CIDv1 with raw leaves, which CidLib accepts (raw or dag-pb, sha2-256)
POOL_ID = re.compile(r"[0-9]{1,19}")
MAX_FILENAME = 200
_UNSAFE_FILENAME = re.compile(r"[^\w.\- ()+,=@]")


@dataclass(frozen=True)
class Uploaded:
    item: VaultItem
    registry: str
    calldata: str


@contextmanager
def storage_errors() -> Iterator[None]:
    """IPFS failures as domain errors: corrupt data is an integrity error, the rest is 503."""
    try:
        yield
    except (CorruptBlockError, CarFormatError, DagFormatError) as exc:
        raise VaultIntegrityError(f"stored data is corrupt: {exc}") from exc
    except IpfsError as exc:
        raise StorageUnavailableError(
            f"the IPFS store is unavailable: {redact_text(str(exc))}"
        ) from exc


def kek_of(settings: Settings) -> bytes:
    return vault.parse_kek(settings.kek.get_secret_value())


def parse_pool_id(text: str) -> int:
    text = text.strip()
    if not POOL_ID.fullmatch(text) or int(text) >= 2**63:
        raise ValidationError(f"pool_id must be a non-negative integer, not {text[:40]!r}")
    return int(text)


def normalise_contribution_id(text: str) -> str:
    """A contribution id as the tables key it: 0x and 64 lowercase hex digits."""
    if not CONTRIBUTION_ID_INPUT.fullmatch(text):
        raise ValidationError("a contribution id is 0x followed by 64 hex digits")
    return text.lower()


def safe_filename(name: str | None) -> str:
    """A file name safe inside a tar archive: no directories, no control characters."""
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = _UNSAFE_FILENAME.sub("_", name).strip(" .")
    return name[:MAX_FILENAME] or "data"


def check_can_contribute(session: Session, chain: Chain, pool_id: int, address: str) -> None:
    """The pool must exist and be open, and ``address`` must be an active member.

    The indexed tables answer when they already confirm it; otherwise the chain decides, so a
    lagging indexer never refuses a member who just joined or a pool just reopened.
    """
    pool = session.get(Pool, pool_id)
    if pool is None or not pool.open:
        try:
            is_open = chain.registry.pool(pool_id).open
        except ContractRevertError as exc:
            if exc.name == "ContributionRegistryUnknownPool":
                raise NotFoundError(f"pool {pool_id} does not exist") from exc
            raise
        if not is_open:
            raise ConflictError(f"pool {pool_id} is closed to new contributions")
    member = session.get(Member, address)
    if member is None or not member.active:
        if not chain.membership.is_member(address):
            raise ForbiddenError(
                f"{address} is not an active member of the cooperative; join before contributing"
            )


def store_upload(
    session: Session,
    chain: Chain,
    ipfs: IpfsBackend,
    settings: Settings,
    *,
    uploader: str,
    pool_id: int,
    filename: str | None,
    content_type: str | None,
    plaintext: BinaryIO,
    size_hint: int | None = None,
) -> Uploaded:
    """Encrypts ``plaintext``, stores the ciphertext on IPFS and records the vault item."""
    if size_hint is not None and size_hint > settings.max_upload_bytes:
        raise PayloadTooLargeError(
            f"the file has {size_hint} bytes; the limit is {settings.max_upload_bytes}"
        )
    check_can_contribute(session, chain, pool_id, uploader)
    context = vault.KeyContext(uploader, pool_id)
    with tempfile.TemporaryFile(prefix="lumbung-sealed-") as sealed_file:
        sealed = vault.encrypt_stream(plaintext, sealed_file, kek_of(settings), context)
        if sealed.size > settings.max_upload_bytes:
            raise PayloadTooLargeError(
                f"the file has {sealed.size} bytes; the limit is {settings.max_upload_bytes}"
            )
        sealed_file.seek(0)
        with storage_errors():
            cid = ipfs.add_stream(sealed_file, cid_version=CID_VERSION)
    contribution_id = contribution_id_hex(uploader, bytes(cid.raw_digest))
    item = VaultItem(
        cid=str(cid),
        contribution_id=contribution_id,
        uploader=uploader,
        pool_id=pool_id,
        filename=safe_filename(filename),
        content_type=(content_type or "application/octet-stream")[:255],
        size=sealed.size,
        plaintext_sha256=sealed.plaintext_sha256,
        chunk_size=sealed.chunk_size,
        wrapped_key=sealed.wrapped_key,
        created_at=datetime.now(UTC),
        erased_at=None,
    )
    session.add(item)
    session.flush()
    calldata = chain.registry.submit_calldata(pool_id, bytes(cid))
    logger.info("stored contribution %s (%d bytes)", item.cid, item.size)
    logger.debug("contribution %s uploaded by %s", item.cid, uploader)
    return Uploaded(item, chain.registry.address, calldata)


def vault_item(session: Session, contribution_id: str) -> VaultItem | None:
    return session.scalar(select(VaultItem).where(VaultItem.contribution_id == contribution_id))


def get_contribution(
    session: Session, contribution_id: str
) -> tuple[Contribution, VaultItem | None]:
    """The indexed contribution and, if it was uploaded here, its vault item."""
    key = normalise_contribution_id(contribution_id)
    contribution = session.get(Contribution, key)
    if contribution is None:
        raise NotFoundError(
            f"contribution {key} is not registered on chain (or not indexed yet)"
        )
    return contribution, vault_item(session, key)


def is_deliverable(contribution: Contribution, item: VaultItem | None) -> bool:
    """Accepted, its key intact, and registered by the member who uploaded it.

    The last condition keeps a wallet that copied someone else's CID into its own ``submit``
    from getting that upload delivered (or erased) as its contribution.
    """
    return (
        contribution.status == "accepted"
        and item is not None
        and item.wrapped_key is not None
        and item.erased_at is None
        and item.uploader == to_checksum_address(contribution.contributor)
    )


def erase(session: Session, ipfs: IpfsBackend, contribution_id: str, wallet: str) -> VaultItem:
    """Destroys a revoked contribution's data key, on its contributor's request."""
    contribution, item = get_contribution(session, contribution_id)
    contributor = to_checksum_address(contribution.contributor)
    if contributor != wallet:
        raise ForbiddenError(
            f"only the contributor {contributor} can erase contribution {contribution.id}"
        )
    if contribution.status != "revoked":
        raise ConflictError(
            f"contribution {contribution.id} is {contribution.status}: revoke it on chain "
            "(ContributionRegistry.revoke) before erasing it"
        )
    if item is None or item.uploader != wallet:
        raise NotFoundError(f"contribution {contribution.id} was not uploaded to this vault")
    if item.wrapped_key is None:
        return item  # already erased: erasing again changes nothing
    item.wrapped_key = None
    item.erased_at = datetime.now(UTC)
    session.flush()
    try:  # the key is gone already; unpinning only lets the store reclaim the space
        ipfs.unpin(parse_cid(item.cid))
    except IpfsError as exc:
        logger.warning(
            "erased %s but could not unpin its ciphertext: %s", item.cid, redact_text(str(exc))
        )
    logger.info("erased contribution %s (key destroyed)", contribution.id)
    return item
