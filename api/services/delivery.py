"""Purchases and their delivery: a tar of the pool's contributions, streamed, resumable.

What a purchase delivers is fixed by the chain: the pool's contributions accepted at or before
the purchase's ``content_block`` that are still accepted now, with their keys intact. The plan
is read from the database up front; the stream then only touches IPFS, one verified chunk at a
time, so memory stays bounded whatever the pool's size. The tar is written by hand (headers from
:meth:`tarfile.TarInfo.tobuf`), so its exact length is known before the first byte and is sent
as ``Content-Length``: a stream aborted by a failed integrity check is visibly short, never
silently wrong. The same plan always yields the same bytes (fixed times, fixed order), so a
download can be resumed with an HTTP ``Range`` at any offset (:func:`archive_window`), and the
manifest's hash is the archive's ``ETag``.

Two forms (``DeliveryForm``):

* ``plaintext``: each contribution decrypted, as ``<contribution id><extension>``;
* ``ciphertext``: what a buyer can check against the chain without trusting this node. Each
  contribution is ``<contribution id><extension>.age``, its ciphertext exactly as stored (so
  ``ipfs add --cid-version=1 --only-hash`` of it prints the CID the chain holds), and
  ``<contribution id>.key``, its age identity (``age -d -i <id>.key <id>.csv.age``).

Files are named by contribution id and the extension of the member's file name, never by the
name itself (a village's or a person's name). ``manifest.json`` gives the purchase id, pool and
block, and per contribution its id, CID, plaintext size and SHA-256 (and in the ciphertext form
the ciphertext's size and the identity's file); the contributions the purchase's block held that
are no longer delivered are listed in ``left_out``, each with its reason and, where the indexer
saw it, the block of its revocation.

The indexer sees a revocation only once it is confirmed, so the plan is checked against the chain
at its head before anything is sent: every planned contribution the registry no longer holds as
accepted is left out at once (a revocation can only shrink a delivery).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import tarfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import PurePosixPath
from typing import Any

from eth_utils import to_checksum_address
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from api.chain import Chain
from api.errors import LumbungError, NotFoundError, VaultIntegrityError, VaultKeyErasedError
from api.models import CONTRIBUTION_STATUSES, Buyer, Contribution, Order, Pool, Purchase, VaultItem
from api.services import contributions, delivery_batches, vault
from api.services.keystore import ERASED
from ipfs.cid import parse_cid
from ipfs.interface import IpfsBackend

logger = logging.getLogger(__name__)

BLOCK = tarfile.BLOCKSIZE
ZERO_ORDER = "0x" + "00" * 32
# Entries carry a fixed time so the same purchase always yields the same archive.
ENTRY_MTIME = 0
ACCEPTED = CONTRIBUTION_STATUSES.index("accepted")
MANIFEST_VERSION = 2
MANIFEST_NAME = "manifest.json"
# An extension is kept only if it is short and plain: it must not carry a name of its own.
_EXTENSION = re.compile(r"\.[a-z0-9]{1,10}")
# Ciphertext sizes by CID: content-addressed, so a size never goes stale.
_CIPHERTEXT_SIZES_KEPT = 100_000


class DeliveryForm(StrEnum):
    """What a delivery carries for each contribution."""

    PLAINTEXT = "plaintext"
    CIPHERTEXT = "ciphertext"


class LeftOut(StrEnum):
    """Why a contribution the purchase's block held is not delivered."""

    REVOKED = "revoked"  # by its contributor, after the purchase's block
    OVERTURNED = "overturned"  # rejected by governance after it was accepted
    ERASED = "erased"  # revoked, and its key destroyed since
    NOT_HELD = "not-held"  # this node holds no upload of it by its contributor
    LEGACY_FORMAT = "legacy-format"  # vault format 1: only the plaintext form can carry it


class DeliveryAbortedError(RuntimeError):
    """A delivery stream stopped after its response began (the client sees a short body)."""


