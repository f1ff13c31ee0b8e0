"""The buyer package stands on its own: its contract interfaces are the compiled ones, and it
loads nothing of the API (a buyer trusts the API for nothing it checks)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from buyer import abi

ROOT = Path(__file__).resolve().parents[2]


def compiled(contract: str) -> list[dict[str, Any]]:
    return list(json.loads((ROOT / "build" / "contracts" / f"{contract}.json").read_text())["abi"])


@pytest.mark.parametrize(
    ("fragments", "contract"),
    [(abi.MARKET, "DataMarket"), (abi.REGISTRY, "ContributionRegistry"),
     (abi.PERMIT_TOKEN, "TestStablecoin")],
)
def test_each_interface_is_the_compiled_one(fragments: list[dict[str, Any]], contract: str) -> None:
    build = compiled(contract)
    for fragment in fragments:
        assert fragment in build, f"{contract}.{fragment['name']} differs from the build"


def test_the_buyer_package_loads_nothing_of_the_api() -> None:
    probe = (
        "import sys, buyer, buyer.cli; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'api', 'scripts', 'tests'}))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True,
        timeout=60,
    )
    assert loaded.stdout.strip() == "[]"
