"""Times make targets one after another and records the figures in bench/test-times.json.

``make times`` runs it over every target `make test` runs, twice: cold (what a fresh clone
lacks removed first: build/ and the tools' caches) and warm (straight after). By hand:
``python toolchain/time_tests.py [--label NAME] [--cold] [--caches "build .forge …"] TARGET…``.

Each figure is the wall time of ``make TARGET`` with the machine's load average when it started
and ended, since on a shared machine the same target can take twice as long. A target's figure
replaces its earlier one of the same label and kind (cold or warm); the others are kept.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMES = ROOT / "bench" / "test-times.json"


def time_target(target: str) -> dict[str, object]:
    load_before = os.getloadavg()[0]
    start = time.monotonic()
    make = shutil.which("make") or "make"
    done = subprocess.run([make, "--no-print-directory", target], cwd=ROOT, check=False)  # noqa: S603
    seconds = time.monotonic() - start
    return {
        "seconds": round(seconds, 1),
        "passed": done.returncode == 0,
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
        "measured": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("targets", nargs="+", help="make targets, timed in this order")
    parser.add_argument("--label", default="current", help="which set of figures (before, after…)")
    parser.add_argument("--cold", action="store_true", help="remove the caches first")
    parser.add_argument("--caches", default="", help="what --cold removes (paths, spaced)")
    args = parser.parse_args()
    kind = "cold" if args.cold else "warm"
    if args.cold:
        for name in args.caches.split():
            shutil.rmtree(ROOT / name, ignore_errors=True)
    recorded = json.loads(TIMES.read_text()) if TIMES.exists() else {}
    recorded["cpus"] = os.cpu_count()
    figures = recorded.setdefault(args.label, {}).setdefault(kind, {})
    failed = []
    for target in args.targets:
        figures[target] = time_target(target)
        TIMES.write_text(json.dumps(recorded, indent=2) + "\n")  # kept even if a later one fails
        sys.stdout.write(f"{kind} {target}: {figures[target]['seconds']} s\n")
        if not figures[target]["passed"]:
            failed.append(target)
    if failed:
        sys.stderr.write(f"failed: {' '.join(failed)}\n")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
