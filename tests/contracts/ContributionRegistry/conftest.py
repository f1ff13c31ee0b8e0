"""ContributionRegistry fixtures: a full deployment (deploy_all) with one open pool, a curator,
two producers and an aggregator."""

from __future__ import annotations

import hashlib

import pytest
from multiformats import CID, multihash

from lumbung.merkle import BatchDomain, BatchLeaf, batch_tree, leaf_proof
from lumbung.protocol import BatchStatus, StakeholderClass
from lumbung.protocol import ContributionStatus as Status


@pytest.fixture(scope="session")
def status():
    return Status


@pytest.fixture(scope="session")
def batch_status():
    return BatchStatus


@pytest.fixture(scope="session")
def stakeholder_class():
    return StakeholderClass


@pytest.fixture(scope="session")
def other_member(accounts):
    return accounts[6]


@pytest.fixture(scope="session")
def aggregator(accounts):
    return accounts[8]


@pytest.fixture(scope="session")
def make_cid():
    """make_cid(seed, form) -> binary CID; form is "v0", "v1-dag-pb" or "v1-raw"."""

    def make(seed: str = "contribution", form: str = "v0") -> bytes:
        digest = multihash.wrap(hashlib.sha256(seed.encode()).digest(), "sha2-256")
        if form == "v0":
            return bytes(CID("base58btc", 0, "dag-pb", digest))
        return bytes(CID("base32", 1, form.removeprefix("v1-"), digest))

    return make


@pytest.fixture(scope="module")
def registry(coop, deployer, curator, member, other_member, aggregator):
    """The registry of a full deployment (deploy_all), with a curator, two producers and an
    aggregator (who is no member: a service account)."""
    membership = coop.membership
    membership.admit(curator, StakeholderClass.WORKER, {"from": deployer})
    membership.admit(member, StakeholderClass.PRODUCER, {"from": deployer})
    membership.admit(other_member, StakeholderClass.PRODUCER, {"from": deployer})
    registry = coop.registry
    registry.grantRole(registry.CURATOR_ROLE(), curator, {"from": deployer})
    registry.grantRole(registry.AGGREGATOR_ROLE(), aggregator, {"from": deployer})
    registry.createPool("Rice harvests", "ipfs://pool-1-terms", {"from": deployer})
    return registry


@pytest.fixture(scope="module")
def token(coop):
    return coop.token


@pytest.fixture(scope="module")
def pool_id(registry):
    return 1


@pytest.fixture
def submit(registry, member, make_cid, pool_id):
    """submit(seed, form, sender, pool) -> (id, cid) of a new pending contribution."""

    def submit_(seed="contribution", form="v0", sender=member, pool=pool_id):
        cid = make_cid(seed, form)
        tx = registry.submit(pool, cid, {"from": sender})
        return tx.return_value, cid

    return submit_


@pytest.fixture
def curate_or_revoke(registry, curator, member):
    """curate_or_revoke(id, action) moves a pending contribution of `member` on by "accept",
    "reject" or "revoke", and returns the status it ends in."""

    def act(contribution_id, action):
        if action == "accept":
            registry.accept(contribution_id, 1, {"from": curator})
            return Status.ACCEPTED
        if action == "reject":
            registry.reject(contribution_id, "off-topic", {"from": curator})
            return Status.REJECTED
        registry.revoke(contribution_id, {"from": member})
        return Status.REVOKED

    return act


@pytest.fixture(scope="session")
def leaf(make_cid):
    """leaf(contributor, seed, weight, form, ordinal) -> a BatchLeaf; ordinals count up per
    contributor unless given."""
    ordinals: dict[str, int] = {}

    def make(contributor, seed, weight=10, form="v0", ordinal=None):
        if ordinal is None:
            ordinal = ordinals.get(contributor.address, 0) % 48
            ordinals[contributor.address] = ordinal + 1
        return BatchLeaf(contributor.address, ordinal, make_cid(seed, form), weight)

    return make


@pytest.fixture(scope="module")
def domain(registry, chain):
    """What the leaves of the pool's batches bind: the chain, the distributor and pool 1."""
    return BatchDomain(chain.id, registry.revenueDistributor(), 1)


@pytest.fixture
def submit_batch(registry, aggregator, curator, make_cid, pool_id, chain):
    """submit_batch(leaves, accept=True, count=None, pool=..., total_weight=None, rejected=0,
    by=curator) -> (batch id, tree): the tree is built by lumbung/merkle.py, submitted by the
    aggregator for the curator `by` with the leaves' count and total weight (unless told
    otherwise) and accepted by that curator."""

    def submit(
        leaves, accept=True, count=None, pool=pool_id, total_weight=None, rejected=0, by=curator
    ):
        domain = BatchDomain(chain.id, registry.revenueDistributor(), pool)
        tree = batch_tree(domain, leaves) if leaves else None
        root = tree.root if tree else "0x" + "00" * 32
        manifest = make_cid(f"manifest {root} {rejected}", "v1-raw")
        count = len(leaves) if count is None else count
        if total_weight is None:
            total_weight = sum(leaf.weight for leaf in leaves)
        tx = registry.submitBatch(
            pool, by, root, count, total_weight, rejected, manifest, {"from": aggregator}
        )
        if accept:
            registry.acceptBatch(tx.return_value, {"from": by})
        return tx.return_value, tree

    return submit


@pytest.fixture
def claim_leaf(distributor, domain):
    """claim_leaf(batch id, tree, leaf, sender=its contributor) claims one leaf's revenue."""

    def claim(batch_id, tree, leaf, sender=None):
        proof = leaf_proof(tree, leaf, domain)
        return distributor.claimLeaf(
            batch_id, leaf.argument(), proof, {"from": sender or leaf.contributor}
        )

    return claim


@pytest.fixture
def revoke_leaf(registry, domain):
    """revoke_leaf(batch id, tree, leaf) revokes one leaf, sent by its contributor."""

    def revoke(batch_id, tree, leaf, sender=None):
        proof = leaf_proof(tree, leaf, domain)
        return registry.revokeLeaf(
            batch_id, leaf.argument(), proof, {"from": sender or leaf.contributor}
        )

    return revoke
