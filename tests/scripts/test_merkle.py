"""lumbung/merkle.py against the reference: npm @openzeppelin/merkle-tree 1.0.8, run by Node.

Trees, dumps, proofs and multiproofs must be equal byte for byte, for batch leaves and for
another leaf encoding, over sizes that leave every shape of last level, duplicate leaves
included.
"""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

import pytest
from eth_utils import to_checksum_address

from lumbung.merkle import (
    BATCH_LEAF_ENCODING,
    BatchDomain,
    StandardMerkleTree,
    batch_claims,
    batch_tree,
    leaf_of,
    with_ordinals,
)
from tests.ipfs.helpers import require_node_package

ORACLE = Path(__file__).resolve().parent / "merkle_oracle.mjs"


def reference(leaf_encoding, values, proofs=(), multiproofs=()):
    require_node_package("@openzeppelin/merkle-tree")
    request = {
        "leafEncoding": list(leaf_encoding),
        "values": values,
        "proofs": list(proofs),
        "multiproofs": [list(m) for m in multiproofs],
    }
    done = subprocess.run(
        ["node", str(ORACLE)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def batch_values(size, seed):
    """Batch leaves as the JS library takes them: hex strings and decimal strings."""
    rng = random.Random(seed)
    members = ["0x" + rng.randbytes(20).hex() for _ in range(max(1, size // 3))]
    values = []
    for _ in range(size):
        cid = rng.choice([b"\x12\x20", b"\x01\x70\x12\x20", b"\x01\x55\x12\x20"]) + rng.randbytes(
            32
        )
        values.append(
            [
                str(rng.choice([1, 31337, 11155420])),
                "0x" + rng.randbytes(20).hex(),
                str(rng.randrange(1, 2**32)),
                rng.choice(members),
                str(rng.randrange(48)),
                "0x" + cid.hex(),
                str(rng.randrange(1, 2**48)),
            ]
        )
    if size > 3:
        values[-1] = list(values[0])  # a duplicate leaf: the sort must be stable, as in JS
    return values


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 7, 8, 9, 16, 33, 100])
def test_batch_tree_equals_the_reference(size):
    values = batch_values(size, seed=size)
    rng = random.Random(size)
    proofs = list(range(size))
    multiproofs = [
        [],
        list(range(size)),
        rng.sample(range(size), k=max(1, size // 3)),
        rng.sample(range(size), k=min(size, 2)),
    ]
    expected = reference(BATCH_LEAF_ENCODING, values, proofs, multiproofs)

    tree = StandardMerkleTree.of(values, BATCH_LEAF_ENCODING)
    assert json.dumps(tree.dump()) == json.dumps(expected["dump"])
    assert tree.root == expected["root"]
    assert [tree.get_proof(i) for i in proofs] == expected["proofs"]
    for indices, want in zip(multiproofs, expected["multiproofs"], strict=True):
        multi = tree.get_multi_proof(indices)
        assert multi.leaves == want["leaves"]
        assert multi.proof == want["proof"]
        assert multi.proof_flags == want["proofFlags"]
    for value in values:
        assert tree.verify(value, tree.get_proof(value))


def test_native_python_values_dump_as_the_js_library_does():
    values = batch_values(12, seed=7)
    native = [
        (int(v[0]), v[1], int(v[2]), v[3], int(v[4]), bytes.fromhex(v[5][2:]), int(v[6]))
        for v in values
    ]
    tree = StandardMerkleTree.of(native, BATCH_LEAF_ENCODING)
    assert json.dumps(tree.dump()) == json.dumps(reference(BATCH_LEAF_ENCODING, values)["dump"])


def test_another_leaf_encoding_equals_the_reference():
    rng = random.Random(3)
    encoding = ["address", "uint256"]
    values = [["0x" + rng.randbytes(20).hex(), str(rng.randrange(2**256))] for _ in range(21)]
    expected = reference(encoding, values, proofs=[0, 20], multiproofs=[[1, 5, 19]])
    tree = StandardMerkleTree.of(values, encoding)
    assert tree.dump() == expected["dump"]
    assert [tree.get_proof(0), tree.get_proof(20)] == expected["proofs"]
    assert tree.get_multi_proof([1, 5, 19]).proof == expected["multiproofs"][0]["proof"]


def test_a_js_dump_loads_and_a_tampered_one_is_refused():
    values = batch_values(10, seed=11)
    dump = reference(BATCH_LEAF_ENCODING, values)["dump"]
    loaded = StandardMerkleTree.load(dump)
    assert loaded.dump() == dump
    assert loaded.get_proof(values[4]) == StandardMerkleTree.of(
        values, BATCH_LEAF_ENCODING
    ).get_proof(4)
    dump["values"][2]["value"][6] = "1"
    with pytest.raises(ValueError, match="does not contain the expected value"):
        StandardMerkleTree.load(dump)
    dump = reference(BATCH_LEAF_ENCODING, values)["dump"]
    dump["tree"][0] = "0x" + "00" * 32
    with pytest.raises(ValueError, match="invalid"):
        StandardMerkleTree.load(dump)


def test_wrong_input_is_refused():
    with pytest.raises(ValueError, match="non-zero number of leaves"):
        StandardMerkleTree.of([], BATCH_LEAF_ENCODING)
    tree = StandardMerkleTree.of(batch_values(4, seed=1), BATCH_LEAF_ENCODING)
    with pytest.raises(ValueError, match="not in tree"):
        tree.get_proof(["1", "0x" + "11" * 20, "1", "0x" + "11" * 20, "0", "0x1220", "1"])
    with pytest.raises(ValueError, match="duplicated"):
        tree.get_multi_proof([1, 1])
    with pytest.raises(IndexError):
        tree.get_proof(4)
    assert not tree.verify(tree.values()[0], tree.get_proof(1))


def test_batch_claims_group_each_contributors_leaves_in_one_multiproof():
    rng = random.Random(5)
    members = [to_checksum_address(rng.randbytes(20)) for _ in range(4)]
    leaves = with_ordinals(
        (members[i % 4], b"\x12\x20" + rng.randbytes(32), i + 1) for i in range(11)
    )
    domain = BatchDomain(31337, "0x" + "ab" * 20, 2)
    tree = batch_tree(domain, leaves)
    claims = batch_claims(tree)
    assert sorted(claims) == sorted(leaf.contributor for leaf in leaves[:4])
    claimed = []
    for contributor, (arguments, proof, flags) in claims.items():
        values = [
            next(leaf for leaf in leaves if leaf.contributor == contributor and leaf.ordinal == o)
            for o, _weight, _cid in arguments
        ]
        multi = tree.get_multi_proof([list(leaf.value(domain)) for leaf in values])
        assert (multi.proof, multi.proof_flags) == (proof, flags)
        assert [leaf_of(v).argument() for v in multi.leaves] == arguments
        claimed += values
    assert sorted(claimed, key=str) == sorted(leaves, key=str)
    assert [leaf.ordinal for leaf in leaves if leaf.contributor == members[0]] == [0, 1, 2]


def test_more_than_48_leaves_of_one_contributor_are_refused():
    with pytest.raises(ValueError, match="more than 48 leaves"):
        with_ordinals(("0x" + "11" * 20, bytes([i]) * 34, 1) for i in range(49))
