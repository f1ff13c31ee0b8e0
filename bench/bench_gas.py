"""Gas of the cooperative's key calls on Anvil, written to bench/gas.json.

Run: ``python -m bench.bench_gas`` (``make bench``). Each figure is the gasUsed of one real
transaction on a fresh Anvil, in the steady state a live cooperative is in: distinct block
timestamps between calls (so vote checkpoints are pushed, as on a live chain), a member who
already has an accepted contribution, a curator with prior work, a pool that already sold.

Batches (:func:`measure_batch_gas`), the default path: trees built by lumbung/merkle.py,
submitted by an aggregator and confirmed by their curator, whose total weight earns from then on
with nothing stored per leaf; ``batch_registration_per_contribution_N`` is (submitBatch +
acceptBatch) / N, and the claims, activation and revocation are each one member's transaction.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import itertools
import logging
from typing import Any

from eth_account import Account
from eth_utils import to_checksum_address

from bench.chain import BENCH_DIR, connect, merge_json
from lumbung.eip712 import sign_voucher
from lumbung.merkle import BatchDomain, BatchLeaf, batch_tree, leaf_of, leaf_proof, with_ordinals
from lumbung.protocol import Purpose, StakeholderClass

logger = logging.getLogger(__name__)

SEED_BATCH = 250  # synthetic members per seeding transaction (about 29k gas each)
RESEARCH = Purpose.RESEARCH.bit
PRICE = 10 * 10**6

# Targets from the issues; the peers' figures are for the report's reference lines.
TARGETS = {
    "submit_plus_accept": 150_000,
    "purchase": 120_000,
    "claim": 70_000,
}
# Issue 16's batch goals: registration per contribution at 1,024 leaves, a leaf's first claim,
# a 16-leaf multiproof against one leaf, and flatness in the number of batches.
BATCH_REGISTRATION_GOAL_1024 = 1_000
BATCH_FIRST_CLAIM_GOAL = 90_000
BATCH_MULTIPROOF_GOAL_FACTOR = 4
FLAT_RATIO = 1.01
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
    membership.admit(curator, StakeholderClass.WORKER, tx)
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
        cls=StakeholderClass.PRODUCER,
        nonce=1,
        expiry=expiry,
    )
    gas["join_by_voucher"] = membership.join(
        (member.address, StakeholderClass.PRODUCER, 1, expiry), signature, {"from": member}
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
    chain.sleep(12)
    rejected_id = registry.submit(1, _cid(2), {"from": member}).return_value
    chain.sleep(12)
    gas["reject"] = registry.reject(rejected_id, "blurred", {"from": curator}).gas_used

    # Flatness: the same purchase and claim with 10 and with 10,000 members in the pool.
    seeder = UnitsSeeder.deploy(tx)
    dist.grantRole(dist.UNITS_ROLE(), seeder, tx)
    dist.grantRole(dist.UNITS_ROLE(), deployer, tx)
    for pool, members in enumerate(flat_sizes, start=2):
        dist.addUnits(pool, member, 5, tx)
        remaining, salt = members - 1, pool * 10**6
        while remaining:
            batch = min(SEED_BATCH, remaining)
            _send(deployer, seeder, seeder.seed.encode_input(dist, pool, salt, batch, 5))
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


def _send(sender: Any, contract: Any, data: str) -> int:
    """Sends one encoded call and returns its gas, without brownie's receipt object: the batch
    figures take thousands of transactions, and this path costs about a third of brownie's
    (33 against 96 ms a transaction on the 2-core machine under load)."""
    from brownie import web3

    txid = web3.eth.send_transaction({"from": sender.address, "to": contract.address, "data": data})
    receipt = web3.eth.wait_for_transaction_receipt(txid, timeout=120, poll_latency=0.05)
    if receipt["status"] != 1:
        raise RuntimeError(f"{data[:10]} to {contract.address} reverted in {txid.hex()}")
    return int(receipt["gasUsed"])


def _synthetic_member(index: int) -> str:
    return to_checksum_address(
        hashlib.sha256(b"member" + index.to_bytes(8, "big", signed=True)).digest()[:20]
    )


def measure_batch_gas(full: bool = True) -> dict[str, int]:
    """Batches on the default path: what registering a batch costs per contribution (its
    submitBatch and acceptBatch, the leaves earning from then on with nothing stored per leaf),
    and what members pay to claim, activate and revoke their leaves afterwards.

    Claimers are members who were paid before (they hold the payment token), as a member who
    claims regularly is; ``batch_claim_first_leaf_new_payee`` is a member's very first payment,
    whose token balance slot the ERC-20 writes fresh. With ``full``, registration is measured at
    16, 64, 256 and 1,024 leaves, the claims in the 1,024-leaf batch, and purchase and claim with
    1 and 1,000 batches in the pool; otherwise only a 64-leaf batch (the gas snapshot)."""
    from brownie import accounts, chain

    from scripts.deploy import deploy_all

    deployer, curator, aggregator, buyer = accounts[0], accounts[2], accounts[6], accounts[9]
    paid_before, fresh, mixed, many, steady = (accounts[i] for i in (3, 4, 5, 7, 8))
    coop = deploy_all(deployer, aggregator=aggregator)
    membership, registry, market, dist, usd = (
        coop.membership,
        coop.registry,
        coop.market,
        coop.distributor,
        coop.payment_token,
    )
    tx = {"from": deployer}
    membership.admit(curator, StakeholderClass.WORKER, tx)
    registry.grantRole(registry.CURATOR_ROLE(), curator, tx)
    registry.setCurationCap(registry.MAX_CURATION_CAP(), tx)
    for member in (paid_before, fresh, mixed, many, steady):
        membership.admit(member, StakeholderClass.PRODUCER, tx)
        if member != fresh:
            usd.mint(member, 1, {"from": member})  # paid before: its balance slot exists
    for pool in (1, 2, 3):
        registry.createPool(f"batched {pool}", "", tx)
        market.setListing(pool, PRICE, 1 << RESEARCH, True, b"", tx)
    usd.mint(buyer, 10**15, {"from": buyer})
    usd.approve(market, 2**256 - 1, {"from": buyer})
    seeds = iter(range(10**6, 10**9))
    gas: dict[str, int] = {}

    def batch(pool: int, leaves: list[BatchLeaf]) -> tuple[int, Any, BatchDomain, int]:
        """Submits and confirms one curator's batch of `leaves`, padded to a power of two with
        synthetic contributors' leaves; returns its id, tree, domain and the gas of both."""
        domain = BatchDomain(chain.id, dist.address, pool)
        tree = batch_tree(domain, leaves)
        chain.sleep(12)
        submit = registry.submitBatch.encode_input(
            pool,
            curator,
            tree.root,
            len(leaves),
            sum(x.weight for x in leaves),
            0,
            _cid(next(seeds)),
        )
        submitted = _send(aggregator, registry, submit)
        batch_id = registry.batchCount()
        chain.sleep(12)
        accepted = _send(curator, registry, registry.acceptBatch.encode_input(batch_id))
        return batch_id, tree, domain, submitted + accepted

    def padded(real: list[tuple[Any, int]], size: int) -> list[BatchLeaf]:
        """`real` members' leaves (member, how many), then synthetic contributors' to `size`."""
        entries = [(m.address, _cid(next(seeds)), 10) for m, n in real for _ in range(n)]
        entries += [
            (_synthetic_member(i), _cid(next(seeds)), 10) for i in range(size - len(entries))
        ]
        return with_ordinals(entries)

    def sell(pool: int) -> int:
        chain.sleep(12)
        return market.purchase(pool, RESEARCH, PRICE, {"from": buyer}).gas_used

    def claim(member: Any, batch_id: int, tree: Any, domain: BatchDomain, leaf: BatchLeaf) -> int:
        chain.sleep(12)
        data = dist.claimLeaf.encode_input(
            batch_id, leaf.argument(), leaf_proof(tree, leaf, domain)
        )
        return _send(member, dist, data)

    def mine(tree: Any, member: Any) -> list[BatchLeaf]:
        return [leaf_of(v) for v in tree.values() if leaf_of(v).contributor == member.address]

    sizes = (16, 64, 256, 1024) if full else (64,)
    for size in sizes[:-1]:
        _id, _tree, _domain, spent = batch(1, padded([], size))
        gas[f"batch_registration_per_contribution_{size}"] = round(spent / size)
    size = sizes[-1]
    real = [(paid_before, 1), (fresh, 1), (mixed, 2), (many, 16)]
    batch_id, tree, domain, spent = batch(1, padded(real, size))
    gas[f"batch_registration_per_contribution_{size}"] = round(spent / size)
    sell(1)
    sell(1)
    gas["batch_claim_first_leaf"] = claim(
        paid_before, batch_id, tree, domain, mine(tree, paid_before)[0]
    )
    gas["batch_claim_first_leaf_new_payee"] = claim(
        fresh, batch_id, tree, domain, mine(tree, fresh)[0]
    )
    multi = tree.get_multi_proof([list(x.value(domain)) for x in mine(tree, many)])
    chain.sleep(12)
    gas["batch_claim_16_leaves_multiproof"] = _send(
        many,
        dist,
        dist.claimLeaves.encode_input(
            batch_id, [leaf_of(v).argument() for v in multi.leaves], multi.proof, multi.proof_flags
        ),
    )
    sell(1)
    chain.sleep(12)
    gas["batch_claim_again"] = _send(paid_before, dist, dist.claimBatches.encode_input([batch_id]))
    first, second = mine(tree, mixed)
    one = tree.get_multi_proof([list(first.value(domain))])
    chain.sleep(12)
    gas["batch_activate_leaf"] = _send(
        mixed,
        registry,
        registry.activateLeaves.encode_input(
            batch_id, [first.argument()], one.proof, one.proof_flags
        ),
    )
    chain.sleep(12)
    gas["batch_revoke_leaf"] = _send(
        mixed,
        registry,
        registry.revokeLeaf.encode_input(
            batch_id, second.argument(), leaf_proof(tree, second, domain)
        ),
    )
    if full:
        gas.update(_batch_flatness(batch, padded, sell, claim, mine, steady))
    return gas


