"""The committed gas snapshot (tests/gas-snapshot.json) against a fresh measurement.

A change to a contract that moves a key call's gas by more than 1 % fails here until the
snapshot is updated on purpose: LUMBUNG_UPDATE_GAS_SNAPSHOT=1 rewrites it. The full benchmark,
with 10,000-member pools and every leaf of 1,024-leaf batches claimed, is `make bench`
(bench/gas.json).
"""

import json
import os
from pathlib import Path

from bench.bench_gas import measure_batch_gas, measure_core_gas

SNAPSHOT = Path(__file__).resolve().parent.parent / "gas-snapshot.json"
TOLERANCE = 0.01


def test_key_calls_match_the_gas_snapshot():
    measured = measure_core_gas(flat_sizes=(10,)) | measure_batch_gas(full=False)
    if os.environ.get("LUMBUNG_UPDATE_GAS_SNAPSHOT"):
        SNAPSHOT.write_text(json.dumps(measured, indent=2, sort_keys=True) + "\n")
    snapshot = json.loads(SNAPSHOT.read_text())
    assert set(measured) == set(snapshot)
    moved = {
        key: (snapshot[key], measured[key])
        for key in snapshot
        if abs(measured[key] - snapshot[key]) > TOLERANCE * snapshot[key]
    }
    assert not moved, f"gas moved more than 1 % (snapshot, now): {moved}"
