"""CAR v1 export and import: round trips with @ipld/car, and all-or-nothing rejection."""

from __future__ import annotations

import io
from pathlib import Path

import dag_cbor
import pytest
from multiformats import CID, varint

from ipfs.car import CARV2_PRAGMA, CarReader, encode_header, write_car
from ipfs.cid import cid_string
from ipfs.embedded import EmbeddedIpfs
from ipfs.errors import CarFormatError
from tests.ipfs.helpers import build_tree, content, require_node_package, run_node

CHUNK = 262_144


def blocks_in(ipfs: EmbeddedIpfs) -> int:
    return sum(1 for _ in ipfs.store.iter_block_paths())


def exported(ipfs: EmbeddedIpfs, root: CID) -> bytes:
    out = io.BytesIO()
    ipfs.export_car(root, out)
    return out.getvalue()


@pytest.fixture
def source_tree(tmp_path: Path) -> Path:
    return build_tree(
        tmp_path / "tree",
        {
            "big.bin": content(3 * CHUNK + 5, seed=1),
            "empty": b"",
            "sub": {"note.txt": b"hello", "deeper": {"again.txt": b"hello"}},
        },
    )


@pytest.mark.parametrize("cid_version", [0, 1])
def test_round_trip_between_stores(tmp_path, ipfs, source_tree, cid_version):
    root = ipfs.add_path(source_tree, cid_version=cid_version)
    car = exported(ipfs, root)
    other = EmbeddedIpfs.open(tmp_path / "other", durable=False)
    assert other.import_car(io.BytesIO(car)) == [root]
    assert other.store.is_pinned(root)
    big = ipfs.add_path(source_tree / "big.bin", cid_version=cid_version)
    assert b"".join(other.cat(big)) == (source_tree / "big.bin").read_bytes()


@pytest.mark.parametrize("cid_version", [0, 1])
def test_ipld_car_reads_our_car(tmp_path, ipfs, source_tree, cid_version):
    require_node_package("@ipld/car")
    root = ipfs.add_path(source_tree, cid_version=cid_version)
    car_path = tmp_path / "ours.car"
    car_path.write_bytes(exported(ipfs, root))
    [result] = run_node("car_read.mjs", str(car_path))
    assert result["version"] == 1
    assert result["roots"] == [str(root)]
    assert result["mismatched"] == []
    # The same blocks a recursive walk of the store finds, each written once, root first.
    ours = [cid_string(cid) for cid, _ in CarReader(io.BytesIO(car_path.read_bytes()))]
    assert result["cids"] == ours
    assert ours[0] == str(root) and len(set(ours)) == len(ours)
    # "hello" appears twice in the tree but its block is exported once.
    assert len(ours) == len(ipfs.store.reachable_multihashes(bytes(root)))


@pytest.mark.parametrize("cid_version", [0, 1])
def test_we_import_a_car_written_by_ipld_car(tmp_path, ipfs, cid_version):
    require_node_package("@ipld/car")
    source = tmp_path / "source.bin"
    source.write_bytes(content(5 * CHUNK + 123, seed=2))
    car_path = tmp_path / "theirs.car"
    [written] = run_node(
        "car_write.mjs", "--cid-version", str(cid_version), str(source), str(car_path)
    )
    with car_path.open("rb") as stream:
        roots = ipfs.import_car(stream)
    assert [str(root) for root in roots] == [written["root"]]
    assert b"".join(ipfs.cat(roots[0])) == source.read_bytes()
    # The CID they computed is the one we compute.
    assert ipfs.add_path(source, cid_version=cid_version, only_hash=True) == roots[0]


def test_carv2_payload_is_imported(tmp_path, ipfs):
    data = content(2 * CHUNK, seed=3)
    root = ipfs.add_bytes(data)
    v1 = exported(ipfs, root)
    padding = b"\0" * 7
    data_offset = len(CARV2_PRAGMA) + 40 + len(padding)
    header = (
        bytes(16)
        + data_offset.to_bytes(8, "little")
        + len(v1).to_bytes(8, "little")
        + (0).to_bytes(8, "little")
    )
    v2 = CARV2_PRAGMA + header + padding + v1
    other = EmbeddedIpfs.open(tmp_path / "other", durable=False)
    assert other.import_car(io.BytesIO(v2)) == [root]
    assert b"".join(other.cat(root)) == data


