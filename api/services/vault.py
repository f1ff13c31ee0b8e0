"""The vault: contributions encrypted at rest, each to its own key, erasable by destroying it.

A contribution is written in age's published format (https://age-encryption.org/v1, format 2
here) through ``pyrage``: the ciphertext is encrypted to a fresh X25519 identity made for this
one contribution, and ``age -d -i <identity>`` decrypts it with the standard tool. age streams
in 64 KiB chunks, each authenticated (ChaCha20-Poly1305) with its index and a final flag, so a
reordered, dropped or truncated chunk fails and decryption never releases an unverified byte.

The identity never reaches the database: it is kept in the key store
(:mod:`api.services.keystore`), sealed there under the key-encryption key, and the vault row
holds only its random key id. What would tell about the file (its name, type and plaintext's
SHA-256) is kept beside the identity too, not in the row, so it goes with it. Erasure rewrites
the key store without the identity and deletes the ciphertext's blocks; from then on nobody,
the operator with the KEK included, can decrypt the contribution from what this node holds:
old copies of the row in SQLite's WAL, PostgreSQL's dead tuples and ``pg_wal`` or a database
backup carry no key (a backup of the key store itself is the one copy to keep short-lived: see
docs/erasure.md for this and the other limits). Rows of the first format
(:mod:`api.services.vault_legacy`) keep working, and reach the same guarantee once
``lumbung vault rotate-kek`` has moved their keys into the key store and the old KEK is
destroyed.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import queue
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

import pyrage

from api.errors import VaultIntegrityError, VaultKeyErasedError
from api.services import vault_legacy
from api.services.keystore import ERASED, KeyStore, new_key_id

logger = logging.getLogger(__name__)

FORMAT_LEGACY = vault_legacy.VERSION  # chunked AES-256-GCM, key wrapped under the KEK
FORMAT_AGE = 2  # age v1, one X25519 identity per contribution, kept in the key store
AGE_CHUNK_SIZE = 64 * 1024  # age's STREAM chunk (a property of the format, recorded per row)
KEY_SIZE = 32
# How many decrypted pieces (8 KiB each, as pyrage writes them) wait for the reader at most.
_QUEUE_PIECES = 32


def parse_kek(hex_key: str) -> bytes:
    """The key-encryption key from its 64-hex-digit setting."""
    try:
        kek = bytes.fromhex(hex_key.removeprefix("0x"))
    except ValueError as exc:
        raise ValueError("LUMBUNG_KEK must be 32 bytes of hex") from exc
    if len(kek) != KEY_SIZE:
        raise ValueError(f"LUMBUNG_KEK must be 32 bytes of hex, got {len(kek)} bytes")
    return kek


@dataclass(frozen=True)
class FileFacts:
    """What the member's file was: its name, its type and its plaintext's SHA-256."""

    filename: str
    content_type: str
    plaintext_sha256: str


@dataclass(frozen=True)
class ItemKey:
    """Where one vault row's key is: its format, its key-store id, or (format 1, not yet moved
    to the key store) its KEK-wrapped data key and what that is bound to; and the file's facts
    as a format-1 row records them."""

    format: int
    key_id: str | None
    wrapped_key: bytes | None
    context: vault_legacy.KeyContext
    recorded: FileFacts = FileFacts("", "", "")


@dataclass(frozen=True)
class AgeKey:
    """What the key store holds for a format-2 item: its identity and its file's facts."""

    identity: str
    facts: FileFacts

    def pack(self) -> bytes:
        facts = self.facts
        return json.dumps(
            [self.identity, facts.filename, facts.content_type, facts.plaintext_sha256]
        ).encode()

    @classmethod
    def unpack(cls, secret: bytes) -> AgeKey:
        try:
            identity, filename, content_type, sha256 = json.loads(secret)
        except ValueError as exc:
            raise VaultIntegrityError("the key store holds a malformed age key") from exc
        return cls(identity, FileFacts(filename, content_type, sha256))