@dataclass(frozen=True)
class DeliveredFile:
    cid: str
    contribution_id: str
    extension: str
    size: int
    sha256: str
    key: vault.ItemKey
    # The ciphertext form only: the stored ciphertext's size and the age identity.
    ciphertext_size: int | None = None
    identity: str | None = None
    # The batch whose leaf it is (None: registered singly, or a leaf activated since).
    batch_id: int | None = None

    @property
    def path(self) -> str:
        name = f"{self.contribution_id}{self.extension}"
        return f"{name}.age" if self.identity is not None else name

    @property
    def identity_path(self) -> str:
        return f"{self.contribution_id}.key"

    @property
    def identity_file(self) -> bytes:
        return f"{self.identity}\n".encode()

    def describe(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "contribution_id": self.contribution_id,
            "cid": self.cid,
            "path": self.path,
            "size": self.size,
            "sha256": self.sha256,
        }
        if self.identity is not None:
            entry["ciphertext_size"] = self.ciphertext_size
            entry["identity_path"] = self.identity_path
        if self.batch_id is not None:
            entry["batch_id"] = self.batch_id
        return entry


@dataclass(frozen=True)
class LeftOutFile:
    contribution_id: str
    cid: str
    reason: LeftOut
    revoked_block: int | None
    batch_id: int | None = None

    def describe(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "contribution_id": self.contribution_id,
            "cid": self.cid,
            "reason": str(self.reason),
            "revoked_block": self.revoked_block,
        }
        if self.batch_id is not None:
            entry["batch_id"] = self.batch_id
        return entry


@dataclass(frozen=True)
class BatchManifest:
    """An accepted batch some delivered or left-out leaf came from: its manifest as pinned
    (the ciphertext form carries it, so a buyer rebuilds the batch's tree without this node)."""

    batch_id: int
    manifest_cid: str
    data: bytes | None = None

    @property
    def path(self) -> str:
        return f"batches/{self.batch_id}.json"

    def describe(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"batch_id": self.batch_id, "manifest_cid": self.manifest_cid}
        if self.data is not None:
            entry["path"] = self.path
        return entry


@dataclass(frozen=True)
class Segment:
    """A stretch of the archive: its length, and how to produce exactly that many bytes."""

    length: int
    pieces: Callable[[], Iterator[bytes]]


@dataclass(frozen=True)
class DeliveryPlan:
    purchase_id: int
    pool_id: int
    content_block: int
    license_cid: str | None
    files: tuple[DeliveredFile, ...]
    form: DeliveryForm = DeliveryForm.PLAINTEXT
    left_out: tuple[LeftOutFile, ...] = field(default=())
    batches: tuple[BatchManifest, ...] = field(default=())

    def manifest(self) -> bytes:
        return json.dumps(
            {
                "version": MANIFEST_VERSION,
                "form": str(self.form),
                "purchase_id": self.purchase_id,
                "pool_id": self.pool_id,
                "content_block": self.content_block,
                "license_cid": self.license_cid,
                "contributions": [f.describe() for f in self.files],
                "left_out": [f.describe() for f in self.left_out],
                "batches": [b.describe() for b in self.batches],
            },
            indent=2,
        ).encode()

    def etag(self) -> str:
        """A strong ETag: the manifest fixes every byte of the archive."""
        return '"' + hashlib.sha256(self.manifest()).hexdigest() + '"'

    def content_length(self) -> int:
        return sum(segment.length for segment in self.segments(None, None))

    def segments(self, ipfs: IpfsBackend | None, keys: vault.Vault | None) -> list[Segment]:
        """The archive as segments (``ipfs`` and ``keys`` are needed only to produce them)."""
        out = _entry(MANIFEST_NAME, _constant(self.manifest()))
        for item in self.files:
            if item.identity is None:
                produce = self._producing(item, _decrypted, ipfs, keys)
                out += _entry(item.path, Segment(item.size, produce))
                continue
            assert item.ciphertext_size is not None
            produce = self._producing(item, _stored, ipfs)
            out += _entry(item.path, Segment(item.ciphertext_size, produce))
            out += _entry(item.identity_path, _constant(item.identity_file))
        for batch in self.batches:
            if batch.data is not None:
                out += _entry(batch.path, _constant(batch.data))
        out.append(_zeros(2 * BLOCK))
        return out

    def _producing(
        self, item: DeliveredFile, produce: Callable[..., Iterator[bytes]], *args: Any
    ) -> Callable[[], Iterator[bytes]]:
        """``produce(*args, item)``, whose failure aborts the delivery naming the file."""

        def pieces() -> Iterator[bytes]:
            try:
                yield from produce(*args, item)
            except LumbungError as exc:
                logger.error(
                    "delivery of purchase %s aborted at %s: %s", self.purchase_id, item.cid, exc
                )
                raise DeliveryAbortedError(
                    f"delivery of purchase {self.purchase_id} aborted at {item.cid}: {exc}"
                ) from exc

        return pieces


