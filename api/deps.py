"""The ``Annotated`` dependency aliases the routers use."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

from api.chain import Chain
from api.context import Context
from api.db import transaction
from api.errors import ForbiddenError, RateLimitedError, UnauthorizedError
from api.metrics import Metrics
from api.models import Buyer
from api.payments.interface import PaymentProvider
from api.ratelimit import retry_after_header
from api.schemas.common import Problem
from api.services import buyers
from api.services.relay import GasRelay
from api.settings import Settings
from ipfs.interface import IpfsBackend


def request_context(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


# The process's parts; a route takes the typed dependencies below rather than the whole context.
ContextDep = Annotated[Context, Depends(request_context)]


def request_settings(context: ContextDep) -> Settings:
    return context.settings


SettingsDep = Annotated[Settings, Depends(request_settings)]


def request_session(context: ContextDep) -> Iterator[Session]:
    """The request's unit of work (see :mod:`api.db`): committed when the endpoint returns,
    rolled back when it raises."""
    with transaction(context.sessions) as session:
        yield session


# scope="function": commit before the response is sent, so a client never gets an answer
# (a new session token, an order id) that a request right after it cannot yet read.
SessionDep = Annotated[Session, Depends(request_session, scope="function")]


def request_chain(context: ContextDep) -> Chain:
    return context.chain


ChainDep = Annotated[Chain, Depends(request_chain)]


def request_gas_relay(context: ContextDep) -> GasRelay:
    return context.gas_relay


GasRelayDep = Annotated[GasRelay, Depends(request_gas_relay)]


def request_ipfs(context: ContextDep) -> IpfsBackend:
    return context.ipfs


IpfsDep = Annotated[IpfsBackend, Depends(request_ipfs)]


# The app's own state, read without a hop through the thread pool (as rate_limit does).
async def request_metrics(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


MetricsDep = Annotated[Metrics, Depends(request_metrics)]


async def request_providers(request: Request) -> dict[str, PaymentProvider]:
    """The payment providers ``LUMBUNG_PAYMENT_PROVIDERS`` enables, by name."""
    providers: dict[str, PaymentProvider] = request.app.state.payment_providers
    return providers


ProvidersDep = Annotated[dict[str, PaymentProvider], Depends(request_providers)]


# The OpenAPI answer of a rate-limited route (``responses=`` of its decorator).
RATE_LIMITED: dict[int | str, dict[str, Any]] = {
    429: {"model": Problem, "description": "too many requests from this client: see Retry-After"}
}


def rate_limit(route_class: str) -> Any:
    """A route dependency that spends one of the client's tokens for ``route_class`` (nonce,
    signin, upload, orders, relay; see ``Settings.rate_limit``) or answers 429 with
    ``Retry-After``.

    The client is the connection's peer address: behind a reverse proxy, run uvicorn with
    ``--proxy-headers --forwarded-allow-ips`` so that it is the client's, not the proxy's.
    It runs before the route reads the body, so a refused upload is never read.
    """
    if f"rate_limit_{route_class}" not in Settings.model_fields:
        raise ValueError(f"no setting rate_limit_{route_class} for route class {route_class!r}")

    async def spend(request: Request) -> None:
        # The context straight from the app, not through ContextDep: a plain-def dependency
        # would cost every request, a refused one included, a hop through the thread pool.
        context: Context = request.app.state.context
        settings = context.settings
        if not settings.rate_limits_enabled:
            return
        client = request.client.host if request.client else "unknown"
        if client in settings.rate_limit_exempt_addresses:
            return
        capacity, period_s = settings.rate_limit(route_class)
        wait_s = context.rate_limiter.acquire(route_class, client, capacity, period_s)
        if wait_s:
            retry = int(retry_after_header(wait_s))
            raise RateLimitedError(
                f"at most {capacity} {route_class} requests per {period_s:g} s from one client: "
                f"try again in {retry} s",
                retry_after_s=retry,
            )

    return Depends(spend)


def bearer_token(authorization: Annotated[str | None, Header()] = None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, if there is one."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise UnauthorizedError("expected 'Authorization: Bearer <token>'")
    return token.strip()


def require_admin(
    settings: SettingsDep, token: Annotated[str | None, Depends(bearer_token)]
) -> None:
    """The operator's admin token, compared in constant time."""
    if token is None:
        raise UnauthorizedError("admin token required")
    expected = settings.admin_token.get_secret_value().encode()
    if not hmac.compare_digest(
        hashlib.sha256(token.encode()).digest(), hashlib.sha256(expected).digest()
    ):
        raise ForbiddenError("not the admin token")


AdminDep = Annotated[None, Depends(require_admin)]


def current_buyer(
    session: SessionDep, x_api_key: Annotated[str | None, Header()] = None
) -> Buyer:
    """The off-chain buyer whose ``X-API-Key`` came with the request."""
    if not x_api_key:
        raise UnauthorizedError("an X-API-Key header is required")
    return buyers.authenticate(session, x_api_key)


CurrentBuyer = Annotated[Buyer, Depends(current_buyer)]
