"""Per-client rate limits on sign-in, nonce, upload and order creation: 429 problem+json with
``Retry-After``, per client address and route class, configurable, with exempt addresses."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.context import Context
from api.main import create_app
from api.ratelimit import RateLimiter
from api.settings import Settings

LIMITED = "https://lumbung.coop/problems/rate-limited"
LOW = {f"rate_limit_{c}": "2/60" for c in ("nonce", "signin", "upload", "orders")}

# One request per limited route class, each refused for its own reason (or answered) until the
# limit is reached: the limit applies before authentication and before the body is read.
ROUTES: dict[str, Callable[[TestClient], Any]] = {
    "nonce": lambda c: c.get("/v1/auth/nonce"),
    "signin": lambda c: c.post("/v1/auth/siwe", json={"message": "x", "signature": "0x"}),
    "upload": lambda c: c.post("/v1/contributions", files={"file": ("a.bin", b"a")}),
    "orders": lambda c: c.post(
        "/v1/orders", json={"pool_id": 1, "purpose": "research"}, headers={"Idempotency-Key": "k"}
    ),
}


@pytest.fixture
def limited(settings: Settings) -> Iterator[Callable[..., TestClient]]:
    """Clients of an app with low limits; ``address`` is the client's peer address."""
    context = Context(settings.model_copy(update=LOW))
    clients: list[TestClient] = []

    def client(address: str = "198.51.100.7", **overrides: Any) -> TestClient:
        context.settings = context.settings.model_copy(update=overrides)
        made = TestClient(create_app(context=context), client=(address, 40000))
        clients.append(made)
        return made

    yield client
    for made in clients:
        made.close()
    context.close()


@pytest.mark.parametrize("route_class", sorted(ROUTES))
def test_each_limited_route_answers_429_with_retry_after(
    limited: Callable[..., TestClient], route_class: str
) -> None:
    client = limited()
    send = ROUTES[route_class]
    first = [send(client).status_code for _ in range(2)]
    assert 429 not in first
    refused = send(client)
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    body = refused.json()
    assert body["type"] == LIMITED and body["status"] == 429
    # 2 tokens per 60 s: one comes back at most 30 s after the bucket ran dry.
    assert refused.headers["Retry-After"] == str(body["retry_after_s"])
    assert 1 <= int(refused.headers["Retry-After"]) <= 30
    # Another client, and another route class for the same client, still have their tokens.
    assert send(limited("203.0.113.9")).status_code != 429
    other = next(c for c in sorted(ROUTES) if c != route_class)
    assert ROUTES[other](client).status_code != 429


def test_unlimited_routes_and_exempt_clients_are_never_refused(
    limited: Callable[..., TestClient],
) -> None:
    client = limited()
    assert all(client.get("/v1/pools").status_code == 200 for _ in range(10))
    exempt = limited("192.0.2.1", rate_limit_exempt="10.0.0.1, 192.0.2.1")
    assert all(exempt.get("/v1/auth/nonce").status_code == 200 for _ in range(10))
    off = limited("192.0.2.2", rate_limits_enabled=False)
    assert all(off.get("/v1/auth/nonce").status_code == 200 for _ in range(10))


def test_the_openapi_document_names_429_on_the_limited_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    limited = {
        ("/v1/auth/nonce", "get"), ("/v1/auth/siwe", "post"),
        ("/v1/contributions", "post"), ("/v1/orders", "post"),
    }
    for path, method in limited:
        answer = paths[path][method]["responses"]["429"]
        assert "Retry-After" in answer["headers"]
    assert "429" not in paths["/v1/pools"]["get"]["responses"]


def test_a_bucket_refills_evenly_and_retry_after_is_exact() -> None:
    now = [1000.0]
    limiter = RateLimiter(clock=lambda: now[0])
    assert [limiter.acquire("nonce", "a", 3, 30) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.acquire("nonce", "a", 3, 30) == pytest.approx(10.0)  # 1 token per 10 s
    now[0] += 5
    assert limiter.acquire("nonce", "a", 3, 30) == pytest.approx(5.0)
    now[0] += 5
    assert limiter.acquire("nonce", "a", 3, 30) == 0.0
    now[0] += 3600  # refills up to its capacity, not beyond
    assert [limiter.acquire("nonce", "a", 3, 30) for _ in range(4)][-1] > 0
