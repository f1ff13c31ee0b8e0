"""Rotating the key-encryption key: every key re-wrapped under a new KEK, no ciphertext touched.

The KEK seals the key store's shards, and (format 1) wrapped the data keys kept in vault rows.
A rotation first moves every such row's key into the key store, in three steps that each
survive a crash and can be run again: the row is given a key id (committed), its data key is
copied into the key store under that id, and the row's wrapped copy is cleared (committed). It
then re-seals every shard under the new KEK. Afterwards the old KEK opens nothing this node
keeps, and the wrapped keys left in old database pages (SQLite's WAL, PostgreSQL's dead tuples
and ``pg_wal``, backups) need that retired KEK: destroy it, and they are noise.

Run it with the API, the indexer and the worker stopped; then set ``LUMBUNG_KEK`` to the new key.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.db import transaction
from api.models import VaultItem
from api.services import vault, vault_legacy
from api.services.contributions import item_key, storage_errors
from api.services.keystore import new_key_id
from ipfs.cid import parse_cid
from ipfs.interface import IpfsBackend

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rotation:
    moved: int  # format-1 keys moved from their rows into the key store
    resealed: int  # secrets in the key store, now sealed under the new KEK


def _wrapped_rows(session: Session) -> list[VaultItem]:
    return list(
        session.scalars(
            select(VaultItem)
            .where(VaultItem.wrapped_key.is_not(None))
            .order_by(VaultItem.cid)
        )
    )


def _header(ipfs: IpfsBackend, cid: str) -> bytes:
    """The first bytes of a format-1 ciphertext, which its wrapped key is bound to."""
    head = b""
    with storage_errors():
        for piece in ipfs.cat(parse_cid(cid)):
            head += piece
            if len(head) >= vault_legacy.HEADER_SIZE:
                break
    return head[: vault_legacy.HEADER_SIZE]


def rotate_kek(
    sessions: sessionmaker[Session], ipfs: IpfsBackend, keys: vault.Vault, new_kek: bytes
) -> Rotation:
    """Moves the format-1 keys into the key store, then re-seals it under ``new_kek``."""
    with transaction(sessions) as session:
        for item in _wrapped_rows(session):
            item.key_id = item.key_id or new_key_id()
    moved = 0
    with transaction(sessions) as session:
        for item in _wrapped_rows(session):
            keys.adopt_legacy(item_key(item), _header(ipfs, item.cid))
            item.wrapped_key = None
            moved += 1
    resealed = keys.rotate_kek(new_kek)
    logger.info("KEK rotated: %d format-1 keys moved, %d keys re-sealed", moved, resealed)
    return Rotation(moved, resealed)
