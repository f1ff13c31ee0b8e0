"""A cooperative simulated on Anvil; writes bench/results.json, then bench/REPORT.md and plots.

    python -m bench.simulate [--quick] [--seed N]

On a fresh Anvil with the governed cooperative deployed as ``make run`` deploys it
(bench/sim_chain.py ``start_chain``), members act as members do, every action a real
transaction whose gasUsed is recorded:

1. members join with registrar-signed EIP-712 vouchers (four stakeholder classes);
2. the steward proposes, members vote (quadratic, ``castVoteWithReasonAndParams`` with n), the
   timelock executes: the first proposal opens pools 4 and 5, appoints a second curator and
   (when ContributionRegistry has ``submitBatch``) grants the aggregator its role; the others
   change prices;
3. contributions: half ``submit`` + ``accept`` by a curator, half in one Merkle batch per pool
   (``submitBatch`` by the aggregator, ``acceptBatch``, then each contributor claims its leaves
   with a proof); without ``submitBatch`` every contribution is single;
4. purchases: half wallet ``purchase``, half off-chain orders through the API (``POST
   /v1/orders`` with an Idempotency-Key, the admin payment call, the settlement worker);
5. every member claims all its pots with ``claimMany``;
6. purchase and claim gas against the number of members in a pool (10 … 10,000; synthetic
   holders seeded with the UnitsSeeder test contract, granted its role by the impersonated
   timelock, in pools opened for the measurement only);
7. the indexer indexes the whole chain (its throughput is reported).

Earnings per member (``RevenueClaimed``) against accepted contribution weight give the Lorenz
curves and Gini coefficients.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import platform
import random
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_abi import encode
from eth_account import Account
from eth_utils import keccak, to_checksum_address
from web3 import Web3

from api.context import Context
from api.db import migrate, transaction
from api.settings import Settings
from bench.sim_chain import Call, Rpc, Sender, start_chain
from ipfs.cid import sha256_cid
from lumbung.devchain import ADDRESSES, CURATOR, KEYS, REGISTRAR, STEWARD
from lumbung.devchain import PRODUCER as PRODUCER_ACCOUNT
from lumbung.eip712 import sign_voucher
from lumbung.protocol import (
    DEV_ADMIN_TOKEN,
    WORK_POT,
    ProposalState,
    Purpose,
    StakeholderClass,
    VoteType,
    signed_description,
)

logger = logging.getLogger("bench.simulate")

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
RESULTS = BENCH_DIR / "results.json"

USD = 10**6
CLASS_SHARES = (0.60, 0.15, 0.20, 0.05)
# How much data a member of each class tends to bring, relative to a producer.
CLASS_ACTIVITY = (1.0, 0.2, 0.5, 0.3)
BOOTSTRAP_MEMBERS = {  # account -> class, as scripts/local_chain.py admits them
    CURATOR: StakeholderClass.WORKER,
    STEWARD: StakeholderClass.STEWARD,
    PRODUCER_ACCOUNT: StakeholderClass.PRODUCER,
}
RESEARCH = Purpose.RESEARCH.bit
FLAT_SIZES = (10, 100, 1_000, 10_000)
SEED_BATCH = 250
ADMIN = {"Authorization": f"Bearer {DEV_ADMIN_TOKEN}"}
PER_BLOCK = 100
# Transactions that push a checkpoint keep a block to themselves among those pushing the same
# one (bench/sim_chain.py): ContributionToken's total-supply checkpoint (every mint) and
# Membership's per-class member counts (every join).
SUPPLY = "ContributionToken total supply"
# A contributor with more leaves than this in one batch claims them in several transactions
# (each leaf costs some 50,000 gas), sent with the block's gas limit.
MAX_LEAVES_PER_CLAIM = 250
CLAIM_GAS = 30_000_000


@dataclass(frozen=True)
class Scale:
    members: int
    contributions: int
    purchases: int
    proposals: int


FULL = Scale(members=1_000, contributions=10_000, purchases=200, proposals=5)
QUICK = Scale(members=100, contributions=1_000, purchases=20, proposals=1)


@dataclass
class Member:
    address: str
    cls: int
    activity: float
    pools: list[int]
    weight: int = 0
    contributions: int = 0
    pots: set[int] = field(default_factory=set)


def raw_cid(seed: bytes) -> bytes:
    """A CIDv1 (raw codec, sha2-256) over ``seed``: contents needn't be stored."""
    return sha256_cid(1, 0x55, keccak(seed))


