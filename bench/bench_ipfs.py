"""Benchmark of the IPFS layer; writes bench/ipfs.json.

    python bench/bench_ipfs.py [--quick]

On one file of 256 MiB (32 MiB with --quick), read from the page cache:

* ``cid_mbps``: our kubo-default CID (CIDv0, dag-pb leaves) computed from the file;
* ``cid_v1_mbps``: the same with ``--cid-version=1`` (raw leaves);
* ``sha256_mbps``: plain ``hashlib.sha256`` over the same bytes, read the same way;
* ``js_importer_mbps``: npm ipfs-unixfs-importer computing the same CID (time measured inside
  Node, so start-up is not counted).

Then the peak RSS of adding a 1 GiB file (128 MiB with --quick) to an embedded store, in a
fresh subprocess (``add_1gib_peak_rss_mib``, the child's VmHWM: ru_maxrss would include
the RSS of the parent that forked it). MB/s are 10^6 bytes per second; each
throughput is the best of several runs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from ipfs.cid import cid_string  # noqa: E402 - needs the repo on sys.path
from ipfs.unixfs import CHUNK_SIZE, ImportOptions, discard_blocks, import_file  # noqa: E402

MIB = 1 << 20
RUNS = 3


def write_random_file(path: Path, size: int) -> None:
    with path.open("wb") as out:
        remaining = size
        while remaining:
            piece = os.urandom(min(remaining, 16 * MIB))
            out.write(piece)
            remaining -= len(piece)


def best_seconds(action, runs: int = RUNS) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return min(timings)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    buffer = bytearray(CHUNK_SIZE)
    view = memoryview(buffer)
    with path.open("rb", buffering=0) as stream:
        while count := stream.readinto(buffer):
            digest.update(view[:count])
    return digest.hexdigest()


def our_cid(path: Path, cid_version: int) -> str:
    with path.open("rb", buffering=0) as stream:
        node = import_file(stream, discard_blocks, ImportOptions(cid_version=cid_version))
    return cid_string(node.cid)


def js_importer(path: Path, cid_version: int) -> tuple[str, float]:
    timings = []
    cid = ""
    for _ in range(2):
        completed = subprocess.run(
            [
                "node",
                str(REPO_ROOT / "tests/ipfs/oracle/unixfs_cid.mjs"),
                "--cid-version",
                str(cid_version),
                str(path),
            ],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(completed.stdout.strip().splitlines()[-1])
        cid = result["cid"]
        timings.append(float(result["seconds"]))
    return cid, min(timings)


ADD_SCRIPT = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from ipfs.embedded import EmbeddedIpfs

    ipfs = EmbeddedIpfs.open(Path(sys.argv[2]))
    started = time.perf_counter()
    cid = ipfs.add_path(Path(sys.argv[1]))
    seconds = time.perf_counter() - started
    status = Path("/proc/self/status").read_text()
    hwm_kib = int(next(l for l in status.splitlines() if l.startswith("VmHWM")).split()[1])
    print(json.dumps({
        "cid": str(cid),
        "seconds": seconds,
        "vmhwm_mib": hwm_kib / 1024,
    }))
    """
)


def add_peak_rss(path: Path, store: Path) -> dict[str, float | str]:
    completed = subprocess.run(
        [sys.executable, "-c", ADD_SCRIPT, str(path), str(store)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for CI smoke runs")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / "ipfs.json")
    args = parser.parse_args()
    hash_size = (32 if args.quick else 256) * MIB
    add_size = (128 if args.quick else 1024) * MIB

    with tempfile.TemporaryDirectory(prefix="lumbung-bench-") as scratch:
        folder = Path(scratch)
        sample = folder / "sample.bin"
        write_random_file(sample, hash_size)
        sha256_file(sample)  # warm the page cache so every contender reads from memory

        sha256_seconds = best_seconds(lambda: sha256_file(sample))
        cid_seconds = best_seconds(lambda: our_cid(sample, 0))
        cid_v1_seconds = best_seconds(lambda: our_cid(sample, 1))
        ours = our_cid(sample, 0)
        js_cid, js_seconds = js_importer(sample, 0)
        if js_cid != ours:
            raise SystemExit(f"CID mismatch: ours {ours}, ipfs-unixfs-importer {js_cid}")
        sample.unlink()

        big = folder / "add.bin"
        write_random_file(big, add_size)
        added = add_peak_rss(big, folder / "store")

    def mbps(seconds: float) -> float:
        return round(hash_size / seconds / 1e6, 1)

    results = {
        "cid_mbps": mbps(cid_seconds),
        "cid_v1_mbps": mbps(cid_v1_seconds),
        "sha256_mbps": mbps(sha256_seconds),
        "js_importer_mbps": mbps(js_seconds),
        "add_1gib_peak_rss_mib": round(float(added["vmhwm_mib"]), 1),
        "add_mbps": round(add_size / float(added["seconds"]) / 1e6, 1),
        "goals": {
            "cid_at_least_0.8_sha256": cid_seconds <= sha256_seconds / 0.8,
            "cid_faster_than_js_importer": cid_seconds < js_seconds,
            "add_peak_rss_under_150_mib": float(added["vmhwm_mib"]) < 150,
        },
        "sizes": {"hash_bytes": hash_size, "add_bytes": add_size, "quick": args.quick},
        "cid": ours,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "node": subprocess.run(
                ["node", "--version"], capture_output=True, text=True, check=True
            ).stdout.strip(),
            "platform": platform.platform(),
        },
        "units": "MB/s = 10^6 bytes per second, best of runs; RSS is VmHWM in MiB",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
