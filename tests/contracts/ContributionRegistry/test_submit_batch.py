"""submitBatch, acceptBatch and rejectBatch: a batch is one curator's reviews as one root,
confirmed by that curator as a whole."""

import brownie
import pytest

from lumbung.merkle import batch_tree

ROOT = "0x" + "11" * 32
ZERO_ROOT = "0x" + "00" * 32


def curate(registry, action, batch_id, curator):
    """Accepts or rejects a batch, as `action` ("acceptBatch" or "rejectBatch") says."""
    if action == "acceptBatch":
        return registry.acceptBatch(batch_id, {"from": curator})
    return registry.rejectBatch(batch_id, "not usable", {"from": curator})


def test_submit_batch_records_a_pending_root_and_registers_nothing(
    registry,
    aggregator,
    curator,
    member,
    other_member,
    leaf,
    make_cid,
    pool_id,
    batch_status,
    status,
    domain,
):
    leaves = [leaf(member, "a", 3), leaf(other_member, "b", 4), leaf(member, "c", 5)]
    tree = batch_tree(domain, leaves)
    manifest = make_cid("manifest", "v1-raw")
    tx = registry.submitBatch(pool_id, curator, tree.root, 3, 12, 2, manifest, {"from": aggregator})

    assert tx.return_value == 1
    assert tx.events["BatchSubmitted"] == {
        "batchId": 1,
        "poolId": pool_id,
        "curator": curator,
        "root": tree.root,
        "count": 3,
        "totalWeight": 12,
        "rejected": 2,
        "manifestCid": "0x" + manifest.hex(),
        "aggregator": aggregator,
    }
    assert tuple(registry.batch(1)) == (
        pool_id,
        batch_status.PENDING,
        tree.root,
        3,
        2,
        aggregator,
        curator,
    )
    assert registry.batchCount() == 1
    assert tuple(registry.batchWeights(1)) == (12, 0, 0)
    for item in leaves:
        assert registry.contributionOf(item.contributor, item.cid)[1] == status.NONE
    assert tuple(registry.pool(pool_id))[3:] == (0, 0, 0)


def test_batch_ids_count_up(registry, submit_batch, member, leaf):
    assert submit_batch([leaf(member, "a")], accept=False)[0] == 1
    assert submit_batch([leaf(member, "b")], accept=False)[0] == 2
    assert registry.batchCount() == 2


def test_only_aggregators_submit_batches(registry, member, curator, make_cid, pool_id):
    for sender in (member, curator):
        with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
            registry.submitBatch(pool_id, curator, ROOT, 1, 1, 0, make_cid("m"), {"from": sender})


@pytest.mark.parametrize("unknown_pool", [0, 2])
def test_unknown_pool_is_refused(registry, aggregator, curator, make_cid, unknown_pool):
    with brownie.reverts(f"ContributionRegistryUnknownPool: {unknown_pool}"):
        registry.submitBatch(
            unknown_pool, curator, ROOT, 1, 1, 0, make_cid("m"), {"from": aggregator}
        )


def test_closed_pool_is_refused(registry, deployer, aggregator, curator, make_cid, pool_id):
    registry.closePool(pool_id, {"from": deployer})
    with brownie.reverts(f"ContributionRegistryPoolClosed: {pool_id}"):
        registry.submitBatch(pool_id, curator, ROOT, 1, 1, 0, make_cid("m"), {"from": aggregator})


def test_roots_empty_batches_and_bad_manifests_are_refused(
    registry, aggregator, curator, make_cid, pool_id
):
    def submit(root, count, weight, rejected, manifest=None):
        manifest = make_cid("m") if manifest is None else manifest
        return registry.submitBatch(
            pool_id, curator, root, count, weight, rejected, manifest, {"from": aggregator}
        )

    with brownie.reverts("ContributionRegistryBatchRoot: "):
        submit(ZERO_ROOT, 1, 1, 0)
    with brownie.reverts("ContributionRegistryBatchRoot: "):
        submit(ROOT, 0, 0, 3)
    with brownie.reverts("ContributionRegistryEmptyBatch: "):
        submit(ZERO_ROOT, 0, 0, 0)
    with brownie.reverts("CidLibTruncated: 0, 1"):
        submit(ROOT, 1, 1, 0, b"")
    with brownie.reverts(revert_pattern=r"CidLibUnsupportedHashFunction:.*"):
        submit(ROOT, 1, 1, 0, b"\x01\x55\x13\x20" + b"\x00" * 32)
    with pytest.raises(OverflowError):  # count is a uint24
        submit(ROOT, 2**24, 2**24, 0)
    submit(ROOT, 2**24 - 1, 2**24 - 1, 0)
    # Rejections alone: the curator's "no"s are paid like "yes"es.
    submit(ZERO_ROOT, 0, 0, 3)


