"""CIDs: parsing, printing and block verification on top of the ``multiformats`` library.

Inside the package a CID travels as its binary form (``bytes``): the DAG builder makes one per
256 KiB chunk and the store keys blocks by the multihash inside it, and building a
``multiformats.CID`` object costs far more than hashing a small block. The binary form is
only ever produced from prefixes that ``multiformats`` computed (:func:`cid_prefix`) and
parsed by :func:`split_cid`, whose fast path covers the two shapes UnixFS produces
(CIDv0, and CIDv1 over a sha2-256 digest) and hands every other shape to ``multiformats``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from multiformats import CID, multicodec, multihash, varint

from ipfs.errors import InvalidCidError, UnsupportedCodecError

DAG_PB = 0x70
RAW = 0x55
DAG_CBOR = 0x71
SHA2_256 = 0x12
IDENTITY = 0x00
SHA2_256_LENGTH = 32

# The binary prefix of a CIDv0: the sha2-256 multihash header (code 0x12, length 32).
_CIDV0_PREFIX = bytes((SHA2_256, SHA2_256_LENGTH))

CidLike = CID | str | bytes


@dataclass(frozen=True, slots=True)
class CidParts:
    """The fields of a binary CID that the store and the DAG walkers need."""

    version: int
    codec: int
    multihash: bytes
    hash_code: int
    digest: bytes


def parse_cid(value: CidLike) -> CID:
    """``value`` as a ``multiformats.CID``; raises :class:`InvalidCidError` if it is not one."""
    if isinstance(value, CID):
        return value
    try:
        return CID.decode(value.strip() if isinstance(value, str) else value)
    except (ValueError, KeyError, TypeError) as error:
        reason = str(error.args[0]) if error.args else type(error).__name__
        raise InvalidCidError(value, reason.splitlines()[0]) from error


def cid_to_bytes(value: CidLike) -> bytes:
    """The binary form of a CID given in any of the accepted forms."""
    if isinstance(value, bytes):
        parse_cid(value)  # validate before the bytes travel further
        return value
    return bytes(parse_cid(value))


@lru_cache(maxsize=16)
def cid_prefix(version: int, codec: int) -> bytes:
    """The bytes that precede a sha2-256 digest in a CID of this version and codec."""
    placeholder = multihash.wrap(bytes(SHA2_256_LENGTH), "sha2-256")
    base = "base58btc" if version == 0 else "base32"
    encoded = bytes(CID(base, version, multicodec.get(code=codec), placeholder))
    return encoded[:-SHA2_256_LENGTH]


def sha256_cid(version: int, codec: int, digest: bytes) -> bytes:
    """The binary CID of a block whose sha2-256 digest is ``digest``."""
    return cid_prefix(version, codec) + digest


def split_cid(raw: bytes) -> CidParts:
    """Split a binary CID into its fields."""
    if len(raw) == 34 and raw[:2] == _CIDV0_PREFIX:
        return CidParts(0, DAG_PB, raw, SHA2_256, raw[2:])
    if raw[:1] == b"\x01" and len(raw) >= 36:
        codec, codec_length, _ = varint.decode_raw(raw[1:])
        header = 1 + codec_length
        if raw[header : header + 2] == _CIDV0_PREFIX and len(raw) == header + 34:
            return CidParts(1, codec, raw[header:], SHA2_256, raw[header + 2 :])
    cid = parse_cid(raw)
    mh = bytes(cid.digest)
    return CidParts(cid.version, cid.codec.code, mh, cid.hashfun.code, bytes(cid.raw_digest))


def to_cid(raw: bytes) -> CID:
    """A binary CID as a ``multiformats.CID`` that prints as kubo does (base32 for CIDv1)."""
    cid = parse_cid(raw)
    return cid if cid.version == 0 else cid.set(base="base32")


def cid_string(raw: bytes) -> str:
    """The text form kubo prints: base58btc for CIDv0, base32 for CIDv1."""
    return str(to_cid(raw))


def format_cid(value: CidLike) -> str:
    """The text form kubo prints of a CID given in any of the accepted forms."""
    return cid_string(cid_to_bytes(value))


def block_matches(parts: CidParts, data: bytes | memoryview) -> bool:
    """Whether ``data`` hashes to the multihash inside the CID."""
    if parts.hash_code == SHA2_256 and len(parts.digest) == SHA2_256_LENGTH:
        return hashlib.sha256(data).digest() == parts.digest
    if parts.hash_code == IDENTITY:
        return bytes(data) == parts.digest
    try:
        computed = multihash.digest(bytes(data), parts.hash_code, size=len(parts.digest))
    except (KeyError, ValueError) as error:
        raise UnsupportedCodecError(
            f"cannot verify blocks hashed with multihash code {parts.hash_code:#x}: {error}"
        ) from error
    return bytes(computed) == parts.multihash
