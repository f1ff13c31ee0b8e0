"""Deep run of the Foundry invariant suites; writes bench/invariants.json.

    python bench/bench_invariants.py [--runs 96] [--depth 256]
                                     [--coverage-runs 32] [--coverage-depth 128]

Runs ``forge test --json`` over test/foundry with ``--runs`` x ``--depth`` for every invariant
and records:

* ``runs`` and ``calls``: summed over the invariant tests (each invariant is its own campaign);
* ``invariants``: their names, ``Contract.invariant_name``;
* ``counterexamples``: one entry per failing test (an invariant, a regression or a fuzz test),
  with forge's reason and call sequence; empty when none failed;
* ``coverage_lines_pct`` and ``coverage_branches_pct``: from ``forge coverage --report lcov``
  (a lighter campaign, since instrumented code runs slower), over contracts/ without the test
  contracts in contracts/test/ (forge already leaves test/foundry out of src).

Forge must be on PATH and FOUNDRY_SOLC must name the registered solc-js wrapper, as the
Makefile's ``bench`` target arranges. forge coverage compiles without the optimizer; the
contracts and the suites compile that way as they are (no ``--ir-minimum`` needed).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
OUTPUT = REPO_ROOT / "bench" / "invariants.json"
LCOV = REPO_ROOT / ".forge" / "lcov.info"
EXCLUDED_FROM_COVERAGE = "contracts/test|test/foundry"


def forge(args: list[str], runs: int, depth: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FOUNDRY_INVARIANT_RUNS": str(runs), "FOUNDRY_INVARIANT_DEPTH": str(depth)}
    return subprocess.run(
        ["forge", *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False
    )


def run_suites(runs: int, depth: int) -> dict:
    started = time.perf_counter()
    done = forge(["test", "--json"], runs, depth)
    seconds = time.perf_counter() - started
    try:
        suites = json.loads(done.stdout)
    except json.JSONDecodeError:
        sys.exit(f"forge test printed no JSON (exit {done.returncode}):\n{done.stderr[-4000:]}")
    invariants, counterexamples = [], []
    total_runs = total_calls = 0
    for suite, report in sorted(suites.items()):
        contract = suite.rsplit(":", 1)[-1]
        for test, result in sorted(report["test_results"].items()):
            name = f"{contract}.{test.removesuffix('()')}"
            invariant = result["kind"].get("Invariant")
            if invariant is not None:
                invariants.append(name)
                total_runs += invariant["runs"]
                total_calls += invariant["calls"]
            if result["status"] != "Success":
                counterexamples.append(
                    {
                        "test": name,
                        "reason": result.get("reason"),
                        "sequence": result.get("counterexample"),
                    }
                )
    return {
        "runs": total_runs,
        "calls": total_calls,
        "invariants": invariants,
        "counterexamples": counterexamples,
        "settings": {"runs": runs, "depth": depth},
        "seconds": round(seconds, 1),
    }


def lcov_percentages(path: Path) -> tuple[float, float]:
    """Line and branch coverage summed over contracts/ files outside contracts/test/."""
    lines_hit = lines_found = branches_hit = branches_found = 0
    counted = False
    for raw in path.read_text().splitlines():
        if raw.startswith("SF:"):
            source = raw[3:]
            counted = source.startswith("contracts/") and not source.startswith("contracts/test/")
        elif not counted:
            continue
        elif raw.startswith("LF:"):
            lines_found += int(raw[3:])
        elif raw.startswith("LH:"):
            lines_hit += int(raw[3:])
        elif raw.startswith("BRF:"):
            branches_found += int(raw[4:])
        elif raw.startswith("BRH:"):
            branches_hit += int(raw[4:])
    return (
        round(100 * lines_hit / lines_found, 2) if lines_found else 0.0,
        round(100 * branches_hit / branches_found, 2) if branches_found else 0.0,
    )


def run_coverage(runs: int, depth: int) -> dict:
    started = time.perf_counter()
    LCOV.parent.mkdir(exist_ok=True)
    done = forge(
        [
            "coverage",
            "--report",
            "lcov",
            "--report-file",
            str(LCOV),
            "--no-match-coverage",
            EXCLUDED_FROM_COVERAGE,
        ],
        runs,
        depth,
    )
    if done.returncode != 0 or not LCOV.exists():
        sys.exit(f"forge coverage failed (exit {done.returncode}):\n{done.stderr[-4000:]}")
    lines, branches = lcov_percentages(LCOV)
    return {
        "coverage_lines_pct": lines,
        "coverage_branches_pct": branches,
        "coverage_settings": {
            "runs": runs,
            "depth": depth,
            "seconds": round(time.perf_counter() - started, 1),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    # 96 x 256 (13 invariants x 24,576 calls) keeps the deep run near ten minutes on two cores.
    parser.add_argument("--runs", type=int, default=96)
    parser.add_argument("--depth", type=int, default=256)
    parser.add_argument("--coverage-runs", type=int, default=32)
    parser.add_argument("--coverage-depth", type=int, default=128)
    args = parser.parse_args()
    result = run_suites(args.runs, args.depth)
    result.update(run_coverage(args.coverage_runs, args.coverage_depth))
    OUTPUT.write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"{len(result['invariants'])} invariants, {result['calls']} calls, "
        f"{len(result['counterexamples'])} counterexamples, lines {result['coverage_lines_pct']}%, "
        f"branches {result['coverage_branches_pct']}% -> {OUTPUT.relative_to(REPO_ROOT)}"
    )
    if result["counterexamples"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
