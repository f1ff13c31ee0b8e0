"""Projections: the tables the API reads, each a pure function of ``chain_events``.

One module per domain (:mod:`.membership`, :mod:`.registry`, :mod:`.market`, :mod:`.revenue`,
:mod:`.governance`) owns its event handlers and its tables; this registry maps each event name to
its handler. :func:`apply_event` folds one stored event into the projections; the indexer calls it
for every new event, in (block, log index) order, each inside its own savepoint of the batch's
transaction, so a handler that raises sets only its log aside (see :mod:`api.indexer.follower`).
:func:`rebuild` deletes every projection and folds the whole log again, which is what a reorg
does. Nothing here calls the chain, so incremental indexing and a rebuild give the same rows.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.indexer.projections import governance, market, membership, registry, revenue
from api.indexer.projections.base import Handler, ProjectionError, contribution_key
from api.models import Base, ChainEvent

__all__ = [
    "HANDLERS",
    "PROJECTIONS",
    "ProjectionError",
    "apply_event",
    "contribution_key",
    "dump",
    "rebuild",
]

logger = logging.getLogger(__name__)

DOMAINS = (membership, registry, market, revenue, governance)

# Every table the indexer rebuilds from chain_events after a reorg.
PROJECTIONS: tuple[type[Base], ...] = tuple(table for domain in DOMAINS for table in domain.TABLES)


def _handlers() -> dict[str, Handler]:
    handlers: dict[str, Handler] = {}
    for domain in DOMAINS:
        shared = handlers.keys() & domain.HANDLERS.keys()
        if shared:
            raise RuntimeError(f"{domain.__name__} handles {sorted(shared)} a second time")
        handlers.update(domain.HANDLERS)
    return handlers


HANDLERS = _handlers()


def apply_event(session: Session, event: ChainEvent) -> None:
    """Folds one stored event into the projections (events without a projection are kept only
    in the log)."""
    handler = HANDLERS.get(event.event)
    if handler is not None:
        handler(session, event)


def rebuild(session: Session) -> int:
    """Deletes every projection and folds the whole event log again; returns the event count."""
    for table in PROJECTIONS:
        session.execute(delete(table))
    session.flush()
    count = 0
    events = session.scalars(
        select(ChainEvent).order_by(ChainEvent.block_number, ChainEvent.log_index)
    )
    for event in events:
        apply_event(session, event)
        count += 1
    session.flush()
    logger.info("rebuilt the projections from %s events", count)
    return count


# Surrogate keys that depend on insertion history rather than on the event log.
_SURROGATE = {"member_history", "revenue_deposits", "revenue_claims", "position_changes", "votes"}


def dump(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every projection's rows, sorted, without surrogate ids: equal dumps mean equal state."""
    result: dict[str, list[tuple[Any, ...]]] = {}
    for table in PROJECTIONS:
        columns = [
            c
            for c in table.__table__.columns
            if not (table.__tablename__ in _SURROGATE and c.name == "id")
        ]
        rows = session.execute(select(*columns)).all()
        result[table.__tablename__] = sorted((tuple(r) for r in rows), key=repr)
    return result
