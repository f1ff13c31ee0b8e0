"""CidLib.parse and CidLib.encode, checked against the multiformats reference implementation."""

import hashlib
import re
import warnings

import brownie
import pytest
from brownie import CidLibHarness
from brownie.exceptions import BrownieTestWarning, VirtualMachineError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from multiformats import CID, multihash, varint

V0, V1_DAG_PB, V1_RAW = range(3)
KIND_OF_CODEC = {"dag-pb": V1_DAG_PB, "raw": V1_RAW}
CIDLIB_ERROR = re.compile(
    r"CidLib(UnsupportedVersion|UnsupportedCodec|UnsupportedHashFunction|UnsupportedDigestLength"
    r"|MalformedVarint|Truncated|TrailingBytes): .*"
)

DIGEST = hashlib.sha256(b"lumbung").digest()
SHA2_256_MULTIHASH = bytes([0x12, 0x20]) + DIGEST


@pytest.fixture(scope="module")
def cid_lib(deployer):
    return CidLibHarness.deploy({"from": deployer})


def make_cid(version, codec, digest=DIGEST):
    base = "base58btc" if version == 0 else "base32"
    return bytes(CID(base, version, codec, multihash.wrap(digest, "sha2-256")))


def reference_parse(data):
    """(kind, digest) if multiformats reads `data` as exactly one supported CID, else None."""
    try:
        cid = CID.decode(data)
    except Exception:
        return None
    if bytes(cid) != data or cid.hashfun.name != "sha2-256" or len(cid.raw_digest) != 32:
        return None
    if cid.version == 0:
        return V0, cid.raw_digest
    if cid.version == 1 and cid.codec.name in KIND_OF_CODEC:
        return KIND_OF_CODEC[cid.codec.name], cid.raw_digest
    return None


@pytest.mark.parametrize(
    ("version", "codec", "kind"), [(0, "dag-pb", V0), (1, "dag-pb", V1_DAG_PB), (1, "raw", V1_RAW)]
)
def test_supported_cids_parse_and_round_trip(cid_lib, version, codec, kind):
    data = make_cid(version, codec)
    assert tuple(cid_lib.parse(data)) == (kind, "0x" + DIGEST.hex())
    assert cid_lib.encode(kind, DIGEST) == "0x" + data.hex()


def test_cidv0_is_the_bare_multihash(cid_lib):
    assert make_cid(0, "dag-pb") == SHA2_256_MULTIHASH
    assert tuple(cid_lib.parse(SHA2_256_MULTIHASH)) == (V0, "0x" + DIGEST.hex())


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (bytes([0x00, 0x70]) + SHA2_256_MULTIHASH, "CidLibUnsupportedVersion: 0"),
        (bytes([0x02, 0x70]) + SHA2_256_MULTIHASH, "CidLibUnsupportedVersion: 2"),
        (bytes([0x81, 0x01, 0x70]) + SHA2_256_MULTIHASH, "CidLibUnsupportedVersion: 129"),
    ],
)
def test_unsupported_version(cid_lib, data, error):
    with brownie.reverts(error):
        cid_lib.parse(data)


@pytest.mark.parametrize(
    ("codec_varint", "codec"),
    [
        (bytes([0x71]), 0x71),  # dag-cbor
        (bytes([0x85, 0x01]), 0x85),  # multi-byte; its low 7 bits would misread as raw (0x05)
        (bytes([0xF0, 0x01]), 0xF0),  # multi-byte; its low 7 bits would misread as dag-pb
    ],
)
def test_unsupported_codec(cid_lib, codec_varint, codec):
    with brownie.reverts(f"CidLibUnsupportedCodec: {codec}"):
        cid_lib.parse(bytes([0x01]) + codec_varint + SHA2_256_MULTIHASH)


@pytest.mark.parametrize(
    ("hash_varint", "hash_function"),
    [
        (bytes([0x13]), 0x13),  # sha2-512
        (bytes([0x92, 0x01]), 0x92),  # multi-byte; its low 7 bits would misread as sha2-256
        (varint.encode(0xB220), 0xB220),  # blake2b-256
    ],
)
def test_unsupported_hash_function(cid_lib, hash_varint, hash_function):
    with brownie.reverts(f"CidLibUnsupportedHashFunction: {hash_function}"):
        cid_lib.parse(bytes([0x01, 0x55]) + hash_varint + bytes([0x20]) + DIGEST)


