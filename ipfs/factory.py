"""Choosing the IPFS backend from configuration."""

from __future__ import annotations

import os
from pathlib import Path

from ipfs.embedded import EmbeddedIpfs
from ipfs.errors import IpfsError
from ipfs.interface import IpfsBackend
from ipfs.kubo import KuboClient

EMBEDDED = "embedded"
KUBO = "kubo"
DEFAULT_ROOT = Path(".lumbung/ipfs")


def default_root() -> Path:
    """``$LUMBUNG_IPFS_ROOT``, else ``.lumbung/ipfs`` under the working directory."""
    return Path(os.environ.get("LUMBUNG_IPFS_ROOT") or DEFAULT_ROOT)


def open_ipfs(
    mode: str = EMBEDDED, root: Path | None = None, kubo_url: str | None = None
) -> IpfsBackend:
    """The backend named by ``mode``: ``"embedded"`` (a store at ``root``) or ``"kubo"``."""
    if mode == EMBEDDED:
        return EmbeddedIpfs.open(root if root is not None else default_root())
    if mode == KUBO:
        if not kubo_url:
            raise IpfsError("IPFS mode 'kubo' needs a kubo RPC URL (e.g. http://127.0.0.1:5001)")
        return KuboClient(kubo_url)
    raise IpfsError(f"unknown IPFS mode {mode!r}; expected {EMBEDDED!r} or {KUBO!r}")
