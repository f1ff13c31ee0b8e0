"""The key store: each vault item's secret in a small file, which erasure rewrites without it.

A database cannot destroy a value: SQLite keeps the old page in its ``-wal`` file and in free
pages, PostgreSQL keeps the old row as a dead tuple and in ``pg_wal``, and every backup keeps
whatever it copied. So no secret that opens a contribution is ever written to the database.
Each item's secret lives here instead, in one of ``SHARDS`` shard files chosen by its key id,
and the database row holds only that random id.

A shard file is the whole shard sealed under the key-encryption key::

    shard = MAGIC "LBKS" | version u8 | nonce 12 bytes | AES-256-GCM(kek, nonce,
            aad = MAGIC | version | shard name, entries)
    entry = key id 16 bytes | secret length u16 | secret

Every change writes a new file beside the old one, fsyncs it, renames it over the old one and
fsyncs the folder; then the old file's blocks, still reachable through an open descriptor, are
overwritten with zeros and fsynced, so on a file system that rewrites in place (ext4, XFS) the
destroyed secret does not linger in freed blocks either. Writers take turns on an exclusive
``flock``; readers need no lock, since a rename is atomic.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import struct
from collections.abc import Iterator
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from api.errors import VaultIntegrityError, VaultKeyErasedError

MAGIC = b"LBKS"
VERSION = 1
SHARDS = 256
KEY_ID_SIZE = 16
NONCE_SIZE = 12
_ENTRY = struct.Struct(">16sH")
_SUFFIX = ".keys"
ERASED = "the contribution's key was destroyed; it cannot be decrypted"


def new_key_id() -> str:
    """A random key id, as the database stores it (32 hex digits)."""
    return secrets.token_hex(KEY_ID_SIZE)


def _key_id_bytes(key_id: str) -> bytes:
    try:
        raw = bytes.fromhex(key_id)
    except ValueError:
        raw = b""
    if len(raw) != KEY_ID_SIZE:
        raise VaultIntegrityError(f"malformed key id {key_id[:40]!r}")
    return raw


def _pack(entries: dict[bytes, bytes]) -> bytes:
    return b"".join(
        _ENTRY.pack(key_id, len(secret)) + secret for key_id, secret in sorted(entries.items())
    )


def _unpack(data: bytes) -> dict[bytes, bytes]:
    entries: dict[bytes, bytes] = {}
    offset = 0
    while offset < len(data):
        key_id, length = _ENTRY.unpack_from(data, offset)
        offset += _ENTRY.size
        entries[key_id] = data[offset : offset + length]
        offset += length
    return entries


class KeyStore:
    """Secrets by key id, in shard files under ``root``, sealed under ``kek``."""

    def __init__(self, root: Path, kek: bytes) -> None:
        self.root = root
        self._kek = kek
        root.mkdir(parents=True, exist_ok=True, mode=0o700)

    # -- shard files -----------------------------------------------------------------------

    def _shard_name(self, key_id: bytes) -> str:
        return f"{key_id[0]:02x}"  # one of SHARDS

    def _shard_path(self, name: str) -> Path:
        return self.root / (name + _SUFFIX)

    def shard_paths(self) -> list[Path]:
        return sorted(self.root.glob("*" + _SUFFIX))

    def _aad(self, name: str) -> bytes:
        return MAGIC + bytes([VERSION]) + name.encode()

    def _seal(self, name: str, entries: dict[bytes, bytes], kek: bytes) -> bytes:
        nonce = os.urandom(NONCE_SIZE)
        sealed = AESGCM(kek).encrypt(nonce, _pack(entries), self._aad(name))
        return MAGIC + bytes([VERSION]) + nonce + sealed

    def _open(self, name: str, data: bytes, kek: bytes) -> dict[bytes, bytes]:
        head = len(MAGIC) + 1
        if data[:head] != MAGIC + bytes([VERSION]):
            raise VaultIntegrityError(f"key-store shard {name} is not a key-store file")
        nonce, sealed = data[head : head + NONCE_SIZE], data[head + NONCE_SIZE :]
        try:
            return _unpack(AESGCM(kek).decrypt(nonce, sealed, self._aad(name)))
        except InvalidTag as exc:
            raise VaultIntegrityError(
                f"key-store shard {name} does not open: wrong key-encryption key or altered"
            ) from exc

    def _read(self, name: str, kek: bytes | None = None) -> dict[bytes, bytes]:
        try:
            data = self._shard_path(name).read_bytes()
        except FileNotFoundError:
            return {}
        return self._open(name, data, kek or self._kek)

    def _write(self, name: str, entries: dict[bytes, bytes], kek: bytes | None = None) -> None:
        """Replaces the shard atomically, then overwrites the old file's blocks."""
        final = self._shard_path(name)
        temporary = self.root / f".{name}.{secrets.token_hex(6)}.tmp"
        with contextlib.ExitStack() as stack:
            try:
                old = stack.enter_context(final.open("r+b"))
            except FileNotFoundError:
                old = None
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, self._seal(name, entries, kek or self._kek))
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(temporary, final)
            self._fsync_folder()
            if old is not None:
                size = os.fstat(old.fileno()).st_size
                old.write(bytes(size))
                old.flush()
                os.fsync(old.fileno())

    def _fsync_folder(self) -> None:
        fd = os.open(self.root, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        with (self.root / "lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    # -- secrets ---------------------------------------------------------------------------

    def put(self, key_id: str, secret: bytes) -> None:
        """Stores ``secret`` under a new ``key_id``, durably, before this returns."""
        raw = _key_id_bytes(key_id)
        name = self._shard_name(raw)
        with self._writing():
            entries = self._read(name)
            if raw in entries:
                raise VaultIntegrityError(f"key id {key_id} is already in use")
            entries[raw] = secret
            self._write(name, entries)

    def has(self, key_id: str) -> bool:
        raw = _key_id_bytes(key_id)
        return raw in self._read(self._shard_name(raw))

    def get(self, key_id: str) -> bytes:
        raw = _key_id_bytes(key_id)
        secret = self._read(self._shard_name(raw)).get(raw)
        if secret is None:
            raise VaultKeyErasedError(ERASED)
        return secret

    def destroy(self, key_id: str) -> bool:
        """Rewrites the shard without ``key_id``; whether it was there."""
        raw = _key_id_bytes(key_id)
        name = self._shard_name(raw)
        with self._writing():
            entries = self._read(name)
            if entries.pop(raw, None) is None:
                return False
            self._write(name, entries)
        return True

    def rotate(self, new_kek: bytes) -> int:
        """Re-seals every shard under ``new_kek``; the number of secrets carried over.

        Each shard is replaced atomically; one that already opens under ``new_kek`` (a rotation
        cut short and run again) is left as it is.
        """
        moved = 0
        with self._writing():
            for path in self.shard_paths():
                name = path.name.removesuffix(_SUFFIX)
                try:
                    entries = self._read(name, new_kek)
                except VaultIntegrityError:
                    entries = self._read(name)
                    self._write(name, entries, new_kek)
                moved += len(entries)
        self._kek = new_kek
        return moved
