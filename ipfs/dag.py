"""Walking an IPLD DAG: the links of a block, and a depth-first traversal from a root.

Pinning, garbage collection and CAR export all need the blocks a root reaches. UnixFS DAGs
are dag-pb and raw; dag-cbor is walked too because CAR files from other tools may carry it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import dag_cbor
from multiformats import CID

from ipfs.cid import DAG_CBOR, DAG_PB, RAW, cid_string, split_cid
from ipfs.dagpb import decode_node
from ipfs.errors import DagFormatError, UnsupportedCodecError


def _cbor_links(value: object) -> Iterator[bytes]:
    if isinstance(value, CID):
        yield bytes(value)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _cbor_links(item)
    elif isinstance(value, list):
        for item in value:
            yield from _cbor_links(item)


def child_cids(cid: bytes, block: bytes) -> list[bytes]:
    """The binary CIDs a block links to, in link order."""
    codec = split_cid(cid).codec
    if codec == DAG_PB:
        return [link.cid for link in decode_node(block).links]
    if codec == RAW:
        return []
    if codec == DAG_CBOR:
        try:
            return list(_cbor_links(dag_cbor.decode(block)))
        except dag_cbor.decoding.CBORDecodingError as error:
            raise DagFormatError(f"{cid_string(cid)} is not valid dag-cbor: {error}") from error
    raise UnsupportedCodecError(
        f"cannot follow the links of {cid_string(cid)}: codec {codec:#x} is not dag-pb, "
        "raw or dag-cbor"
    )


def walk_dag(get_block: Callable[[bytes], bytes], root: bytes) -> Iterator[tuple[bytes, bytes]]:
    """Yield ``(cid, block)`` for every block reachable from ``root`` once, depth-first pre-order.

    This is the order kubo's ``dag export`` writes, so our CAR files list blocks as kubo does.
    """
    seen: set[bytes] = set()
    stack = [root]
    while stack:
        cid = stack.pop()
        if cid in seen:
            continue
        seen.add(cid)
        block = get_block(cid)
        yield cid, block
        stack.extend(reversed(child_cids(cid, block)))
