"""The Membership projection: each member's class and status, and their history by time."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.indexer.projections.base import Handler, ProjectionError
from api.models import Base, ChainEvent, Member, MemberHistory

TABLES: tuple[type[Base], ...] = (Member, MemberHistory)


def member_status_at(session: Session, address: str, timestamp: int) -> MemberHistory | None:
    """The member's newest history entry at or before ``timestamp`` (the contract's lookup)."""
    return session.scalars(
        select(MemberHistory)
        .where(MemberHistory.address == address, MemberHistory.timestamp <= timestamp)
        .order_by(MemberHistory.block_number.desc(), MemberHistory.id.desc())
        .limit(1)
    ).first()


def _member_changed(
    session: Session, event: ChainEvent, address: str, cls: int | None, active: bool
) -> None:
    member = session.get(Member, address)
    if member is None:
        if cls is None:
            raise ProjectionError(f"{address} changed without having joined")
        member = Member(
            address=address,
            stakeholder_class=cls,
            active=active,
            joined_block=event.block_number,
            updated_block=event.block_number,
        )
        session.add(member)
    else:
        if cls is not None:
            member.stakeholder_class = cls
        if active and not member.active:
            member.joined_block = event.block_number
        member.active = active
        member.updated_block = event.block_number
    session.add(
        MemberHistory(
            address=address,
            stakeholder_class=member.stakeholder_class,
            active=active,
            block_number=event.block_number,
            timestamp=event.block_timestamp,
        )
    )


def _on_member_joined(session: Session, event: ChainEvent) -> None:
    args = event.args
    _member_changed(session, event, args["member"], int(args["stakeholderClass"]), True)


def _on_member_left(session: Session, event: ChainEvent) -> None:
    """A member left, or governance expelled one: checkpointed alike."""
    _member_changed(session, event, event.args["member"], None, False)


def _on_member_class_changed(session: Session, event: ChainEvent) -> None:
    args = event.args
    member = session.get(Member, args["member"])
    active = member.active if member is not None else True
    _member_changed(session, event, args["member"], int(args["toClass"]), active)


HANDLERS: dict[str, Handler] = {
    "MemberJoined": _on_member_joined,
    "MemberLeft": _on_member_left,
    "MemberExpelled": _on_member_left,
    "MemberClassChanged": _on_member_class_changed,
}
