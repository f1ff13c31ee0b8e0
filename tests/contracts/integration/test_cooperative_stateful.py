"""Random sequences of everything members, curators, buyers, aggregators and governance do,
with the money and token invariants checked after every step.

Batches take part: an aggregator submits one curator's Merkle batches whose leaves may repeat
CIDs already registered or in other batches (in another CID form, too), name non-members or
the batch's own curator; that curator accepts or refuses them; an accepted batch earns at once
as one holder; contributors claim a leaf's revenue, activate its tokens or revoke it, and
governance overturns batches. The money invariant counts what each batch still holds, and every
batch's pot matches the model.

The officers' bounds hold too (issue 13): every weight within the pool's governed maximum,
batches held to their committed count and weight, one unit of curation work per review
whatever the verdict, a batch's accepted and rejected entries alike (the work pot is exactly the
reviews credited less those retired or removed), accepted contributions overturned by
governance, contributions of members who left never accepted, and no sale of a pool without
accepted content.

Examples and steps: LUMBUNG_STATEFUL_EXAMPLES x up to LUMBUNG_STATEFUL_STEPS (make test: 20 x 40,
at least 150 steps really run; `make bench` runs 30 x 50). The breadth is Foundry's: its
CooperativeInvariants suite checks the same invariants after every call of adversarial
handlers, relayed paths included (48 runs x 128 calls in make test); this machine is the
independent Python model, against a real node.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import os

import brownie
from brownie import chain
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from lumbung.merkle import BatchDomain, batch_tree, leaf_proof, with_ordinals
from lumbung.protocol import StakeholderClass
from lumbung.protocol import contribution_id as registry_contribution_id

PRECISION = 10**18
PRODUCER, FUNDER, WORKER, STEWARD = StakeholderClass
POOLS = (1, 2, 3)
PRICES = {1: 7, 2: 13_000_003, 3: 999}  # odd prices make rounding dust on every sale
BATCH_SEEDS = 10**6  # batch leaves' fresh CIDs come from seeds above this
RESEARCH = 0
EXAMPLES = int(os.environ.get("LUMBUNG_STATEFUL_EXAMPLES", "20"))
STEPS = int(os.environ.get("LUMBUNG_STATEFUL_STEPS", "40"))
# hypothesis ends many examples early, so the floor is checked on the steps really run.
MIN_STEPS = int(os.environ.get("LUMBUNG_STATEFUL_MIN_STEPS", "150"))


def cid_v0(seed: int) -> bytes:
    return b"\x12\x20" + hashlib.sha256(seed.to_bytes(8, "big")).digest()


def cid_v1_raw(seed: int) -> bytes:
    """The same content as cid_v0(seed), named by a CIDv1 with the raw codec."""
    return b"\x01\x55" + cid_v0(seed)


def contribution_id(contributor: str, cid: bytes) -> int:
    """The registry's id: the content's digest bound to its contributor."""
    return registry_contribution_id(str(contributor), cid[-32:])


st_member = st.integers(0, 4)
st_class = st.integers(0, 3)
st_pool = st.integers(1, 3)
st_pick = st.integers(0, 2**16 - 1)
MAX_WEIGHT = 5_000  # every pool's governed maximum in this machine
st_weight = st.integers(1, MAX_WEIGHT + 500)  # a few above the maximum, which are refused
st_flag = st.booleans()
st_order = st.integers(0, 30)
st_split = st.integers(0, 10_000)
st_leaves = st.lists(
    st.tuples(st.integers(0, 6), st.integers(1, MAX_WEIGHT), st.integers(0, 3)),
    min_size=1,
    max_size=6,
)


STEPS_RUN: collections.Counter[str] = collections.Counter()


def counted(fn):
    """Counts each executed step, so the test can prove the machine did real work."""

    @functools.wraps(fn)
    def step(self, *args, **kwargs):
        STEPS_RUN[fn.__name__] += 1
        return fn(self, *args, **kwargs)

    return step


class Cooperative(RuleBasedStateMachine):
    """hypothesis' rule-based machine; every example starts from the same chain snapshot.

    (brownie 1.22's own ``state_machine`` wrapper is compiled with mypyc and refuses
    user-defined machines, so the chain snapshot is taken and reverted here.)
    """

    @classmethod
    def prepare(cls, accounts, coop):
        cls.accounts = accounts
        cls.coop = coop
        cls.deployer = accounts[0]
        cls.curators = [accounts[1], accounts[2]]
        cls.candidates = [accounts[3], accounts[4], accounts[6], accounts[7], accounts[8]]
        cls.settler = accounts[5]
        cls.buyer = accounts[9]
        tx = {"from": cls.deployer}
        registry, market, usd = coop.registry, coop.market, coop.payment_token
        for curator in cls.curators:
            coop.membership.admit(curator, WORKER, tx)
            registry.grantRole(registry.CURATOR_ROLE(), curator, tx)
        for pool in POOLS:
            registry.createPool(f"pool {pool}", "", tx)
            registry.setPoolMaxWeight(pool, MAX_WEIGHT, tx)
            market.setListing(pool, PRICES[pool], 1 << RESEARCH, True, b"", tx)
        for payer in (cls.buyer, cls.settler):
            usd.mint(payer, 10**15, {"from": payer})
            usd.approve(market, 2**256 - 1, {"from": payer})
        cls.aggregator = cls.deployer
        for candidate in cls.candidates[:2]:  # two members from the start, three to join
            coop.membership.admit(candidate, PRODUCER, tx)
        registry.grantRole(registry.AGGREGATOR_ROLE(), cls.aggregator, tx)
        cls.earners = cls.curators + cls.candidates
        cls.pots = [*POOLS, coop.distributor.WORK_POT()]
        chain.snapshot()

    def __init__(self):
        super().__init__()
        chain.revert()
        self.contributions = {}  # id -> [contributor, pool, status, weight]
        self.next_seed = 0
        self.settled_orders = set()
        self.paid_out = 0
        self.strike_buyer = False
        self.strike_all = False
        # batch id -> {"pool", "domain", "tree", "leaves", "rejected", "status", "curator",
        # "units", "touched": {(contributor, ordinal)}, "activated": [count, weight]}
        self.batches = {}
        self.activated_by = {}  # contribution id -> (batch id, leaf) that activated it
        self.next_batch_seed = 0
        self.work_units = 0  # reviews credited, less units retired or removed

    # -- membership ---------------------------------------------------------------------
    @rule(st_member=st_member, st_class=st_class)
    @counted
    def rule_join(self, st_member, st_class):
        who = self.candidates[st_member]
        if self.coop.membership.isMember(who):
            with brownie.reverts(revert_pattern=r"MembershipAlreadyMember:.*"):
                self.coop.membership.admit(who, st_class, {"from": self.deployer})
        else:
            self.coop.membership.admit(who, st_class, {"from": self.deployer})

    @rule(st_member=st_member)
    @counted
    def rule_leave(self, st_member):
        who = self.candidates[st_member]
        if self.coop.membership.isMember(who):
            self.coop.membership.leave({"from": who})
        else:
            with brownie.reverts(revert_pattern=r"MembershipNotMember:.*"):
                self.coop.membership.leave({"from": who})

    # -- contributions ------------------------------------------------------------------
    @rule(st_member=st_member, st_pool=st_pool, st_flag=st_flag)
    @counted
    def rule_submit(self, st_member, st_pool, st_flag):
        who = self.candidates[st_member]
        reuse = st_flag and self.next_seed > 0
        seed = self.next_seed - 1 if reuse else self.next_seed
        cid = cid_v0(seed)
        if contribution_id(who.address, cid) in self.contributions:  # the same member again
            with brownie.reverts(revert_pattern=r"ContributionRegistryDuplicateCid:.*"):
                self.coop.registry.submit(st_pool, cid, {"from": who})
            return
        # Another member's copy of registered content is its own contribution (no squatting).
        if not reuse:
            self.next_seed += 1
        if not self.coop.membership.isMember(who):
            with brownie.reverts(revert_pattern=r"ContributionRegistryNotMember:.*"):
                self.coop.registry.submit(st_pool, cid, {"from": who})
            if not reuse:
                self.next_seed -= 1
            return
        tx = self.coop.registry.submit(st_pool, cid, {"from": who})
        self.contributions[tx.return_value] = [who, st_pool, "pending", 0]

    def _pick(self, st_pick, *statuses):
        ids = [i for i, c in self.contributions.items() if c[2] in statuses]
        return ids[st_pick % len(ids)] if ids else None

    @rule(st_pick=st_pick, st_weight=st_weight, st_flag=st_flag)
    @counted
    def rule_accept(self, st_pick, st_weight, st_flag):
        cid = self._pick(st_pick, "pending")
        if cid is None:
            return
        curator = {"from": self.curators[st_flag]}
        if st_weight > MAX_WEIGHT:
            with brownie.reverts(revert_pattern=r"ContributionRegistryWeightAboveMax:.*"):
                self.coop.registry.accept(cid, st_weight, curator)
            STEPS_RUN["accept refused: weight above the maximum"] += 1
            return
        if not self.coop.membership.isMember(self.contributions[cid][0]):
            with brownie.reverts(revert_pattern=r"ContributionRegistryContributorNotMember:.*"):
                self.coop.registry.accept(cid, st_weight, curator)
            STEPS_RUN["accept refused: contributor left"] += 1
            return
        self.coop.registry.accept(cid, st_weight, curator)
        self.contributions[cid][2:] = ["accepted", st_weight]
        self.work_units += 1

    @rule(st_pick=st_pick, st_flag=st_flag)
    @counted
    def rule_reject(self, st_pick, st_flag):
        cid = self._pick(st_pick, "pending")
        if cid is None:
            return
        self.coop.registry.reject(cid, "unusable", {"from": self.curators[st_flag]})
        self.contributions[cid][2] = "rejected"
        self.work_units += 1

    @rule(st_pick=st_pick)
    @counted
    def rule_revoke(self, st_pick):
        cid = self._pick(st_pick, "pending", "accepted", "rejected")
        if cid is None:
            return
        contributor = self.contributions[cid][0]
        self.coop.registry.revoke(cid, {"from": contributor})  # rejected ones too: then erasable
        self.contributions[cid][2:] = ["revoked", 0]

    @rule(st_pick=st_pick, st_weight=st_weight)
    @counted
    def rule_overturn(self, st_pick, st_weight):
        """Governance re-weights an accepted contribution, or rejects it (weight 0)."""
        cid = self._pick(st_pick, "accepted")
        if cid is None:
            return
        weight = 0 if st_pick % 3 == 0 else min(st_weight, MAX_WEIGHT)
        contributor, _, _, old_weight = self.contributions[cid]
        if weight > old_weight and not self.coop.membership.isMember(contributor):
            # Nothing new is minted to a contributor who has left; lowering is still allowed.
            with brownie.reverts(revert_pattern=r"ContributionRegistryContributorNotMember:.*"):
                self.coop.registry.overturn(cid, weight, {"from": self.deployer})
            STEPS_RUN["overturn upward refused: contributor left"] += 1
            return
        self.coop.registry.overturn(cid, weight, {"from": self.deployer})
        self.contributions[cid][2:] = ["accepted" if weight else "rejected", weight]

    @rule(st_flag=st_flag)
    @counted
    def rule_retire_curation_credits(self, st_flag):
        """A curator loses the role, its units are retired, and governance grants it back."""
        registry, curator = self.coop.registry, self.curators[st_flag]
        held = self.coop.distributor.unitsOf(self.pots[-1], curator)
        registry.revokeRole(registry.CURATOR_ROLE(), curator, {"from": self.deployer})
        retired = registry.retireCurationCredits(curator, {"from": self.buyer}).return_value
        assert retired == held
        self.work_units -= held
        registry.grantRole(registry.CURATOR_ROLE(), curator, {"from": self.deployer})

    # -- batches ------------------------------------------------------------------------
    @initialize(st_pool=st_pool, st_leaves=st_leaves, st_flag=st_flag)
    def init_batch(self, st_pool, st_leaves, st_flag):
        """Every example starts with an accepted batch, so its leaves get their turn early."""
        self.rule_submit_batch(st_pool, st_leaves, st_flag)
        self._accept_batch(max(self.batches))

    @rule(st_pool=st_pool, st_leaves=st_leaves, st_flag=st_flag)
    @counted
    def rule_submit_batch(self, st_pool, st_leaves, st_flag):
        """One curator's reviews: leaves of candidates or curators (who, weight, CID kind): kind 1
        names, in raw form, content that a single submission or another leaf may already hold;
        the others are fresh CIDs of their own seeds, which single submissions never use."""
        entries = []
        for who, weight, kind in st_leaves:
            seeds = self.next_seed + self.next_batch_seed
            if kind == 1 and seeds:
                seed = (weight * 7919) % seeds
                if seed >= self.next_seed:  # one of the batches' own seeds
                    seed = BATCH_SEEDS + seed - self.next_seed
                cid = cid_v1_raw(seed)
            else:
                cid = (cid_v0 if kind != 3 else cid_v1_raw)(BATCH_SEEDS + self.next_batch_seed)
                self.next_batch_seed += 1
            entries.append(((self.candidates + self.curators)[who].address, cid, weight))
        leaves = with_ordinals(entries)
        domain = BatchDomain(chain.id, self.coop.distributor.address, st_pool)
        tree = batch_tree(domain, leaves)
        curator, rejected = self.curators[st_flag], len(leaves) % 3
        tx = self.coop.registry.submitBatch(
            st_pool,
            curator,
            tree.root,
            len(leaves),
            sum(leaf.weight for leaf in leaves),
            rejected,
            cid_v1_raw(10**9 + len(self.batches)),
            {"from": self.aggregator},
        )
        self.batches[tx.return_value] = {
            "pool": st_pool,
            "domain": domain,
            "tree": tree,
            "leaves": leaves,
            "rejected": rejected,
            "status": "pending",
            "curator": curator,
            "units": 0,
            "touched": set(),
            "activated": [0, 0],
            "revoked": set(),
            "opened": False,
        }

    def _pick_batch(self, st_pick, *statuses):
        ids = [i for i, b in self.batches.items() if b["status"] in statuses]
        return ids[st_pick % len(ids)] if ids else None

    def _accept_batch(self, batch_id):
        batch = self.batches[batch_id]
        self.coop.registry.acceptBatch(batch_id, {"from": batch["curator"]})
        batch.update(
            status="accepted", opened=True, units=sum(leaf.weight for leaf in batch["leaves"])
        )
        self.work_units += len(batch["leaves"]) + batch["rejected"]

    @rule(st_pick=st_pick)
    @counted
    def rule_curate_batch(self, st_pick):
        """The designated curator confirms the batch, or refuses it as assembled (no credit)."""
        batch_id = self._pick_batch(st_pick, "pending")
        if batch_id is None:
            return
        batch = self.batches[batch_id]
        if st_pick % 4 == 0:
            self.coop.registry.rejectBatch(
                batch_id, "weights unjustified", {"from": batch["curator"]}
            )
            batch["status"] = "rejected"
            return
        self._accept_batch(batch_id)

    @rule(st_pick=st_pick)
    @counted
    def rule_overturn_batch(self, st_pick):
        """Governance overturns a batch: it stops earning, and the curator's credit for it goes."""
        batch_id = self._pick_batch(st_pick, "pending", "accepted")
        if batch_id is None or st_pick % 3:
            return
        batch = self.batches[batch_id]
        if batch["status"] == "accepted":
            held = self.coop.distributor.unitsOf(self.pots[-1], batch["curator"])
            self.work_units -= min(held, len(batch["leaves"]) + batch["rejected"])
        self.coop.registry.overturnBatch(batch_id, "manifest lied", {"from": self.deployer})
        batch.update(status="overturned", units=0)

    @rule(st_pick=st_pick)
    @counted
    def rule_batch_leaf(self, st_pick):
        """A contributor claims one leaf's revenue, activates its tokens, or revokes it, and
        gets what the model says."""
        batch_id = self._pick_batch(st_pick, "accepted", "overturned")
        if batch_id is None:
            return
        batch = self.batches[batch_id]
        leaf = batch["leaves"][st_pick % len(batch["leaves"])]
        action = ("claim", "activate", "revoke")[st_pick // len(batch["leaves"]) % 3]
        getattr(self, f"_{action}_leaf")(batch_id, batch, leaf)

    def _claim_leaf(self, batch_id, batch, leaf):
        distributor = self.coop.distributor
        args = (batch_id, leaf.argument(), leaf_proof(batch["tree"], leaf, batch["domain"]))
        sender = {"from": leaf.contributor}
        if not batch["opened"]:  # overturned before acceptance: the distributor has no root
            with brownie.reverts(revert_pattern=r"RevenueDistributorInvalidLeafProof:.*"):
                distributor.claimLeaf(*args, sender)
            STEPS_RUN["leaf claim refused: never accepted"] += 1
            return
        if leaf.contributor == batch["curator"].address:
            with brownie.reverts(revert_pattern=r"RevenueDistributorBatchCurator:.*"):
                distributor.claimLeaf(*args, sender)
            STEPS_RUN["leaf claim refused: its curator"] += 1
            return
        if (leaf.contributor, leaf.ordinal) in batch["touched"]:
            with brownie.reverts(revert_pattern=r"RevenueDistributorLeafTaken:.*"):
                distributor.claimLeaf(*args, sender)
            return
        expected = distributor.claimableFromBatch(batch_id, leaf.contributor, leaf.weight)
        assert distributor.claimLeaf(*args, sender).return_value == expected
        self.paid_out += expected
        batch["touched"].add((leaf.contributor, leaf.ordinal))
        STEPS_RUN["leaves claimed"] += 1

    def _activate_leaf(self, batch_id, batch, leaf):
        registry = self.coop.registry
        multi = batch["tree"].get_multi_proof([list(leaf.value(batch["domain"]))])
        args = (batch_id, [leaf.argument()], multi.proof, multi.proof_flags)
        sender = {"from": leaf.contributor}
        refusal = None
        if batch["status"] != "accepted":
            refusal = "ContributionRegistryBatchNotAccepted"
        elif leaf.contributor == batch["curator"].address:
            refusal = "ContributionRegistryBatchSelfCuration"
        elif not self.coop.membership.isMember(leaf.contributor):
            refusal = "ContributionRegistryNotMember"
        elif contribution_id(leaf.contributor, leaf.cid) in self.contributions:
            refusal = "ContributionRegistryDuplicateCid"
        if refusal:
            with brownie.reverts(revert_pattern=refusal + ":.*"):
                registry.activateLeaves(*args, sender)
            STEPS_RUN[f"activation refused: {refusal}"] += 1
            return
        registry.activateLeaves(*args, sender)
        account = next(a for a in self.earners if a.address == leaf.contributor)
        self.contributions[contribution_id(leaf.contributor, leaf.cid)] = [
            account,
            batch["pool"],
            "activated",
            leaf.weight,
        ]
        self.activated_by[contribution_id(leaf.contributor, leaf.cid)] = (batch_id, leaf)
        batch["activated"][0] += 1
        batch["activated"][1] += leaf.weight
        STEPS_RUN["leaves activated"] += 1

    def _revoke_leaf(self, batch_id, batch, leaf):
        registry, distributor = self.coop.registry, self.coop.distributor
        args = (batch_id, leaf.argument(), leaf_proof(batch["tree"], leaf, batch["domain"]))
        sender = {"from": leaf.contributor}
        key = contribution_id(leaf.contributor, leaf.cid)
        if not batch["opened"]:  # overturned before acceptance: it never earned
            with brownie.reverts(revert_pattern=r"RevenueDistributorBatchState:.*"):
                registry.revokeLeaf(*args, sender)
            STEPS_RUN["leaf revocation refused: never accepted"] += 1
            return
        if (leaf.contributor, leaf.ordinal) in batch["revoked"]:
            with brownie.reverts(revert_pattern=r"ContributionRegistryNotRevocable:.*"):
                registry.revokeLeaf(*args, sender)
            return
        touched = (leaf.contributor, leaf.ordinal) in batch["touched"]
        own = leaf.contributor == batch["curator"].address
        expected = distributor.claimableFromBatch(
            batch_id, leaf.contributor, 0 if touched or own else leaf.weight
        )
        before = self.coop.payment_token.balanceOf(leaf.contributor)
        registry.revokeLeaf(*args, sender)
        paid = self.coop.payment_token.balanceOf(leaf.contributor) - before
        assert paid == expected
        self.paid_out += paid
        account = next(a for a in self.earners if a.address == leaf.contributor)
        # The content's registration turns revoked when this leaf activated it or nothing
        # registered it; one registered singly, or activated by a twin leaf, stays as it was.
        if key not in self.contributions or self.activated_by.get(key) == (batch_id, leaf):
            self.contributions[key] = [account, batch["pool"], "leaf revoked", 0]
        batch["touched"].add((leaf.contributor, leaf.ordinal))
        batch["revoked"].add((leaf.contributor, leaf.ordinal))
        if batch["status"] == "accepted":
            batch["units"] -= leaf.weight
        STEPS_RUN["leaves revoked"] += 1

    # -- sales --------------------------------------------------------------------------
    def _has_content(self, pool):
        return any(c[1] == pool and c[2] == "accepted" for c in self.contributions.values()) or any(
            b["pool"] == pool and b["units"] for b in self.batches.values()
        )

    @rule(st_pool=st_pool)
    @counted
    def rule_purchase(self, st_pool):
        market = self.coop.market
        if not self._has_content(st_pool):
            with brownie.reverts(f"DataMarketNoContent: {st_pool}"):
                market.purchase(st_pool, RESEARCH, PRICES[st_pool], {"from": self.buyer})
            STEPS_RUN["sale refused: no content"] += 1
        elif self.strike_all or self.strike_buyer:
            with brownie.reverts(revert_pattern=r"DataMarketStrike:.*"):
                market.purchase(st_pool, RESEARCH, PRICES[st_pool], {"from": self.buyer})
        else:
            market.purchase(st_pool, RESEARCH, PRICES[st_pool], {"from": self.buyer})

    @rule(st_pool=st_pool, st_order=st_order)
    @counted
    def rule_settle_offchain(self, st_pool, st_order):
        market = self.coop.market
        order = st_order.to_bytes(32, "big") if st_order else b"\xff" * 32
        args = (order, st_pool, RESEARCH, b"\xbb" * 32, PRICES[st_pool], {"from": self.settler})
        if order in self.settled_orders:
            with brownie.reverts(revert_pattern=r"DataMarketOrderAlreadySettled:.*"):
                market.settleOffchain(*args)
        elif not self._has_content(st_pool):
            with brownie.reverts(f"DataMarketNoContent: {st_pool}"):
                market.settleOffchain(*args)
        elif self.strike_all:
            with brownie.reverts(revert_pattern=r"DataMarketStrike:.*"):
                market.settleOffchain(*args)
        else:
            market.settleOffchain(*args)
            self.settled_orders.add(order)

    @rule(st_flag=st_flag)
    @counted
    def rule_strike(self, st_flag):
        self.coop.market.setBuyerStrike(self.buyer, st_flag, {"from": self.deployer})
        self.strike_buyer = st_flag

    @rule(st_flag=st_flag)
    @counted
    def rule_general_strike(self, st_flag):
        self.coop.market.setGeneralStrike(st_flag, {"from": self.deployer})
        self.strike_all = st_flag

    @rule(st_split=st_split, st_weight=st_weight)
    @counted
    def rule_change_split(self, st_split, st_weight):
        """Any split within the governed bounds: contributors 50 % or more, workers 5 % or
        more, the reserve 30 % or less."""
        contributors = 5_000 + st_split * 4_500 // 10_000
        rest = 10_000 - contributors
        reserve = min(3_000, st_weight % (rest - 500 + 1))
        workers = rest - reserve
        self.coop.distributor.setSplit(contributors, workers, reserve, {"from": self.deployer})

    # -- money out ----------------------------------------------------------------------
    @rule(st_pick=st_pick, st_pool=st_pool)
    @counted
    def rule_claim(self, st_pick, st_pool):
        who = self.earners[st_pick % len(self.earners)]
        pot = self.pots[st_pick % len(self.pots)] if st_pool == 3 else st_pool
        usd, distributor = self.coop.payment_token, self.coop.distributor
        expected = distributor.claimable(pot, who)
        before = usd.balanceOf(who)
        distributor.claim(pot, {"from": who})
        paid = usd.balanceOf(who) - before
        assert paid == expected
        self.paid_out += paid
        assert distributor.claimable(pot, who) == 0
        distributor.claim(pot, {"from": who})  # a second claim pays nothing
        assert usd.balanceOf(who) - before == paid

    @rule()
    @counted
    def rule_release_reserve(self):
        self.coop.distributor.releaseReserve({"from": self.buyer})

    # -- invariants ---------------------------------------------------------------------
    @invariant()
    def invariant_money_is_conserved_exactly(self):
        distributor, usd = self.coop.distributor, self.coop.payment_token
        deposited, claimed, accrued, released = distributor.totals()
        earned = sum(
            distributor.earnedScaled(pot, who) for pot in self.pots for who in self.earners
        ) + sum(distributor.batchEarnedScaled(batch_id) for batch_id in self.batches)
        assert deposited * PRECISION == (
            claimed * PRECISION
            + earned
            + (accrued + released) * PRECISION
            + distributor.reserveRemainder()
        )
        assert usd.balanceOf(distributor) == deposited - claimed - released
        assert claimed == self.paid_out

    @invariant()
    def invariant_batches_match_the_model(self):
        statuses = ("none", "pending", "accepted", "rejected", "overturned")
        for batch_id, batch in self.batches.items():
            _pool, status, _root, count, *_rest = self.coop.registry.batch(batch_id)
            assert status == statuses.index(batch["status"]) and count == len(batch["leaves"])
            committed, activated, activated_weight = self.coop.registry.batchWeights(batch_id)
            assert [activated, activated_weight] == batch["activated"]
            assert activated <= count and activated_weight <= committed
            _pool, _state, units, touched, touched_weight, _paid = (
                self.coop.distributor.batchPot(batch_id)
            )
            assert units == batch["units"]
            assert touched == len(batch["touched"]) <= count and touched_weight <= committed

    @invariant()
    def invariant_the_work_pot_is_the_reviews_credited(self):
        assert self.coop.distributor.totalUnits(self.pots[-1]) == self.work_units

    @invariant()
    def invariant_tokens_and_pool_shares_follow_accepted_weights(self):
        """Tokens: single accepted weights and activated leaves. Shares: single accepted weights
        and accepted batches' remaining weight, the registry's pool weights too."""
        accepted = sum(c[3] for c in self.contributions.values() if c[2] == "accepted")
        activated = sum(c[3] for c in self.contributions.values() if c[2] == "activated")
        assert self.coop.token.totalSupply() == accepted + activated
        batch_units = sum(b["units"] for b in self.batches.values())
        shares = [self.coop.distributor.totalUnits(pool) for pool in POOLS]
        assert sum(shares) == accepted + batch_units
        assert shares == [self.coop.registry.pool(pool)[5] for pool in POOLS]


def test_cooperative_invariants(accounts, coop):
    STEPS_RUN.clear()
    Cooperative.prepare(accounts, coop)
    run_state_machine_as_test(
        Cooperative,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,  # every run explores afresh; no replay of a stored example
        ),
    )
    # The machine really ran: several hundred steps, sales and curation among them.
    print(f"\nstateful steps run: {sum(STEPS_RUN.values())} {dict(STEPS_RUN)}")
    assert sum(STEPS_RUN.values()) >= MIN_STEPS, STEPS_RUN
    for action in ("rule_submit", "rule_accept", "rule_purchase", "rule_claim"):
        assert STEPS_RUN[action] > 0, STEPS_RUN
    assert STEPS_RUN["leaves claimed"] > 0 and STEPS_RUN["rule_batch_leaf"] > 0, STEPS_RUN
