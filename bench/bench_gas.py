"""Gas of the cooperative's key calls on Anvil, written to bench/gas.json.

Run: ``python -m bench.bench_gas`` (``make bench``). Each figure is the gasUsed of one real
transaction on a fresh Anvil, in the steady state a live cooperative is in: distinct block
timestamps between calls (so vote checkpoints are pushed, as on a live chain), a member who
already has an accepted contribution, a curator with prior work, a pool that already sold.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import logging
from typing import Any

from eth_account import Account

from bench.chain import BENCH_DIR, connect, merge_json
from scripts.signing import sign_voucher

logger = logging.getLogger(__name__)

WORKER, PRODUCER = 2, 0
SEED_BATCH = 250  # synthetic members per seeding transaction (about 29k gas each)
RESEARCH = 0
PRICE = 10 * 10**6

# Targets from the issues; the peers' figures are for the report's reference lines.
TARGETS = {
    "submit_plus_accept": 150_000,
    "purchase": 120_000,
    "claim": 70_000,
}
PEERS = {
    "streamr_du3_revenue": 92_000,
    "streamr_du3_withdraw": 130_000,
    "streamr_du3_add_member": 107_000,
    "vana_dlp_per_contribution": 765_000,
}


def _cid(seed: int) -> bytes:
    return b"\x12\x20" + hashlib.sha256(b"bench" + seed.to_bytes(8, "big")).digest()


FLAT_SIZES = (10, 10_000)


def measure_core_gas(flat_sizes: tuple[int, ...] = FLAT_SIZES) -> dict[str, int]:
    """Membership, registry, market and distributor calls, and (for each of ``flat_sizes``)
    purchase and claim with that many members in the pool."""
    from brownie import UnitsSeeder, accounts, chain

    from scripts.deploy import deploy_all

    deployer, curator, member, buyer, settler = (accounts[i] for i in (0, 2, 3, 4, 5))
    registrar = Account.create()
    coop = deploy_all(deployer, settler=settler)
    tx = {"from": deployer}
    membership, registry, market, dist, usd = (
        coop.membership,
        coop.registry,
        coop.market,
        coop.distributor,
        coop.payment_token,
    )
    membership.grantRole(membership.REGISTRAR_ROLE(), registrar.address, tx)
    membership.admit(curator, WORKER, tx)
    registry.grantRole(registry.CURATOR_ROLE(), curator, tx)
    for pool in range(1, 2 + len(flat_sizes)):
        registry.createPool(f"pool {pool}", "", tx)
        market.setListing(pool, PRICE, 1 << RESEARCH, True, b"", tx)
    for payer in (buyer, settler):
        usd.mint(payer, 10**12, {"from": payer})
        usd.approve(market, 2**256 - 1, {"from": payer})

    gas: dict[str, int] = {}
    expiry = chain.time() + 10**6
    signature = sign_voucher(
        registrar.key,
        chain_id=chain.id,
        membership=membership.address,
        member=member.address,
        cls=PRODUCER,
        nonce=1,
        expiry=expiry,
    )
    gas["join_by_voucher"] = membership.join(
        (member.address, PRODUCER, 1, expiry), signature, {"from": member}
    ).gas_used

    def submit_accept(seed: int, weight: int = 10) -> tuple[int, int, int]:
        chain.sleep(12)
        submitted = registry.submit(1, _cid(seed), {"from": member})
        chain.sleep(12)
        accepted = registry.accept(submitted.return_value, weight, {"from": curator})
        return submitted.return_value, submitted.gas_used, accepted.gas_used

    _id, gas["submit_first"], gas["accept_first"] = submit_accept(0)
    steady_id, gas["submit"], gas["accept"] = submit_accept(1)
    gas["submit_plus_accept"] = gas["submit"] + gas["accept"]

    market.purchase(1, RESEARCH, PRICE, {"from": buyer})  # the pool's first sale
    chain.sleep(12)
    gas["purchase"] = market.purchase(1, RESEARCH, PRICE, {"from": buyer}).gas_used
    chain.sleep(12)
    gas["settleOffchain"] = market.settleOffchain(
        b"\x01" * 32, 1, RESEARCH, b"\xbb" * 32, PRICE, {"from": settler}
    ).gas_used
    chain.sleep(12)
    gas["claim_first"] = dist.claim(1, {"from": member}).gas_used
    market.purchase(1, RESEARCH, PRICE, {"from": buyer})
    chain.sleep(12)
    gas["claim"] = dist.claim(1, {"from": member}).gas_used  # a member who claims regularly
    chain.sleep(12)
    gas["revoke"] = registry.revoke(steady_id, {"from": member}).gas_used

    # Flatness: the same purchase and claim with 10 and with 10,000 members in the pool.
    seeder = UnitsSeeder.deploy(tx)
    dist.grantRole(dist.UNITS_ROLE(), seeder, tx)
    dist.grantRole(dist.UNITS_ROLE(), deployer, tx)
    for pool, members in enumerate(flat_sizes, start=2):
        dist.addUnits(pool, member, 5, tx)
        remaining, salt = members - 1, pool * 10**6
        while remaining:
            batch = min(SEED_BATCH, remaining)
            seeder.seed(dist, pool, salt, batch, 5, {"from": deployer, "gas_limit": 10_000_000})
            remaining -= batch
            salt += 1
        # Steady state: the pool has sold before and the member has claimed before.
        market.purchase(pool, RESEARCH, PRICE, {"from": buyer})
        dist.claim(pool, {"from": member})
        chain.sleep(12)
        sale = market.purchase(pool, RESEARCH, PRICE, {"from": buyer})
        gas[f"purchase_{members}"] = sale.gas_used
        chain.sleep(12)
        gas[f"claim_{members}"] = dist.claim(pool, {"from": member}).gas_used
    gas["leave"] = membership.leave({"from": member}).gas_used
    return gas


def _governance_gas() -> dict[str, int]:
    """The governor's figures, when its benchmark module is present."""
    try:
        module = importlib.import_module("bench.bench_governance")
    except ModuleNotFoundError:
        return {}
    return dict(module.measure_governance_gas())


def summarise(gas: dict[str, int]) -> dict[str, Any]:
    checks = {
        f"{key}_below_{limit}": gas[key] < limit for key, limit in TARGETS.items() if key in gas
    }
    for action in ("purchase", "claim"):
        small, large = gas.get(f"{action}_10"), gas.get(f"{action}_10000")
        if small and large:
            checks[f"{action}_flat_within_1pct"] = abs(large - small) <= 0.01 * small
    if "castVote_n1_over_baseline" in gas:  # written by bench_governance
        checks["castVote_n1_at_most_1.5x_oz"] = gas["castVote_n1_over_baseline"] <= 1.5
    return {"gas": gas, "targets": TARGETS, "peers": PEERS, "checks": checks}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    connect()
    gas = measure_core_gas()
    gas.update(_governance_gas())
    report = summarise(gas)
    merged = merge_json(BENCH_DIR / "gas.json", report)
    for key, value in sorted(merged["gas"].items()):
        logger.info("%-34s %10s", key, f"{value:,}")
    for check, ok in merged["checks"].items():
        logger.info("%-40s %s", check, "met" if ok else "MISSED")


if __name__ == "__main__":
    main()