@dataclass(frozen=True)
class Sealed:
    """What encrypting one contribution produced (the ciphertext went to ``out``)."""

    key_id: str
    size: int
    plaintext_sha256: str
    ciphertext_size: int


class _Measured(io.RawIOBase):
    """The plaintext as pyrage reads it, counted and hashed on the way."""

    def __init__(self, source: BinaryIO) -> None:
        self._source = source
        self.size = 0
        self.sha256 = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._source.read(len(buffer))
        buffer[: len(data)] = data
        self.size += len(data)
        self.sha256.update(data)
        return len(data)


class _Counted(io.RawIOBase):
    def __init__(self, sink: BinaryIO) -> None:
        self._sink = sink
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self._sink.write(data)
        self.size += len(data)
        return len(data)


class _Pieces(io.RawIOBase):
    """An iterator of byte pieces as a readable stream; what the iterator raised (a storage
    error) is kept in ``failure``, to be raised as itself rather than as a decryption error."""

    def __init__(self, pieces: Iterable[bytes]) -> None:
        self._pieces = iter(pieces)
        self._pending = b""
        self.failure: BaseException | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            try:
                piece = next(self._pieces, None)
            except BaseException as exc:
                self.failure = exc
                raise
            if piece is None:
                return 0
            self._pending = piece
        taken, self._pending = self._pending[: len(buffer)], self._pending[len(buffer) :]
        buffer[: len(taken)] = taken
        return len(taken)


class _ReaderGoneError(Exception):
    """The reader of a decryption went away."""


class _Handoff(io.RawIOBase):
    """Decrypted pieces handed to the reading thread through a bounded queue."""

    def __init__(self) -> None:
        self.pieces: queue.Queue[bytes | BaseException | None] = queue.Queue(_QUEUE_PIECES)
        self.closed_by_reader = threading.Event()

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.put(bytes(data))
        return len(data)

    def put(self, item: bytes | BaseException | None) -> None:
        while True:
            if self.closed_by_reader.is_set():
                raise _ReaderGoneError
            try:
                self.pieces.put(item, timeout=0.1)
                return
            except queue.Full:
                continue


def seal_age(
    plaintext: BinaryIO, out: BinaryIO, filename: str, content_type: str
) -> tuple[AgeKey, Sealed]:
    """Encrypts ``plaintext`` into ``out`` to a fresh identity, in bounded memory; returns the
    identity (``AGE-SECRET-KEY-1…``) with the file's facts, and what was sealed (its ``key_id``
    not yet stored)."""
    identity = pyrage.x25519.Identity.generate()
    measured = _Measured(plaintext)
    counted = _Counted(out)
    try:
        pyrage.encrypt_io(measured, counted, [identity.to_public()])  # type: ignore[arg-type]
    except pyrage.EncryptError as exc:
        raise VaultIntegrityError(f"age could not encrypt the contribution: {exc}") from exc
    sha256 = measured.sha256.hexdigest()
    return AgeKey(str(identity), FileFacts(filename, content_type, sha256)), Sealed(
        key_id=new_key_id(),
        size=measured.size,
        plaintext_sha256=sha256,
        ciphertext_size=counted.size,
    )


