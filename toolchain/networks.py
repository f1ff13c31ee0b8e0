"""Registers the project's extra brownie networks (``live_networks`` in brownie-config.yaml).

Brownie keeps its network list in ~/.brownie/network-config.yaml, outside the project, so a
fresh machine does not know them. This adds or updates them there; run by ``make setup``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

BROWNIE_NETWORKS = Path.home() / ".brownie" / "network-config.yaml"
PROJECT_CONFIG = Path(__file__).resolve().parent.parent / "brownie-config.yaml"
ENVIRONMENT = "Lumbung"


def main() -> int:
    wanted = yaml.safe_load(PROJECT_CONFIG.read_text()).get("live_networks", [])
    if not BROWNIE_NETWORKS.exists():
        import brownie  # noqa: F401  # first import writes brownie's stock network list

    config = yaml.safe_load(BROWNIE_NETWORKS.read_text())
    live = config.setdefault("live", [])
    group = next((g for g in live if g.get("name") == ENVIRONMENT), None)
    if group is None:
        group = {"name": ENVIRONMENT, "networks": []}
        live.append(group)
    if group["networks"] == wanted:
        return 0
    ids = {n["id"] for n in wanted}
    for other in live:
        if other is not group:
            other["networks"] = [n for n in other["networks"] if n["id"] not in ids]
    group["networks"] = wanted
    BROWNIE_NETWORKS.write_text(yaml.safe_dump(config, sort_keys=False))
    sys.stdout.write(f"registered brownie networks: {', '.join(sorted(ids))}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
