"""The UnixFS importer and exporter beyond the oracle: streaming, round trips, bad DAGs."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipfs.cid import DAG_PB, cid_string, sha256_cid
from ipfs.dagpb import (
    PBLink,
    UnixFSType,
    decode_node,
    decode_unixfs,
    encode_node,
    encode_unixfs,
)
from ipfs.errors import DagFormatError, NotAFileError, UnsupportedInputError
from ipfs.unixfs import (
    HAMT_SHARDING_THRESHOLD,
    ImportedNode,
    ImportOptions,
    build_directory,
    discard_blocks,
    import_file,
    iter_file,
)
from tests.ipfs.helpers import REPO_ROOT, content


class DictStore:
    def __init__(self) -> None:
        self.blocks: dict[bytes, bytes] = {}

    def put(self, cid, parts) -> None:
        self.blocks[cid] = b"".join(bytes(part) for part in parts)

    def get(self, cid: bytes) -> bytes:
        return self.blocks[cid]


class TrickleStream(io.RawIOBase):
    """A non-seekable stream that hands out at most a few bytes per read, like a pipe."""

    def __init__(self, data: bytes, step: int) -> None:
        self._data = memoryview(data)
        self._step = step

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = min(self._step, len(buffer), len(self._data))
        buffer[:count] = self._data[:count]
        self._data = self._data[count:]
        return count


@pytest.mark.parametrize("cid_version", [0, 1])
def test_short_reads_do_not_change_the_cid(cid_version):
    data = content(3 * 262_144 + 11, seed=1)
    options = ImportOptions(cid_version=cid_version)
    whole = import_file(io.BytesIO(data), discard_blocks, options)
    trickled = import_file(TrickleStream(data, 65_537), discard_blocks, options)
    assert trickled == whole


@settings(max_examples=60, deadline=None)
@given(
    data=st.binary(max_size=3000),
    chunk_size=st.integers(1, 64),
    max_links=st.integers(2, 6),
    cid_version=st.sampled_from([0, 1]),
)
def test_any_bytes_round_trip(data, chunk_size, max_links, cid_version):
    options = ImportOptions(cid_version=cid_version, chunk_size=chunk_size, max_links=max_links)
    store = DictStore()
    root = import_file(io.BytesIO(data), store.put, options)
    assert root.filesize == len(data)
    assert b"".join(iter_file(store.get, root.cid)) == data
    # tsize is the size of the whole DAG, every block counted once per link
    if len(store.blocks) == 1:
        assert root.tsize == len(store.blocks[root.cid])


def test_dag_pb_encoding_round_trips():
    link = PBLink(sha256_cid(0, DAG_PB, bytes(32)), "name ☕", 12345)
    data = encode_unixfs(UnixFSType.FILE, b"xyz", filesize=3, blocksizes=[1, 2])
    node = decode_node(encode_node([link, link], data))
    assert node.links == (link, link)
    assert decode_unixfs(node.data) == decode_unixfs(data)
    assert decode_unixfs(data).blocksizes == (1, 2)


def test_malformed_dag_pb_is_a_typed_error():
    for block in (b"\x0a\xff", b"\x12\x03\x0a\x01", b"\x1b", b"\x0a"):
        with pytest.raises(DagFormatError):
            decode_node(block)


def _parent_with(blocksizes: list[int], store: DictStore, children: list[bytes]) -> bytes:
    data = encode_unixfs(UnixFSType.FILE, filesize=sum(blocksizes), blocksizes=blocksizes)
    block = encode_node([PBLink(child, "", 0) for child in children], data)
    cid = sha256_cid(0, DAG_PB, hashlib.sha256(block).digest())
    store.blocks[cid] = block
    return cid


def test_a_dag_that_lies_about_sizes_is_refused():
    store = DictStore()
    leaves = [
        import_file(io.BytesIO(b"abc"), store.put, ImportOptions()).cid,
        import_file(io.BytesIO(b"defg"), store.put, ImportOptions()).cid,
    ]
    honest = _parent_with([3, 4], store, leaves)
    assert b"".join(iter_file(store.get, honest)) == b"abcdefg"
    lying = _parent_with([4, 3], store, leaves)
    with pytest.raises(DagFormatError):
        b"".join(iter_file(store.get, lying))


def test_cat_of_a_directory_is_not_a_file():
    store = DictStore()
    directory = build_directory({}, store.put, ImportOptions())
    assert cid_string(directory.cid) == "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn"
    with pytest.raises(NotAFileError):
        list(iter_file(store.get, directory.cid))


def test_directory_kubo_would_shard_is_refused():
    fake = ImportedNode(sha256_cid(0, DAG_PB, bytes(32)), 10, 0)
    names = [f"entry-number-{i:08d}" for i in range(HAMT_SHARDING_THRESHOLD // 54 + 1)]
    with pytest.raises(UnsupportedInputError, match="HAMT"):
        build_directory(dict.fromkeys(names, fake), discard_blocks, ImportOptions())
    build_directory(dict.fromkeys(names[:1000], fake), discard_blocks, ImportOptions())


def test_names_must_be_utf8():
    fake = ImportedNode(sha256_cid(0, DAG_PB, bytes(32)), 10, 0)
    with pytest.raises(UnsupportedInputError):
        build_directory({"bad-\udcff": fake}, discard_blocks, ImportOptions())


def test_memory_stays_flat_while_streaming():
    """256 MiB streamed through the importer with a peak RSS far below the content size."""
    script = textwrap.dedent(
        """
        import io
        from pathlib import Path
        from ipfs.unixfs import ImportOptions, discard_blocks, import_file

        class Zeros(io.RawIOBase):
            remaining = 256 << 20
            def readable(self):
                return True
            def readinto(self, buffer):
                count = min(len(buffer), self.remaining)
                buffer[:count] = bytes(count)
                self.remaining -= count
                return count

        import_file(Zeros(), discard_blocks, ImportOptions())
        # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent.
        status = Path("/proc/self/status").read_text().splitlines()
        print(int(next(l for l in status if l.startswith("VmHWM")).split()[1]) // 1024)
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    peak_mib = int(completed.stdout.strip())
    assert peak_mib < 100, f"peak RSS {peak_mib} MiB"