def _section(cid: bytes, block: bytes) -> bytes:
    return varint.encode(len(cid) + len(block)) + cid + block


@pytest.fixture
def good_car(ipfs: EmbeddedIpfs) -> tuple[CID, bytes]:
    root = ipfs.add_bytes(content(3 * CHUNK, seed=4))
    return root, exported(ipfs, root)


def _header_length(car: bytes) -> int:
    length, size, _ = varint.decode_raw(car)
    return length + size


def corrupted_block(car: bytes) -> bytes:
    damaged = bytearray(car)
    damaged[-10] ^= 0x01  # inside the last block's bytes
    return bytes(damaged)


def wrong_cid_for_block(car: bytes) -> bytes:
    header = car[: _header_length(car)]
    sections = list(CarReader(io.BytesIO(car)))
    first_cid, second_block = sections[0][0], sections[1][1]
    rest = b"".join(_section(cid, block) for cid, block in sections[1:])
    return header + _section(first_cid, second_block) + rest


BAD_CARS = {
    "flipped bit in a block": corrupted_block,
    "block under another block's CID": wrong_cid_for_block,
    "truncated in the last block": lambda car: car[:-1],
    "truncated mid-file": lambda car: car[: len(car) // 2],
    "truncated in the header": lambda car: car[:5],
    "empty file": lambda car: b"",
    "header is not dag-cbor": lambda car: b"\x05hello" + car[_header_length(car) :],
    "header version 3": lambda car: (
        encode_header_with({"roots": [], "version": 3}) + car[_header_length(car) :]
    ),
    "roots are not CIDs": lambda car: (
        encode_header_with({"roots": ["nope"], "version": 1}) + car[_header_length(car) :]
    ),
    "header length zero": lambda car: b"\x00" + car,
    "section longer than the file": lambda car: car + varint.encode(1 << 20) + b"\x01",
    "section length beyond the bound": lambda car: car + varint.encode(1 << 40),
    "section holds no valid CID": lambda car: car + _section(b"\x01\x70\x12", b""),
    "unknown hash function": lambda car: car + _section(b"\x01\x55\xf0\x01\x02", b"ab"),
}


def encode_header_with(header: dict[str, object]) -> bytes:
    encoded = dag_cbor.encode(header)
    return varint.encode(len(encoded)) + encoded


@pytest.mark.parametrize("damage", BAD_CARS.values(), ids=BAD_CARS.keys())
def test_bad_car_is_rejected_and_stores_nothing(tmp_path, good_car, damage):
    _, car = good_car
    target = EmbeddedIpfs.open(tmp_path / "target", durable=False)
    with pytest.raises(CarFormatError):
        target.import_car(io.BytesIO(damage(car)))
    assert blocks_in(target) == 0
    assert target.store.pins() == []
    assert list((tmp_path / "target" / "tmp").iterdir()) == []


def test_blocks_are_written_once_even_when_repeated(tmp_path, good_car):
    root, car = good_car
    header = car[: _header_length(car)]
    body = car[_header_length(car) :]
    target = EmbeddedIpfs.open(tmp_path / "target", durable=False)
    assert target.import_car(io.BytesIO(header + body + body)) == [root]
    assert blocks_in(target) == 4  # 3 leaves and their parent


def test_write_car_header_matches_the_spec_example():
    root = CID.decode("bafyreihyrpefhacm6kkp4ql6j6udakdit7g3dmkzfriqfykhjw6cad5lrm")
    out = io.BytesIO()
    write_car(out, [root], [])
    decoded = dag_cbor.decode(out.getvalue()[1:])
    assert decoded == {"roots": [root], "version": 1}
    assert encode_header([root]) == out.getvalue()
