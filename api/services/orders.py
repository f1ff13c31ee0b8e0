"""Off-chain orders: a quote read from the chain, kept idempotent per buyer and key.

A quote is the pool's current on-chain listing price, valid for ``settings.quote_ttl_s``. The
cooperative's refusals come first: a pool that is not for sale (unlisted, or holding no accepted
contributions yet), a purpose its license does not allow, and a data strike (general, or against
this buyer's ``buyerRef``) fail the quote request itself with a problem that says so. Nothing is
stored when the chain cannot be read.

Idempotency: ``(buyer_id, idempotency_key)`` is unique and the order keeps a hash of the request.
A replay of the same request returns the stored order; the same key with another request is a
conflict. Concurrent duplicates race on the unique constraint: the loser's insert rolls back to
its savepoint and it re-reads the winner's order (:func:`api.db.retry_on_conflict`), so exactly
one order exists per key on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from eth_account import Account
from eth_typing import ChecksumAddress
from eth_utils import keccak
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.chain import Chain
from api.db import retry_on_conflict
from api.errors import (
    IdempotencyConflictError,
    NotForSaleError,
    NotFoundError,
    PurposeNotAllowedError,
    StrikeActiveError,
)
from api.models import Buyer, Order, OrderState
from api.schemas.orders import OrderCreate
from api.settings import Settings
from lumbung.protocol import Purpose, purpose_names

logger = logging.getLogger(__name__)

ZERO_ADDRESS = "0x" + "00" * 20
ZERO_REF = b"\x00" * 32

def relayer_address(settings: Settings) -> ChecksumAddress:
    """The settler account the worker signs with; DataMarket sees it as the buyer."""
    address: ChecksumAddress = Account.from_key(settings.relayer_key.get_secret_value()).address
    return address


def chain_order_id(order_id: str) -> str:
    """The bytes32 orderId given to ``DataMarket.settleOffchain``: keccak256 of the order id."""
    return "0x" + keccak(text=order_id).hex()


def request_hash(request: OrderCreate) -> str:
    canonical = json.dumps(request.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Quote:
    price: int
    currency: str


_symbols: dict[str, str] = {}


def payment_currency(chain: Chain) -> str:
    """The payment token's symbol (read once per token: it never changes)."""
    token = chain.token
    if token.address not in _symbols:
        _symbols[token.address] = token.symbol()
    return _symbols[token.address]


def strike_refusal(chain: Chain, relayer: str, buyer_ref: str) -> str | None:
    """Why DataMarket would refuse to sell to this buyer now, or None when it would not."""
    if chain.market.is_struck(ZERO_ADDRESS, ZERO_REF):
        return (
            "the cooperative is on a general data strike: it sells to no one until its members "
            "lift the strike"
        )
    ref = bytes.fromhex(buyer_ref.removeprefix("0x"))
    if chain.market.is_struck(relayer, ref):
        return (
            f"the cooperative is on a data strike against this buyer (buyerRef {buyer_ref}): it "
            "sells you nothing until its members lift the strike"
        )
    return None


def quote(chain: Chain, settings: Settings, buyer: Buyer, request: OrderCreate) -> Quote:
    """The price DataMarket charges now, or the domain error saying why it would not sell."""
    listing = chain.market.listing(request.pool_id)
    if not listing.active:
        raise NotForSaleError(
            f"pool {request.pool_id} is not listed for sale", pool_id=request.pool_id
        )
    bit = Purpose.from_label(request.purpose).bit
    if not (listing.purposes >> bit) & 1:
        allowed = purpose_names(listing.purposes)
        raise PurposeNotAllowedError(
            f"pool {request.pool_id}'s license does not allow {request.purpose!r}; it allows "
            f"{', '.join(allowed)}",
            allowed=allowed,
        )
    # DataMarket refuses to sell a pool that holds no units (DataMarketNoContent).
    if chain.distributor.total_units(request.pool_id) == 0:
        raise NotForSaleError(
            f"pool {request.pool_id} holds no accepted contributions yet: there is nothing to "
            "deliver",
            pool_id=request.pool_id,
        )
    refusal = strike_refusal(chain, relayer_address(settings), buyer.buyer_ref)
    if refusal is not None:
        raise StrikeActiveError(refusal)
    return Quote(price=listing.price, currency=payment_currency(chain))


def _find(session: Session, buyer_id: str, key: str) -> Order | None:
    return session.scalar(
        select(Order).where(Order.buyer_id == buyer_id, Order.idempotency_key == key)
    )


def _replay(order: Order, digest: str) -> Order:
    if order.request_hash != digest:
        raise IdempotencyConflictError(
            "this Idempotency-Key was already used for a different request; use a new key for a "
            "new order",
            order_id=order.id,
        )
    return order


def create_order(
    session: Session,
    chain: Chain,
    settings: Settings,
    buyer: Buyer,
    idempotency_key: str,
    request: OrderCreate,
    now: datetime | None = None,
) -> tuple[Order, bool]:
    """The order for this key: ``(order, True)`` when created now, ``(order, False)`` on replay.

    The order is flushed in the request's transaction, which the edge commits before the
    response is sent, so a created order is durable before anyone hears of it. A concurrent
    duplicate either sees the committed order or loses the race on the unique constraint, rolls
    back to its savepoint and re-reads the winner's order.
    """
    digest = request_hash(request)
    buyer_id = buyer.id
    existing = _find(session, buyer_id, idempotency_key)
    if existing is not None:
        return _replay(existing, digest), False
    offer = quote(chain, settings, buyer, request)
    now = now or datetime.now(UTC)
    order_id = str(uuid.uuid4())
    order = Order(
        id=order_id,
        chain_order_id=chain_order_id(order_id),
        buyer_id=buyer_id,
        idempotency_key=idempotency_key,
        request_hash=digest,
        pool_id=request.pool_id,
        purpose=Purpose.from_label(request.purpose).bit,
        price=offer.price,
        currency=offer.currency,
        status=OrderState.QUOTED,
        created_at=now,
        expires_at=now + timedelta(seconds=settings.quote_ttl_s),
    )

    def insert() -> Order | None:
        """The winner's order if another request took the key meanwhile; else None, ours
        inserted."""
        winner = _find(session, buyer_id, idempotency_key)
        if winner is None:
            session.add(order)
            session.flush()
        return winner

    winner = retry_on_conflict(session, insert)
    if winner is not None:
        return _replay(winner, digest), False
    logger.info(
        "order %s quoted: pool %s, %s, price %s %s",
        order.id,
        order.pool_id,
        request.purpose,
        order.price,
        order.currency,
    )
    return order, True


def get_order(session: Session, buyer: Buyer, order_id: str) -> Order:
    """The buyer's order; another buyer's order is as unknown as a missing one."""
    order = session.get(Order, order_id)
    if order is None or order.buyer_id != buyer.id:
        raise NotFoundError(f"no order {order_id}")
    return order


def list_orders(session: Session, buyer: Buyer, limit: int = 100, offset: int = 0) -> list[Order]:
    query = (
        select(Order)
        .where(Order.buyer_id == buyer.id)
        .order_by(Order.created_at.desc(), Order.id)
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query))
