"""UnixFS import (bytes and folders to a DAG) and export (a file DAG back to bytes).

The importer reproduces ``ipfs add`` (kubo) exactly:

* fixed 262,144-byte chunks, read fully before a chunk is cut, as kubo's size splitter does;
* a balanced layout with at most 174 links per node, built bottom-up in batches of 174
  (the same tree kubo's balanced builder fills top-down);
* a file of one chunk is that chunk's leaf, and an empty file is one empty leaf;
* defaults: CIDv0 and dag-pb UnixFS leaves; with CIDv1, raw leaves (as
  ``ipfs add --cid-version=1`` implies ``--raw-leaves``);
* folders become basic UnixFS directories with links sorted by name; like ``ipfs add -r``
  without ``--hidden``, entries whose name starts with a dot are left out, and symbolic links
  are stored as UnixFS symlinks rather than followed.

Memory stays flat whatever the file size: one chunk buffer is reused and the builder holds at
most 174 pending links per tree level.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ipfs.cid import DAG_PB, RAW, cid_string, sha256_cid, split_cid
from ipfs.dagpb import (
    PBLink,
    UnixFSType,
    decode_node,
    decode_unixfs,
    encode_node,
    encode_unixfs,
    file_leaf_framing,
)
from ipfs.errors import DagFormatError, NotAFileError, UnsupportedInputError

logger = logging.getLogger(__name__)

CHUNK_SIZE = 262_144
MAX_LINKS_PER_NODE = 174
# Kubo switches a basic directory to a HAMT shard once the estimated size of its links
# (name length plus binary CID length, summed) reaches this many bytes.
HAMT_SHARDING_THRESHOLD = 262_144

BlockSink = Callable[[bytes, Sequence[bytes | memoryview]], None]
"""Receives each new block as ``(binary CID, parts)``; the block is the parts concatenated.

