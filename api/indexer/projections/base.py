"""What every projection module shares: the handler type, the error, and the decoding of event
arguments into the forms the tables keep."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from api.models import ChainEvent
from ipfs.cid import cid_string

Handler = Callable[[Session, ChainEvent], None]


class ProjectionError(RuntimeError):
    """The event log contradicts the replica (a bug, or a start block after the deployment)."""


def contribution_key(contribution_id: int) -> str:
    """A contribution id (uint256) as the 0x-prefixed, 64-digit hex the tables key it by."""
    return f"0x{contribution_id:064x}"


def cid_text(raw_hex: str) -> str:
    """The text form of a binary CID carried by an event (0x hex)."""
    raw = bytes.fromhex(raw_hex.removeprefix("0x"))
    try:
        return cid_string(raw)
    except Exception:  # the registry validates CIDs; a listing's license CID is free-form
        return raw_hex


def raw_string(event: ChainEvent, name: str) -> bytes:
    """The exact bytes of the event's string argument ``name`` (``args`` has its display text)."""
    return bytes.fromhex(str((event.raw_strings or {})[name]).removeprefix("0x"))