def test_the_batch_curator_is_an_eligible_curator_other_than_the_aggregator(
    registry, deployer, aggregator, curator, member, make_cid, pool_id
):
    for named in (member, aggregator, brownie.ZERO_ADDRESS):
        address = getattr(named, "address", named).lower()
        with brownie.reverts(f"ContributionRegistryInvalidBatchCurator: {address}"):
            registry.submitBatch(pool_id, named, ROOT, 1, 1, 0, make_cid("m"), {"from": aggregator})
    registry.grantRole(registry.AGGREGATOR_ROLE(), curator, {"from": deployer})
    with brownie.reverts(f"ContributionRegistryInvalidBatchCurator: {curator.address.lower()}"):
        registry.submitBatch(pool_id, curator, ROOT, 1, 1, 0, make_cid("m"), {"from": curator})


def test_accept_batch_credits_each_review_and_the_weight_earns_at_once(
    registry,
    distributor,
    curator,
    aggregator,
    member,
    leaf,
    submit_batch,
    pool_id,
    batch_status,
):
    leaves = [leaf(member, str(i), 3) for i in range(5)]
    batch_id, tree = submit_batch(leaves, accept=False, rejected=2)
    tx = registry.acceptBatch(batch_id, {"from": curator})
    assert tx.events["BatchAccepted"] == {
        "batchId": batch_id,
        "poolId": pool_id,
        "curator": curator,
        "count": 5,
        "totalWeight": 15,
        "reviews": 7,
    }
    work_pot = distributor.WORK_POT()
    # One unit per review, accepted or rejected alike (issue 13's pay per review).
    assert distributor.unitsOf(work_pot, curator) == 7
    assert tuple(registry.batch(batch_id)) == (
        pool_id,
        batch_status.ACCEPTED,
        tree.root,
        5,
        2,
        aggregator,
        curator,
    )
    # The whole batch holds its weight in the pool from now on, as one holder.
    assert distributor.totalUnits(pool_id) == 15
    assert tuple(registry.pool(pool_id))[3:] == (5, 5, 15)
    assert tx.events["BatchPotOpened"] == {
        "batchId": batch_id,
        "poolId": pool_id,
        "units": 15,
        "totalUnits": 15,
    }
    assert tuple(distributor.batchPot(batch_id)) == (pool_id, 1, 15, 0, 0, 0)


def test_a_batch_of_rejections_pays_the_curator_and_opens_no_pot(
    registry, distributor, curator, submit_batch, pool_id
):
    batch_id, _ = submit_batch([], rejected=4)
    assert distributor.unitsOf(distributor.WORK_POT(), curator) == 4
    assert distributor.totalUnits(pool_id) == 0
    assert distributor.batchPot(batch_id)[1] == 0


def test_reject_batch_records_the_reason_and_credits_nothing(
    registry, distributor, curator, member, leaf, submit_batch, pool_id, batch_status
):
    batch_id, _ = submit_batch([leaf(member, "a")], accept=False)
    tx = registry.rejectBatch(batch_id, "manifest unreadable", {"from": curator})
    assert tx.events["BatchRejected"] == {
        "batchId": batch_id,
        "poolId": pool_id,
        "curator": curator,
        "reason": "manifest unreadable",
    }
    assert registry.batch(batch_id)[1] == batch_status.REJECTED
    # Refusing one's own batch as assembled is not a review of anyone's data.
    assert "UnitsChanged" not in tx.events
    assert distributor.unitsOf(distributor.WORK_POT(), curator) == 0


def test_a_rejected_batch_leaves_its_cids_free(
    registry, curator, member, leaf, submit_batch, submit, pool_id, status
):
    item = leaf(member, "resubmitted")
    batch_id, _ = submit_batch([item], accept=False)
    registry.rejectBatch(batch_id, "weights too high", {"from": curator})
    contribution_id, _ = submit("resubmitted")
    assert registry.contribution(contribution_id)[2] == status.PENDING
    second, _ = submit_batch([leaf(member, "other")])
    assert second == batch_id + 1


