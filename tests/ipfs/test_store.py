"""The embedded block store: verification, atomic writes, concurrency, pins and gc."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest
from multiformats import CID

from ipfs.embedded import EmbeddedIpfs
from ipfs.errors import (
    BlockNotFoundError,
    CorruptBlockError,
    InvalidCidError,
    IpfsError,
    PinnedBlockError,
)
from ipfs.store import BlockStore
from tests.ipfs.helpers import content

CHUNK = 262_144


def block_files(store: BlockStore) -> list[Path]:
    return list(store.iter_block_paths())


def leaf_paths(ipfs: EmbeddedIpfs, root: CID) -> list[Path]:
    """Files of the blocks a root reaches, other than the root's own, largest first."""
    reachable = ipfs.store.reachable_multihashes(bytes(root))
    root_path = ipfs.store._path_for(root.digest)
    paths = [ipfs.store._path_for(mh) for mh in reachable]
    return sorted((p for p in paths if p != root_path), key=lambda p: -p.stat().st_size)


def test_put_get_has_delete(store):
    cid = store.put(b"a block")
    assert str(cid).startswith("bafkrei")
    assert store.has(cid) and store.get(cid) == b"a block"
    store.delete(cid)
    assert not store.has(cid)
    with pytest.raises(BlockNotFoundError):
        store.get(cid)
    with pytest.raises(BlockNotFoundError):
        store.delete(cid)


def test_put_verified_refuses_bytes_that_do_not_match(store):
    cid = store.put(b"right")
    with pytest.raises(CorruptBlockError):
        store.put_verified(cid, b"wrong")
    store.put_verified(cid, b"right")


def test_invalid_cid_is_a_typed_error(store):
    with pytest.raises(InvalidCidError):
        store.get("not-a-cid")


def test_identity_cids_need_no_block(store):
    cid = CID.decode("bafkqaddimvwgy3zao5xxe3debi")  # identity multihash of "hello world\n"
    assert store.has(cid)
    assert store.get(cid) == b"hello world\n"


