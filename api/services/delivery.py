"""Purchases and their delivery: a tar of the pool's decrypted contributions, streamed.

What a purchase delivers is fixed by the chain: the pool's contributions accepted at or before
the purchase's ``content_block`` that are still accepted now, with their keys intact (revoked
and erased ones are left out). The plan is read from the database up front; the stream then
only touches IPFS, one verified chunk at a time, so memory stays bounded whatever the pool's
size. The tar is written by hand (headers from :meth:`tarfile.TarInfo.tobuf`), so its exact
length is known before the first byte and is sent as ``Content-Length``: a stream aborted by a
failed integrity check is visibly short, never silently wrong.

The indexer sees a revocation only once it is confirmed, so the plan is checked against the chain
at its head before anything is sent: every planned contribution the registry no longer holds as
accepted is left out at once (a revocation can only shrink a delivery).
"""

from __future__ import annotations

import hashlib
import json
import logging
import tarfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from eth_utils import to_checksum_address
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from api.chain import Chain
from api.errors import LumbungError, NotFoundError, VaultIntegrityError, VaultKeyErasedError
from api.models import CONTRIBUTION_STATUSES, Buyer, Contribution, Order, Pool, Purchase, VaultItem
from api.services import contributions, vault
from api.services.keystore import ERASED
from ipfs.cid import parse_cid
from ipfs.interface import IpfsBackend

logger = logging.getLogger(__name__)

BLOCK = tarfile.BLOCKSIZE
ZERO_ORDER = "0x" + "00" * 32
# Entries carry a fixed time so the same purchase always yields the same archive.
ENTRY_MTIME = 0
ACCEPTED = CONTRIBUTION_STATUSES.index("accepted")


class DeliveryAbortedError(RuntimeError):
    """A delivery stream stopped after its response began (the client sees a short body)."""


@dataclass(frozen=True)
class DeliveredFile:
    cid: str
    contribution_id: str
    filename: str
    size: int
    sha256: str
    key: vault.ItemKey

    @property
    def path(self) -> str:
        return f"{self.cid}/{self.filename}"


@dataclass(frozen=True)
class DeliveryPlan:
    purchase_id: int
    pool_id: int
    content_block: int
    license_cid: str | None
    files: tuple[DeliveredFile, ...]

    def manifest(self) -> bytes:
        return json.dumps(
            {
                "purchase_id": self.purchase_id,
                "pool_id": self.pool_id,
                "content_block": self.content_block,
                "license_cid": self.license_cid,
                "contributions": [
                    {
                        "cid": f.cid,
                        "contribution_id": f.contribution_id,
                        "filename": f.filename,
                        "size": f.size,
                        "sha256": f.sha256,
                    }
                    for f in self.files
                ],
            },
            indent=2,
        ).encode()

    def content_length(self) -> int:
        total = len(_header("manifest.json", len(self.manifest()))) + _padded(
            len(self.manifest())
        )
        for f in self.files:
            total += len(_header(f.path, f.size)) + _padded(f.size)
        return total + 2 * BLOCK


def _padded(size: int) -> int:
    return -(-size // BLOCK) * BLOCK


def _header(name: str, size: int) -> bytes:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode, info.type = size, ENTRY_MTIME, 0o644, tarfile.REGTYPE
    return info.tobuf(format=tarfile.PAX_FORMAT, encoding="utf-8", errors="strict")


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
        raise NotFoundError(
            f"purchase {purchase_id} is not one of yours (or is not indexed yet)"
        )
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


def plan(
    session: Session, purchase: Purchase, chain: Chain, keys: vault.Vault
) -> DeliveryPlan:
    """What ``purchase`` delivers now: read from the database in one go, less what the chain's
    head no longer holds as accepted (see :func:`accepted_at_head`)."""
    rows = session.execute(
        select(Contribution, VaultItem)
        .join(VaultItem, VaultItem.contribution_id == Contribution.id, isouter=True)
        .where(
            Contribution.pool_id == purchase.pool_id,
            Contribution.status == "accepted",
            Contribution.accepted_block <= purchase.content_block,
        )
        .order_by(Contribution.accepted_block, Contribution.id)
    ).all()
    still_accepted = accepted_at_head(chain, [contribution.id for contribution, _ in rows])
    files: list[DeliveredFile] = []
    for contribution, item in rows:
        if contribution.id not in still_accepted:
            logger.info(
                "purchase %s: contribution %s is no longer accepted on chain; not delivered",
                purchase.id, contribution.id,
            )
            continue
        if not contributions.is_deliverable(contribution, item):
            if item is None:
                logger.warning(
                    "purchase %s: contribution %s has no vault item; not delivered",
                    purchase.id, contribution.id,
                )
            continue
        assert item is not None
        key = contributions.item_key(item)
        facts = keys.facts(key)
        files.append(
            DeliveredFile(
                cid=item.cid,
                contribution_id=contribution.id,
                filename=facts.filename,
                size=item.size,
                sha256=facts.plaintext_sha256,
                key=key,
            )
        )
    pool = session.get(Pool, purchase.pool_id)
    return DeliveryPlan(
        purchase_id=purchase.id,
        pool_id=purchase.pool_id,
        content_block=purchase.content_block,
        license_cid=pool.license_cid if pool is not None else None,
        files=tuple(files),
    )


def _decrypted(ipfs: IpfsBackend, keys: vault.Vault, item: DeliveredFile) -> Iterator[bytes]:
    """The verified plaintext of one file; raises rather than yield a wrong byte count."""
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


def stream_tar(ipfs: IpfsBackend, keys: vault.Vault, delivery: DeliveryPlan) -> Iterator[bytes]:
    """The archive, piece by piece: ``manifest.json``, then each file, then the end marker.

    Once the response has started, a failure can only cut the stream short: it is logged and
    re-raised as :class:`DeliveryAbortedError`, which aborts the connection.
    """
    manifest = delivery.manifest()
    yield _header("manifest.json", len(manifest)) + manifest
    yield bytes(_padded(len(manifest)) - len(manifest))
    for item in delivery.files:
        yield _header(item.path, item.size)
        try:
            yield from _decrypted(ipfs, keys, item)
        except LumbungError as exc:
            logger.error(
                "delivery of purchase %s aborted at %s: %s", delivery.purchase_id, item.cid, exc
            )
            raise DeliveryAbortedError(
                f"delivery of purchase {delivery.purchase_id} aborted at {item.cid}: {exc}"
            ) from exc
        yield bytes(_padded(item.size) - item.size)
    yield bytes(2 * BLOCK)
    logger.info(
        "delivered purchase %s: %d contributions", delivery.purchase_id, len(delivery.files)
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
