"""A contribution's id, as ContributionRegistry computes it: the contributor and the content.

``uint256(keccak256(abi.encode(contributor, digest)))``, where ``digest`` is the CID's sha2-256
digest (the same for CIDv0, CIDv1 dag-pb and CIDv1 raw over the same bytes). Binding the id to
its contributor means nobody can register another member's CID in that member's place. Pure
function, no chain access: the API, the benchmarks and the tests share it.
"""

from __future__ import annotations

from eth_abi import encode
from eth_utils import keccak


def contribution_id(contributor: str, digest: bytes | memoryview) -> int:
    """The registry's id of ``contributor``'s contribution of the content with ``digest``."""
    encoded = encode(["address", "bytes32"], [contributor, bytes(digest)])
    return int.from_bytes(keccak(encoded), "big")


def contribution_id_hex(contributor: str, digest: bytes | memoryview) -> str:
    """The same id as the API writes it: 0x and 64 hex digits."""
    return f"0x{contribution_id(contributor, digest):064x}"
