"""ContributionRegistry fixtures: a full deployment (deploy_all) with one open pool, a curator,
two producers and an aggregator."""

from __future__ import annotations

import hashlib

import pytest
from multiformats import CID, multihash

from lumbung.merkle import BatchLeaf, batch_tree
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
    """leaf(contributor, seed, weight, form) -> a BatchLeaf."""

    def make(contributor, seed, weight=10, form="v0"):
        return BatchLeaf(contributor.address, make_cid(seed, form), weight)

    return make


@pytest.fixture
def submit_batch(registry, aggregator, curator, make_cid, pool_id):
    """submit_batch(leaves, accept=True, count=None, pool=..., total_weight=None) -> (batch id,
    tree): the batch's tree is built by lumbung/merkle.py, submitted by the aggregator with the
    leaves' count and total weight (unless told otherwise) and accepted by the curator."""

    def submit(leaves, accept=True, count=None, pool=pool_id, total_weight=None):
        tree = batch_tree(leaves)
        manifest = make_cid(f"manifest {tree.root}", "v1-raw")
        count = len(leaves) if count is None else count
        if total_weight is None:
            total_weight = sum(leaf.weight for leaf in leaves)
        tx = registry.submitBatch(
            pool, tree.root, count, total_weight, manifest, {"from": aggregator}
        )
        if accept:
            registry.acceptBatch(tx.return_value, {"from": curator})
        return tx.return_value, tree

    return submit


@pytest.fixture
def claim_leaf(registry, outsider):
    """claim_leaf(batch id, tree, leaf, sender=outsider) presents one leaf's proof."""

    def claim(batch_id, tree, leaf, sender=outsider):
        proof = tree.get_proof(leaf.value())
        return registry.claimBatchLeaf(
            batch_id, leaf.contributor, leaf.cid, leaf.weight, proof, {"from": sender}
        )

    return claim
