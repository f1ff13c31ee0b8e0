"""Helpers shared by the IPFS tests: deterministic content, Node oracles, directory trees."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ORACLE_DIR = Path(__file__).resolve().parent / "oracle"


def content(size: int, seed: int = 0) -> bytes:
    """Deterministic incompressible bytes."""
    return random.Random(seed).randbytes(size)


def require_node_package(package: str) -> None:
    """Fail, loudly, when an oracle is missing: a silent skip would hide a lost check."""
    if shutil.which("node") is None:
        pytest.fail("node is not installed; the IPFS oracles need it (make install)")
    if not (REPO_ROOT / "node_modules" / package / "package.json").exists():
        pytest.fail(f"npm package {package} is missing; run `npm ci` in {REPO_ROOT}")


def run_node(script: str, *args: str, timeout: float = 300) -> list[dict[str, object]]:
    """Run ``tests/ipfs/oracle/<script>`` from the repo root; parse its JSON-lines output."""
    completed = subprocess.run(
        ["node", str(ORACLE_DIR / script), *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if completed.returncode != 0:
        pytest.fail(f"{script} failed ({completed.returncode}): {completed.stderr[-2000:]}")
    return [json.loads(line) for line in completed.stdout.splitlines() if line.strip()]


def build_tree(root: Path, layout: dict[str, object]) -> Path:
    """Create files and folders from a nested dict: bytes are files, dicts are folders,
    ``("symlink", target)`` tuples are symbolic links."""
    root.mkdir(parents=True, exist_ok=True)
    for name, value in layout.items():
        path = root / name
        if isinstance(value, dict):
            build_tree(path, value)
        elif isinstance(value, tuple):
            path.symlink_to(value[1])
        else:
            assert isinstance(value, bytes)
            path.write_bytes(value)
    return root
