"""The embedded block store: content-addressed blocks and pins in a folder.

Layout under ``root`` (kubo's flatfs scheme, so the folder reads familiar to IPFS operators)::

    layout                      store format version
    blocks/<XY>/<KEY>.data      KEY: base32 of the block's multihash; XY: its next-to-last 2 chars
    pins/<CIDv1 base32>         one file per recursive pin, holding the CID as it was given
    tmp/                        blocks being written, and CAR imports being verified
    quarantine/                 blocks that failed verification, moved aside for inspection
    lock                        flock(2) target shared by every process using the store

Safety properties:

* A block is written to ``tmp/`` (and fsynced when ``durable``) then renamed into place, so
  its final name only ever holds a complete block.
* Every read is checked against the CID's multihash. A mismatch raises
  :class:`CorruptBlockError` and moves the file to ``quarantine/`` so a later put repairs it.
* Writers (adds, imports) hold a shared lock from their first block to their pin; garbage
  collection and deletion take the lock exclusively, so they never see a DAG half-added.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import logging
import os
import secrets
import shutil
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from multiformats import CID

from ipfs.cid import (
    IDENTITY,
    RAW,
    SHA2_256,
    CidLike,
    block_matches,
    cid_string,
    cid_to_bytes,
    parse_cid,
    sha256_cid,
    split_cid,
    to_cid,
)
from ipfs.dag import child_cids
from ipfs.errors import (
    BlockNotFoundError,
    CorruptBlockError,
    IpfsError,
    PinnedBlockError,
)

logger = logging.getLogger(__name__)

STORE_LAYOUT_VERSION = "1"
BLOCK_SUFFIX = ".data"


@dataclass(frozen=True, slots=True)
class GcReport:
    removed_blocks: int
    freed_bytes: int
    kept_blocks: int


def _block_key(multihash: bytes) -> str:
    return base64.b32encode(multihash).decode("ascii").rstrip("=")


def _write_all(fd: int, parts: Sequence[bytes | memoryview]) -> None:
    for part in parts:
        view = memoryview(part)
        while view:
            written = os.write(fd, view)
            view = view[written:]


class BlockStore:
    """Blocks and recursive pins in a local folder; safe to share between processes."""

    def __init__(self, root: Path, *, durable: bool = True) -> None:
        """Open (creating if needed) the store at ``root``.

        ``durable`` fsyncs each block before it is renamed into place, so a power loss cannot
        leave an empty file under a block's name; turn it off only for throwaway stores.
        """
        self.root = Path(root)
        self.durable = durable
        self._blocks = self.root / "blocks"
        self._pins = self.root / "pins"
        self._tmp = self.root / "tmp"
        self._quarantine = self.root / "quarantine"
        self._lock_path = self.root / "lock"
        self._held = threading.local()
        for folder in (self._blocks, self._pins, self._tmp, self._quarantine):
            folder.mkdir(parents=True, exist_ok=True)
        self._check_layout()

    def _check_layout(self) -> None:
        layout = self.root / "layout"
        try:
            found = layout.read_text().strip()
        except FileNotFoundError:
            self._atomic_write(layout, [STORE_LAYOUT_VERSION.encode() + b"\n"])
            return
        if found != STORE_LAYOUT_VERSION:
            raise IpfsError(
                f"{self.root} holds block store layout {found!r}; this code reads "
                f"layout {STORE_LAYOUT_VERSION!r}"
            )

    # -- locking ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def _flock(self, operation: int) -> Iterator[None]:
        # A fresh open file description per holder: flock(2) locks belong to it, so threads
        # and nested holders do not release each other's locks.
        fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, operation)
            yield
        finally:
            os.close(fd)

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Hold off garbage collection while blocks are written and then pinned."""
        depth = getattr(self._held, "depth", 0)
        if depth:
            self._held.depth = depth + 1
            try:
                yield
            finally:
                self._held.depth = depth
            return
        with self._flock(fcntl.LOCK_SH):
            self._held.depth = 1
            try:
                yield
            finally:
                self._held.depth = 0

    def _exclusive(self) -> contextlib.AbstractContextManager[None]:
        if getattr(self._held, "depth", 0):
            raise IpfsError("garbage collection or deletion cannot run inside writing()")
        return self._flock(fcntl.LOCK_EX)

    # -- paths -----------------------------------------------------------------------------

    def _path_for(self, multihash: bytes) -> Path:
        key = _block_key(multihash)
        return self._blocks / key[-3:-1] / f"{key}{BLOCK_SUFFIX}"

    def _temporary_path(self, hint: str) -> Path:
        return self._tmp / f"{hint}.{os.getpid()}.{secrets.token_hex(6)}.tmp"

    def _atomic_write(self, final: Path, parts: Sequence[bytes | memoryview]) -> None:
        temporary = self._temporary_path(final.name)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            try:
                _write_all(fd, parts)
                if self.durable:
                    os.fsync(fd)
            finally:
                os.close(fd)
            self._rename_into_place(temporary, final)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise

    @staticmethod
    def _rename_into_place(source: Path, final: Path) -> None:
        try:
            os.replace(source, final)
        except FileNotFoundError:
            if not source.exists():
                raise
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, final)

    # -- blocks ----------------------------------------------------------------------------

    def store_block(self, cid: bytes, parts: Sequence[bytes | memoryview]) -> None:
        """Store a block whose CID the caller computed from these very bytes (the importer).

        An existing block of the right size is kept, so re-adding content costs no writes.
        """
        parts_info = split_cid(cid)
        if parts_info.hash_code == IDENTITY:
            return
        final = self._path_for(parts_info.multihash)
        size = sum(len(part) for part in parts)
        with contextlib.suppress(FileNotFoundError):
            if final.stat().st_size == size:
                return
        with self.writing():
            self._atomic_write(final, parts)

    def put(self, data: bytes, *, codec: int = RAW) -> CID:
        """Store ``data`` as one block and return its CIDv1 (sha2-256), like ``ipfs block put``."""
        cid = sha256_cid(1, codec, hashlib.sha256(data).digest())
        self.store_block(cid, (data,))
        return to_cid(cid)

    def put_verified(self, cid: CidLike, data: bytes) -> None:
        """Store a block received from elsewhere, after checking it matches ``cid``."""
        raw = cid_to_bytes(cid)
        if not block_matches(split_cid(raw), data):
            raise CorruptBlockError(cid_string(raw), "the bytes given to put")
        self.store_block(raw, (data,))

    def get(self, cid: CidLike) -> bytes:
        """The block's bytes, verified against its CID."""
        raw = cid_to_bytes(cid)
        parts = split_cid(raw)
        if parts.hash_code == IDENTITY:
            return parts.digest
        path = self._path_for(parts.multihash)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise BlockNotFoundError(cid_string(raw)) from None
        if not block_matches(parts, data):
            self._quarantine_block(path)
            raise CorruptBlockError(cid_string(raw), str(path))
        return data

    def _quarantine_block(self, path: Path) -> None:
        destination = self._quarantine / f"{path.name}.{secrets.token_hex(4)}"
        try:
            os.replace(path, destination)
            logger.warning("moved corrupt block %s to %s", path.name, destination)
        except FileNotFoundError:
            pass  # another reader moved it first

    def has(self, cid: CidLike) -> bool:
        parts = split_cid(cid_to_bytes(cid))
        return parts.hash_code == IDENTITY or self._path_for(parts.multihash).exists()

    def delete(self, cid: CidLike) -> None:
        """Remove one block; refused while a pinned DAG reaches it."""
        raw = cid_to_bytes(cid)
        multihash = split_cid(raw).multihash
        with self._exclusive():
            if multihash in self._pinned_multihashes():
                raise PinnedBlockError(cid_string(raw))
            try:
                self._path_for(multihash).unlink()
            except FileNotFoundError:
                raise BlockNotFoundError(cid_string(raw)) from None

    def iter_block_paths(self) -> Iterator[Path]:
        for shard in sorted(os.scandir(self._blocks), key=lambda entry: entry.name):
            if shard.is_dir():
                for entry in os.scandir(shard.path):
                    if entry.name.endswith(BLOCK_SUFFIX):
                        yield Path(entry.path)

    # -- staging (CAR import) --------------------------------------------------------------

    @contextlib.contextmanager
    def staging(self) -> Iterator[StagedBlocks]:
        """A folder where verified blocks wait until the whole input is known good.

        Blocks reach the store only on :meth:`StagedBlocks.commit`; if the ``with`` body
        raises, nothing staged is kept.
        """
        folder = self._tmp / f"staging.{os.getpid()}.{secrets.token_hex(6)}"
        folder.mkdir()
        try:
            with self.writing():
                yield StagedBlocks(self, folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    # -- pins ------------------------------------------------------------------------------

    def _pin_path(self, cid: CID) -> Path:
        return self._pins / str(cid.set(version=1, base="base32"))

    def record_pin(self, cid: CidLike) -> None:
        """Pin a DAG the caller has just stored whole (an add), without walking it again."""
        parsed = parse_cid(cid)
        self._atomic_write(self._pin_path(parsed), [str(parsed).encode()])

    def pin(self, cid: CidLike) -> None:
        """Pin recursively; every block of the DAG must be present and intact."""
        parsed = parse_cid(cid)
        with self.writing():
            self.reachable_multihashes(bytes(parsed))
            self.record_pin(parsed)

    def unpin(self, cid: CidLike) -> None:
        parsed = parse_cid(cid)
        try:
            self._pin_path(parsed).unlink()
        except FileNotFoundError:
            raise IpfsError(f"{cid_string(bytes(parsed))} is not pinned") from None

    def is_pinned(self, cid: CidLike) -> bool:
        return self._pin_path(parse_cid(cid)).exists()

    def pins(self) -> list[CID]:
        return [parse_cid(path.read_text()) for path in sorted(self._pins.iterdir())]

    def reachable_multihashes(self, root: bytes, into: set[bytes] | None = None) -> set[bytes]:
        """The multihashes of every block the DAG at ``root`` reaches, checking each is present.

        Raw blocks have no links, so only their presence is checked, not their bytes.
        """
        found = set() if into is None else into
        stack = [root]
        while stack:
            cid = stack.pop()
            parts = split_cid(cid)
            if parts.multihash in found:
                continue
            if parts.codec == RAW and parts.hash_code == SHA2_256:
                if not self.has(cid):
                    raise BlockNotFoundError(cid_string(cid))
            else:
                stack.extend(child_cids(cid, self.get(cid)))
            found.add(parts.multihash)
        return found

    def _pinned_multihashes(self) -> set[bytes]:
        marked: set[bytes] = set()
        for pinned in self.pins():
            self.reachable_multihashes(bytes(pinned), marked)
        return marked

    def remove(self, root: CidLike) -> int:
        """Unpin ``root`` and delete every block of its DAG that no other pin reaches (the
        blocks it shares with another pinned DAG stay); the number of blocks deleted.

        A block already missing is skipped, so removing again, or a DAG stored only in part,
        deletes what is there.
        """
        raw = cid_to_bytes(root)
        with self._exclusive():
            with contextlib.suppress(FileNotFoundError):
                self._pin_path(parse_cid(raw)).unlink()
            kept = self._pinned_multihashes()
            removed, seen, stack = 0, set(), [raw]
            while stack:
                cid = stack.pop()
                parts = split_cid(cid)
                if parts.multihash in seen or parts.hash_code == IDENTITY:
                    continue
                seen.add(parts.multihash)
                if parts.codec != RAW:
                    with contextlib.suppress(BlockNotFoundError):
                        stack.extend(child_cids(cid, self.get(cid)))
                if parts.multihash not in kept:
                    with contextlib.suppress(FileNotFoundError):
                        self._path_for(parts.multihash).unlink()
                        removed += 1
        logger.info("removed %s (%d blocks)", cid_string(raw), removed)
        return removed

    # -- garbage collection ----------------------------------------------------------------

    def gc(self) -> GcReport:
        """Delete every block no pin reaches, and leftovers of interrupted writes.

        Aborts without deleting anything if a pinned DAG is missing a block or holds a
        corrupt one, since its links (and so what it keeps alive) cannot be known.
        """
        with self._exclusive():
            pinned = self._pinned_multihashes()
            keep = {_block_key(multihash) + BLOCK_SUFFIX for multihash in pinned}
            removed = freed = kept = 0
            for path in list(self.iter_block_paths()):
                if path.name in keep:
                    kept += 1
                    continue
                with contextlib.suppress(FileNotFoundError):
                    freed += path.stat().st_size
                    path.unlink()
                    removed += 1
            # No writer holds the shared lock now, so everything in tmp/ is an abandoned write.
            for entry in os.scandir(self._tmp):
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(entry.path)
        logger.info("gc removed %d blocks (%d bytes), kept %d", removed, freed, kept)
        return GcReport(removed, freed, kept)


class StagedBlocks:
    """Blocks written into a staging folder, moved into the store together on commit."""

    def __init__(self, store: BlockStore, folder: Path) -> None:
        self._store = store
        self._folder = folder
        self._staged: dict[bytes, Path] = {}

    def add(self, cid: bytes, data: bytes) -> None:
        parts = split_cid(cid)
        if parts.multihash in self._staged or parts.hash_code == IDENTITY:
            return
        path = self._folder / f"{len(self._staged)}{BLOCK_SUFFIX}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            _write_all(fd, (data,))
            if self._store.durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        self._staged[parts.multihash] = path

    def commit(self) -> int:
        """Move every staged block into the store; returns how many were staged."""
        for multihash, path in self._staged.items():
            self._store._rename_into_place(path, self._store._path_for(multihash))
        return len(self._staged)

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._staged)
