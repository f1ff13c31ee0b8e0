"""The one IPFS interface the rest of Lumbung uses, whichever backend holds the blocks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO, Protocol, runtime_checkable

from multiformats import CID

from ipfs.cid import CidLike


@runtime_checkable
class IpfsBackend(Protocol):
    """Content-addressed storage: the embedded block store or a kubo node.

    CIDs returned are the ones ``ipfs add`` prints for the same bytes and options: CIDv0 by
    default, CIDv1 (base32, raw leaves) with ``cid_version=1``. Errors are
    :class:`ipfs.errors.IpfsError` subclasses.
    """

    def add_bytes(
        self, data: bytes, *, cid_version: int = 0, pin: bool = True, only_hash: bool = False
    ) -> CID:
        """Store ``data`` as a UnixFS file and return its root CID."""
        ...

    def add_stream(
        self, stream: BinaryIO, *, cid_version: int = 0, pin: bool = True, only_hash: bool = False
    ) -> CID:
        """Store what ``stream`` reads as a UnixFS file, without holding it in memory."""
        ...

    def cat(self, cid: CidLike) -> Iterator[bytes]:
        """Stream back the bytes of the UnixFS file at ``cid``.

        A missing root is reported when ``cat`` is called, not at the first iteration.
        """
        ...

    def pin(self, cid: CidLike) -> None:
        """Pin the DAG at ``cid`` recursively, protecting it from garbage collection."""
        ...

    def unpin(self, cid: CidLike) -> None:
        """Remove the recursive pin of ``cid``."""
        ...

    def remove(self, cid: CidLike) -> None:
        """Unpin ``cid`` and delete the blocks of its DAG that no other pin reaches."""
        ...

    def has(self, cid: CidLike) -> bool:
        """Whether the block ``cid`` is held locally."""
        ...

    def import_car(self, stream: BinaryIO, *, pin_roots: bool = True) -> list[CID]:
        """Import a CAR file, verifying every block; returns its roots."""
        ...

    def export_car(self, cid: CidLike, out: BinaryIO) -> None:
        """Write the DAG at ``cid`` to ``out`` as a CARv1."""
        ...

    def close(self) -> None:
        """Release connections and files."""
        ...


def primed(pieces: Iterator[bytes]) -> Iterator[bytes]:
    """Run an iterator up to its first item now, so its errors surface at the call site."""
    first = next(pieces, None)

    def rest() -> Iterator[bytes]:
        if first is not None:
            yield first
            yield from pieces

    return rest()