def _padded(size: int) -> int:
    return -(-size // BLOCK) * BLOCK


def _header(name: str, size: int) -> bytes:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode, info.type = size, ENTRY_MTIME, 0o644, tarfile.REGTYPE
    return info.tobuf(format=tarfile.PAX_FORMAT, encoding="utf-8", errors="strict")


def _constant(data: bytes) -> Segment:
    return Segment(len(data), lambda: iter((data,)))


def _zeros(length: int) -> Segment:
    return _constant(bytes(length))


def _entry(name: str, content: Segment) -> list[Segment]:
    """A tar entry: its header, its content, and the padding to the next 512-byte block."""
    return [
        _constant(_header(name, content.length)),
        content,
        _zeros(_padded(content.length) - content.length),
    ]


def extension_of(filename: str) -> str:
    """The member's file name's extension, lower-cased, if plain (``.csv``), else none."""
    suffix = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    return suffix if _EXTENSION.fullmatch(suffix) else ""


def is_wallet_purchase(purchase: Purchase) -> bool:
    """Bought with ``purchase`` from a wallet (an off-chain settlement carries an order id)."""
    return int(purchase.order_id, 16) == 0


def owns(session: Session, purchase: Purchase, buyer: Buyer | None, wallet: str | None) -> bool:
    """Whether the caller (an API-key buyer or a signed-in wallet) made this purchase.

    A wallet owns what it bought with ``purchase``, not the off-chain settlements the settler's
    address sent on behalf of buyers; a buyer owns what was settled for its orders.
    """
    if buyer is not None:
        if is_wallet_purchase(purchase):
            return False
        if purchase.buyer_ref.lower() == buyer.buyer_ref.lower():
            return True
        order = session.scalar(
            select(Order.id).where(
                Order.buyer_id == buyer.id, Order.chain_order_id == purchase.order_id.lower()
            )
        )
        return order is not None
    if wallet is not None:
        return is_wallet_purchase(purchase) and to_checksum_address(purchase.buyer) == wallet
    return False


def get_purchase(
    session: Session, purchase_id: int, buyer: Buyer | None, wallet: str | None
) -> Purchase:
    """The caller's purchase; anyone else's is reported as missing, not as forbidden."""
    purchase = session.get(Purchase, purchase_id)
    if purchase is None or not owns(session, purchase, buyer, wallet):
        raise NotFoundError(f"purchase {purchase_id} is not one of yours (or is not indexed yet)")
    return purchase


def list_purchases(session: Session, buyer: Buyer | None, wallet: str | None) -> list[Purchase]:
    """The caller's purchases, newest first."""
    query = select(Purchase).order_by(Purchase.id.desc())
    if buyer is not None:
        orders = select(Order.chain_order_id).where(Order.buyer_id == buyer.id)
        query = query.where(
            Purchase.order_id != ZERO_ORDER,
            or_(Purchase.buyer_ref == buyer.buyer_ref.lower(), Purchase.order_id.in_(orders)),
        )
    elif wallet is not None:
        query = query.where(Purchase.buyer == wallet, Purchase.order_id == ZERO_ORDER)
    else:
        return []
    return list(session.scalars(query))


def accepted_at_head(chain: Chain, contribution_ids: Sequence[str]) -> set[str]:
    """Those of ``contribution_ids`` (0x keys) the registry holds as accepted at the chain's head.

    Read through the registry's multicall, all at one block (see
    ``RegistryFacade.contributions_at_head``). Raises :class:`~api.errors.ChainUnavailableError`
    when the RPC does not answer: a delivery is refused rather than risk sending a revoked
    contribution.
    """
    at_head = chain.registry.contributions_at_head([int(key, 16) for key in contribution_ids])
    return {
        key
        for key, contribution in zip(contribution_ids, at_head, strict=True)
        if contribution.status == ACCEPTED
    }


class _CiphertextSizes:
    """Ciphertext sizes by CID, measured once per process by reading the stored ciphertext (age
    adds random-length grease to its header, so a size cannot be computed from the plaintext's)."""

    def __init__(self, kept: int) -> None:
        self._kept = kept
        self._sizes: OrderedDict[str, int] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, ipfs: IpfsBackend, cid: str) -> int:
        with self._lock:
            if cid in self._sizes:
                self._sizes.move_to_end(cid)
                return self._sizes[cid]
        with contributions.storage_errors():
            size = sum(len(piece) for piece in ipfs.cat(parse_cid(cid)))
        with self._lock:
            self._sizes[cid] = size
            while len(self._sizes) > self._kept:
                self._sizes.popitem(last=False)
        return size


