"""Shared set-up for the on-chain benchmarks: a fresh Anvil (brownie's `anvil` network)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from brownie import network, project

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"


def connect() -> Any:
    """Loads the project into brownie's namespace and launches a fresh test chain."""
    loaded = project.load(ROOT, name="LumbungBench")
    # As `brownie run` and the pytest plugin do; without it the project's network settings
    # (the test chain's port 8555, its zero base fee) are not applied.
    loaded.load_config()
    loaded._add_to_main_namespace()
    network.connect("anvil")
    return loaded


def merge_json(path: Path, figures: dict[str, Any]) -> dict[str, Any]:
    """Adds figures to a JSON file of figures, keeping the keys other benchmarks wrote."""
    current = json.loads(path.read_text()) if path.exists() else {}
    current.update(figures)
    path.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")
    return current
