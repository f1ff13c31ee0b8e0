"""``lumbung ipfs``: output shape, progress, and one-line errors with a non-zero exit."""

from __future__ import annotations

import io
import pathlib
import subprocess
import sys

import pytest
from rich.console import Console
from typer.testing import CliRunner

import ipfs.cli
from ipfs.cli import app
from tests.ipfs.helpers import REPO_ROOT, build_tree, content

runner = CliRunner()


@pytest.fixture
def root(tmp_path, monkeypatch):
    store = tmp_path / "store"
    monkeypatch.setenv("LUMBUNG_IPFS_ROOT", str(store))
    return store


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_add_prints_the_root_cid_last(root, tmp_path):
    tree = build_tree(tmp_path / "tree", {"a.txt": b"a", "sub": {"b.txt": b"b"}})
    result = run("add", str(tree))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[-1].startswith("Qm") and " " not in lines[-1]
    assert lines[0].startswith("added ") and lines[0].endswith(" tree/a.txt")
    assert run("add", "--cid-version", "1", str(tree)).stdout.splitlines()[-1].startswith("bafy")
    assert (root / "blocks").is_dir()


def test_only_hash_stores_nothing(root, tmp_path):
    path = tmp_path / "file"
    path.write_bytes(b"hello world\n")
    result = run("add", "--only-hash", str(path))
    assert result.stdout.strip() == "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o"
    assert not root.exists()


def test_cat_export_import_gc(root, tmp_path):
    path = tmp_path / "file"
    data = content(600_000, seed=1)
    path.write_bytes(data)
    cid = run("add", str(path)).stdout.splitlines()[-1]
    assert runner.invoke(app, ["cat", cid]).stdout_bytes == data
    car = tmp_path / "out.car"
    assert run("export-car", cid, str(car)).exit_code == 0
    other = tmp_path / "other"
    result = run("--root", str(other), "import-car", str(car))
    assert result.stdout.strip() == cid
    assert run("gc").stdout.startswith("removed 0 blocks")


def test_progress_bar_only_on_a_terminal_and_big_files(root, tmp_path, monkeypatch):
    path = tmp_path / "big"
    path.write_bytes(content(6 << 20, seed=2))
    captured = io.StringIO()
    monkeypatch.setattr(ipfs.cli, "_stderr", Console(file=captured, force_terminal=True))
    run("add", str(path))
    assert "adding" in captured.getvalue()

    captured = io.StringIO()
    monkeypatch.setattr(ipfs.cli, "_stderr", Console(file=captured, force_terminal=False))
    run("add", str(path))
    assert captured.getvalue() == ""


def test_unreadable_file_is_one_line(root, tmp_path, monkeypatch):
    path = tmp_path / "secret"
    path.write_bytes(b"x")
    real_open = pathlib.Path.open

    def refuse(self, *args, **kwargs):
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", refuse)
    result = runner.invoke(app, ["add", str(path)])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: Permission denied: {path}"


BAD_INPUT = {
    "missing path": (["add", "/no/such/path"], "no such file or folder"),
    "bad cid version": (["add", "--cid-version", "2", "."], "must be 0 or 1"),
    "invalid cid": (["cat", "not-a-cid"], "invalid CID"),
    "cid not in store": (
        ["cat", "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o"],
        "is not in the store",
    ),
    "export of a cid not in store": (
        ["export-car", "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o", "/tmp/never.car"],
        "is not in the store",
    ),
    "missing car": (["import-car", "/no/such.car"], "No such file or directory"),
}


@pytest.mark.parametrize(("args", "message"), BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_one_line_and_non_zero(root, tmp_path, args, message):
    completed = subprocess.run(
        [sys.executable, "-m", "ipfs.cli", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env={"LUMBUNG_IPFS_ROOT": str(root), "PATH": "/usr/bin:/bin"},
        check=False,
        timeout=60,
    )
    assert completed.returncode == 1
    assert len(completed.stderr.splitlines()) == 1, completed.stderr
    assert completed.stderr.startswith("Error: ") and message in completed.stderr
    assert "Traceback" not in completed.stderr


def test_not_a_car_file_is_one_line(root, tmp_path):
    bogus = tmp_path / "bogus.car"
    bogus.write_bytes(b"\x05hello world")
    result = runner.invoke(app, ["import-car", str(bogus)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: malformed CAR")