def _batch_flatness(batch, padded, sell, claim, mine, member) -> dict[str, int]:
    """Purchase and a leaf's first claim in a pool of 1 batch (pool 2) and of 1,000 (pool 3)."""
    gas: dict[str, int] = {}
    for pool, batches in ((2, 1), (3, 1000)):
        for _ in range(batches - 1):
            batch(pool, padded([], 1))
        batch_id, tree, domain, _spent = batch(pool, padded([(member, 1)], 4))
        sell(pool)
        gas[f"purchase_batches_{batches}"] = sell(pool)
        gas[f"batch_claim_batches_{batches}"] = claim(
            member, batch_id, tree, domain, mine(tree, member)[0]
        )
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
    for action in ("purchase", "batch_claim"):
        one, many = gas.get(f"{action}_batches_1"), gas.get(f"{action}_batches_1000")
        if one and many:
            checks[f"{action}_1_vs_1000_batches_within_{FLAT_RATIO}"] = many / one <= FLAT_RATIO
    registration = {
        int(k.rsplit("_", 1)[1]): v
        for k, v in gas.items()
        if k.startswith("batch_registration_per_contribution_")
    }
    if 1024 in registration:
        checks["batch_registration_1024_at_most_1000"] = (
            registration[1024] <= BATCH_REGISTRATION_GOAL_1024
        )
    if len(registration) > 1:
        sizes = sorted(registration)
        checks["batch_registration_falls_as_1_over_n"] = all(
            registration[b] < registration[a] and registration[b] * b <= registration[a] * a * 1.5
            for a, b in itertools.pairwise(sizes)
        )
    if "batch_claim_first_leaf" in gas:
        checks["batch_claim_first_leaf_at_most_90000"] = (
            gas["batch_claim_first_leaf"] <= BATCH_FIRST_CLAIM_GOAL
        )
        if "batch_claim_16_leaves_multiproof" in gas:
            checks["batch_claim_16_leaves_at_most_4x_one"] = (
                gas["batch_claim_16_leaves_multiproof"]
                <= BATCH_MULTIPROOF_GOAL_FACTOR * gas["batch_claim_first_leaf"]
            )
    targets: dict[str, int] = dict(TARGETS)
    targets["batch_registration_per_contribution_1024"] = BATCH_REGISTRATION_GOAL_1024
    targets["batch_claim_first_leaf"] = BATCH_FIRST_CLAIM_GOAL
    return {"gas": gas, "targets": targets, "peers": PEERS, "checks": checks}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    connect()
    gas = measure_core_gas()
    gas.update(measure_batch_gas())
    gas.update(_governance_gas())
    report = summarise(gas)
    merged = merge_json(BENCH_DIR / "gas.json", report)
    for key, value in sorted(merged["gas"].items()):
        logger.info("%-34s %10s", key, f"{value:,}")
    for check, ok in merged["checks"].items():
        logger.info("%-40s %s", check, "met" if ok else "MISSED")


if __name__ == "__main__":
    main()