A part may be a view into a buffer the importer reuses, so a sink must consume the bytes
before it returns.
"""

BlockSource = Callable[[bytes], bytes]
"""Returns the verified bytes of the block with the given binary CID."""


def discard_blocks(cid: bytes, parts: Sequence[bytes | memoryview]) -> None:
    """A sink for ``--only-hash``: the CID is computed and the blocks are dropped."""


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """The ``ipfs add`` options that change the CID."""

    cid_version: int = 0
    raw_leaves: bool | None = None  # None: what kubo does, i.e. raw leaves iff CIDv1
    chunk_size: int = CHUNK_SIZE
    max_links: int = MAX_LINKS_PER_NODE

    def __post_init__(self) -> None:
        if self.cid_version not in (0, 1):
            raise ValueError(f"cid_version must be 0 or 1, not {self.cid_version}")
        if self.chunk_size < 1 or self.max_links < 2:
            raise ValueError("chunk_size must be positive and max_links at least 2")

    @property
    def uses_raw_leaves(self) -> bool:
        return self.cid_version == 1 if self.raw_leaves is None else self.raw_leaves


@dataclass(frozen=True, slots=True)
class ImportedNode:
    """A node the importer made: its binary CID, cumulative DAG size and file content size."""

    cid: bytes
    tsize: int
    filesize: int


def read_chunks(stream: BinaryIO, chunk_size: int) -> Iterator[memoryview]:
    """Yield full ``chunk_size`` chunks, then the remainder; an empty stream yields one empty chunk.

    Each chunk is a view into one reused buffer, valid until the next chunk is requested.
    """
    buffer = bytearray(chunk_size)
    view = memoryview(buffer)
    readinto = getattr(stream, "readinto", None)
    emitted = False
    while True:
        filled = 0
        while filled < chunk_size:
            if readinto is not None:
                count = readinto(view[filled:])
            else:
                data = stream.read(chunk_size - filled)
                count = len(data)
                view[filled : filled + count] = data
            if not count:
                break
            filled += count
        if filled or not emitted:
            yield view[:filled]
            emitted = True
        if filled < chunk_size:
            return


def _seal(block: bytes, options: ImportOptions, sink: BlockSink) -> bytes:
    """Hash a finished dag-pb block, hand it to the sink and return its CID."""
    cid = sha256_cid(options.cid_version, DAG_PB, hashlib.sha256(block).digest())
    sink(cid, (block,))
    return cid


class _BalancedFileBuilder:
    """Builds one file's DAG bottom-up, as ipfs-unixfs-importer's balanced layout does."""

    def __init__(self, options: ImportOptions, sink: BlockSink) -> None:
        self._options = options
        self._sink = sink
        self._pending: list[list[ImportedNode]] = [[]]
        # Whether a level already handed a parent to the level above: a level that did not,
        # and ends with one node, holds the root.
        self._flushed: list[bool] = [False]
        self._framing_for_length: tuple[int, bytes, bytes] = (-1, b"", b"")

    def add_chunk(self, chunk: memoryview) -> None:
        self._push(0, self._leaf(chunk))

    def finish(self) -> ImportedNode:
        level = 0
        while True:
            pending = self._pending[level]
            if not self._flushed[level] and len(pending) == 1:
                return pending[0]
            if pending:
                self._flush(level)
            level += 1

    def _leaf(self, chunk: memoryview) -> ImportedNode:
        length = len(chunk)
        if self._options.uses_raw_leaves:
            cid = sha256_cid(1, RAW, hashlib.sha256(chunk).digest())
            self._sink(cid, (chunk,))
            return ImportedNode(cid, length, length)
        cached_length, header, trailer = self._framing_for_length
        if cached_length != length:
            header, trailer = file_leaf_framing(length)
            self._framing_for_length = (length, header, trailer)
        digest = hashlib.sha256(header)
        digest.update(chunk)
        digest.update(trailer)
        cid = sha256_cid(self._options.cid_version, DAG_PB, digest.digest())
        self._sink(cid, (header, chunk, trailer))
        return ImportedNode(cid, len(header) + length + len(trailer), length)

    def _push(self, level: int, node: ImportedNode) -> None:
        self._pending[level].append(node)
        if len(self._pending[level]) == self._options.max_links:
            self._flush(level)

    def _flush(self, level: int) -> None:
        children = self._pending[level]
        self._pending[level] = []
        self._flushed[level] = True
        if level + 1 == len(self._pending):
            self._pending.append([])
            self._flushed.append(False)
        self._push(level + 1, self._parent(children))

    def _parent(self, children: list[ImportedNode]) -> ImportedNode:
        filesize = sum(child.filesize for child in children)
        data = encode_unixfs(
            UnixFSType.FILE,
            filesize=filesize,
            blocksizes=[child.filesize for child in children],
        )
        block = encode_node([PBLink(child.cid, "", child.tsize) for child in children], data)
        cid = _seal(block, self._options, self._sink)
        return ImportedNode(cid, len(block) + sum(child.tsize for child in children), filesize)


def import_file(
    stream: BinaryIO,
    sink: BlockSink,
    options: ImportOptions | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ImportedNode:
    """Chunk ``stream`` into a UnixFS file DAG, hand every block to ``sink``, return the root.

    ``on_progress`` receives the number of bytes of each chunk as it is consumed.
    """
    options = options or ImportOptions()
    builder = _BalancedFileBuilder(options, sink)
    for chunk in read_chunks(stream, options.chunk_size):
        builder.add_chunk(chunk)
        if on_progress is not None:
            on_progress(len(chunk))
    return builder.finish()


def import_symlink(target: str, sink: BlockSink, options: ImportOptions) -> ImportedNode:
    block = encode_node([], encode_unixfs(UnixFSType.SYMLINK, data=os.fsencode(target)))
    return ImportedNode(_seal(block, options, sink), len(block), 0)


def build_directory(
    entries: dict[str, ImportedNode], sink: BlockSink, options: ImportOptions
) -> ImportedNode:
    """A basic UnixFS directory over ``entries`` (name to node)."""
    encoded_names = {}
    for name in entries:
        try:
            encoded_names[name] = name.encode("utf-8")
        except UnicodeEncodeError as error:
            raise UnsupportedInputError(
                f"file name {name!r} is not valid UTF-8; UnixFS names must be"
            ) from error
    estimated_size = sum(len(encoded_names[name]) + len(node.cid) for name, node in entries.items())
    if estimated_size >= HAMT_SHARDING_THRESHOLD:
        raise UnsupportedInputError(
            f"directory with {len(entries)} entries is past kubo's HAMT sharding threshold "
            f"({estimated_size} >= {HAMT_SHARDING_THRESHOLD} bytes of links); sharded "
            "directories are not supported"
        )
    # dag-pb orders links by the bytes of their names.
    ordered = sorted(entries.items(), key=lambda item: encoded_names[item[0]])
    links = [PBLink(node.cid, name, node.tsize) for name, node in ordered]
    block = encode_node(links, encode_unixfs(UnixFSType.DIRECTORY))
    tsize = len(block) + sum(node.tsize for node in entries.values())
    return ImportedNode(_seal(block, options, sink), tsize, 0)


def import_path(
    path: Path,
    sink: BlockSink,
    options: ImportOptions | None = None,
    *,
    include_hidden: bool = False,
    on_entry: Callable[[str, ImportedNode], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ImportedNode:
    """Import a file, a symlink or a whole folder, as ``ipfs add -r PATH`` does.

    ``on_entry`` receives each imported entry's path relative to ``path``'s parent (the
    names kubo prints after ``added``), children before their directory.
    """
    options = options or ImportOptions()

    def visit(current: Path, display: str) -> ImportedNode:
        info = current.lstat()
        if stat.S_ISLNK(info.st_mode):
            node = import_symlink(os.readlink(current), sink, options)
        elif stat.S_ISREG(info.st_mode):
            with current.open("rb") as stream:
                node = import_file(stream, sink, options, on_progress)
        elif stat.S_ISDIR(info.st_mode):
            children = {}
            for child in sorted(os.scandir(current), key=lambda entry: entry.name):
                if child.name.startswith(".") and not include_hidden:
                    logger.debug("skipping hidden entry %s", child.path)
                    continue
                children[child.name] = visit(Path(child.path), f"{display}/{child.name}")
            node = build_directory(children, sink, options)
        else:
            raise UnsupportedInputError(f"{current} is neither a file, a folder nor a symlink")
        if on_entry is not None:
            on_entry(display, node)
        return node

    return visit(path, path.name or str(path))


def iter_file(get_block: BlockSource, root: bytes) -> Iterator[bytes]:
    """Yield the bytes of the UnixFS file rooted at ``root``, one leaf at a time.

    Checks the sizes each node announces, so a DAG whose blocks all match their CIDs but whose
    tree lies about the content (a truncated or spliced file) is refused, not streamed.
    """
    yield from _file_bytes(get_block, root, None, is_root=True)


def _file_bytes(
    get_block: BlockSource, cid: bytes, expected_size: int | None, *, is_root: bool
) -> Generator[bytes, None, int]:
    codec = split_cid(cid).codec
    block = get_block(cid)
    if codec == RAW:
        produced = len(block)
        yield block
    elif codec == DAG_PB:
        node = decode_node(block)
        if node.data is None:
            raise DagFormatError(f"dag-pb node {cid_string(cid)} carries no UnixFS data")
        unixfs = decode_unixfs(node.data)
        if unixfs.type not in (UnixFSType.FILE, UnixFSType.RAW):
            kind = unixfs.type.name.lower().replace("_", "-")
            if is_root:
                raise NotAFileError(f"{cid_string(cid)} is a UnixFS {kind}, not a file")
            raise DagFormatError(f"file DAG holds a UnixFS {kind} at {cid_string(cid)}")
        if unixfs.blocksizes and len(unixfs.blocksizes) != len(node.links):
            raise DagFormatError(f"{cid_string(cid)} has blocksizes that do not match its links")
        produced = len(unixfs.data)
        if unixfs.data:
            yield unixfs.data
        for index, link in enumerate(node.links):
            child_size = unixfs.blocksizes[index] if unixfs.blocksizes else None
            produced += yield from _file_bytes(get_block, link.cid, child_size, is_root=False)
        if unixfs.filesize is not None and produced != unixfs.filesize:
            raise DagFormatError(
                f"{cid_string(cid)} announces {unixfs.filesize} bytes but holds {produced}"
            )
    elif is_root:
        raise NotAFileError(f"{cid_string(cid)} is not a UnixFS file (codec {codec:#x})")
    else:
        raise DagFormatError(f"file DAG links to a block of codec {codec:#x}")
    if expected_size is not None and produced != expected_size:
        raise DagFormatError(
            f"{cid_string(cid)} holds {produced} bytes where its parent expects {expected_size}"
        )
    return produced
