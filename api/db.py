"""Database engines, sessions and migrations (SQLite by default, PostgreSQL supported), and the
unit-of-work rule.

The unit-of-work rule: every piece of database work runs in exactly one transaction, opened at
the edge. A route gets it as ``SessionDep`` (:func:`api.deps.request_session`); the worker,
the indexer, the CLI and the tests open it with :func:`transaction`. Both commit when the work
returns and roll back when it raises, except for a refusal whose ``keeps_work`` is set (a
payment refused because the quote expired still records the order as expired): that one is
committed, then raised. Services take a ``Session``; they never commit, roll back or open
sessions. A race on a unique key (two deliveries of one webhook, two requests with one
Idempotency-Key) is settled inside the transaction by :func:`retry_on_conflict`, which runs the
contested work in a savepoint and runs it again when it loses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from api.errors import LumbungError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

T = TypeVar("T")

# How often retry_on_conflict runs work that keeps losing races on a unique key.
CONFLICT_ATTEMPTS = 3


# Sync endpoints run in AnyIO's thread pool of 40 threads and hold at most one session each, so
# 40 connections per process means a request never waits for a connection, only for the
# database. (Two API processes stay below PostgreSQL's default max_connections of 100.)
POOL_SIZE, POOL_OVERFLOW = 20, 20


# How long a SQLite writer waits for the write lock before "database is locked".
SQLITE_BUSY_TIMEOUT_S = 30


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout, foreign keys and writers that
    take the write lock when their transaction begins (``BEGIN IMMEDIATE``)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False},
            pool_size=POOL_SIZE,
            max_overflow=POOL_OVERFLOW,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
            cursor.close()
            # The driver opens a transaction before the first INSERT, UPDATE or DELETE (reads
            # before it run on their own). With IMMEDIATE that BEGIN takes the write lock, and
            # waits for it under busy_timeout; a DEFERRED transaction that has read takes it
            # only at its first write, and fails at once ("database is locked") if another
            # writer got there first, since waiting could deadlock.
            dbapi_connection.isolation_level = "IMMEDIATE"

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(
        url, pool_pre_ping=True, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW
    )


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(url: str) -> None:
    """Bring the database at ``url`` to the newest schema."""
    command.upgrade(alembic_config(url), "head")


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work is committed when the block ends, and rolled back when it raises
    (but for a refusal that ``keeps_work``, committed and then raised)."""
    with factory() as session:
        try:
            yield session
        except LumbungError as exc:
            if exc.keeps_work:
                session.commit()
            else:
                session.rollback()
            raise
        except BaseException:
            session.rollback()
            raise
        session.commit()


def retry_on_conflict(session: Session, work: Callable[[], T]) -> T:
    """``work()`` in a savepoint of the session's transaction, run again (up to
    ``CONFLICT_ATTEMPTS`` times) when it loses a race on a unique key: the savepoint rolls back
    what it did, and the next run sees the winner's committed rows. Any other error rolls the
    savepoint back and is raised.

    On SQLite the savepoint goes inside a ``BEGIN IMMEDIATE`` transaction (SAVEPOINT on its own
    would open a deferred transaction that its RELEASE commits), so there writers take turns and
    the race cannot happen; on PostgreSQL it does, and the savepoint keeps the transaction usable
    after the unique violation.
    """
    _begin_writing(session)
    for attempt in range(CONFLICT_ATTEMPTS):
        try:
            with session.begin_nested():
                return work()
        except IntegrityError:
            if attempt == CONFLICT_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _begin_writing(session: Session) -> None:
    """Opens the SQLite driver's write transaction now if no write has opened it yet."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    driver = connection.connection.driver_connection
    if driver is not None and not driver.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
