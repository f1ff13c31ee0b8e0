"""Off-chain buyers and their API keys.

A key is shown once, at creation, and only its SHA-256 is stored: 32 random bytes make a
salted slow hash unnecessary, and the hash lookup stays O(1). The buyer's on-chain reference
(``buyerRef`` in DataMarket) is derived from the buyer's id, so a strike can name one buyer
without revealing who they are.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from eth_utils import keccak
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.errors import ConflictError, NotFoundError, UnauthorizedError
from api.models import Buyer

logger = logging.getLogger(__name__)

KEY_PREFIX = "lb_"


@dataclass(frozen=True)
class IssuedKey:
    buyer: Buyer
    api_key: str


def hash_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


def buyer_ref_for(buyer_id: str) -> str:
    """The bytes32 reference DataMarket knows this buyer by, 0x-prefixed hex."""
    return "0x" + keccak(text=f"lumbung-buyer:{buyer_id}").hex()


def create_buyer(session: Session, name: str) -> IssuedKey:
    """Registers a buyer and returns its API key, which is never retrievable again."""
    name = name.strip()
    if not name:
        raise ConflictError("a buyer needs a name")
    buyer_id = str(uuid.uuid4())
    api_key = KEY_PREFIX + secrets.token_urlsafe(32)
    buyer = Buyer(
        id=buyer_id,
        name=name,
        key_prefix=api_key[:10],
        key_hash=hash_key(api_key),
        buyer_ref=buyer_ref_for(buyer_id),
        created_at=datetime.now(UTC),
        disabled=False,
    )
    session.add(buyer)
    try:
        session.flush()
    except IntegrityError as exc:
        raise ConflictError(f"a buyer named {name!r} already exists") from exc
    logger.info("created buyer %s (%s)", buyer.id, name)
    return IssuedKey(buyer, api_key)


def rotate_key(session: Session, name: str) -> IssuedKey:
    """Replaces a buyer's key; the old one stops working at once."""
    buyer = session.scalar(select(Buyer).where(Buyer.name == name))
    if buyer is None:
        raise NotFoundError(f"no buyer named {name!r}")
    api_key = KEY_PREFIX + secrets.token_urlsafe(32)
    buyer.key_prefix, buyer.key_hash = api_key[:10], hash_key(api_key)
    session.flush()
    return IssuedKey(buyer, api_key)


def set_disabled(session: Session, name: str, disabled: bool) -> Buyer:
    buyer = session.scalar(select(Buyer).where(Buyer.name == name))
    if buyer is None:
        raise NotFoundError(f"no buyer named {name!r}")
    buyer.disabled = disabled
    session.flush()
    return buyer


def list_buyers(session: Session) -> list[Buyer]:
    return list(session.scalars(select(Buyer).order_by(Buyer.created_at)))


def authenticate(session: Session, api_key: str) -> Buyer:
    """The buyer holding ``api_key``; UnauthorizedError for an unknown or disabled key."""
    if not api_key.startswith(KEY_PREFIX):
        raise UnauthorizedError("malformed API key")
    buyer = session.scalar(select(Buyer).where(Buyer.key_hash == hash_key(api_key)))
    if buyer is None or buyer.disabled:
        raise UnauthorizedError("unknown or disabled API key")
    return buyer