ciphertext_size = _CiphertextSizes(_CIPHERTEXT_SIZES_KEPT)


def _held_at_block(purchase: Purchase) -> Any:
    """The pool's contributions accepted at or before the purchase's block and not closed
    (revoked or overturned) by then: what the purchase's block held."""
    return (
        select(Contribution, VaultItem)
        .join(VaultItem, VaultItem.contribution_id == Contribution.id, isouter=True)
        .where(
            Contribution.pool_id == purchase.pool_id,
            Contribution.accepted_block <= purchase.content_block,
            or_(
                Contribution.status == "accepted",
                Contribution.closed_block > purchase.content_block,
            ),
        )
        .order_by(Contribution.accepted_block, Contribution.id)
    )


def _why_left_out(
    contribution: Contribution, item: VaultItem | None, at_head: bool
) -> LeftOut | None:
    if item is not None and item.erased_at is not None:
        return LeftOut.ERASED
    if contribution.status == "revoked" or (contribution.status == "accepted" and not at_head):
        return LeftOut.REVOKED
    if contribution.status != "accepted":
        return LeftOut.OVERTURNED
    if not contributions.is_deliverable(contribution, item):
        return LeftOut.NOT_HELD
    return None


def plan(
    session: Session,
    purchase: Purchase,
    chain: Chain,
    keys: vault.Vault,
    form: DeliveryForm = DeliveryForm.PLAINTEXT,
    ipfs: IpfsBackend | None = None,
) -> DeliveryPlan:
    """What ``purchase`` delivers now: read from the database in one go, less what the chain's
    head no longer holds as accepted (see :func:`accepted_at_head`). The ciphertext form reads
    each ciphertext's size from ``ipfs`` (once per process)."""
    rows = session.execute(_held_at_block(purchase)).all()
    still_accepted = accepted_at_head(chain, [c.id for c, _ in rows if c.status == "accepted"])
    files: list[DeliveredFile] = []
    left_out: list[LeftOutFile] = []
    for contribution, item in rows:
        reason = _why_left_out(contribution, item, contribution.id in still_accepted)
        _place(
            purchase,
            contribution.id,
            contribution.cid,
            item,
            reason,
            contribution.closed_block,
            None,
            keys,
            form,
            ipfs,
            files,
            left_out,
        )
    listed = {c.id for c, _ in rows}
    leaves = delivery_batches.held_leaves(session, purchase)
    earning_at_head = chain.registry.batches_accepted_at_head(
        sorted({leaf.batch_id for leaf in leaves if leaf.overturned_block is None})
    )
    batches: dict[int, str] = {}
    for leaf in leaves:
        batches[leaf.batch_id] = leaf.manifest_cid
        if leaf.contribution_id in listed:
            continue  # activated since, and listed by the single path
        listed.add(leaf.contribution_id)  # a twin leaf of another batch: listed once
        reason, closed = _why_leaf_left_out(leaf, leaf.batch_id in earning_at_head)
        _place(
            purchase,
            leaf.contribution_id,
            leaf.cid,
            leaf.item,
            reason,
            closed,
            leaf.batch_id,
            keys,
            form,
            ipfs,
            files,
            left_out,
        )
    manifests = tuple(
        BatchManifest(
            batch_id,
            cid,
            _manifest_bytes(ipfs, cid) if form is DeliveryForm.CIPHERTEXT and ipfs else None,
        )
        for batch_id, cid in sorted(batches.items())
    )
    pool = session.get(Pool, purchase.pool_id)
    return DeliveryPlan(
        purchase_id=purchase.id,
        pool_id=purchase.pool_id,
        content_block=purchase.content_block,
        license_cid=pool.license_cid if pool is not None else None,
        files=tuple(files),
        form=form,
        left_out=tuple(left_out),
        batches=manifests,
    )