def open_age(pieces: Iterable[bytes], identity: str) -> Iterator[bytes]:
    """Decrypts an age ciphertext read in pieces; yields verified plaintext.

    pyrage decrypts from a stream into a stream, so it runs in a thread of its own that hands
    each verified piece over through a bounded queue: memory stays bounded, and a reader that
    stops early stops the decryption. Raises :class:`VaultIntegrityError` where a chunk fails
    authentication or the ciphertext ends early, after the verified pieces before it.
    """
    try:
        parsed = pyrage.x25519.Identity.from_str(identity)
    except pyrage.IdentityError as exc:
        raise VaultIntegrityError("the key store holds a malformed age identity") from exc
    handoff = _Handoff()
    source = _Pieces(pieces)

    def decrypt() -> None:
        outcome: BaseException | None = None
        try:
            pyrage.decrypt_io(source, handoff, [parsed])  # type: ignore[arg-type]
        except _ReaderGoneError:
            return
        except Exception as exc:  # handed to the reader, who raises it
            outcome = source.failure or VaultIntegrityError(
                f"the ciphertext failed age's authentication: {exc}"
            )
        with contextlib.suppress(_ReaderGoneError):
            handoff.put(outcome)

    worker = threading.Thread(target=decrypt, name="age-decrypt", daemon=True)
    worker.start()
    try:
        while True:
            item = handoff.pieces.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        handoff.closed_by_reader.set()
        worker.join()


class Vault:
    """The vault's keys: the KEK and the key store it seals."""

    def __init__(self, kek: bytes, keystore: KeyStore) -> None:
        self.kek = kek
        self.keystore = keystore

    def seal(
        self, plaintext: BinaryIO, out: BinaryIO, filename: str, content_type: str
    ) -> Sealed:
        """Encrypts a new contribution (format 2) and stores its identity, with the file's
        name, type and hash, in the key store."""
        age_key, sealed = seal_age(plaintext, out, filename, content_type)
        self.keystore.put(sealed.key_id, age_key.pack())
        return sealed

    def _secret(self, key: ItemKey) -> bytes:
        if key.key_id is None:
            raise VaultKeyErasedError(ERASED)
        return self.keystore.get(key.key_id)

    def open(self, pieces: Iterable[bytes], key: ItemKey) -> Iterator[bytes]:
        """The verified plaintext of a stored ciphertext, in either format."""
        if key.format == FORMAT_AGE:
            return open_age(pieces, self.age_key(key).identity)
        if key.format != FORMAT_LEGACY:
            raise VaultIntegrityError(f"unknown vault format {key.format}")
        if key.wrapped_key is not None:  # not yet moved (the row's copy goes last)
            wrapped = key.wrapped_key
            return vault_legacy.decrypt(
                pieces,
                lambda header: vault_legacy.unwrap_key(self.kek, wrapped, key.context, header),
            )
        data_key = self._secret(key)
        return vault_legacy.decrypt(pieces, lambda _header: data_key)

    def facts(self, key: ItemKey) -> FileFacts:
        """The file's name, type and hash: from the key store (format 2) or the row (format 1)."""
        return self.age_key(key).facts if key.format == FORMAT_AGE else key.recorded

    def age_key(self, key: ItemKey) -> AgeKey:
        """The identity that decrypts a format-2 ciphertext (for its buyer or ``age -d``)."""
        if key.format != FORMAT_AGE:
            raise VaultIntegrityError("only format-2 (age) contributions have an age identity")
        return AgeKey.unpack(self._secret(key))

    def destroy(self, key: ItemKey) -> None:
        """Rewrites the key store without the item's key (format 1 rows still in the database
        lose theirs when the caller clears ``wrapped_key``)."""
        if key.key_id is not None:
            self.keystore.destroy(key.key_id)

    def adopt_legacy(self, key: ItemKey, header: bytes) -> None:
        """Copies a format-1 row's KEK-wrapped data key into the key store under the row's
        ``key_id`` (already recorded, so a crash leaves no key the row does not name); a key
        already there is left as it is."""
        if key.wrapped_key is None or key.key_id is None:
            raise VaultIntegrityError("a format-1 key is moved from its row to its key id")
        if self.keystore.has(key.key_id):
            return
        data_key = vault_legacy.unwrap_key(self.kek, key.wrapped_key, key.context, header)
        self.keystore.put(key.key_id, data_key)

    def rotate_kek(self, new_kek: bytes) -> int:
        """Re-seals the key store under ``new_kek``; the number of keys re-wrapped."""
        moved = self.keystore.rotate(new_kek)
        self.kek = new_kek
        return moved
