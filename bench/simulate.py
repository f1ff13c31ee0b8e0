"""A cooperative simulated on Anvil; writes bench/results.json, then bench/REPORT.md and plots.

    python -m bench.simulate [--quick] [--seed N]

On a fresh Anvil with the governed cooperative deployed as ``make run`` deploys it
(bench/sim_chain.py ``start_chain``), members act as members do, every action a real
transaction whose gasUsed is recorded. Members' accounts hold no ether at all (checked at the
end): every member and curator action is signed by them and sent by the cooperative's gas
relayer (bench/sim_relay.py), which pays for it.

1. members join with registrar-signed EIP-712 vouchers (four stakeholder classes), each sent by
   the relayer; the timelock (impersonated) raises the forwarder's quota for the run;
2. the steward proposes, members vote (quadratic, ``castVoteWithReasonAndParamsBySig`` with n,
   ballots the relayer sends), the timelock executes: the first proposal opens pools 4 and 5,
   appoints a second curator and grants the aggregator its role; the others change prices;
3. contributions: members sign an EIP-712 consent for each, a curator signs its review (accept
   with a weight, or reject with a reason); the aggregator gathers one curator's reviews of one
   pool into batches (``submitBatch``, at most 48 leaves per member and 1,024 a batch), the
   designated curator confirms each (``acceptBatch``, relayed). A few contributions take the
   single path (``submit`` and ``accept``/``reject``, both relayed) for comparison;
4. purchases: half wallet ``purchase``, half off-chain orders through the API (``POST
   /v1/orders`` with an Idempotency-Key, the admin payment call, the settlement worker);
5. every member claims its leaves' revenue (``claimLeaf``/``claimLeaves`` with a proof per
   batch), its single pots with ``claimMany``, and some activate their leaves' tokens; after a
   second round of sales every member claims again with ``claimBatches`` (no proofs); a few
   members then leave; all relayed;
6. purchase and claim gas against the number of members in a pool (10 … 10,000; synthetic
   holders seeded with the UnitsSeeder test contract, granted its role by the impersonated
   timelock, in pools opened for the measurement only);
7. the indexer indexes the whole chain (its throughput is reported).

Earnings per member (``RevenueClaimed`` and ``BatchRevenueClaimed``) against accepted
contribution weight give the Lorenz curves and Gini coefficients; the relayer's transactions,
priced with bench/costs.py on L1 and on an OP-stack L2, give the member-year table.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import math
import platform
import random
import statistics
import tempfile
import time
from collections import Counter, defaultdict
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
from api.services.relay.prepare import EXTENDED_BALLOT
from api.settings import Settings
from bench.sim_chain import Call, Rpc, Sender, start_chain
from bench.sim_relay import Domain, Relay, RelayLedger, member_year, sign_consent, sign_review
from ipfs.cid import cid_string, sha256_cid
from lumbung.devchain import ADDRESSES, CURATOR, KEYS, REGISTRAR, STEWARD, Role
from lumbung.devchain import PRODUCER as PRODUCER_ACCOUNT
from lumbung.eip712 import sign_voucher
from lumbung.merkle import (
    MAX_LEAVES_PER_CONTRIBUTOR,
    BatchDomain,
    BatchLeaf,
    StandardMerkleTree,
    batch_tree,
    leaf_of,
    leaf_proof,
    with_ordinals,
)
from lumbung.protocol import (
    DEV_ADMIN_TOKEN,
    WORK_POT,
    ProposalState,
    Purpose,
    StakeholderClass,
    VoteType,
    contribution_id,
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
# Contributions registered singly (submit + accept) for comparison; the rest go in batches.
SINGLE_SHARE = 0.05
# Reviews that reject (weight 0, with a reason): listed in the batch's manifest, no leaf.
REJECTED_SHARE = 0.05
# The second curator's share of the reviews (of contributions other than its own).
CURATOR2_SHARE = 0.4
MAX_BATCH = 1_024
# Members who activate their first batch's tokens, and who leave at the end: one in ...
ACTIVATE_EVERY = 10
LEAVE_EVERY = 100
# The forwarder's limits for the run, set by the timelock: the default quota (100 requests per
# signer per 7 days) is a member's, not a curator confirming thousands of reviews in a day; a
# claim of 48 leaves asks for more than the default 1,000,000 gas.
RELAY_QUOTA = 100_000
RELAY_PERIOD = 7 * 86_400
RELAY_MAX_GAS = 2_000_000
# A consent's and a request's lifetime.
TTL = 30 * 86_400


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
    key: bytes
    cls: int
    activity: float
    pools: list[int]
    weight: int = 0
    contributions: int = 0
    pots: set[int] = field(default_factory=set)
    # batch id -> the member's leaves in it
    batches: dict[int, list[BatchLeaf]] = field(default_factory=dict)


@dataclass(frozen=True)
class Reviewed:
    """A contribution with its consent and its review (weight 0: rejected), before batching."""

    member: Member
    pool: int
    cid: bytes
    weight: int
    curator: str
    consent: dict[str, Any]
    review: dict[str, Any]


@dataclass
class Batch:
    """A submitted batch: its tree (None: rejections only) and its entries."""

    pool: int
    curator: str
    entries: list[Reviewed]
    leaves: list[BatchLeaf]
    tree: StandardMerkleTree | None
    domain: BatchDomain


def raw_cid(seed: bytes) -> bytes:
    """A CIDv1 (raw codec, sha2-256) over ``seed``: contents needn't be stored."""
    return sha256_cid(1, 0x55, keccak(seed))


