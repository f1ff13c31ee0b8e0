"""The DataMarket projection: each pool's listing, the purchases and the strikes."""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.indexer.projections.base import Handler, cid_text
from api.indexer.projections.registry import pool_row
from api.models import Base, ChainEvent, Purchase, Strike

# A listing's fields live on the registry's Pool row.
TABLES: tuple[type[Base], ...] = (Purchase, Strike)


def _on_listing_set(session: Session, event: ChainEvent) -> None:
    args = event.args
    pool = pool_row(session, int(args["poolId"]), event.block_number)
    pool.price = int(args["price"])
    pool.purposes = int(args["purposes"])
    pool.listed = bool(args["active"])
    pool.license_cid = cid_text(args["licenseCid"]) if args["licenseCid"] != "0x" else None


def _on_purchased(session: Session, event: ChainEvent) -> None:
    args = event.args
    session.add(
        Purchase(
            id=int(args["purchaseId"]),
            pool_id=int(args["poolId"]),
            buyer=args["buyer"],
            buyer_ref=args["buyerRef"],
            order_id=args["orderId"],
            purpose=int(args["purpose"]),
            price=int(args["price"]),
            content_block=int(args["contentBlock"]),
            block_number=event.block_number,
            timestamp=event.block_timestamp,
            tx_hash=event.tx_hash,
        )
    )


def _set_strike(session: Session, event: ChainEvent, target: str) -> None:
    strike = session.get(Strike, target)
    if strike is None:
        strike = Strike(target=target, struck=False, block_number=event.block_number)
        session.add(strike)
    strike.struck = bool(event.args["struck"])
    strike.block_number = event.block_number


def _on_buyer_strike(session: Session, event: ChainEvent) -> None:
    _set_strike(session, event, f"buyer:{event.args['buyer']}")


def _on_buyer_ref_strike(session: Session, event: ChainEvent) -> None:
    _set_strike(session, event, f"ref:{event.args['buyerRef']}")


def _on_general_strike(session: Session, event: ChainEvent) -> None:
    _set_strike(session, event, "general")


HANDLERS: dict[str, Handler] = {
    "ListingSet": _on_listing_set,
    "Purchased": _on_purchased,
    "BuyerStrikeSet": _on_buyer_strike,
    "BuyerRefStrikeSet": _on_buyer_ref_strike,
    "GeneralStrikeSet": _on_general_strike,
}
