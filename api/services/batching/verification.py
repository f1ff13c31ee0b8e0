"""Checking a submitted batch against its manifest, as its curator should before accepting it
and as anyone can afterwards.

The registry cannot see reviews: what binds a batch to its curator's work is the curator's own
acceptance. So before a curator accepts, the manifest the aggregator pinned is read back and
checked whole: it names this chain, registry, distributor, pool and curator; its tree is valid,
its root is the batch's root on-chain, and its leaves are exactly its accepted entries, with the
committed count, total weight and rejections; every consent recovers to its contributor and
every review to the curator, over the same consent digest, weight and reason. A problem found is
listed; an aggregator that invents, alters or drops an entry is caught here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from eth_utils import to_checksum_address

from api.chain import Chain
from api.models import Batch
from api.services.batching.consents import registry_domain
from api.services.batching.manifest import MANIFEST_FORMAT, ZERO_ROOT
from ipfs.errors import IpfsError
from ipfs.interface import IpfsBackend
from lumbung import consent as eip712
from lumbung.merkle import BatchDomain, BatchLeaf, StandardMerkleTree

# A manifest is JSON of a few hundred bytes per entry; more than this is refused unread.
MAX_MANIFEST_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Verification:
    verified: bool
    problems: list[str]


def _hex_bytes(text: str) -> bytes:
    return bytes.fromhex(str(text).removeprefix("0x"))


def read_manifest(ipfs: IpfsBackend, cid: str) -> dict[str, Any] | str:
    """The manifest at ``cid``, or why it cannot be read."""
    try:
        data = b""
        for piece in ipfs.cat(cid):
            data += piece
            if len(data) > MAX_MANIFEST_BYTES:
                return f"the manifest is larger than {MAX_MANIFEST_BYTES} bytes"
        document = json.loads(data)
    except (IpfsError, ValueError) as exc:
        return f"the manifest {cid} cannot be read: {type(exc).__name__}"
    return document if isinstance(document, dict) else "the manifest is not a JSON object"


def _header_problems(chain: Chain, batch: Batch, document: dict[str, Any]) -> list[str]:
    expected = {
        "format": MANIFEST_FORMAT,
        "chainId": chain.chain_id,
        "registry": chain.registry.address,
        "distributor": chain.distributor.address,
        "poolId": batch.pool_id,
        "curator": batch.curator,
        "count": batch.count,
        "totalWeight": batch.total_weight,
        "rejected": batch.rejected,
        "root": batch.root,
    }
    return [
        f"{field} is {document.get(field)!r}, the batch says {value!r}"
        for field, value in expected.items()
        if document.get(field) != value
    ]


def _entry_problems(
    chain: Chain, batch: Batch, entry: dict[str, Any], domain: BatchDomain
) -> tuple[list[str], Any]:
    """What is wrong with one entry, and its leaf value (None for a rejection)."""
    signing = registry_domain(chain)
    contributor = to_checksum_address(entry["contributor"])
    consent, review = entry["consent"], entry["review"]
    cid = _hex_bytes(entry["cidHex"])
    typed = eip712.consent_typed_data(
        signing,
        pool_id=batch.pool_id,
        cid=cid,
        contributor=contributor,
        deadline=int(consent["deadline"]),
    )
    problems = []
    digest = eip712.digest(typed)
    if "0x" + digest.hex() != consent["digest"]:
        problems.append(f"the consent digest of {entry['cid']} is not its Consent's")
    if eip712.recover(typed, _hex_bytes(consent["signature"])) != contributor:
        problems.append(f"the consent to {entry['cid']} is not {contributor}'s signature")
    weight, reason = int(review["weight"]), str(review["reason"])
    reviewed = eip712.review_typed_data(
        signing, consent_digest=digest, weight=weight, reason=reason
    )
    if eip712.recover(reviewed, _hex_bytes(review["signature"])) != batch.curator:
        problems.append(f"the review of {entry['cid']} is not the curator's signature")
    if "ordinal" not in entry:
        if weight != 0 or not reason.strip():
            problems.append(f"the rejection of {entry['cid']} has a weight or no reason")
        return problems, None
    if weight != int(entry["weight"]) or weight == 0:
        problems.append(f"the leaf of {entry['cid']} does not carry its review's weight")
    leaf = BatchLeaf(contributor, int(entry["ordinal"]), cid, int(entry["weight"]))
    return problems, leaf.value(domain)


def verify(chain: Chain, ipfs: IpfsBackend, batch: Batch) -> Verification:
    """Checks ``batch`` (as indexed) against the manifest its BatchSubmitted named."""
    document = read_manifest(ipfs, batch.manifest_cid)
    if isinstance(document, str):
        return Verification(False, [document])
    problems = _header_problems(chain, batch, document)
    domain = BatchDomain(chain.chain_id, chain.distributor.address, batch.pool_id)
    values = []
    try:
        for entry in document.get("entries") or []:
            found, value = _entry_problems(chain, batch, entry, domain)
            problems += found
            if value is not None:
                values.append(value)
    except (KeyError, TypeError, ValueError) as exc:
        return Verification(False, [*problems, f"an entry is malformed: {exc!r}"])
    problems += _tree_problems(document, batch, values)
    return Verification(not problems, problems)


def _tree_problems(document: dict[str, Any], batch: Batch, values: list[Any]) -> list[str]:
    if batch.root == ZERO_ROOT:
        return [] if not values else ["a batch with a zero root lists leaves"]
    try:
        tree = StandardMerkleTree.load(document["tree"])
    except (KeyError, TypeError, ValueError) as exc:
        return [f"the tree is not a valid StandardMerkleTree: {exc}"]
    if tree.root != batch.root:
        return [f"the tree's root {tree.root} is not the batch's {batch.root}"]
    in_tree = sorted(tree.leaf_hash(v) for v in tree.values())
    listed = sorted(tree.leaf_hash(v) for v in values)
    if in_tree != listed:
        return ["the tree's leaves are not the manifest's accepted entries"]
    return []
