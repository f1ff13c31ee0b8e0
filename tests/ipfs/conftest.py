"""Shared fixtures of the IPFS tests: the Node oracles, stores and deterministic content."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from ipfs.embedded import EmbeddedIpfs
from ipfs.store import BlockStore
from tests.ipfs.helpers import require_node_package, run_node


@pytest.fixture(autouse=True)
def isolation():
    """Overrides tests/conftest.py's brownie chain isolation: these tests use no chain.

    Run them with brownie's plugin off (``-p no:pytest-brownie``), so no chain is started.
    """


@pytest.fixture
def js_unixfs_cids() -> Callable[..., list[str]]:
    """CIDs of paths computed by npm ipfs-unixfs-importer with kubo-equivalent options."""
    require_node_package("ipfs-unixfs-importer")

    def compute(
        paths: Sequence[Path], cid_version: int, chunk_size: int = 262_144, max_links: int = 174
    ) -> list[str]:
        results = run_node(
            "unixfs_cid.mjs",
            "--cid-version",
            str(cid_version),
            "--chunk-size",
            str(chunk_size),
            "--max-links",
            str(max_links),
            *map(str, paths),
        )
        return [str(result["cid"]) for result in results]

    return compute


@pytest.fixture
def store(tmp_path: Path) -> BlockStore:
    return BlockStore(tmp_path / "store", durable=False)


@pytest.fixture
def ipfs(store: BlockStore) -> EmbeddedIpfs:
    return EmbeddedIpfs(store)