@pytest.mark.parametrize(
    ("data", "length"),
    [
        (bytes([0x12, 0x14]) + DIGEST[:20], 0x14),  # CIDv0 form with a truncated sha2-256
        (bytes([0x01, 0x70, 0x12, 0x40]) + DIGEST * 2, 0x40),
        (bytes([0x01, 0x70, 0x12, 0xA0, 0x01]) + DIGEST, 0xA0),  # multi-byte; would misread 0x20
    ],
)
def test_unsupported_digest_length(cid_lib, data, length):
    with brownie.reverts(f"CidLibUnsupportedDigestLength: {length}"):
        cid_lib.parse(data)


@pytest.mark.parametrize(
    ("data", "offset"),
    [
        (bytes([0x81, 0x00]), 0),  # version 1 in two bytes: not minimal
        (bytes([0x01, 0xF0, 0x00]), 1),  # codec 0x70 in two bytes: not minimal
        (bytes([0x01, 0x55, 0x92, 0x80, 0x00]), 2),
        (bytes([0x01]) + bytes([0xFF] * 9) + bytes([0x01]), 1),  # ten bytes: over the 9-byte cap
    ],
)
def test_malformed_varint(cid_lib, data, offset):
    with brownie.reverts(f"CidLibMalformedVarint: {offset}"):
        cid_lib.parse(data)


def test_nine_byte_varint_is_decoded_in_full(cid_lib):
    version = 2**63 - 1
    with brownie.reverts(f"CidLibUnsupportedVersion: {version}"):
        cid_lib.parse(varint.encode(version) + bytes([0x70]) + SHA2_256_MULTIHASH)


@pytest.mark.parametrize(
    ("data", "required"),
    [
        (b"", 1),
        (bytes([0x01]), 2),
        (bytes([0x01, 0x70]), 3),
        (bytes([0x01, 0xF0]), 3),  # inside a varint
        (bytes([0x01, 0x70, 0x12]), 4),
        (SHA2_256_MULTIHASH[:-1], 34),
        (make_cid(1, "raw")[:-5], 36),
    ],
)
def test_truncated(cid_lib, data, required):
    with brownie.reverts(f"CidLibTruncated: {len(data)}, {required}"):
        cid_lib.parse(data)


@pytest.mark.parametrize(("version", "codec"), [(0, "dag-pb"), (1, "dag-pb"), (1, "raw")])
def test_trailing_bytes(cid_lib, version, codec):
    data = make_cid(version, codec)
    with brownie.reverts(f"CidLibTrailingBytes: {len(data) + 1}, {len(data)}"):
        cid_lib.parse(data + b"\x00")


def _varint_bytes():
    """Varints that hit the parser's branches: the supported codes, near misses, odd encodings."""
    interesting = st.sampled_from([0, 1, 2, 0x12, 0x13, 0x20, 0x21, 0x55, 0x70, 0x71, 0xB220])
    minimal = st.one_of(interesting, st.integers(0, 2**63 - 1)).map(varint.encode)
    return st.one_of(minimal, st.binary(min_size=1, max_size=3))


def _cid_like_bytes():
    fields = st.tuples(*[_varint_bytes()] * 4, st.binary(min_size=30, max_size=34))
    structured = fields.map(lambda parts: b"".join(parts))
    valid = st.tuples(
        st.sampled_from([(0, "dag-pb"), (1, "dag-pb"), (1, "raw")]),
        st.binary(min_size=32, max_size=32),
    )
    valid_bytes = valid.map(lambda v: make_cid(v[0][0], v[0][1], v[1]))
    mutated = st.tuples(valid_bytes, st.integers(0, 35), st.integers(0, 255)).map(
        lambda m: m[0][: m[1]] + bytes([m[2]]) + m[0][m[1] + 1 :]
    )
    return st.one_of(st.binary(max_size=40), structured, valid_bytes, mutated)


with warnings.catch_warnings():
    # Plain hypothesis `given`, not brownie's: parse is pure, so no example leaves chain state
    # to revert, and skipping brownie's per-example snapshot makes the test 15 times faster.
    warnings.simplefilter("ignore", BrownieTestWarning)
    _given_cid_like_bytes = given(data=_cid_like_bytes())


@settings(max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture])
@_given_cid_like_bytes
def test_property_rejected_with_named_error_or_round_trips(cid_lib, data):
    expected = reference_parse(data)
    try:
        kind, digest = cid_lib.parse(data)
    except VirtualMachineError as error:
        assert CIDLIB_ERROR.fullmatch(error.revert_msg), error.revert_msg
        assert expected is None, f"multiformats accepts {data.hex()}"
        return
    assert expected == (kind, bytes(digest))
    assert bytes(cid_lib.encode(kind, digest)) == data
