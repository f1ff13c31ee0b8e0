"""The buyer's client: buy a pool's data, download it, and check it against the chain.

``BuyerApi`` (:mod:`buyer.api`) speaks to the cooperative's API over httpx: the catalogue,
off-chain orders with an idempotency key, settlement, and resumable downloads. ``Market``
(:mod:`buyer.market`) buys on-chain from the buyer's own wallet. ``verify_delivery``
(:mod:`buyer.verify`) checks a delivery against the registry's events read from an RPC node.
The ``lumbung buyer`` commands (:mod:`buyer.cli`) wrap them.

A package of its own beside ``api`` and ``ipfs``, not inside ``lumbung``: it computes CIDs as
``ipfs add`` does (``ipfs.unixfs``), and ``lumbung`` imports nothing of ``ipfs``. It imports
``lumbung`` and ``ipfs``, never ``api``: a buyer trusts the API for nothing it checks.
"""

from buyer.api import BuyerApi
from buyer.market import Market
from buyer.onchain import Cooperative
from buyer.verify import Report, verify_delivery

__all__ = ["BuyerApi", "Cooperative", "Market", "Report", "verify_delivery"]
