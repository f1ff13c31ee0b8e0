"""Writes the vault's first format (:mod:`api.services.vault_legacy`), as rows made before the
age format hold it: the API no longer writes it, the compatibility and erasure tests do."""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from api.models import VaultItem
from api.services import vault_legacy
from api.services.vault_legacy import Header, KeyContext
from ipfs.interface import IpfsBackend
from lumbung.protocol import contribution_id_hex


@dataclass(frozen=True)
class LegacySealed:
    ciphertext: bytes
    wrapped_key: bytes
    plaintext_sha256: str


def wrap_key(kek: bytes, data_key: bytes, context: KeyContext, header: bytes) -> bytes:
    nonce = os.urandom(vault_legacy.WRAP_NONCE_SIZE)
    sealed = AESGCM(kek).encrypt(nonce, data_key, context.aad(header))
    return bytes([vault_legacy.WRAP_VERSION]) + nonce + sealed


def seal_legacy(
    plaintext: bytes, kek: bytes, context: KeyContext, chunk_size: int = 1024
) -> LegacySealed:
    """``plaintext`` in format 1, its data key wrapped under ``kek``."""
    data_key = AESGCM.generate_key(bit_length=256)
    aead = AESGCM(data_key)
    header = Header(chunk_size, os.urandom(vault_legacy.NONCE_PREFIX_SIZE)).pack()
    chunks = [plaintext[i : i + chunk_size] for i in range(0, len(plaintext), chunk_size)]
    if not chunks or len(chunks[-1]) == chunk_size:
        chunks.append(b"")
    out = io.BytesIO()
    out.write(header)
    for index, chunk in enumerate(chunks):
        final = index == len(chunks) - 1
        nonce = vault_legacy._nonce(header[-vault_legacy.NONCE_PREFIX_SIZE :], index)
        out.write(aead.encrypt(nonce, chunk, vault_legacy._aad(header, index, final)))
    return LegacySealed(
        out.getvalue(),
        wrap_key(kek, data_key, context, header),
        hashlib.sha256(plaintext).hexdigest(),
    )


def legacy_item(
    ipfs: IpfsBackend, kek: bytes, uploader: str, pool_id: int, plaintext: bytes
) -> tuple[VaultItem, bytes]:
    """A format-1 vault row, its ciphertext stored in ``ipfs``; and the ciphertext."""
    sealed = seal_legacy(plaintext, kek, KeyContext(uploader, pool_id))
    cid = ipfs.add_bytes(sealed.ciphertext, cid_version=1)
    item = VaultItem(
        cid=str(cid),
        contribution_id=contribution_id_hex(uploader, bytes(cid.raw_digest)),
        uploader=uploader,
        pool_id=pool_id,
        format=vault_legacy.VERSION,
        filename="old.txt",
        content_type="text/plain",
        size=len(plaintext),
        plaintext_sha256=sealed.plaintext_sha256,
        chunk_size=1024,
        key_id=None,
        wrapped_key=sealed.wrapped_key,
        created_at=datetime.now(UTC),
    )
    return item, sealed.ciphertext