@pytest.mark.parametrize("action", ["acceptBatch", "rejectBatch"])
def test_curation_needs_the_curator_role(
    registry, accounts, membership, deployer, member, leaf, submit_batch, action
):
    worker = accounts[7]
    membership.admit(worker, 2, {"from": deployer})
    batch_id, _ = submit_batch([leaf(member, "a")], accept=False)
    with brownie.reverts(revert_pattern=r"AccessControlUnauthorizedAccount:.*"):
        curate(registry, action, batch_id, worker)


def test_curator_must_be_an_active_worker_to_accept(
    registry, membership, deployer, curator, member, leaf, submit_batch, stakeholder_class
):
    action = "acceptBatch"
    batch_id, _ = submit_batch([leaf(member, "a")], accept=False)
    membership.changeClass(curator, stakeholder_class.FUNDER, {"from": deployer})
    funder = stakeholder_class.FUNDER
    with brownie.reverts(
        f"ContributionRegistryCuratorNotWorker: {curator.address.lower()}, True, {funder}"
    ):
        curate(registry, action, batch_id, curator)
    membership.leave({"from": curator})
    with brownie.reverts(
        f"ContributionRegistryCuratorNotWorker: {curator.address.lower()}, False, 0"
    ):
        curate(registry, action, batch_id, curator)


@pytest.mark.parametrize("action", ["acceptBatch", "rejectBatch"])
def test_only_the_designated_curator_confirms_a_batch(
    registry,
    accounts,
    membership,
    deployer,
    curator,
    member,
    leaf,
    submit_batch,
    action,
    stakeholder_class,
):
    other = accounts[7]
    membership.admit(other, stakeholder_class.WORKER, {"from": deployer})
    registry.grantRole(registry.CURATOR_ROLE(), other, {"from": deployer})
    batch_id, _ = submit_batch([leaf(member, "a")], accept=False)
    with brownie.reverts(
        f"ContributionRegistryNotBatchCurator: {batch_id}, {other.address.lower()}, "
        f"{curator.address.lower()}"
    ):
        curate(registry, action, batch_id, other)


@pytest.mark.parametrize("first", ["acceptBatch", "rejectBatch"])
@pytest.mark.parametrize("then", ["acceptBatch", "rejectBatch"])
def test_a_batch_is_curated_once(
    registry, curator, member, leaf, submit_batch, batch_status, first, then
):
    batch_id, _ = submit_batch([leaf(member, "a")], accept=False)
    state = batch_status.ACCEPTED if first == "acceptBatch" else batch_status.REJECTED
    curate(registry, first, batch_id, curator)
    with brownie.reverts(f"ContributionRegistryBatchNotPending: {batch_id}, {state}"):
        curate(registry, then, batch_id, curator)


def test_unknown_batch_is_refused(registry, curator):
    with brownie.reverts("ContributionRegistryUnknownBatch: 1"):
        registry.acceptBatch(1, {"from": curator})
    with brownie.reverts("ContributionRegistryUnknownBatch: 1"):
        registry.rejectBatch(1, "no", {"from": curator})
    with brownie.reverts("ContributionRegistryUnknownBatch: 1"):
        registry.batch(1)


def test_a_batch_in_a_closed_pool_can_still_be_curated(
    registry, deployer, curator, member, leaf, submit_batch, pool_id, batch_status
):
    batch_id, _ = submit_batch([leaf(member, "a")], accept=False)
    registry.closePool(pool_id, {"from": deployer})
    registry.acceptBatch(batch_id, {"from": curator})
    assert registry.batch(batch_id)[1] == batch_status.ACCEPTED


def test_batch_weight_is_committed_within_the_pools_maximum(
    registry, aggregator, curator, make_cid, pool_id
):
    max_weight = registry.poolMaxWeight(pool_id)
    for count, total in ((3, 2), (3, 3 * max_weight + 1), (1, 0)):
        with brownie.reverts(
            f"ContributionRegistryInvalidBatchWeight: {count}, {total}, {max_weight}"
        ):
            registry.submitBatch(
                pool_id, curator, ROOT, count, total, 0, make_cid("m"), {"from": aggregator}
            )
    registry.submitBatch(
        pool_id, curator, ROOT, 3, 3 * max_weight, 0, make_cid("m"), {"from": aggregator}
    )
