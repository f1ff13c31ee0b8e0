"""The vault's first format (1): a hand-written chunked AES-256-GCM stream, read, not written.

Rows written before the age format (:mod:`api.services.vault`) hold it. Format of a stored
ciphertext (all integers big-endian)::

    header  = MAGIC "LBV" | version u8 | chunk_size u32 | nonce_prefix 8 bytes     (16 bytes)
    chunk_i = AES-256-GCM(data_key, nonce = nonce_prefix | i u32,
                          aad = header | i u32 | final u8, plaintext chunk_i)

Every chunk but the last holds exactly ``chunk_size`` plaintext bytes; the last one (possibly
empty) carries ``final = 1``. Binding the index and the final flag into each chunk's tag means a
reordered, dropped, duplicated or truncated chunk fails authentication, so decryption streams
chunk by chunk with bounded memory and still refuses anything but the exact stored plaintext.

The data key (256 random bits per contribution) was wrapped with the key-encryption key by
AES-256-GCM whose associated data binds it to this ciphertext's header (its random nonce
prefix) and its uploader and pool, and the wrapped key was stored in the vault row. A wrapped
key in a database row outlives its erasure in old pages, so ``lumbung vault rotate-kek`` moves
each one into the key store (:mod:`api.services.keystore`) and retires the KEK that wrapped it.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from api.errors import VaultIntegrityError

DataKey = Callable[[bytes], bytes]

MAGIC = b"LBV"
VERSION = 1
DEFAULT_CHUNK_SIZE = 1024 * 1024
MAX_CHUNK_SIZE = 16 * 1024 * 1024
TAG_SIZE = 16
NONCE_PREFIX_SIZE = 8
HEADER = struct.Struct(">3sBI8s")
HEADER_SIZE = HEADER.size
KEY_SIZE = 32
WRAP_VERSION = 1
WRAP_NONCE_SIZE = 12
WRAPPED_KEY_SIZE = 1 + WRAP_NONCE_SIZE + KEY_SIZE + TAG_SIZE
_WRAP_LABEL = b"lumbung/vault-key/v1"


@dataclass(frozen=True)
class Header:
    chunk_size: int
    nonce_prefix: bytes

    def pack(self) -> bytes:
        return HEADER.pack(MAGIC, VERSION, self.chunk_size, self.nonce_prefix)

    @classmethod
    def unpack(cls, data: bytes) -> Header:
        if len(data) < HEADER_SIZE:
            raise VaultIntegrityError("the ciphertext is shorter than its header")
        magic, version, chunk_size, prefix = HEADER.unpack(data[:HEADER_SIZE])
        if magic != MAGIC or version != VERSION:
            raise VaultIntegrityError("not a Lumbung vault ciphertext (bad magic or version)")
        if not 0 < chunk_size <= MAX_CHUNK_SIZE:
            raise VaultIntegrityError(f"implausible chunk size {chunk_size}")
        return cls(chunk_size, prefix)


@dataclass(frozen=True)
class KeyContext:
    """What a wrapped key is bound to besides the ciphertext header."""

    uploader: str
    pool_id: int

    def aad(self, header: bytes) -> bytes:
        return b"|".join(
            (_WRAP_LABEL, self.uploader.lower().encode(), str(self.pool_id).encode(), header)
        )


def unwrap_key(kek: bytes, wrapped: bytes, context: KeyContext, header: bytes) -> bytes:
    """The data key wrapped under ``kek`` for the ciphertext whose header is ``header``."""
    if len(wrapped) != WRAPPED_KEY_SIZE or wrapped[0] != WRAP_VERSION:
        raise VaultIntegrityError("the wrapped key is malformed")
    nonce, sealed = wrapped[1 : 1 + WRAP_NONCE_SIZE], wrapped[1 + WRAP_NONCE_SIZE :]
    try:
        return AESGCM(kek).decrypt(nonce, sealed, context.aad(header))
    except InvalidTag as exc:
        raise VaultIntegrityError(
            "the data key does not unwrap: wrong key-encryption key or a key of another item"
        ) from exc


def _nonce(prefix: bytes, index: int) -> bytes:
    if index >= 2**32:
        raise ValueError("too many chunks for one contribution")
    return prefix + struct.pack(">I", index)


def _aad(header: bytes, index: int, final: bool) -> bytes:
    return header + struct.pack(">IB", index, 1 if final else 0)


def decrypt(pieces: Iterable[bytes], data_key: DataKey) -> Iterator[bytes]:
    """Decrypts a format-1 ciphertext read in pieces of any size; yields verified plaintext chunks.

    ``data_key`` maps the ciphertext's header to its data key (unwrapping it, or reading it from
    the key store).

    Raises :class:`VaultIntegrityError` at the first chunk that fails authentication, or if the
    ciphertext ends early or carries anything after its final chunk: nothing unverified is
    ever yielded.
    """
    buffer = bytearray()
    source = iter(pieces)
    exhausted = False

    def fill(minimum: int) -> None:
        nonlocal exhausted
        while len(buffer) < minimum and not exhausted:
            piece = next(source, None)
            if piece is None:
                exhausted = True
            else:
                buffer.extend(piece)

    fill(HEADER_SIZE)
    header_bytes = bytes(buffer[:HEADER_SIZE])
    header = Header.unpack(header_bytes)
    del buffer[:HEADER_SIZE]
    aead = AESGCM(data_key(header_bytes))
    sealed_size = header.chunk_size + TAG_SIZE
    index = 0
    while True:
        # One byte beyond a full chunk tells whether this chunk is the last one.
        fill(sealed_size + 1)
        final = len(buffer) <= sealed_size
        if min(len(buffer), sealed_size) < TAG_SIZE:
            raise VaultIntegrityError(f"the ciphertext is truncated at chunk {index}")
        try:
            with memoryview(buffer) as view:  # decrypt in place of a copy of the chunk
                chunk = aead.decrypt(
                    _nonce(header.nonce_prefix, index),
                    view[:sealed_size],
                    _aad(header_bytes, index, final),
                )
        except InvalidTag as exc:
            raise VaultIntegrityError(
                f"chunk {index} failed authentication: the ciphertext was altered or truncated"
            ) from exc
        del buffer[:sealed_size]
        if chunk:
            yield chunk
        if final:
            return
        index += 1

