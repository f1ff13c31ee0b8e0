"""Members' contributions: encrypted upload to IPFS, the calldata to register it, erasure.

Erasure is the uploader's at any time for an upload the chain does not hold as pending or
accepted: never registered, rejected or revoked. (Its id binds the uploader, so another wallet
registering the same CID makes a contribution of its own, which :func:`is_deliverable` never
delivers.) An accepted or pending contribution is revoked on chain first, so the chain never
lists as on sale something the vault no longer has.

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
from api.services import metadata, vault, vault_legacy
from api.services.keystore import KeyStore
from api.settings import Settings
from ipfs.cid import parse_cid
from ipfs.errors import CarFormatError, CorruptBlockError, DagFormatError, IpfsError
from ipfs.interface import IpfsBackend
from lumbung.protocol import CONTRIBUTION_ID_INPUT, ContributionStatus, contribution_id_hex

logger = logging.getLogger(__name__)

CID_VERSION = 1  # CIDv1 with raw leaves, which CidLib accepts (raw or dag-pb, sha2-256)
POOL_ID = re.compile(r"[0-9]{1,19}")
MAX_FILENAME = 200
_UNSAFE_FILENAME = re.compile(r"[^\w.\- ()+,=@]")


# What the chain may say of an upload that its uploader can still erase at once.
ERASABLE_STATUSES = frozenset(
    {ContributionStatus.NONE, ContributionStatus.REJECTED, ContributionStatus.REVOKED}
)


@dataclass(frozen=True)
class Uploaded:
    item: VaultItem
    plaintext_sha256: str
    registry: str
    calldata: str
    metadata: metadata.Stripped


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


def vault_of(settings: Settings) -> vault.Vault:
    """The vault under the configured KEK and key store."""
    kek = vault.parse_kek(settings.kek.get_secret_value())
    return vault.Vault(kek, KeyStore(settings.keystore_dir, kek))


def item_key(item: VaultItem) -> vault.ItemKey:
    return vault.ItemKey(
        format=item.format,
        key_id=item.key_id,
        wrapped_key=item.wrapped_key,
        context=vault_legacy.KeyContext(item.uploader, item.pool_id),
        recorded=vault.FileFacts(item.filename, item.content_type, item.plaintext_sha256),
    )


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
    keep_metadata: bool = False,
) -> Uploaded:
    """Strips ``plaintext``'s location, device and author metadata (unless the member keeps
    them; see api.services.metadata), encrypts it, stores the ciphertext on IPFS and records the
    vault item."""
    if size_hint is not None and size_hint > settings.max_upload_bytes:
        raise PayloadTooLargeError(
            f"the file has {size_hint} bytes; the limit is {settings.max_upload_bytes}"
        )
    check_can_contribute(session, chain, pool_id, uploader)
    keys = vault_of(settings)
    try:
        stripped = metadata.strip(plaintext, keep=keep_metadata)
    except metadata.MetadataError as exc:
        raise ValidationError(f"{exc}; upload it again, or keep its metadata") from exc
    with tempfile.TemporaryFile(prefix="lumbung-sealed-") as sealed_file:
        sealed = keys.seal(
            stripped.data,
            sealed_file,
            safe_filename(filename),
            (content_type or "application/octet-stream")[:255],
        )
        try:
            if sealed.size > settings.max_upload_bytes:
                raise PayloadTooLargeError(
                    f"the file has {sealed.size} bytes; the limit is {settings.max_upload_bytes}"
                )
            sealed_file.seek(0)
            with storage_errors():
                cid = ipfs.add_stream(sealed_file, cid_version=CID_VERSION)
            item = _record(session, sealed, str(cid), uploader, pool_id)
        except BaseException:
            keys.keystore.destroy(sealed.key_id)  # an upload not recorded keeps no key
            raise
    calldata = chain.registry.submit_calldata(pool_id, bytes(cid))
    logger.info("stored contribution %s (%d bytes)", item.cid, item.size)
    logger.debug("contribution %s uploaded by %s", item.cid, uploader)
    return Uploaded(item, sealed.plaintext_sha256, chain.registry.address, calldata, stripped)


def _record(
    session: Session, sealed: vault.Sealed, cid: str, uploader: str, pool_id: int
) -> VaultItem:
    item = VaultItem(
        cid=cid,
        contribution_id=contribution_id_hex(uploader, bytes(parse_cid(cid).raw_digest)),
        uploader=uploader,
        pool_id=pool_id,
        format=vault.FORMAT_AGE,
        filename="",  # kept in the key store (format 2), see api.services.vault
        content_type="",
        size=sealed.size,
        plaintext_sha256="",
        chunk_size=vault.AGE_CHUNK_SIZE,
        key_id=sealed.key_id,
        wrapped_key=None,
        created_at=datetime.now(UTC),
        erased_at=None,
    )
    session.add(item)
    session.flush()
    return item


def vault_item(session: Session, contribution_id: str) -> VaultItem | None:
    return session.scalar(select(VaultItem).where(VaultItem.contribution_id == contribution_id))


def get_contribution(
    session: Session, contribution_id: str
) -> tuple[Contribution, VaultItem | None]:
    """The indexed contribution and, if it was uploaded here, its vault item."""
    key = normalise_contribution_id(contribution_id)
    contribution = session.get(Contribution, key)
    if contribution is None:
        raise NotFoundError(f"contribution {key} is not registered on chain (or not indexed yet)")
    return contribution, vault_item(session, key)


def is_deliverable(contribution: Contribution, item: VaultItem | None) -> bool:
    """Accepted, its key intact, and registered by the member who uploaded it.

    The last condition keeps a wallet that copied someone else's CID into its own ``submit``
    from getting that upload delivered (or erased) as its contribution.
    """
    return (
        contribution.status == "accepted"
        and item is not None
        and item.erased_at is None
        and item.uploader == to_checksum_address(contribution.contributor)
    )


def erase(
    session: Session,
    chain: Chain,
    ipfs: IpfsBackend,
    keys: vault.Vault,
    contribution_id: str,
    wallet: str,
) -> VaultItem:
    """Erases an upload on its uploader's request: destroys its key in the key store, clears
    what the row says of the file, and deletes the ciphertext's blocks.

    The chain decides whether it may go now (see the module's docstring), not the indexer,
    which may lag. Erasing again finishes what a crash left undone and changes nothing else.
    """
    key = normalise_contribution_id(contribution_id)
    item = vault_item(session, key)
    if item is None:
        raise NotFoundError(f"contribution {key} was not uploaded to this vault")
    if item.uploader != wallet:
        raise ForbiddenError(f"only the uploader {item.uploader} can erase contribution {key}")
    status = ContributionStatus(chain.registry.contribution(int(key, 16)).status)
    if status not in ERASABLE_STATUSES:
        raise ConflictError(
            f"contribution {key} is {status.label}: revoke it on chain "
            "(ContributionRegistry.revoke) before erasing it"
        )
    keys.destroy(item_key(item))
    item.key_id = None
    item.wrapped_key = None
    item.filename = item.content_type = item.plaintext_sha256 = ""
    item.size = 0
    item.erased_at = item.erased_at or datetime.now(UTC)
    session.flush()
    try:  # the key is gone already; deleting the blocks takes the ciphertext off this node
        ipfs.remove(parse_cid(item.cid))
    except IpfsError as exc:
        logger.warning(
            "erased %s but could not delete its blocks: %s", item.cid, redact_text(str(exc))
        )
    logger.info("erased contribution %s (key destroyed, blocks deleted)", key)
    return item
