"""SQLite writers wait their turn: WAL, busy_timeout and BEGIN IMMEDIATE, so concurrent write
transactions from several threads and engines (processes) never fail "database is locked"."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from api.db import make_engine, make_sessionmaker, migrate, transaction
from api.models import ConsumedNonce, WalletSession

ENGINES, THREADS, TRANSACTIONS = 2, 8, 25


def test_concurrent_writers_never_meet_database_is_locked(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'writers.db'}"
    migrate(url)
    engines = [make_engine(url) for _ in range(ENGINES)]  # as many API processes
    failures: list[str] = []
    barrier = threading.Barrier(ENGINES * THREADS)

    def writer(engine_index: int, thread_index: int) -> None:
        sessions = make_sessionmaker(engines[engine_index])
        barrier.wait()
        for n in range(TRANSACTIONS):
            name = f"{engine_index}-{thread_index}-{n}"
            now = datetime.now(UTC)
            try:
                # Read, write, read, write in one transaction, as a sign-in does.
                with transaction(sessions) as session:
                    session.scalar(select(func.count()).select_from(ConsumedNonce))
                    session.add(ConsumedNonce(nonce=name, expires_at=now, consumed_at=now))
                    session.flush()
                    session.scalar(select(func.count()).select_from(WalletSession))
                    session.add(
                        WalletSession(
                            token_hash=name,
                            address="0x" + "00" * 20,
                            chain_id=31337,
                            created_at=now,
                            expires_at=now + timedelta(hours=1),
                        )
                    )
            except OperationalError as exc:
                failures.append(str(exc.orig))

    threads = [
        threading.Thread(target=writer, args=(e, t))
        for e in range(ENGINES)
        for t in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    try:
        assert failures == []
        with engines[0].connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30_000
            written = ENGINES * THREADS * TRANSACTIONS
            for table in ("siwe_consumed_nonces", "wallet_sessions"):
                count = connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                assert count == written
    finally:
        for engine in engines:
            engine.dispose()
