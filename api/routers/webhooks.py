"""Payment providers' webhooks: verified notices mark orders paid.

``/v1/webhooks/payments/{provider}`` serves each provider that ``LUMBUNG_PAYMENT_PROVIDERS``
enables (see :mod:`api.payments`); ``/v1/webhooks/payments`` is the ``hmac`` provider's
original address, kept for the adapters that post there.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from api.deps import ProvidersDep, SessionDep
from api.payments.errors import UnknownProviderError
from api.payments.hmac import SIGNATURE_HEADER, HmacProvider
from api.payments.interface import PaymentProvider
from api.payments.midtrans import MidtransProvider
from api.schemas.orders import OrderPublic
from api.schemas.webhooks import WebhookAck
from api.services import payments

router = APIRouter(prefix="/webhooks", tags=["webhooks"])

_HMAC_HEADER = {
    "name": SIGNATURE_HEADER,
    "in": "header",
    "required": False,
    "description": "hmac provider: t=<unix seconds>,v1=<hex HMAC-SHA256 of '<t>.<raw body>'>",
    "schema": {"type": "string"},
}


def _body(*models: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI request body of a route taking any of ``models``."""
    schemas = [model.model_json_schema() for model in models]
    schema = schemas[0] if len(schemas) == 1 else {"anyOf": schemas}
    return {"required": True, "content": {"application/json": {"schema": schema}}}


@router.post(
    "/payments/{provider}",
    openapi_extra={
        "requestBody": _body(HmacProvider.body_model, MidtransProvider.body_model),
        "parameters": [_HMAC_HEADER],
    },
)
async def provider_webhook(
    provider: str, request: Request, providers: ProvidersDep, session: SessionDep
) -> WebhookAck:
    """A payment provider's notice, verified by the provider's own scheme (404 for a provider
    not enabled here). The body is bounded (413 past 8 KiB) and read raw, since signatures
    cover its bytes."""
    return await _receive(_enabled(providers, provider), request, session)


@router.post(
    "/payments",
    openapi_extra={"requestBody": _body(HmacProvider.body_model), "parameters": [_HMAC_HEADER]},
)
async def payment_webhook(
    request: Request, providers: ProvidersDep, session: SessionDep
) -> WebhookAck:
    """The ``hmac`` provider's event, as at ``/v1/webhooks/payments/hmac``. The header's form
    and timestamp are checked before the body is read; the body is bounded (413 past 8 KiB)."""
    return await _receive(_enabled(providers, HmacProvider.name), request, session)


def _enabled(providers: dict[str, PaymentProvider], name: str) -> PaymentProvider:
    if name not in providers:
        raise UnknownProviderError(f"no payment provider {name!r} is enabled here")
    return providers[name]


async def _receive(provider: PaymentProvider, request: Request, session: Session) -> WebhookAck:
    """Checks the headers before reading the body, then applies the notice in the request's
    session (in the thread pool: the service and the database driver are synchronous)."""
    provider.check_headers(request.headers)
    notice = provider.verify(request.headers, await request.body())
    order, duplicate = await run_in_threadpool(payments.handle_notice, session, notice)
    return WebhookAck(
        provider=provider.name,
        payment_status=notice.status,
        duplicate=duplicate,
        order=OrderPublic.from_model(order),
    )
