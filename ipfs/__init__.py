"""Lumbung's IPFS layer: kubo-identical CIDs, an embedded block store, CAR files, kubo RPC.

The rest of the project talks to :class:`IpfsBackend`, obtained from :func:`open_ipfs`.
"""

from ipfs.embedded import EmbeddedIpfs
from ipfs.errors import IpfsError
from ipfs.factory import open_ipfs
from ipfs.interface import IpfsBackend
from ipfs.kubo import KuboClient

__all__ = ["EmbeddedIpfs", "IpfsBackend", "IpfsError", "KuboClient", "open_ipfs"]