@pytest.mark.parametrize("cid_version", [0, 1])
def test_corrupt_block_is_never_returned_and_can_be_repaired(ipfs, cid_version):
    data = content(3 * CHUNK, seed=1)
    root = ipfs.add_bytes(data, cid_version=cid_version)
    victim = leaf_paths(ipfs, root)[0]
    damaged = bytearray(victim.read_bytes())
    damaged[len(damaged) // 2] ^= 0x40
    victim.write_bytes(bytes(damaged))

    with pytest.raises(CorruptBlockError):
        b"".join(ipfs.cat(root))
    assert not victim.exists(), "the corrupt block is moved to quarantine"
    assert len(list((ipfs.store.root / "quarantine").iterdir())) == 1

    assert ipfs.add_bytes(data, cid_version=cid_version) == root
    assert b"".join(ipfs.cat(root)) == data


def test_torn_block_is_detected_and_rewritten(ipfs):
    data = content(2 * CHUNK + 1, seed=2)
    root = ipfs.add_bytes(data)
    victim = leaf_paths(ipfs, root)[0]
    victim.write_bytes(victim.read_bytes()[:100])  # what a crash mid-write would leave
    with pytest.raises(CorruptBlockError):
        b"".join(ipfs.cat(root))
    ipfs.add_bytes(data)
    assert b"".join(ipfs.cat(root)) == data


def test_failed_write_leaves_no_block_and_no_temporary(store, monkeypatch):
    real_write = os.write
    calls = {"count": 0}

    def failing_write(fd, data):
        calls["count"] += 1
        if calls["count"] == 2:
            raise OSError(28, "No space left on device")
        return real_write(fd, data[:10])  # short writes, as a full disk gives

    monkeypatch.setattr(os, "write", failing_write)
    with pytest.raises(OSError):
        store.put(content(1000))
    monkeypatch.undo()
    assert block_files(store) == []
    assert list((store.root / "tmp").iterdir()) == []


def _add_in_process(root: str, seed: int, results) -> None:
    ipfs = EmbeddedIpfs.open(Path(root))  # durable, as in production
    shared = content(3 * CHUNK + 7, seed=100)
    own = content(2 * CHUNK + seed, seed=seed)
    results.put((ipfs.add_bytes(shared).encode(), ipfs.add_bytes(own, cid_version=1).encode()))


def test_concurrent_writers_share_one_store(tmp_path):
    root = tmp_path / "shared-store"
    BlockStore(root)
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    workers = [
        context.Process(target=_add_in_process, args=(str(root), seed, results))
        for seed in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    outcomes = [results.get(timeout=5) for _ in workers]
    assert len({shared for shared, _ in outcomes}) == 1

    ipfs = EmbeddedIpfs.open(root)
    for path in block_files(ipfs.store):
        assert not path.name.endswith(".tmp")
    assert list((root / "tmp").iterdir()) == []
    for shared, own in outcomes:
        for cid in (shared, own):
            assert ipfs.store.is_pinned(cid)
            # every block present and verified on the way
            b"".join(ipfs.cat(cid))


def test_gc_keeps_pinned_blocks(ipfs):
    shared_chunk = content(CHUNK, seed=5)
    pinned_data = shared_chunk + content(CHUNK, seed=6)
    loose_data = shared_chunk + content(CHUNK, seed=7)
    pinned = ipfs.add_bytes(pinned_data)
    loose = ipfs.add_bytes(loose_data, pin=False)
    assert len(block_files(ipfs.store)) == 5  # two parents, three distinct leaves

    report = ipfs.gc()
    assert (report.removed_blocks, report.kept_blocks) == (2, 3)
    assert b"".join(ipfs.cat(pinned)) == pinned_data
    with pytest.raises(BlockNotFoundError):
        b"".join(ipfs.cat(loose))

    ipfs.unpin(pinned)
    assert ipfs.gc().removed_blocks == 3
    assert block_files(ipfs.store) == []


def test_gc_refuses_to_guess_when_a_pinned_dag_is_incomplete(ipfs):
    pinned = ipfs.add_bytes(content(3 * CHUNK, seed=8))
    ipfs.add_bytes(b"unpinned", pin=False)
    leaf_paths(ipfs, pinned)[0].unlink()
    before = len(block_files(ipfs.store))
    with pytest.raises(BlockNotFoundError):
        ipfs.gc()
    assert len(block_files(ipfs.store)) == before


def test_pinned_blocks_cannot_be_deleted(ipfs):
    root = ipfs.add_bytes(content(2 * CHUNK, seed=9))
    with pytest.raises(PinnedBlockError):
        ipfs.store.delete(root)
    ipfs.unpin(root)
    ipfs.store.delete(root)


def test_remove_deletes_a_dags_blocks_but_those_another_pin_reaches(ipfs):
    shared_chunk = content(CHUNK, seed=11)
    removed = ipfs.add_bytes(shared_chunk + content(CHUNK, seed=12), cid_version=1)
    other_data = shared_chunk + content(CHUNK, seed=13)
    other = ipfs.add_bytes(other_data, cid_version=1)
    assert len(block_files(ipfs.store)) == 5
    ipfs.remove(removed)
    assert not ipfs.has(removed) and not ipfs.store.is_pinned(removed)
    assert len(block_files(ipfs.store)) == 3  # the other DAG's root and both its leaves
    assert b"".join(ipfs.cat(other)) == other_data
    ipfs.remove(removed)  # again: nothing left, no error
    ipfs.remove(other)
    assert block_files(ipfs.store) == []


def test_pin_needs_the_whole_dag(ipfs):
    root = ipfs.add_bytes(content(2 * CHUNK, seed=10), pin=False)
    leaf_paths(ipfs, root)[0].unlink()
    with pytest.raises(BlockNotFoundError):
        ipfs.pin(root)
    assert not ipfs.store.is_pinned(root)
    with pytest.raises(IpfsError):
        ipfs.unpin(root)


def _add_many(root: str, count: int, results) -> None:
    ipfs = EmbeddedIpfs.open(Path(root), durable=False)
    results.put([str(ipfs.add_bytes(content(CHUNK + i, seed=1000 + i))) for i in range(count)])


def test_gc_running_during_adds_never_breaks_a_pinned_dag(tmp_path):
    root = tmp_path / "busy-store"
    ipfs = EmbeddedIpfs.open(root, durable=False)
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    adder = context.Process(target=_add_many, args=(str(root), 40, results))
    adder.start()
    while adder.is_alive():
        ipfs.gc()
    adder.join()
    assert adder.exitcode == 0
    added = results.get(timeout=5)
    ipfs.gc()
    for cid in added:
        ipfs.store.reachable_multihashes(bytes(CID.decode(cid)))


def test_store_refuses_an_unknown_layout(tmp_path):
    root = tmp_path / "store"
    BlockStore(root)
    (root / "layout").write_text("99\n")
    with pytest.raises(IpfsError):
        BlockStore(root)
