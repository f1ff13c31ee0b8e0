"""The embedded IPFS backend: the UnixFS importer and CAR codec over a local block store."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from multiformats import CID

from ipfs.car import CarReader, write_car
from ipfs.cid import CidLike, cid_string, cid_to_bytes, to_cid
from ipfs.dag import walk_dag
from ipfs.errors import BlockNotFoundError
from ipfs.interface import primed
from ipfs.store import BlockStore, GcReport
from ipfs.unixfs import (
    BlockSink,
    ImportedNode,
    ImportOptions,
    discard_blocks,
    import_file,
    import_path,
    iter_file,
)

logger = logging.getLogger(__name__)


class EmbeddedIpfs:
    """:class:`ipfs.interface.IpfsBackend` over a :class:`BlockStore` in a local folder."""

    def __init__(self, store: BlockStore) -> None:
        self.store = store

    @classmethod
    def open(cls, root: Path, *, durable: bool = True) -> EmbeddedIpfs:
        return cls(BlockStore(root, durable=durable))

    def _import(
        self,
        build: Callable[[BlockSink], ImportedNode],
        *,
        pin: bool,
        only_hash: bool,
    ) -> CID:
        if only_hash:
            node = build(discard_blocks)
        else:
            # Held from the first block to the pin, so a concurrent gc cannot take half a DAG.
            with self.store.writing():
                node = build(self.store.store_block)
                if pin:
                    self.store.record_pin(node.cid)
            logger.info("added %s (%d bytes of DAG)", cid_string(node.cid), node.tsize)
        return to_cid(node.cid)

    def add_bytes(
        self, data: bytes, *, cid_version: int = 0, pin: bool = True, only_hash: bool = False
    ) -> CID:
        return self.add_stream(
            io.BytesIO(data), cid_version=cid_version, pin=pin, only_hash=only_hash
        )

    def add_stream(
        self,
        stream: BinaryIO,
        *,
        cid_version: int = 0,
        pin: bool = True,
        only_hash: bool = False,
        on_progress: Callable[[int], None] | None = None,
    ) -> CID:
        options = ImportOptions(cid_version=cid_version)
        return self._import(
            lambda sink: import_file(stream, sink, options, on_progress),
            pin=pin,
            only_hash=only_hash,
        )

    def add_path(
        self,
        path: Path,
        *,
        cid_version: int = 0,
        pin: bool = True,
        only_hash: bool = False,
        include_hidden: bool = False,
        on_entry: Callable[[str, ImportedNode], None] | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> CID:
        """Add a file or a folder as ``ipfs add -r`` does (hidden entries skipped by default)."""
        options = ImportOptions(cid_version=cid_version)
        return self._import(
            lambda sink: import_path(
                path,
                sink,
                options,
                include_hidden=include_hidden,
                on_entry=on_entry,
                on_progress=on_progress,
            ),
            pin=pin,
            only_hash=only_hash,
        )

    def cat(self, cid: CidLike) -> Iterator[bytes]:
        return primed(iter_file(self.store.get, cid_to_bytes(cid)))

    def pin(self, cid: CidLike) -> None:
        self.store.pin(cid)

    def unpin(self, cid: CidLike) -> None:
        self.store.unpin(cid)

    def remove(self, cid: CidLike) -> None:
        self.store.remove(cid)

    def has(self, cid: CidLike) -> bool:
        return self.store.has(cid)

    def import_car(self, stream: BinaryIO, *, pin_roots: bool = True) -> list[CID]:
        """Import a CARv1 or CARv2; all or nothing.

        Every block is verified and staged before any reaches the store, so a bad file
        stores nothing. Roots are then pinned; a root whose DAG the file does not complete
        raises :class:`BlockNotFoundError` and stays unpinned (its blocks remain, unpinned).
        """
        with self.store.staging() as staged:
            reader = CarReader(stream)
            for cid, block in reader:
                staged.add(cid, block)
            count = staged.commit()
            roots = [to_cid(bytes(root)) for root in reader.roots]
            logger.info("imported %d blocks under roots %s", count, [str(r) for r in roots])
            if pin_roots:
                for root in roots:
                    self.store.pin(root)
        return roots

    def export_car(self, cid: CidLike, out: BinaryIO) -> None:
        root = cid_to_bytes(cid)
        if not self.store.has(root):
            raise BlockNotFoundError(cid_string(root))
        write_car(out, [to_cid(root)], walk_dag(self.store.get, root))

    def gc(self) -> GcReport:
        return self.store.gc()

    def close(self) -> None:
        """Nothing to release: every operation opens and closes its own files."""
