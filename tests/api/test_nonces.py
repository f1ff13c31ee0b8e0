"""Stateless SIWE nonces: free to issue, usable once (in any process), refused when expired,
forged or tampered with; the worker sweeps what sign-ins leave behind."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import event, func, select

from api import worker
from api.context import Context
from api.db import transaction
from api.errors import SiweRejectedError
from api.models import ConsumedNonce, WalletSession
from api.services import auth
from api.settings import Settings
from tests.api.harness import ADDRESSES, PRODUCER, STEWARD
from tests.api.identity_helpers import message_for, sign

UNKNOWN = "unknown nonce"


def signin(client: TestClient, nonce: str, key_index: int = PRODUCER) -> Any:
    text = message_for(client, key_index, nonce=nonce)
    return client.post("/v1/auth/siwe", json={"message": text, "signature": sign(text, key_index)})


def test_a_nonce_request_touches_no_database(client: TestClient, context: Context) -> None:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(context.engine, "before_cursor_execute", record)
    try:
        nonces = {client.get("/v1/auth/nonce").json()["nonce"] for _ in range(20)}
    finally:
        event.remove(context.engine, "before_cursor_execute", record)
    assert statements == []
    assert len(nonces) == 20 and all(len(n) == 64 for n in nonces)
    with context.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ConsumedNonce)) == 0


def test_a_nonce_is_recorded_only_when_used_and_refused_on_replay(
    client: TestClient, context: Context
) -> None:
    issued = client.get("/v1/auth/nonce").json()
    first = signin(client, issued["nonce"])
    assert first.status_code == 200, first.text
    with context.sessions() as session:
        stored = session.scalars(select(ConsumedNonce)).all()
    assert [row.nonce for row in stored] == [issued["nonce"]]
    assert auth.utc(stored[0].expires_at) == datetime.fromisoformat(issued["expires_at"])
    # A fresh message with the same nonce, by the same or another wallet, is a replay.
    for key_index in (PRODUCER, STEWARD):
        replay = signin(client, issued["nonce"], key_index)
        assert replay.status_code == 401 and "already used" in replay.json()["detail"]


def race(contexts: list[Context], settings: Settings, text: str, signature: str) -> list[str]:
    """Signs in with one message from three threads per context at once; their outcomes."""
    barrier = threading.Barrier(3 * len(contexts))
    outcomes: list[str] = []

    def attempt(context: Context) -> None:
        barrier.wait()
        try:
            with transaction(context.sessions) as session:
                auth.sign_in(session, settings, 31337, text, signature)
            outcomes.append("signed in")
        except SiweRejectedError as exc:
            outcomes.append(exc.detail)

    threads = [threading.Thread(target=attempt, args=(c,)) for c in contexts * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def test_concurrent_sign_ins_with_one_nonce_in_two_processes_win_exactly_once(
    settings: Settings, client: TestClient
) -> None:
    """Two contexts are two API processes: each its own engine and pool over one database."""
    contexts = [Context(settings), Context(settings)]
    try:
        for _ in range(5):
            text = message_for(client, PRODUCER)
            outcomes = race(contexts, settings, text, sign(text, PRODUCER))
            assert sorted(outcomes) == ["signed in"] + [
                "this nonce was already used: sign a new message"
            ] * 5
    finally:
        for context in contexts:
            context.close()


def _flip(nonce: str, position: int) -> str:
    flipped = "0" if nonce[position] != "0" else "1"
    return nonce[:position] + flipped + nonce[position + 1 :]


def test_forged_and_tampered_nonces_are_refused(client: TestClient, settings: Settings) -> None:
    good = client.get("/v1/auth/nonce").json()["nonce"]
    other_key = settings.model_copy(update={"nonce_secret": SecretStr("another server's key")})
    forged = [
        auth.issue_nonce(other_key).nonce,  # signed with another secret
        _flip(good, 0),  # the issue time
        _flip(good, 20),  # the random part
        _flip(good, 63),  # the MAC
        good[:48] + "0" * 16,  # a MAC of zeros
        good[:62],  # truncated
        "madeup1234567890",  # the old random nonces' shape
    ]
    for nonce in forged:
        refused = signin(client, nonce)
        assert refused.status_code == 401, nonce
        assert UNKNOWN in refused.json()["detail"], nonce
    # None of that spent the real nonce; once used, its uppercase spelling is no second nonce.
    assert signin(client, good).status_code == 200
    upper = signin(client, good.upper())
    assert upper.status_code == 401 and UNKNOWN in upper.json()["detail"]


@pytest.mark.parametrize(
    ("age_s", "accepted"),
    [(-600 + 30, True), (600 + 1, False)],
    ids=["just-within-ttl", "just-expired"],
)
def test_a_nonce_is_valid_for_the_ttl(
    client: TestClient, settings: Settings, age_s: int, accepted: bool
) -> None:
    assert settings.siwe_nonce_ttl_s == 600
    issued = auth.issue_nonce(settings, now=datetime.now(UTC) - timedelta(seconds=abs(age_s)))
    response = signin(client, issued.nonce)
    if accepted:
        assert response.status_code == 200, response.text
    else:
        assert response.status_code == 401 and "nonce has expired" in response.json()["detail"]


def test_a_nonce_from_the_future_is_refused(client: TestClient, settings: Settings) -> None:
    later = auth.issue_nonce(settings, now=datetime.now(UTC) + timedelta(hours=1))
    response = signin(client, later.nonce)
    assert response.status_code == 401 and UNKNOWN in response.json()["detail"]


def test_the_worker_sweeps_expired_nonces_and_sessions(context: Context) -> None:
    now = datetime.now(UTC)
    long_ago, lately = now - timedelta(hours=1), now - timedelta(minutes=1)
    later = now + timedelta(hours=1)
    with transaction(context.sessions) as session:
        for name, expires_at in (("old", long_ago), ("recent", lately), ("live", later)):
            session.add(ConsumedNonce(nonce=name, expires_at=expires_at, consumed_at=long_ago))
        for name, expires_at in (("expired", lately), ("open", later)):
            session.add(
                WalletSession(
                    token_hash=name,
                    address=ADDRESSES[PRODUCER],
                    chain_id=31337,
                    created_at=long_ago,
                    expires_at=expires_at,
                )
            )
    worker.run(context, once=True)
    with context.sessions() as session:
        # A consumed nonce stays a few minutes past its expiry (auth.SWEEP_MARGIN), in case
        # the worker's clock runs ahead of an API process's.
        assert sorted(session.scalars(select(ConsumedNonce.nonce))) == ["live", "recent"]
        assert list(session.scalars(select(WalletSession.token_hash))) == ["open"]
