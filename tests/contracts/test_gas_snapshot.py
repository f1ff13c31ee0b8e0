"""The committed gas snapshot (tests/gas-snapshot.json) against a fresh measurement.

A change to a contract that moves a key call's gas by more than 1 % fails here until the
snapshot is updated on purpose: LUMBUNG_UPDATE_GAS_SNAPSHOT=1 rewrites it. The full benchmark,
with 10,000-member pools and every leaf of 1,024-leaf batches claimed, is `make bench`
(bench/gas.json). ``submit_relayed`` is bench/bench_gas.py's steady-state submit signed by the
member and sent by a gas relayer through the forwarder, what the relayer pays for it
(``_first``: the member's first relayed request, which also opens its nonce and quota slots).
"""

import hashlib
import json
import os
from pathlib import Path

from brownie import accounts, chain

from bench.bench_gas import measure_batch_gas, measure_core_gas
from lumbung.devchain import KEYS
from lumbung.eip712 import sign_forward_request
from lumbung.protocol import StakeholderClass
from scripts.deploy import deploy_all

SNAPSHOT = Path(__file__).resolve().parent.parent / "gas-snapshot.json"
TOLERANCE = 0.01


RELAYED_GAS = 300_000


def measure_relayed_submit_gas() -> dict[str, int]:
    """A member's submits relayed through the forwarder: its first relayed request, and one in
    the steady state (the member has submitted and relayed before)."""
    deployer, member, gas_relayer = accounts[0], accounts[3], accounts[7]
    coop = deploy_all(deployer)
    coop.membership.admit(member, StakeholderClass.PRODUCER, {"from": deployer})
    coop.registry.createPool("pool", "", {"from": deployer})
    forwarder, registry = coop.forwarder, coop.registry
    registry.submit(1, _cid(b"direct"), {"from": member})

    def relayed_submit(seed: bytes) -> int:
        chain.sleep(12)
        data = registry.submit.encode_input(1, _cid(seed))
        deadline = chain.time() + 3600
        signature = sign_forward_request(
            KEYS[3],
            chain_id=chain.id,
            forwarder=forwarder.address,
            sender=member.address,
            to=registry.address,
            data=bytes.fromhex(data[2:]),
            gas=RELAYED_GAS,
            nonce=forwarder.nonces(member),
            deadline=deadline,
        )
        request = (member.address, registry.address, 0, RELAYED_GAS, deadline, data, signature)
        return int(forwarder.execute(request, {"from": gas_relayer}).gas_used)

    first = relayed_submit(b"relayed first")
    return {"submit_relayed_first": first, "submit_relayed": relayed_submit(b"relayed")}


def _cid(seed: bytes) -> bytes:
    return b"\x12\x20" + hashlib.sha256(seed).digest()


def test_key_calls_match_the_gas_snapshot():
    measured = (
        measure_core_gas(flat_sizes=(10,))
        | measure_batch_gas(full=False)
        | measure_relayed_submit_gas()
    )
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
