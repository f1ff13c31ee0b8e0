"""The dag-pb node and UnixFS ``Data`` protobuf messages, encoded and decoded by hand.

Both schemas are a handful of fields, so a full protobuf runtime would add a dependency for
little. The encoding must be byte-for-byte the one kubo writes, because the CID is the hash
of these bytes:

* ``PBNode`` puts its ``Links`` (field 2) before its ``Data`` (field 1), as the dag-pb spec
  and go-merkledag do, whatever the field numbers suggest.
* ``PBLink`` always carries ``Name``, even when empty, and ``Tsize``.
* UnixFS ``blocksizes`` is a repeated, *unpacked* ``uint64`` (a proto2 schema), and a file's
  ``Data`` field is left out when the chunk is empty.

Specs: https://ipld.io/specs/codecs/dag-pb/spec/ and https://specs.ipfs.tech/unixfs/.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import IntEnum

from multiformats import varint

from ipfs.errors import DagFormatError

_VARINT = 0
_FIXED64 = 1
_LENGTH_DELIMITED = 2
_FIXED32 = 5


def _key(field: int, wire_type: int) -> bytes:
    return varint.encode(field << 3 | wire_type)


def _length_delimited(field: int, payload: bytes | memoryview) -> bytes:
    return _key(field, _LENGTH_DELIMITED) + varint.encode(len(payload)) + payload


def _uint(field: int, value: int) -> bytes:
    return _key(field, _VARINT) + varint.encode(value)


def _fields(buffer: bytes | memoryview) -> Iterator[tuple[int, int, int | memoryview]]:
    """Yield ``(field, wire_type, value)``; a length-delimited value is a view into ``buffer``."""
    view = memoryview(buffer)
    position = 0
    end = len(view)
    try:
        while position < end:
            key, size, _ = varint.decode_raw(view[position:])
            position += size
            field, wire_type = key >> 3, key & 7
            if wire_type == _VARINT:
                value, size, _ = varint.decode_raw(view[position:])
                position += size
                yield field, wire_type, value
            elif wire_type == _LENGTH_DELIMITED:
                length, size, _ = varint.decode_raw(view[position:])
                position += size
                if position + length > end:
                    raise DagFormatError("protobuf field runs past the end of the block")
                yield field, wire_type, view[position : position + length]
                position += length
            elif wire_type in (_FIXED64, _FIXED32):
                width = 8 if wire_type == _FIXED64 else 4
                if position + width > end:
                    raise DagFormatError("protobuf field runs past the end of the block")
                yield field, wire_type, int.from_bytes(view[position : position + width], "little")
                position += width
            else:
                raise DagFormatError(f"unsupported protobuf wire type {wire_type}")
    except ValueError as error:  # multiformats raises ValueError on a malformed varint
        raise DagFormatError(f"malformed protobuf varint: {error}") from error


@dataclass(frozen=True, slots=True)
class PBLink:
    """A dag-pb link: the child's binary CID, its name in a directory, its cumulative size."""

    cid: bytes
    name: str = ""
    tsize: int = 0


@dataclass(frozen=True, slots=True)
class PBNode:
    links: tuple[PBLink, ...]
    data: bytes | None


def encode_link(link: PBLink) -> bytes:
    return (
        _length_delimited(1, link.cid)
        + _length_delimited(2, link.name.encode("utf-8"))
        + _uint(3, link.tsize)
    )


def encode_node(links: Sequence[PBLink], data: bytes | None) -> bytes:
    """Encode a dag-pb node, links in the order given (the caller sorts directory entries)."""
    parts = [_length_delimited(2, encode_link(link)) for link in links]
    if data is not None:
        parts.append(_length_delimited(1, data))
    return b"".join(parts)


def _decode_link(buffer: memoryview) -> PBLink:
    cid: bytes | None = None
    name = ""
    tsize = 0
    for field, wire_type, value in _fields(buffer):
        if field == 1 and isinstance(value, memoryview):
            cid = bytes(value)
        elif field == 2 and isinstance(value, memoryview):
            try:
                name = bytes(value).decode("utf-8")
            except UnicodeDecodeError as error:
                raise DagFormatError("dag-pb link name is not UTF-8") from error
        elif field == 3 and wire_type == _VARINT and isinstance(value, int):
            tsize = value
        else:
            raise DagFormatError(f"unexpected field {field} in a dag-pb link")
    if cid is None:
        raise DagFormatError("dag-pb link without a Hash")
    return PBLink(cid, name, tsize)


def decode_node(block: bytes | memoryview) -> PBNode:
    links: list[PBLink] = []
    data: bytes | None = None
    for field, _wire_type, value in _fields(block):
        if field == 2 and isinstance(value, memoryview):
            links.append(_decode_link(value))
        elif field == 1 and isinstance(value, memoryview) and data is None:
            data = bytes(value)
        else:
            raise DagFormatError(f"unexpected field {field} in a dag-pb node")
    return PBNode(tuple(links), data)


class UnixFSType(IntEnum):
    RAW = 0
    DIRECTORY = 1
    FILE = 2
    METADATA = 3
    SYMLINK = 4
    HAMT_SHARD = 5


@dataclass(frozen=True, slots=True)
class UnixFSData:
    type: UnixFSType
    data: bytes = b""
    filesize: int | None = None
    blocksizes: tuple[int, ...] = ()


def encode_unixfs(
    kind: UnixFSType,
    data: bytes = b"",
    filesize: int | None = None,
    blocksizes: Sequence[int] = (),
) -> bytes:
    parts = [_uint(1, kind)]
    if data:
        parts.append(_length_delimited(2, data))
    if filesize is not None:
        parts.append(_uint(3, filesize))
    parts.extend(_uint(4, size) for size in blocksizes)
    return b"".join(parts)


def decode_unixfs(buffer: bytes | memoryview) -> UnixFSData:
    kind: UnixFSType | None = None
    data = b""
    filesize: int | None = None
    blocksizes: list[int] = []
    # Fields 5 and up (hash type, fanout, mode, mtime) do not change a file's bytes.
    for field, _wire_type, value in _fields(buffer):
        if field == 1 and isinstance(value, int):
            try:
                kind = UnixFSType(value)
            except ValueError as error:
                raise DagFormatError(f"unknown UnixFS type {value}") from error
        elif field == 2 and isinstance(value, memoryview):
            data = bytes(value)
        elif field == 3 and isinstance(value, int):
            filesize = value
        elif field == 4 and isinstance(value, int):
            blocksizes.append(value)
    if kind is None:
        raise DagFormatError("UnixFS data without a type")
    return UnixFSData(kind, data, filesize, tuple(blocksizes))


def file_leaf_framing(chunk_length: int) -> tuple[bytes, bytes]:
    """The bytes around a chunk in a UnixFS file leaf: ``header + chunk + trailer`` is the block.

    Lets the DAG builder hash and store a leaf without copying the chunk into a new buffer.
    """
    unixfs_head = _uint(1, UnixFSType.FILE)
    if chunk_length:
        unixfs_head += _key(2, _LENGTH_DELIMITED) + varint.encode(chunk_length)
    trailer = _uint(3, chunk_length)
    unixfs_length = len(unixfs_head) + chunk_length + len(trailer)
    header = _key(1, _LENGTH_DELIMITED) + varint.encode(unixfs_length) + unixfs_head
    return header, trailer