def _place(
    purchase: Purchase,
    contribution_id: str,
    cid: str,
    item: VaultItem | None,
    reason: LeftOut | None,
    closed_block: int | None,
    batch_id: int | None,
    keys: vault.Vault,
    form: DeliveryForm,
    ipfs: IpfsBackend | None,
    files: list[DeliveredFile],
    left_out: list[LeftOutFile],
) -> None:
    """Adds one contribution the purchase's block held to the files, or to what is left out."""
    if reason is None and form is DeliveryForm.CIPHERTEXT:
        assert item is not None
        if item.format != vault.FORMAT_AGE:
            reason = LeftOut.LEGACY_FORMAT
    if reason is not None:
        logger.info(
            "purchase %s: contribution %s not delivered: %s", purchase.id, contribution_id, reason
        )
        left_out.append(LeftOutFile(contribution_id, cid, reason, closed_block, batch_id))
        return
    assert item is not None
    files.append(replace(_delivered(contribution_id, item, keys, form, ipfs), batch_id=batch_id))


def _why_leaf_left_out(
    leaf: delivery_batches.HeldLeaf, earning_at_head: bool
) -> tuple[LeftOut | None, int | None]:
    """Why a leaf the purchase's block held is not delivered, and the block it left at."""
    if leaf.item is not None and leaf.item.erased_at is not None:
        return LeftOut.ERASED, leaf.revoked_block or leaf.overturned_block
    if leaf.revoked_block is not None:
        return LeftOut.REVOKED, leaf.revoked_block
    if leaf.overturned_block is not None or not earning_at_head:
        return LeftOut.OVERTURNED, leaf.overturned_block
    if leaf.item is None or not leaf.cid:
        return LeftOut.NOT_HELD, None
    return None, None


def _manifest_bytes(ipfs: IpfsBackend, cid: str) -> bytes:
    """A batch manifest as pinned (the aggregator pins each one it submits)."""
    return b"".join(ipfs.cat(parse_cid(cid)))


def _delivered(
    contribution_id: str,
    item: VaultItem,
    keys: vault.Vault,
    form: DeliveryForm,
    ipfs: IpfsBackend | None,
) -> DeliveredFile:
    key = contributions.item_key(item)
    facts = keys.facts(key)
    delivered = DeliveredFile(
        cid=item.cid,
        contribution_id=contribution_id,
        extension=extension_of(facts.filename),
        size=item.size,
        sha256=facts.plaintext_sha256,
        key=key,
    )
    if form is DeliveryForm.PLAINTEXT:
        return delivered
    assert ipfs is not None, "the ciphertext form reads ciphertext sizes from IPFS"
    return replace(
        delivered,
        ciphertext_size=ciphertext_size(ipfs, item.cid),
        identity=keys.age_key(key).identity,
    )


