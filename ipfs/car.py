"""CAR (content-addressed archive) files: write CARv1, read CARv1 and CARv2.

A CARv1 is a varint-prefixed dag-cbor header ``{"roots": [CID, ...], "version": 1}``
followed by sections, each ``varint(len(cid) + len(block)) || cid || block``
(https://ipld.io/specs/transport/car/carv1/). A CARv2 wraps a CARv1 payload behind a fixed
pragma and header (https://ipld.io/specs/transport/car/carv2/); reading it means finding
that payload, which is all an import needs (the index is for random access).

The reader verifies every block against its CID as it goes and raises
:class:`CarFormatError` on the first problem; a caller that stages blocks until the reader
is exhausted therefore stores nothing from a bad file.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import BinaryIO

import dag_cbor
from multiformats import CID, varint

from ipfs.cid import block_matches, cid_string, split_cid
from ipfs.errors import CarFormatError, InvalidCidError, IpfsError

logger = logging.getLogger(__name__)

# The CARv2 pragma: a CARv1-style header that only says {"version": 2}.
CARV2_PRAGMA = bytes.fromhex("0aa16776657273696f6e02")
CARV2_HEADER_LENGTH = 40
# Bounds that keep a malformed or hostile file from making us allocate gigabytes.
MAX_HEADER_LENGTH = 1 << 20
MAX_SECTION_LENGTH = 16 << 20
_MAX_VARINT_BYTES = 9


def encode_header(roots: Sequence[CID]) -> bytes:
    header = dag_cbor.encode({"roots": list(roots), "version": 1})
    return varint.encode(len(header)) + header


def write_car(out: BinaryIO, roots: Sequence[CID], blocks: Iterable[tuple[bytes, bytes]]) -> int:
    """Write a CARv1 of ``blocks`` (binary CID, bytes) under ``roots``; returns the block count."""
    out.write(encode_header(roots))
    count = 0
    for cid, block in blocks:
        out.write(varint.encode(len(cid) + len(block)))
        out.write(cid)
        out.write(block)
        count += 1
    return count


class _Source:
    """Exact reads from a stream, counting the position and turning EOF into a CAR error."""

    def __init__(self, stream: BinaryIO, limit: int | None = None) -> None:
        self._stream = stream
        self.position = 0
        self._limit = limit
        self._pending = b""  # a byte read ahead by at_end()

    def at_end(self) -> bool:
        if self._limit is not None and self.position >= self._limit:
            return True
        peek = self._stream.read(1)
        if not peek:
            return True
        self._pending = peek
        return False

    def read_exactly(self, size: int, what: str) -> bytes:
        if self._limit is not None and self.position + size > self._limit:
            raise CarFormatError(f"{what} runs past the end of the CARv2 payload")
        data = self._pending + self._stream.read(size - len(self._pending))
        self._pending = b""
        while len(data) < size:
            more = self._stream.read(size - len(data))
            if not more:
                raise CarFormatError(
                    f"truncated CAR: {what} ends after {len(data)} of {size} bytes"
                )
            data += more
        self.position += size
        return data

    def read_varint(self, what: str) -> int:
        collected = b""
        while True:
            byte = self.read_exactly(1, what)
            collected += byte
            if not byte[0] & 0x80:
                break
            if len(collected) >= _MAX_VARINT_BYTES:
                raise CarFormatError(f"malformed CAR: {what} varint is too long")
        try:
            return int(varint.decode(collected))
        except ValueError as error:
            raise CarFormatError(f"malformed CAR: {what} is not a minimal varint") from error

    def skip_to(self, offset: int) -> None:
        if offset < self.position:
            raise CarFormatError("malformed CARv2: payload offset points into the header")
        self.read_exactly(offset - self.position, "CARv2 padding")


def _cid_length(section: memoryview) -> int:
    """How many bytes at the start of a section encode its CID."""
    if section[:2] == b"\x12\x20":
        return 34
    position = 0
    try:
        for _ in range(3):  # version, codec, hash function
            _, size, _ = varint.decode_raw(section[position:])
            position += size
        digest_length, size, _ = varint.decode_raw(section[position:])
    except ValueError as error:
        raise CarFormatError(f"malformed CAR: section has no valid CID: {error}") from error
    return position + size + digest_length


class CarReader:
    """Reads a CAR from a stream: ``roots`` at once, then verified blocks by iterating.

    Iteration yields ``(binary CID, block)`` and raises :class:`CarFormatError` on a
    truncated section, a malformed CID or a block that does not hash to its CID.
    """

    def __init__(self, stream: BinaryIO) -> None:
        self._source = _Source(stream)
        self.version, self.roots = self._read_header(self._source)
        if self.version == 2:
            self._source = self._open_v2_payload(stream)
            inner_version, self.roots = self._read_header(self._source)
            if inner_version != 1:
                raise CarFormatError("malformed CARv2: its payload is not a CARv1")

    @staticmethod
    def _read_header(source: _Source) -> tuple[int, list[CID]]:
        length = source.read_varint("header length")
        if not 0 < length <= MAX_HEADER_LENGTH:
            raise CarFormatError(f"malformed CAR: header length {length} is out of bounds")
        encoded = source.read_exactly(length, "header")
        try:
            header = dag_cbor.decode(encoded)
        except dag_cbor.decoding.CBORDecodingError as error:
            first_line = str(error).splitlines()[0]
            raise CarFormatError(f"malformed CAR: header is not dag-cbor: {first_line}") from error
        if not isinstance(header, dict) or not isinstance(header.get("version"), int):
            raise CarFormatError("malformed CAR: header has no integer version")
        version = header["version"]
        if version == 2 and encoded == CARV2_PRAGMA[1:]:
            return 2, []
        if version != 1:
            raise CarFormatError(f"unsupported CAR version {version}")
        roots = header.get("roots")
        if not isinstance(roots, list):
            raise CarFormatError("malformed CAR: header roots are not a list")
        cids = [root for root in roots if isinstance(root, CID)]
        if len(cids) != len(roots):
            raise CarFormatError("malformed CAR: a header root is not a CID")
        return 1, cids

    def _open_v2_payload(self, stream: BinaryIO) -> _Source:
        fixed = self._source.read_exactly(CARV2_HEADER_LENGTH, "CARv2 header")
        data_offset = int.from_bytes(fixed[16:24], "little")
        data_size = int.from_bytes(fixed[24:32], "little")
        self._source.skip_to(data_offset)
        return _Source(stream, limit=data_size)

    def __iter__(self) -> Iterator[tuple[bytes, bytes]]:
        source = self._source
        while not source.at_end():
            length = source.read_varint("section length")
            if not 0 < length <= MAX_SECTION_LENGTH:
                raise CarFormatError(f"malformed CAR: section length {length} is out of bounds")
            section = memoryview(source.read_exactly(length, "section"))
            cid_length = _cid_length(section)
            if cid_length > length:
                raise CarFormatError("malformed CAR: a CID runs past the end of its section")
            cid = bytes(section[:cid_length])
            try:
                parts = split_cid(cid)
                matches = block_matches(parts, section[cid_length:])
            except InvalidCidError as error:
                raise CarFormatError(f"malformed CAR: {error}") from error
            except IpfsError as error:
                raise CarFormatError(f"cannot verify CAR block: {error}") from error
            if not matches:
                raise CarFormatError(f"CAR block {cid_string(cid)} does not match its CID")
            yield cid, bytes(section[cid_length:])