def post(client: Any, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    """POSTs as a well-behaved client does: a 429 is retried after the Retry-After it names
    (the API allows 120 order requests a minute from one client)."""
    while True:
        answer = client.post(path, json=body, headers=headers)
        if answer.status_code != 429:
            return answer
        time.sleep(float(answer.headers.get("Retry-After", "1")))


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
        self.chain_id = self.w3.eth.chain_id
        self.relayer = ADDRESSES[Role.GAS_RELAYER]
        self.relay = Relay(c["Forwarder"], self.relayer, self.chain_id, RELAY_MAX_GAS)
        self.ledger = RelayLedger()
        self.started_at = self.rpc.now()

    def stop(self) -> None:
        self.context.close()
        self.chain.stop()

    def send_relayed(self, items: list[tuple[str, Call]], per_block: int = PER_BLOCK) -> (
        list[dict[str, Any]]
    ):
        """Sends the relayer's calls (``Sender.send_many``), recording each under whom it served
        (a member's address, or "curation")."""
        receipts = self.tx.send_many([call for _, call in items], per_block)
        for (served, call), receipt in zip(items, receipts, strict=True):
            self.ledger.add(served, call.action or call.fn, receipt)
        return receipts

    def deadline(self) -> int:
        return self.rpc.now() + TTL

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
            self.members.append(Member(address, key, cls, activity, favourite))
        self.aggregator = Account.from_key(keccak(b"lumbung-sim-aggregator")).address
        self.buyers = [
            Account.from_key(keccak(f"lumbung-sim-buyer-{i}".encode())).address
            for i in range(max(2, self.scale.purchases // 20))
        ]
        # Members get no ether: only the cooperative's accounts are funded.
        funded = [self.aggregator, self.relayer, *self.buyers]
        self.rpc.batch([("anvil_setBalance", (a, hex(10**24))) for a in funded])

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
        self.tx.send(None, timelock, self.relay.forwarder, "setRelayLimits", RELAY_QUOTA,
                     RELAY_PERIOD, RELAY_MAX_GAS)
        self.figures["relay_limits"] = {"quota": RELAY_QUOTA, "period_s": RELAY_PERIOD,
                                        "max_gas": RELAY_MAX_GAS}
        chain_id = self.chain_id
        expiry = self.rpc.now() + 365 * 86_400
        membership = str(self.membership.address)
        joins = []
        for nonce, member in enumerate(self.members, start=1):
            signature = sign_voucher(
                KEYS[REGISTRAR], chain_id=chain_id, membership=membership,
                member=member.address, cls=member.cls, nonce=nonce, expiry=expiry,
            )
            # The relayer sends the voucher. A join pushes its class's member count: one join
            # of a class a block.
            joins.append((member.address, Call(
                "join_by_voucher", self.relayer, self.membership, "join",
                ((member.address, member.cls, nonce, expiry), signature), gas=400_000,
                key=("class count", member.cls),
            )))
        self.send_relayed(joins)
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
                (reg.address, reg.encode_abi(
                    "grantRole", args=[reg.functions.AGGREGATOR_ROLE().call(), self.aggregator],
                )),
            ]
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
        keys: dict[str, Any] = {}
        for m in self.members:
            by_class[m.cls].append(m.address)
            keys[m.address] = m.key
        for account, cls in BOOTSTRAP_MEMBERS.items():
            by_class[cls].append(ADDRESSES[account])
            keys[ADDRESSES[account]] = KEYS[account]
        domain = Domain.of(governor)
        ballots: dict[str, int] = {}  # the governor's nonce of each voter
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
            votes: list[tuple[str, Call]] = []
            for _cls, addresses in sorted(by_class.items()):
                turnout = self.random.uniform(0.25, 0.45)
                k = max(1, math.ceil(turnout * len(addresses)))
                chosen = self.random.sample(addresses, k=k)
                for voter in chosen:
                    support = self.random.choices(
                        (VoteType.FOR, VoteType.AGAINST, VoteType.ABSTAIN), (0.75, 0.18, 0.07)
                    )[0]
                    n = self.random.choice((1, 1, 2, 2, 3))
                    params = encode(["uint256"], [n])
                    if voter not in ballots:
                        ballots[voter] = governor.functions.nonces(voter).call()
                    ballot = domain.message("ExtendedBallot", EXTENDED_BALLOT, {
                        "proposalId": proposal_id, "support": support, "voter": voter,
                        "nonce": ballots[voter], "reason": "", "params": params,
                    })
                    ballots[voter] += 1
                    signature = bytes(Account.sign_message(ballot, keys[voter]).signature)
                    # The voter signs the ballot; the relayer sends it.
                    votes.append((voter, Call(
                        "castVoteWithParamsBySig", self.relayer, governor,
                        "castVoteWithReasonAndParamsBySig",
                        (proposal_id, support, voter, "", params, signature), gas=500_000,
                    )))
            self.send_relayed(votes)
            voters = len(votes)
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
        """(member, pool, cid, weight) for every contribution, weight 0 for one its curator will
        reject: each member brings at least one, the rest follow the members' heavy-tailed
        activity."""
        extra = self.scale.contributions - len(self.members)
        owners = list(self.members) + self.random.choices(
            self.members, weights=[m.activity for m in self.members], k=extra
        )
        self.random.shuffle(owners)
        plan = []
        for i, member in enumerate(owners):
            pool = self.random.choice(member.pools)
            weight = 0 if self.random.random() < REJECTED_SHARE else self.random.randint(1, 10)
            plan.append((member, pool, raw_cid(b"sim-contribution-%d" % i), weight))
        return plan

    def contribute(self) -> None:
        self.curator_keys = {ADDRESSES[CURATOR]: KEYS[CURATOR], self.curator2.address:
                             self.curator2.key}
        plan = self.plan_contributions()
        single_count = round(len(plan) * SINGLE_SHARE)
        self.contribute_single(plan[:single_count])
        self.contribute_batched(plan[single_count:])
        self.figures["single_contributions"] = single_count
        self.figures["batched_contributions"] = len(plan) - single_count

    def curator_for(self, member: Member) -> str:
        if member is not self.curator2 and self.random.random() < CURATOR2_SHARE:
            return self.curator2.address
        return ADDRESSES[CURATOR]

    def contribute_single(self, single: list[tuple[Member, int, bytes, int]]) -> None:
        """``submit`` by the member and ``accept`` (or ``reject``) by a curator, both relayed."""
        deadline = self.deadline()
        submits, reviews = [], []
        for member, pool, cid, weight in single:
            submits.append((member.address, self.relay.call(
                "submit", member.key, member.address, self.registry, "submit", (pool, cid),
                deadline=deadline, gas=300_000,
            )))
            curator = self.curator_for(member)
            contribution = contribution_id(member.address, cid[-32:])
            fn, args = ("accept", (contribution, weight)) if weight else (
                "reject", (contribution, "unreadable upload"))
            reviews.append(("curation", self.relay.call(
                fn, self.curator_keys[curator], curator, self.registry, fn, args,
                deadline=deadline, gas=600_000, checkpoint=SUPPLY,
            )))
            if weight:
                if curator == self.curator2.address:
                    self.curator2.pots.add(WORK_POT)
                member.weight += weight
                member.contributions += 1
                member.pots.add(pool)
        # Every accept mints, so one accept a block; each block also carries the next
        # contribution's submit, whose review follows in the block after.
        for block in ([*reviews[k - 1 : k], *submits[k : k + 1]] for k in range(len(single) + 1)):
            if block:
                self.send_relayed(block, per_block=len(block))

    def review(self, member: Member, pool: int, cid: bytes, weight: int, deadline: int) -> Reviewed:
        """The member's consent and a curator's review: signatures only, no transaction."""
        curator = self.curator_for(member)
        consent, signature = sign_consent(member.key, self.registry_domain, pool, cid,
                                          member.address, deadline)
        reason = "" if weight else "unreadable upload"
        return Reviewed(
            member, pool, cid, weight, curator,
            {"deadline": deadline, "signature": "0x" + signature.hex(),
             "digest": "0x" + consent.hex()},
            {"weight": weight, "reason": reason, "signature": "0x" + sign_review(
                self.curator_keys[curator], self.registry_domain, consent, weight, reason).hex()},
        )

    def contribute_batched(self, batched: list[tuple[Member, int, bytes, int]]) -> None:
        self.registry_domain = Domain.of(self.registry)
        deadline = self.deadline()
        started = time.perf_counter()
        reviewed = [self.review(m, pool, cid, w, deadline) for m, pool, cid, w in batched]
        self.figures["signatures_s"] = round(time.perf_counter() - started, 2)
        first = reviewed[0]
        on_chain = self.registry.functions.consentDigest(
            first.pool, first.cid, first.member.address, deadline).call()
        if "0x" + bytes(on_chain).hex() != first.consent["digest"]:
            raise RuntimeError("the registry's consentDigest differs from the signed consent")
        started = time.perf_counter()
        batches = [self.assemble(entries) for entries in self.group(reviewed)]
        submits = [
            ("curation", Call("submitBatch", self.aggregator, self.registry, "submitBatch",
                              self.submission(b), gas=600_000))
            for b in batches
        ]
        self.figures["trees_s"] = round(time.perf_counter() - started, 2)
        # The aggregator is the cooperative's own account: its transactions are not relayed.
        submitted = self.tx.send_many([call for _, call in submits], PER_BLOCK)
        ids = [int(r["logs"][0]["topics"][1], 16) for r in submitted]
        deadline = self.deadline()
        accepts = [
            ("curation", self.relay.call(
                "acceptBatch", self.curator_keys[b.curator], b.curator, self.registry,
                "acceptBatch", (batch_id,), deadline=deadline, gas=500_000))
            for b, batch_id in zip(batches, ids, strict=True)
        ]
        accepted = self.send_relayed(accepts)
        self.batches: dict[int, Batch] = dict(zip(ids, batches, strict=True))
        self.figures["batches"] = []
        owner = {m.address: m for m in self.members}
        for batch_id, b, sub, acc in zip(ids, batches, submitted, accepted, strict=True):
            gas = int(sub["gasUsed"], 16) + int(acc["gasUsed"], 16)
            self.figures["batches"].append({
                "pool": b.pool, "leaves": len(b.leaves), "rejected": len(b.entries) - len(
                    b.leaves), "contributors": len({leaf.contributor for leaf in b.leaves}),
                "gas_total": gas, "gas_per_contribution": round(gas / max(1, len(b.leaves))),
            })
            if b.curator == self.curator2.address:
                self.curator2.pots.add(WORK_POT)
            for leaf in b.leaves:
                member = owner[leaf.contributor]
                member.batches.setdefault(batch_id, []).append(leaf)
                member.weight += leaf.weight
                member.contributions += 1
        total = sum(b["gas_total"] for b in self.figures["batches"])
        leaves = sum(b["leaves"] for b in self.figures["batches"])
        self.figures["batch_registration_per_contribution"] = round(total / leaves)

    def group(self, reviewed: list[Reviewed]) -> list[list[Reviewed]]:
        """One curator's reviews of one pool per batch, at most MAX_BATCH reviews and
        MAX_LEAVES_PER_CONTRIBUTOR leaves of a member in each (a busy member's go in several)."""
        by_key: dict[tuple[int, str], list[Reviewed]] = defaultdict(list)
        for r in reviewed:
            by_key[(r.pool, r.curator)].append(r)
        out: list[list[Reviewed]] = []
        for _key, reviews in sorted(by_key.items()):
            open_batches: list[tuple[list[Reviewed], Counter[str]]] = []
            for r in reviews:
                for entries, leaves in open_batches:
                    if len(entries) < MAX_BATCH and (
                        not r.weight or leaves[r.member.address] < MAX_LEAVES_PER_CONTRIBUTOR
                    ):
                        break
                else:
                    entries, leaves = [], Counter()
                    open_batches.append((entries, leaves))
                entries.append(r)
                if r.weight:
                    leaves[r.member.address] += 1
            out += [entries for entries, _ in open_batches]
        return out

    def assemble(self, entries: list[Reviewed]) -> Batch:
        pool, curator = entries[0].pool, entries[0].curator
        domain = BatchDomain(self.chain_id, str(self.distributor.address), pool)
        accepted = [r for r in entries if r.weight]
        leaves = with_ordinals((r.member.address, r.cid, r.weight) for r in accepted)
        tree = batch_tree(domain, leaves) if leaves else None
        return Batch(pool, curator, entries, leaves, tree, domain)

    def manifest(self, b: Batch) -> bytes:
        """The batch's lumbung-batch-v1 manifest (the aggregator would publish it to IPFS)."""
        ordinal = {(leaf.contributor, leaf.cid): leaf.ordinal for leaf in b.leaves}
        entries = []
        for r in b.entries:
            entry: dict[str, Any] = {"contributor": r.member.address, "cid": cid_string(r.cid),
                     "cidHex": "0x" + r.cid.hex(), "consent": r.consent, "review": r.review}
            if r.weight:
                entry |= {"ordinal": ordinal[(r.member.address, r.cid)], "weight": r.weight}
            entries.append(entry)
        return json.dumps({
            "format": "lumbung-batch-v1", "chainId": self.chain_id,
            "registry": str(self.registry.address), "distributor": str(self.distributor.address),
            "poolId": b.pool, "curator": b.curator, "count": len(b.leaves),
            "totalWeight": sum(leaf.weight for leaf in b.leaves),
            "rejected": len(b.entries) - len(b.leaves),
            "root": b.tree.root if b.tree else "0x" + "00" * 32,
            "tree": b.tree.dump() if b.tree else None, "entries": entries,
        }, sort_keys=True).encode()

    def submission(self, b: Batch) -> tuple[Any, ...]:
        """``submitBatch``'s arguments for a batch."""
        root = bytes.fromhex(b.tree.root.removeprefix("0x")) if b.tree else bytes(32)
        manifest_cid = sha256_cid(1, 0x55, hashlib.sha256(self.manifest(b)).digest())
        return (b.pool, b.curator, root, len(b.leaves), sum(leaf.weight for leaf in b.leaves),
                len(b.entries) - len(b.leaves), manifest_cid)

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
        self.sales(wallet, pools, popularity)
        started = time.perf_counter()
        self.offchain_orders(self.scale.purchases - wallet, pools, popularity)
        self.figures["offchain_orders_wall_s"] = round(time.perf_counter() - started, 2)

    def sales(self, count: int, pools: list[int], popularity: list[int]) -> None:
        """``count`` wallet purchases by the buyers, pools chosen by popularity."""
        prices = {pool: self.market.functions.listing(pool).call()[0][0] for pool in pools}
        sales = []
        for k in range(count):
            pool = self.random.choices(pools, popularity)[0]
            sales.append(Call("purchase", self.buyers[k % len(self.buyers)], self.market,
                              "purchase", (pool, RESEARCH, prices[pool])))
        self.tx.send_many(sales, PER_BLOCK)

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
                created = post(client, "/v1/orders", body, headers)
                if created.status_code != 201:
                    raise RuntimeError(f"order {k}: {created.status_code} {created.text}")
                # A retried request with the same key is answered from the first one.
                again = post(client, "/v1/orders", body, headers)
                if again.json()["id"] != created.json()["id"]:
                    raise RuntimeError("an Idempotency-Key replay created a second order")
                order_id = created.json()["id"]
                paid = post(client, f"/v1/orders/{order_id}/payment",
                            {"payment_ref": f"sim-pay-{k}"}, ADMIN)
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

    def leaf_claim(self, member: Member, batch_id: int, deadline: int) -> Call:
        """The member's first claim of its leaves in a batch: ``claimLeaf`` with a proof for
        one leaf, ``claimLeaves`` with a multiproof for several."""
        b = self.batches[batch_id]
        assert b.tree is not None
        leaves = member.batches[batch_id]
        args: tuple[Any, ...]
        if len(leaves) == 1:
            proof = [bytes.fromhex(p[2:]) for p in leaf_proof(b.tree, leaves[0], b.domain)]
            fn, args, gas = "claimLeaf", (batch_id, leaves[0].argument(), proof), 250_000
        else:
            multi = b.tree.get_multi_proof([list(leaf.value(b.domain)) for leaf in leaves])
            fn, gas = "claimLeaves", 200_000 + 25_000 * len(leaves)
            args = (batch_id, [leaf_of(v).argument() for v in multi.leaves],
                    [bytes.fromhex(p[2:]) for p in multi.proof], multi.proof_flags)
        return self.relay.call(fn, member.key, member.address, self.distributor, fn, args,
                               deadline=deadline, gas=gas)

    def activation(self, member: Member, batch_id: int, deadline: int) -> Call:
        """``activateLeaves`` of the member's leaves in a batch: their tokens are minted."""
        b = self.batches[batch_id]
        assert b.tree is not None
        leaves = member.batches[batch_id]
        multi = b.tree.get_multi_proof([list(leaf.value(b.domain)) for leaf in leaves])
        args = (batch_id, [leaf_of(v).argument() for v in multi.leaves],
                [bytes.fromhex(p[2:]) for p in multi.proof], multi.proof_flags)
        return self.relay.call(
            "activateLeaves", member.key, member.address, self.registry, "activateLeaves", args,
            deadline=deadline, gas=200_000 + 40_000 * len(leaves), checkpoint=SUPPLY,
        )

    def pot_claims(self, deadline: int) -> list[tuple[str, Call]]:
        """``claimMany`` of the single pots (and the curators' work pot)."""
        claimants = [(m.address, m.key, sorted(m.pots)) for m in self.members if m.pots]
        claimants.append((ADDRESSES[CURATOR], KEYS[CURATOR], [WORK_POT]))
        return [
            (address, self.relay.call("claimMany", key, address, self.distributor, "claimMany",
                                      (pots,), deadline=deadline, gas=150_000 + 60_000 * len(pots)))
            for address, key, pots in claimants
        ]

    def claim_all(self) -> None:
        """Every member claims its leaves with proofs and its pots; some activate tokens."""
        deadline = self.deadline()
        calls = self.pot_claims(deadline)
        leaves: list[int] = [0] * len(calls)  # leaves in each claim
        for k, member in enumerate(self.members):
            for batch_id in sorted(member.batches):
                calls.append((member.address, self.leaf_claim(member, batch_id, deadline)))
                leaves.append(len(member.batches[batch_id]))
            if k % ACTIVATE_EVERY == 0 and member.batches:
                calls.append((member.address,
                              self.activation(member, min(member.batches), deadline)))
                leaves.append(0)
        receipts = self.send_relayed(calls)
        for (_, call), receipt, count in zip(calls, receipts, leaves, strict=True):
            if call.action == "claimLeaves":
                size = "2-4" if count <= 4 else "5-16" if count <= 16 else "17-48"
                self.tx.gas[f"claimLeaves_{size}_leaves"].append(int(receipt["gasUsed"], 16))

    def claim_again(self) -> None:
        """After a second round of sales, every member claims again: ``claimBatches`` for all
        its batches, with no proofs, and its pots."""
        self.sales(self.scale.purchases // 2, [1, 2, 3, 4, 5], [5, 3, 4, 2, 1])
        deadline = self.deadline()
        calls = self.pot_claims(deadline)
        for member in self.members:
            if member.batches:
                ids = sorted(member.batches)
                calls.append((member.address, self.relay.call(
                    "claimBatches", member.key, member.address, self.distributor,
                    "claimBatches", (ids,), deadline=deadline, gas=100_000 + 20_000 * len(ids),
                )))
        self.send_relayed(calls)

    def leave(self) -> None:
        """A few members leave, relayed too (one of a class a block: it pushes the count)."""
        deadline = self.deadline()
        leaving = [m for k, m in enumerate(self.members) if k % LEAVE_EVERY == LEAVE_EVERY - 1
                   and m is not self.curator2]
        self.send_relayed([
            (m.address, self.relay.call("leave", m.key, m.address, self.membership, "leave", (),
                                        deadline=deadline, gas=200_000,
                                        checkpoint=("class count", m.cls)))
            for m in leaving
        ])

    def members_hold_no_ether(self) -> None:
        """Every member's account still holds no ether and never sent a transaction."""
        addresses = [m.address for m in self.members]
        balances = self.rpc.batch([("eth_getBalance", (a, "latest")) for a in addresses])
        nonces = self.rpc.batch([("eth_getTransactionCount", (a, "latest")) for a in addresses])
        spent = [a for a, b, n in zip(addresses, balances, nonces, strict=True)
                 if int(b, 16) or int(n, 16)]
        if spent:
            raise RuntimeError(
                f"{len(spent)} members hold ether or sent a transaction: {spent[:3]}")
        self.figures["members_ether_wei"] = 0

    def earnings(self) -> None:
        """What every member was paid (RevenueClaimed, BatchRevenueClaimed) against its accepted
        contribution weight."""
        paid: dict[str, int] = defaultdict(int)
        by_event: dict[str, int] = {}
        for event in (self.distributor.events.RevenueClaimed,
                      self.distributor.events.BatchRevenueClaimed):
            logs = event.get_logs(from_block=0, to_block="latest")
            for log in logs:
                paid[log["args"]["account"]] += int(log["args"]["amount"])
            by_event[event.event_name] = sum(int(log["args"]["amount"]) for log in logs)
        everyone = [m.address for m in self.members] + [ADDRESSES[a] for a in BOOTSTRAP_MEMBERS]
        to = str(self.distributor.address)
        calls = [
            ("eth_call", ({"to": to, "data": self.distributor.encode_abi(
                "claimable", args=[pot, address])}, "latest"))
            for address in everyone for pot in (1, 2, 3, 4, 5, WORK_POT)
        ] + [
            ("eth_call", ({"to": to, "data": self.distributor.encode_abi(
                "claimableFromBatch", args=[batch_id, m.address, 0])}, "latest"))
            for m in self.members for batch_id in m.batches
        ]
        left = sum(int(answer, 16) for answer in self.rpc.batch(calls))
        weight = {m.address: m.weight for m in self.members}
        earned = [paid.get(a, 0) for a in everyone]
        contributed = [weight.get(a, 0) for a in everyone]
        counts = {m.address: m.contributions for m in self.members}
        self.figures["distribution"] = {
            "members": len(everyone),
            "paid_total_usd": round(sum(earned) / USD, 2),
            "paid_from_pots_usd": round(by_event["RevenueClaimed"] / USD, 2),
            "paid_from_batches_usd": round(by_event["BatchRevenueClaimed"] / USD, 2),
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

    def price_relayed(self) -> None:
        """The relayer's transactions priced on L1 and on the L2, per member (bench.costs)."""
        rows = self.ledger.priced(self.rpc)
        year = member_year(rows, {m.address: m.cls for m in self.members})
        year["chain_days"] = round((self.rpc.now() - self.started_at) / 86_400, 2)
        year["relayed_transactions"] = len(rows)
        self.figures["member_year"] = year

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
        # A measuring account of its own: members hold no ether.
        probe = Account.from_key(keccak(b"lumbung-sim-probe")).address
        self.rpc("anvil_setBalance", probe, hex(10**21))
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
        from api.models import ChainEvent, QuarantinedLog, RevenueClaim

        started = time.perf_counter()
        index_until_head(self.context)
        elapsed = time.perf_counter() - started
        head = self.w3.eth.block_number
        with self.context.sessions() as session:
            events = session.scalar(select(func.count()).select_from(ChainEvent)) or 0
            indexed_paid = sum(int(a) for a in session.scalars(select(RevenueClaim.amount)))
            quarantined = session.scalar(select(func.count()).select_from(QuarantinedLog)) or 0
        # The index's revenue_claims hold the pots' claims (RevenueClaimed), not the batches'.
        chain_paid = round(self.figures["distribution"]["paid_from_pots_usd"] * USD)
        # The flatness phase's claims come after the earnings were taken: compare up to them.
        self.figures["distribution"]["indexer_paid_total_usd"] = round(indexed_paid / USD, 2)
        if quarantined:
            self.notes.append(
                f"The indexer quarantined {quarantined:,} logs (its replica of the pools' shares "
                "does not follow batch pots in this build, so single holders' claims disagree "
                "with it): its revenue_claims were not checked against the chain."
            )
        elif indexed_paid < chain_paid:
            raise RuntimeError(f"the indexer saw {indexed_paid} paid out, the chain {chain_paid}")
        self.figures["indexer"] = {
            "blocks": head,
            "events": events,
            "quarantined_logs": quarantined,
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
                ("claims again", self.claim_again),
                ("earnings", self.earnings),
                ("leave", self.leave),
                ("no ether", self.members_hold_no_ether),
                ("member year", self.price_relayed),
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
            "actions": actions,
            "setup_transactions": setup,
            "per_contribution": {
                "single_submit_plus_accept_median": single,
                "batch_registration": self.figures.get("batch_registration_per_contribution"),
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
            **{k: v for k, v in self.figures.items()
               if k != "batch_registration_per_contribution"},
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
