"""A batch's selection, tree and manifest (api.services.batching.manifest): pure functions."""

from __future__ import annotations

import hashlib

from eth_account import Account

from api.services.batching import manifest as mf
from lumbung.merkle import StandardMerkleTree
from tests.api.harness import ADDRESSES

DEPLOYMENT = mf.Deployment(31337, ADDRESSES[6], ADDRESSES[7])


def reviewed(review_id: int, contributor: str, weight: int) -> mf.Reviewed:
    cid = bytes([0x01, 0x55, 0x12, 0x20]) + hashlib.sha256(b"%d" % review_id).digest()
    return mf.Reviewed(
        review_id=review_id,
        contributor=contributor,
        cid=f"cid-{review_id}",
        cid_bytes=cid,
        weight=weight,
        reason="" if weight else "blurred",
        review_signature=b"\x01" * 65,
        consent_deadline=10**9,
        consent_signature=b"\x02" * 65,
        consent_digest="0x" + "03" * 32,
    )


def test_ordinals_run_per_contributor_and_stop_at_48() -> None:
    alice, bob = ADDRESSES[4], ADDRESSES[3]
    reviews = [reviewed(i, alice, 2) for i in range(50)] + [reviewed(100, bob, 3)]
    reviews.insert(10, reviewed(200, bob, 0))
    selection = mf.select(reviews, limit=1000)
    alice_ordinals = [o for r, o in selection.leaves if r.contributor == alice]
    assert alice_ordinals == list(range(48))  # the 49th and 50th wait for the next batch
    assert [o for r, o in selection.leaves if r.contributor == bob] == [0]
    assert [r.review_id for r in selection.rejections] == [200]
    assert selection.count == 49 and selection.total_weight == 48 * 2 + 3
    assert len(mf.select(reviews, limit=5)) == 5


def test_the_manifest_holds_every_signature_and_its_tree_proves_each_leaf() -> None:
    curator = Account.create().address
    selection = mf.select([reviewed(1, ADDRESSES[4], 5), reviewed(2, ADDRESSES[4], 0)], 10)
    tree = mf.tree_of(DEPLOYMENT, 1, selection)
    assert tree is not None
    document = mf.manifest(DEPLOYMENT, 1, curator, selection, tree)
    assert document["format"] == "lumbung-batch-v1"
    assert (document["count"], document["totalWeight"], document["rejected"]) == (1, 5, 1)
    leaf, rejection = document["entries"]
    assert leaf["ordinal"] == 0 and leaf["consent"]["signature"] == "0x" + "02" * 65
    assert "ordinal" not in rejection and rejection["review"]["reason"] == "blurred"
    loaded = StandardMerkleTree.load(document["tree"])
    assert loaded.root == document["root"]
    value = selection.batch_leaves()[0].value(mf.batch_domain(DEPLOYMENT, 1))
    assert loaded.verify(value, loaded.get_proof(value))
    # Rejections only: no tree, a zero root.
    only = mf.select([reviewed(3, ADDRESSES[4], 0)], 10)
    assert mf.tree_of(DEPLOYMENT, 1, only) is None
    assert mf.manifest(DEPLOYMENT, 1, curator, only, None)["root"] == mf.ZERO_ROOT