def summary(values: list[int]) -> dict[str, Any]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return {
        "count": len(ordered),
        "median": int(statistics.median(ordered)),
        "p95": int(p95),
        "mean": round(statistics.fmean(ordered), 1),
        "min": ordered[0],
        "max": ordered[-1],
    }


def gini(values: Sequence[float]) -> float:
    ordered = sorted(values)
    n, total = len(ordered), sum(ordered)
    if n == 0 or total == 0:
        return 0.0
    weighted = sum((i + 1) * v for i, v in enumerate(ordered))
    return round((2 * weighted) / (n * total) - (n + 1) / n, 4)


def lorenz(values: Sequence[float], points: int = 101) -> list[list[float]]:
    """The Lorenz curve sampled at ``points`` population shares: [[population, share], ...]."""
    ordered = sorted(values)
    n, total = len(ordered), sum(ordered) or 1
    cumulative = [0.0]
    for v in ordered:
        cumulative.append(cumulative[-1] + v)
    curve = []
    for k in range(points):
        x = k / (points - 1)
        curve.append([round(x, 4), round(cumulative[round(x * n)] / total, 5)])
    return curve


class Simulation:
    def __init__(self, scale: Scale, seed: int, workdir: Path, index_chain: bool) -> None:
        self.scale = scale
        self.index_chain = index_chain
        self.random = random.Random(seed)
        self.workdir = workdir
        self.phases: dict[str, float] = {}
        self.figures: dict[str, Any] = {}
        self.notes: list[str] = []

    # -- set-up --------------------------------------------------------------------------------

    def start(self) -> None:
        self.chain = start_chain(self.workdir)
        self.settings = Settings(
            rpc_url=self.chain.rpc_url,
            deployment_file=self.chain.deployment_file,
            database_url=f"sqlite:///{self.workdir / 'lumbung.db'}",
            ipfs_root=self.workdir / "ipfs",
            dapp_dir=self.workdir / "no-dapp",
            rpc_timeout_s=60.0,
        )
        migrate(self.settings.database_url)
        self.context = Context(self.settings)
        c = self.context.chain
        self.registry = c["ContributionRegistry"]
        self.market = c["DataMarket"]
        self.distributor = c["RevenueDistributor"]
        self.membership = c["Membership"]
        self.governor = c["CoopGovernor"]
        self.timelock = c["TimelockController"]
        self.usd = c["PaymentToken"]
        self.w3: Web3 = c.w3
        self.rpc = Rpc(self.chain.rpc_url)
        self.tx = Sender(self.rpc)
        self.rpc("anvil_autoImpersonateAccount", True)
        # Blocks 12 s apart, as on a live chain; transactions that push the same checkpoint
        # never share one, so each pushes its own (bench/sim_chain.py).
        self.rpc("anvil_setBlockTimestampInterval", 12)
        self.rpc("evm_setAutomine", False)
        self.tx.manual_mining = True
        names = {str(f.get("name")) for f in self.registry.abi if f.get("type") == "function"}
        self.batches = {"submitBatch", "acceptBatch", "claimBatchLeaves"} <= names
        if not self.batches:
            self.notes.append(
                "ContributionRegistry has no submitBatch in this build: every contribution "
                "was registered singly (submit + accept)."
            )

    def stop(self) -> None:
        self.context.close()
        self.chain.stop()

    def phase(self, name: str, started: float) -> None:
        self.phases[name] = round(time.perf_counter() - started, 2)
        logger.info("%-14s %7.1f s  (%d transactions so far)", name, self.phases[name],
                    self.tx.sent)

    # -- 1. members ----------------------------------------------------------------------------

    def make_members(self) -> None:
        n = self.scale.members
        counts = [round(n * share) for share in CLASS_SHARES]
        counts[0] += n - sum(counts)
        classes = [cls for cls, k in enumerate(counts) for _ in range(k)]
        self.random.shuffle(classes)
        self.members: list[Member] = []
        for i, cls in enumerate(classes):
            key = keccak(f"lumbung-sim-member-{i}".encode())
            address = Account.from_key(key).address
            # Heavy-tailed activity: a few members bring much of the data, as in real pools.
            activity = CLASS_ACTIVITY[cls] * self.random.paretovariate(1.3)
            favourite = self.random.sample(range(1, 6), k=self.random.choice((1, 2, 2, 3)))
            self.members.append(Member(address, cls, activity, favourite))
        self.aggregator = Account.from_key(keccak(b"lumbung-sim-aggregator")).address
        self.buyers = [
            Account.from_key(keccak(f"lumbung-sim-buyer-{i}".encode())).address
            for i in range(max(2, self.scale.purchases // 20))
        ]
        funded = [m.address for m in self.members] + [self.aggregator, *self.buyers]
        self.rpc.batch([("anvil_setBalance", (a, hex(10**21))) for a in funded])

    def make_and_join(self) -> None:
        self.make_members()
        self.join()

    def join(self) -> None:
        # The cooperative decided beforehand to admit a whole village at once: the default
        # limits (250 vouchers per class a day, 500 reviews per curator a day) would spread the
        # simulation over days of chain time. The timelock (impersonated) sets both maxima.
        timelock = str(self.timelock.address)
        self.rpc.batch([("anvil_setBalance", (timelock, hex(10**21)))])
        self.tx.send(None, timelock, self.membership, "setVoucherLimits", [10_000] * 4)
        self.tx.send(None, timelock, self.registry, "setCurationCap", 10_000)
        chain_id = self.w3.eth.chain_id
        expiry = self.rpc.now() + 365 * 86_400
        membership = str(self.membership.address)
        joins = []
        for nonce, member in enumerate(self.members, start=1):
            signature = sign_voucher(
                KEYS[REGISTRAR], chain_id=chain_id, membership=membership,
                member=member.address, cls=member.cls, nonce=nonce, expiry=expiry,
            )
            # A join pushes its class's member count: one join of a class a block.
            joins.append(Call(
                "join_by_voucher", member.address, self.membership, "join",
                ((member.address, member.cls, nonce, expiry), signature), gas=400_000,
                key=("class count", member.cls),
            ))
        self.tx.send_many(joins, PER_BLOCK)
        workers = [m for m in self.members if m.cls == 2]
        self.curator2 = workers[0]

    # -- 2. governance -------------------------------------------------------------------------

    def proposal_calls(self, index: int) -> tuple[str, list[tuple[str, Any]]]:
        reg, market = self.registry, self.market
        if index == 0:
            calls: list[tuple[str, Any]] = [
                (str(reg.address), reg.encode_abi("createPool", args=["Street air quality", ""])),
                (str(reg.address), reg.encode_abi("createPool", args=["Household energy use", ""])),
                (market.address,
                 market.encode_abi("setListing", args=[4, 15 * USD, 0b1111, True, b""])),
                (market.address,
                 market.encode_abi("setListing", args=[5, 30 * USD, 0b0111, True, b""])),
                (reg.address, reg.encode_abi(
                    "grantRole",
                    args=[reg.functions.CURATOR_ROLE().call(), self.curator2.address],
                )),
            ]
            if self.batches:
                role = reg.functions.AGGREGATOR_ROLE().call()
                calls.append(
                    (reg.address, reg.encode_abi("grantRole", args=[role, self.aggregator]))
                )
            return "Open two pools, appoint a second curator and an aggregator", calls
        pool, price = [(1, 20), (2, 35), (3, 12), (4, 18)][(index - 1) % 4]
        return (
            f"Set pool {pool}'s price to {price} USD (#{index})",
            [(market.address, market.encode_abi("setPrice", args=[pool, price * USD]))],
        )

    def govern(self) -> None:
        governor = self.governor
        delay = governor.functions.votingDelay().call()
        min_delay = self.timelock.functions.getMinDelay().call()
        by_class: dict[int, list[str]] = defaultdict(list)
        for m in self.members:
            by_class[m.cls].append(m.address)
        for account, cls in BOOTSTRAP_MEMBERS.items():
            by_class[cls].append(ADDRESSES[account])
        self.figures["proposals"] = []
        for index in range(self.scale.proposals):
            description, calls = self.proposal_calls(index)
            description = signed_description(description, ADDRESSES[STEWARD])
            targets = [to_checksum_address(t) for t, _ in calls]
            values = [0] * len(calls)
            calldatas = [bytes.fromhex(d.removeprefix("0x")) for _, d in calls]
            self.tx.send("propose", ADDRESSES[STEWARD], governor, "propose",
                         targets, values, calldatas, description)
            description_hash = Web3.keccak(text=description)
            proposal_id = governor.functions.hashProposal(
                targets, values, calldatas, description_hash
            ).call()
            self.rpc.advance(delay + 1)
            # Votes a second apart, so a class's turnout fits in the voting period.
            self.rpc("anvil_setBlockTimestampInterval", 1)
            voters = 0
            for _cls, addresses in sorted(by_class.items()):
                turnout = self.random.uniform(0.25, 0.45)
                k = max(1, math.ceil(turnout * len(addresses)))
                chosen = self.random.sample(addresses, k=k)
                for voter in chosen:
                    support = self.random.choices(
                        (VoteType.FOR, VoteType.AGAINST, VoteType.ABSTAIN), (0.75, 0.18, 0.07)
                    )[0]
                    n = self.random.choice((1, 1, 2, 2, 3))
                    self.tx.send(
                        "castVoteWithParams", voter, governor, "castVoteWithReasonAndParams",
                        proposal_id, support, "", encode(["uint256"], [n]), gas=500_000,
                    )
                    voters += 1
            self.rpc("anvil_setBlockTimestampInterval", 12)
            deadline = governor.functions.proposalDeadline(proposal_id).call()
            self.rpc.advance(max(1, deadline - self.rpc.now() + 1))
            self.tx.send("queue", ADDRESSES[STEWARD], governor, "queue",
                         targets, values, calldatas, description_hash)
            self.rpc.advance(min_delay + 1)
            self.tx.send("execute", ADDRESSES[STEWARD], governor, "execute",
                         targets, values, calldatas, description_hash)
            state = governor.functions.state(proposal_id).call()
            if state != ProposalState.EXECUTED:
                raise RuntimeError(f"proposal {description!r} ended in state {state}")
            self.figures["proposals"].append(
                {"description": description, "calls": len(calls), "voters": voters}
            )

    # -- 3. contributions ----------------------------------------------------------------------

    def plan_contributions(self) -> list[tuple[Member, int, bytes, int]]:
        """(member, pool, cid, weight) for every contribution: each member brings at least one,
        the rest follow the members' heavy-tailed activity."""
        extra = self.scale.contributions - len(self.members)
        owners = list(self.members) + self.random.choices(
            self.members, weights=[m.activity for m in self.members], k=extra
        )
        self.random.shuffle(owners)
        plan = []
        for i, member in enumerate(owners):
            pool = self.random.choice(member.pools)
            weight = self.random.randint(1, 10)
            plan.append((member, pool, raw_cid(b"sim-contribution-%d" % i), weight))
        return plan

    def contribute(self) -> None:
        plan = self.plan_contributions()
        half = len(plan) // 2 if self.batches else len(plan)
        single, batched = plan[:half], plan[half:]
        curators = [ADDRESSES[CURATOR], self.curator2.address]
        submits, accepts = [], []
        for k, (member, pool, cid, weight) in enumerate(single):
            submits.append(Call("submit", member.address, self.registry, "submit", (pool, cid),
                                gas=500_000))
            contribution_id = int.from_bytes(cid[-32:], "big")
            curator = curators[1] if k % 5 == 4 and member is not self.curator2 else curators[0]
            accepts.append(Call("accept", curator, self.registry, "accept",
                                (contribution_id, weight), gas=800_000, key=SUPPLY))
        # Every accept mints, so one accept a block; each block also carries the next
        # contribution's submit, whose accept follows in the block after.
        blocks = [[*accepts[k - 1 : k], *submits[k : k + 1]] for k in range(len(single) + 1)]
        receipts = self.tx.send_blocks([block for block in blocks if block])
        submitted = [r for r, call in zip(receipts, (c for b in blocks for c in b), strict=True)
                     if call.action == "submit"]
        assert all(r["logs"] for r in submitted), "a submit emitted no event"
        for k, (member, pool, _cid, weight) in enumerate(single):
            curator = accepts[k].sender
            if curator == self.curator2.address:
                self.curator2.pots.add(WORK_POT)
            member.weight += weight
            member.contributions += 1
            member.pots.add(pool)
        self.figures["single_contributions"] = len(single)
        self.figures["batched_contributions"] = len(batched)
        if batched:
            self.contribute_batched(batched)

    def contribute_batched(self, batched: list[tuple[Member, int, bytes, int]]) -> None:
        from lumbung.merkle import BatchLeaf, batch_claims, batch_tree

        by_pool: dict[int, list[tuple[Member, int, bytes, int]]] = defaultdict(list)
        for entry in batched:
            by_pool[entry[1]].append(entry)
        owner = {m.address: m for m in self.members}
        batch_gas: list[int] = []
        self.figures["batches"] = []
        for pool, entries in sorted(by_pool.items()):
            leaves = [BatchLeaf(m.address, cid, w) for m, _, cid, w in entries]
            started = time.perf_counter()
            tree = batch_tree(leaves)
            manifest = json.dumps(tree.dump(), sort_keys=True).encode()
            claims = []
            for contributor, (mine, proof, flags) in batch_claims(tree).items():
                if len(mine) <= MAX_LEAVES_PER_CLAIM:
                    claims.append((contributor, (mine, proof, flags)))
                    continue
                indices = [i for i, (c, _cid, _w) in enumerate(tree.values()) if c == contributor]
                for start in range(0, len(indices), MAX_LEAVES_PER_CLAIM):
                    multi = tree.get_multi_proof(indices[start : start + MAX_LEAVES_PER_CLAIM])
                    part = [(bytes.fromhex(cid.removeprefix("0x")) if isinstance(cid, str) else cid,
                             int(w)) for _c, cid, w in multi.leaves]
                    claims.append((contributor, (part, multi.proof, multi.proof_flags)))
            tree_s = time.perf_counter() - started
            root = bytes.fromhex(tree.root.removeprefix("0x"))
            receipt = self.tx.send(
                "submitBatch", self.aggregator, self.registry, "submitBatch",
                pool, root, len(leaves), sum(leaf.weight for leaf in leaves), raw_cid(manifest),
            )
            batch_id = int(receipt["logs"][0]["topics"][1], 16)
            spent = int(receipt["gasUsed"], 16)
            spent += int(self.tx.send("acceptBatch", ADDRESSES[CURATOR], self.registry,
                                      "acceptBatch", batch_id)["gasUsed"], 16)
            # Claiming leaves mints their weight: one claim a block, as accepts.
            calls = []
            for contributor, (mine, proof, flags) in claims:
                if len(mine) == 1:
                    (cid, weight), = mine
                    single_proof = tree.get_proof((to_checksum_address(contributor), cid, weight))
                    calls.append(Call(
                        "claimBatchLeaf", contributor, self.registry, "claimBatchLeaf",
                        (batch_id, contributor, cid, weight,
                         [bytes.fromhex(p.removeprefix("0x")) for p in single_proof]),
                        key=SUPPLY,
                    ))
                else:
                    calls.append(Call(
                        "claimBatchLeaves", contributor, self.registry, "claimBatchLeaves",
                        (batch_id, contributor, [(c, w) for c, w in mine],
                         [bytes.fromhex(p.removeprefix("0x")) for p in proof], flags),
                        gas=CLAIM_GAS, key=SUPPLY,
                    ))
                member = owner[to_checksum_address(contributor)]
                member.weight += sum(w for _, w in mine)
                member.contributions += len(mine)
                member.pots.add(pool)
            spent += sum(int(r["gasUsed"], 16) for r in self.tx.send_many(calls, PER_BLOCK))
            batch_gas.append(spent)
            self.figures["batches"].append({
                "pool": pool, "leaves": len(leaves), "claims": len(claims),
                "gas_total": spent, "gas_per_contribution": round(spent / len(leaves)),
                "tree_and_proofs_s": round(tree_s, 2),
            })
        total_leaves = sum(b["leaves"] for b in self.figures["batches"])
        self.figures["batch_amortized_per_contribution"] = round(sum(batch_gas) / total_leaves)

    # -- 4. purchases --------------------------------------------------------------------------

    def purchase(self) -> None:
        pools = [1, 2, 3, 4, 5]
        popularity = [5, 3, 4, 2, 1]
        wallet = self.scale.purchases // 2
        setup = []
        for buyer in self.buyers:
            setup.append(Call("setup_mint_test_usd", buyer, self.usd, "mint", (buyer, 10**6 * USD)))
            setup.append(Call("setup_approve", buyer, self.usd, "approve",
                              (self.market.address, 2**256 - 1)))
        self.tx.send_many(setup, PER_BLOCK)
        prices = {pool: self.market.functions.listing(pool).call()[0][0] for pool in pools}
        sales = []
        for k in range(wallet):
            pool = self.random.choices(pools, popularity)[0]
            sales.append(Call("purchase", self.buyers[k % len(self.buyers)], self.market,
                              "purchase", (pool, RESEARCH, prices[pool])))
        self.tx.send_many(sales, PER_BLOCK)
        started = time.perf_counter()
        self.offchain_orders(self.scale.purchases - wallet, pools, popularity)
        self.figures["offchain_orders_wall_s"] = round(time.perf_counter() - started, 2)

    def offchain_orders(self, count: int, pools: list[int], popularity: list[int]) -> None:
        from fastapi.testclient import TestClient
        from sqlalchemy import select

        from api.main import create_app
        from api.models import Order
        from api.services import buyers
        from api.services.settlement import settle_pending

        keys = []
        with transaction(self.context.sessions) as session:
            for i in range(max(1, count // 10)):
                keys.append(buyers.create_buyer(session, f"sim buyer {i}").api_key)
        order_ids = []
        with TestClient(create_app(context=self.context)) as client:
            for k in range(count):
                pool = self.random.choices(pools, popularity)[0]
                headers = {"X-API-Key": keys[k % len(keys)], "Idempotency-Key": f"sim-{k}"}
                body = {"pool_id": pool, "purpose": "research"}
                created = client.post("/v1/orders", json=body, headers=headers)
                if created.status_code != 201:
                    raise RuntimeError(f"order {k}: {created.status_code} {created.text}")
                # A retried request with the same key is answered from the first one.
                again = client.post("/v1/orders", json=body, headers=headers)
                if again.json()["id"] != created.json()["id"]:
                    raise RuntimeError("an Idempotency-Key replay created a second order")
                order_id = created.json()["id"]
                paid = client.post(f"/v1/orders/{order_id}/payment",
                                   json={"payment_ref": f"sim-pay-{k}"}, headers=ADMIN)
                if paid.status_code >= 300:
                    raise RuntimeError(f"payment {k}: {paid.status_code} {paid.text}")
                order_ids.append(order_id)
        deadline = time.monotonic() + 600
        self.rpc("evm_setAutomine", True)  # the worker sends and waits on its own
        while True:
            settle_pending(self.context)
            with self.context.sessions() as session:
                orders = list(session.scalars(select(Order).where(Order.id.in_(order_ids))))
            if all(o.status == "settled" for o in orders):
                break
            if time.monotonic() > deadline:
                raise RuntimeError("off-chain orders did not settle within 600 s")
        self.rpc("evm_setAutomine", False)
        for order in orders:
            assert order.tx_hash is not None
            self.tx.record("settleOffchain", order.tx_hash)
        self.figures["offchain_orders"] = len(orders)

    # -- 5. claims -----------------------------------------------------------------------------

    def claim_all(self) -> None:
        claimants = [(m.address, sorted(m.pots)) for m in self.members]
        claimants.append((ADDRESSES[CURATOR], [WORK_POT]))
        claimants = [(address, pots) for address, pots in claimants if pots]
        receipts = self.tx.send_many(
            (Call("claimMany", address, self.distributor, "claimMany", (pots,))
             for address, pots in claimants),
            PER_BLOCK,
        )
        for (_, pots), receipt in zip(claimants, receipts, strict=True):
            self.tx.gas[f"claimMany_{len(pots)}_pots"].append(int(receipt["gasUsed"], 16))

    def earnings(self) -> None:
        """What every member was paid (RevenueClaimed) against its accepted contribution weight."""
        event = self.distributor.events.RevenueClaimed
        paid: dict[str, int] = defaultdict(int)
        for log in event.get_logs(from_block=0, to_block="latest"):
            paid[log["args"]["account"]] += int(log["args"]["amount"])
        everyone = [m.address for m in self.members] + [ADDRESSES[a] for a in BOOTSTRAP_MEMBERS]
        to = str(self.distributor.address)
        calls = [
            ("eth_call", ({"to": to, "data": self.distributor.encode_abi(
                "claimable", args=[pot, address])}, "latest"))
            for address in everyone for pot in (1, 2, 3, 4, 5, WORK_POT)
        ]
        left = sum(int(answer, 16) for answer in self.rpc.batch(calls))
        weight = {m.address: m.weight for m in self.members}
        earned = [paid.get(a, 0) for a in everyone]
        contributed = [weight.get(a, 0) for a in everyone]
        counts = {m.address: m.contributions for m in self.members}
        self.figures["distribution"] = {
            "members": len(everyone),
            "paid_total_usd": round(sum(earned) / USD, 2),
            "unclaimed_after_claims_usd": round(left / USD, 6),
            "gini_earnings": gini(earned),
            "gini_contribution_weight": gini(contributed),
            "gini_contribution_count": gini([counts.get(a, 0) for a in everyone]),
            "top_decile_share_earnings": round(
                sum(sorted(earned)[-len(everyone) // 10:]) / max(1, sum(earned)), 4),
            "top_decile_share_weight": round(
                sum(sorted(contributed)[-len(everyone) // 10:]) / max(1, sum(contributed)), 4),
            "lorenz_earnings": lorenz(earned),
            "lorenz_contribution_weight": lorenz(contributed),
        }

    # -- 6. flatness ---------------------------------------------------------------------------

    def flatness(self) -> None:
        """Purchase and claim gas with 10 … 10,000 members holding units in the pool."""
        artifact = json.loads((self.settings.artifacts_dir / "UnitsSeeder.json").read_text())
        bench = Account.from_key(keccak(b"lumbung-sim-bench")).address
        timelock = str(self.timelock.address)
        self.rpc("anvil_setBalance", bench, hex(10**21))
        self.rpc("anvil_setBalance", timelock, hex(10**21))
        receipt = self.tx.send_raw(None, bench, None, "0x" + artifact["bytecode"])
        seeder = self.w3.eth.contract(
            address=to_checksum_address(receipt["contractAddress"]), abi=artifact["abi"]
        )
        units_role = self.distributor.functions.UNITS_ROLE().call()
        for holder in (seeder.address, bench):
            self.tx.send(None, timelock, self.distributor, "grantRole", units_role, holder)
        probe = self.members[0].address
        buyer = self.buyers[0]
        price = 10 * USD
        self.figures["flat"] = {}
        for size in FLAT_SIZES:
            pool = self.registry.functions.poolCount().call() + 1
            self.tx.send(None, timelock, self.registry, "createPool", f"flat {size}", "")
            self.tx.send(None, timelock, self.market, "setListing", pool, price, 0b1111, True, b"")
            self.tx.send(None, bench, self.distributor, "addUnits", pool, probe, 5)
            remaining, salt = size - 1, pool * 10**6
            while remaining:
                k = min(SEED_BATCH, remaining)
                self.tx.send(None, bench, seeder, "seed", self.distributor.address, pool, salt, k,
                             5, gas=12_000_000)
                remaining -= k
                salt += 1
            # Steady state: the pool has sold before and the member has claimed before.
            self.tx.send(None, buyer, self.market, "purchase", pool, RESEARCH, price)
            self.tx.send(None, probe, self.distributor, "claim", pool)
            sale = self.tx.send(None, buyer, self.market, "purchase", pool, RESEARCH, price)
            claim = self.tx.send(None, probe, self.distributor, "claim", pool)
            members = self.distributor.functions.totalUnits(pool).call() // 5
            self.figures["flat"][str(size)] = {
                "members_in_pool": members,
                "purchase": int(sale["gasUsed"], 16),
                "claim": int(claim["gasUsed"], 16),
            }

    # -- 7. indexer ----------------------------------------------------------------------------

    def index(self) -> None:
        from sqlalchemy import func, select

        from api.indexer.follower import index_until_head
        from api.models import ChainEvent, RevenueClaim

        started = time.perf_counter()
        index_until_head(self.context)
        elapsed = time.perf_counter() - started
        head = self.w3.eth.block_number
        with self.context.sessions() as session:
            events = session.scalar(select(func.count()).select_from(ChainEvent)) or 0
            indexed_paid = sum(int(a) for a in session.scalars(select(RevenueClaim.amount)))
        chain_paid = round(self.figures["distribution"]["paid_total_usd"] * USD)
        # The flatness phase's claims come after the earnings were taken: compare up to them.
        self.figures["distribution"]["indexer_paid_total_usd"] = round(indexed_paid / USD, 2)
        if indexed_paid < chain_paid:
            raise RuntimeError(f"the indexer saw {indexed_paid} paid out, the chain {chain_paid}")
        self.figures["indexer"] = {
            "blocks": head,
            "events": events,
            "seconds": round(elapsed, 2),
            "blocks_per_s": round(head / elapsed, 1),
            "events_per_s": round(events / elapsed, 1),
        }

    # -- run -----------------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        wall = time.perf_counter()
        self.start()
        try:
            self.phase("deploy", wall)
            for name, step in (
                ("join", self.make_and_join),
                ("governance", self.govern),
                ("contributions", self.contribute),
                ("purchases", self.purchase),
                ("claims", self.claim_all),
                ("earnings", self.earnings),
                ("flatness", self.flatness),
                *([("indexer", self.index)] if self.index_chain else []),
            ):
                started = time.perf_counter()
                step()
                self.phase(name, started)
            blocks = int(self.rpc("eth_blockNumber"), 16)
        finally:
            self.stop()
        actions = {
            name: summary(values)
            for name, values in sorted(self.tx.gas.items())
            if values and not name.startswith("setup_")
        }
        setup = {
            name: summary(values) for name, values in self.tx.gas.items()
            if name.startswith("setup_")
        }
        single = actions.get("submit", {}).get("median", 0) + actions.get("accept", {}).get(
            "median", 0)
        return {
            "mode": "quick" if self.scale is QUICK else "full",
            "scale": self.scale.__dict__,
            "batches_available": self.batches,
            "actions": actions,
            "setup_transactions": setup,
            "per_contribution": {
                "single_submit_plus_accept_median": single,
                "batched_amortized": self.figures.get("batch_amortized_per_contribution"),
            },
            "transactions": self.tx.sent,
            "blocks": blocks,
            "phases_s": self.phases,
            "wall_s": round(time.perf_counter() - wall, 1),
            "machine": {
                "cpus": __import__("os").cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
            },
            "notes": self.notes,
            **{k: v for k, v in self.figures.items() if k != "batch_amortized_per_contribution"},
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="100 members, 1,000 contributions, 20 purchases, 1 proposal")
    parser.add_argument("--seed", type=int, default=8, help="the simulation's random seed")
    parser.add_argument(
        "--index", choices=("auto", "yes", "no"), default="auto",
        help="time the indexer over the whole chain (auto: in quick mode only; it indexes "
        "about 240 events/s, some 10 minutes for the full run's chain)",
    )
    parser.add_argument("--no-report", action="store_true", help="only write results.json")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for noisy in ("httpx", "api", "web3", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    scale = QUICK if args.quick else FULL
    with tempfile.TemporaryDirectory(prefix="lumbung-sim-") as tmp:
        index_chain = args.index == "yes" or (args.index == "auto" and args.quick)
        results = Simulation(scale, args.seed, Path(tmp), index_chain).run()
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    logger.info("wrote %s (%s mode, %.0f s, %d transactions)", RESULTS, results["mode"],
                results["wall_s"], results["transactions"])
    if not args.no_report:
        from bench import report

        report.main([])


if __name__ == "__main__":
    main()