def _decrypted(
    ipfs: IpfsBackend | None, keys: vault.Vault | None, item: DeliveredFile
) -> Iterator[bytes]:
    """The verified plaintext of one file; raises rather than yield a wrong byte count."""
    assert ipfs is not None and keys is not None
    digest = hashlib.sha256()
    delivered = 0
    with contributions.storage_errors():
        pieces = ipfs.cat(parse_cid(item.cid))
        for chunk in keys.open(pieces, item.key):
            delivered += len(chunk)
            if delivered > item.size:
                raise VaultIntegrityError(f"{item.cid} decrypts to more than {item.size} bytes")
            digest.update(chunk)
            yield chunk
    if delivered != item.size or digest.hexdigest() != item.sha256:
        raise VaultIntegrityError(f"{item.cid} does not decrypt to the recorded plaintext")


def _stored(ipfs: IpfsBackend | None, item: DeliveredFile) -> Iterator[bytes]:
    """The stored ciphertext, as IPFS verified it block by block; its length as planned."""
    assert ipfs is not None
    delivered = 0
    with contributions.storage_errors():
        for piece in ipfs.cat(parse_cid(item.cid)):
            delivered += len(piece)
            if delivered > (item.ciphertext_size or 0):
                raise VaultIntegrityError(f"{item.cid} is longer than planned")
            yield piece
    if delivered != item.ciphertext_size:
        raise VaultIntegrityError(f"{item.cid} is shorter than planned")


def archive_window(segments: Sequence[Segment], start: int, stop: int) -> Iterator[bytes]:
    """Bytes ``start`` to ``stop`` (exclusive) of the archive: segments before ``start`` are
    skipped unread, the one holding it is produced and cut."""
    offset = 0
    for segment in segments:
        end = offset + segment.length
        if end > start and offset < stop and segment.length:
            position = offset
            pieces = segment.pieces()
            for piece in pieces:
                low, high = max(start - position, 0), min(stop - position, len(piece))
                if low < high:
                    yield piece[low:high]
                position += len(piece)
                if position >= stop:
                    break
            close = getattr(pieces, "close", None)
            if close is not None:
                close()
        offset = end
        if offset >= stop:
            return


def stream_tar(
    ipfs: IpfsBackend,
    keys: vault.Vault,
    delivery: DeliveryPlan,
    start: int = 0,
    stop: int | None = None,
) -> Iterator[bytes]:
    """The archive (or bytes ``start`` to ``stop`` of it), piece by piece: ``manifest.json``,
    then each file, then the end marker.

    Once the response has started, a failure can only cut the stream short: it is logged and
    re-raised as :class:`DeliveryAbortedError`, which aborts the connection.
    """
    segments = delivery.segments(ipfs, keys)
    stop = sum(s.length for s in segments) if stop is None else stop
    yield from archive_window(segments, start, stop)
    logger.info(
        "delivered purchase %s (%s, bytes %d-%d): %d contributions",
        delivery.purchase_id,
        delivery.form,
        start,
        stop,
        len(delivery.files),
    )


def open_plaintext(
    session: Session, ipfs: IpfsBackend, keys: vault.Vault, contribution_id: str
) -> Iterator[bytes]:
    """One vault item's plaintext (for operators and tests): refused once its key is erased."""
    item = contributions.vault_item(session, contribution_id)
    if item is None:
        raise NotFoundError(f"no vault item for contribution {contribution_id}")
    if item.erased_at is not None:
        raise VaultKeyErasedError(ERASED)
    with contributions.storage_errors():
        yield from keys.open(ipfs.cat(parse_cid(item.cid)), contributions.item_key(item))
