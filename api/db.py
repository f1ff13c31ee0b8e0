"""Database engines, sessions and migrations (SQLite by default, PostgreSQL supported)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


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
    """A session whose work is committed on success and rolled back on any error."""
    with factory() as session, session.begin():
        yield session
