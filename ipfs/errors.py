"""Typed errors of the IPFS layer.

Every failure the package can report is an :class:`IpfsError`, so callers (the API, the CLI)
can catch one base class and map it to a response or a one-line message.
"""

from __future__ import annotations


class IpfsError(Exception):
    """Base class of every error raised by the ``ipfs`` package."""


class InvalidCidError(IpfsError, ValueError):
    """A string or byte sequence is not a valid CID."""

    def __init__(self, value: object, reason: str) -> None:
        super().__init__(f"invalid CID {value!r}: {reason}")
        self.value = value
        self.reason = reason


class BlockNotFoundError(IpfsError, LookupError):
    """A block the operation needs is not in the store."""

    def __init__(self, cid: str) -> None:
        super().__init__(f"block {cid} is not in the store")
        self.cid = cid


class CorruptBlockError(IpfsError):
    """A stored block no longer hashes to its CID; it is never returned to the caller."""

    def __init__(self, cid: str, location: str) -> None:
        super().__init__(f"block {cid} at {location} does not match its hash")
        self.cid = cid
        self.location = location


class UnsupportedCodecError(IpfsError):
    """A CID uses an IPLD codec or hash function this package cannot walk or verify."""


class DagFormatError(IpfsError):
    """A block does not decode as the dag-pb / UnixFS structure its CID announces."""


class NotAFileError(IpfsError):
    """``cat`` was asked for a DAG that is not a UnixFS file (a directory, a symlink...)."""


class PinnedBlockError(IpfsError):
    """A block cannot be deleted because a pinned DAG still needs it."""

    def __init__(self, cid: str) -> None:
        super().__init__(f"block {cid} is pinned; unpin it before deleting it")
        self.cid = cid


class UnsupportedInputError(IpfsError):
    """Input that kubo would add differently than this package can (so the CID would differ).

    Raised rather than returning a CID that no IPFS node would compute for the same input:
    a directory large enough that kubo would HAMT-shard it, a name that is not UTF-8, a
    special file (socket, FIFO, device).
    """


class CarFormatError(IpfsError):
    """A CAR file is malformed, truncated, or holds a block that does not match its CID."""


class KuboError(IpfsError):
    """Base class of the errors of :class:`ipfs.kubo.KuboClient`."""


class KuboConnectionError(KuboError):
    """The kubo RPC endpoint could not be reached, even after the bounded retries."""


class KuboTimeoutError(KuboError):
    """The kubo RPC endpoint did not answer within the configured timeout."""


class KuboApiError(KuboError):
    """The kubo RPC endpoint answered with an error status."""

    def __init__(self, endpoint: str, status_code: int, message: str) -> None:
        super().__init__(f"kubo {endpoint} failed with HTTP {status_code}: {message}")
        self.endpoint = endpoint
        self.status_code = status_code
        self.message = message


class KuboResponseError(KuboError):
    """The kubo RPC endpoint answered 200 with a body this client cannot understand."""
