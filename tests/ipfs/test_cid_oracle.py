"""Our CIDs against npm ipfs-unixfs-importer (kubo-equivalent options) and Debian's ipfs_cid."""

from __future__ import annotations

import json
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest

from ipfs.cid import cid_string
from ipfs.unixfs import ImportOptions, discard_blocks, import_file, import_path
from tests.ipfs.helpers import build_tree, content

CHUNK = 262_144
LINKS = 174
FILE_SIZES = [
    0,
    1,
    CHUNK - 1,
    CHUNK,
    CHUNK + 1,
    LINKS * CHUNK - 1,
    LINKS * CHUNK,
    LINKS * CHUNK + 1,
    20 * 1024 * 1024 + 12_345,  # the "random 20 MiB file", with a ragged last chunk
]


def our_cid(path: Path, cid_version: int, **options: int | bool) -> str:
    node = import_path(path, discard_blocks, ImportOptions(cid_version=cid_version, **options))
    return cid_string(node.cid)


@pytest.fixture(scope="module")
def sized_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("sized")
    paths = []
    for index, size in enumerate(FILE_SIZES):
        path = folder / f"file-{size}"
        path.write_bytes(content(size, seed=index))
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    base = tmp_path_factory.mktemp("folders")
    nested = build_tree(
        base / "nested",
        {
            "README": b"a cooperative of data\n",
            "empty-file": b"",
            "empty-folder": {},
            ".hidden": b"ipfs add -r leaves dotfiles out",
            ".git": {"config": b"[core]\n"},
            "café ☕": b"unicode names sort by their UTF-8 bytes",
            "日本": {"深い": {"deeper": {"deepest": {"leaf.bin": content(1000, seed=7)}}}},
            "A": b"upper case sorts before lower case",
            "a": b"a",
            "a b": b"space",
            "a.txt": b"dot",
            "10": b"ten",
            "9": b"nine",
            "big": {"three-chunks.bin": content(2 * CHUNK + 17, seed=8), "one": b"1"},
            "link-to-readme": ("symlink", "README"),
            "dangling-link": ("symlink", "nowhere/at/all"),
        },
    )
    many = build_tree(base / "many", {f"entry-{i:04d}": str(i).encode() for i in range(400)})
    only_empty = build_tree(base / "only-empty", {"nothing": {}})
    single = build_tree(base / "single", {"one": {"two": {"three": b"3"}}})
    return [nested, many, only_empty, single]


@pytest.mark.parametrize("cid_version", [0, 1])
def test_file_cids_match_js_importer(sized_files, js_unixfs_cids, cid_version):
    expected = js_unixfs_cids(sized_files, cid_version)
    ours = [our_cid(path, cid_version) for path in sized_files]
    assert ours == expected


@pytest.mark.parametrize("cid_version", [0, 1])
def test_folder_cids_match_js_importer(folders, js_unixfs_cids, cid_version):
    expected = js_unixfs_cids(folders, cid_version)
    ours = [our_cid(path, cid_version) for path in folders]
    assert ours == expected


@pytest.mark.parametrize("cid_version", [0, 1])
def test_deep_balanced_trees_match_js_importer(tmp_path, js_unixfs_cids, cid_version):
    """Trees three and four levels deep, cheaply: 16-byte chunks and 3 links per node."""
    chunk, links = 16, 3
    sizes = [0, 1, 16, 17, 48, 49, 144, 145, 432, 433, 1296, 1301, 2000]
    paths = []
    for size in sizes:
        path = tmp_path / f"small-{size}"
        path.write_bytes(content(size, seed=size))
        paths.append(path)
    expected = js_unixfs_cids(paths, cid_version, chunk_size=chunk, max_links=links)
    ours = [our_cid(path, cid_version, chunk_size=chunk, max_links=links) for path in paths]
    assert ours == expected


def test_well_known_cids():
    """CIDs any kubo prints, independent of any oracle."""

    def cid_of(data: bytes, version: int) -> str:
        node = import_file(BytesIO(data), discard_blocks, ImportOptions(cid_version=version))
        return cid_string(node.cid)

    assert cid_of(b"", 0) == "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH"
    assert cid_of(b"", 1) == "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
    assert cid_of(b"hello world\n", 0) == "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o"


def test_debian_ipfs_cid_agrees(sized_files):
    """Second opinion for the default mode: Debian's ipfs_cid prints kubo's CIDv0. (Its
    "CIDv1" is that same root relabelled as v1, not ``--cid-version=1``, so it is not used.)"""
    tool = shutil.which("ipfs_cid")
    if tool is None:
        pytest.fail("Debian's ipfs_cid is not installed (apt-get install ipfs-cid)")
    for path in sized_files:
        completed = subprocess.run(
            [tool, str(path)], capture_output=True, text=True, check=True, timeout=120
        )
        printed = json.loads(completed.stdout.strip().splitlines()[0])
        assert printed["CIDv0"] == our_cid(path, 0), path.name
