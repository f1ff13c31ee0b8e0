"""The payment provider's webhook: signed ``payment.succeeded`` events mark orders paid."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Header, Request
from pydantic import ValidationError as PydanticValidationError
from starlette.concurrency import run_in_threadpool

from api.deps import ContextDep
from api.errors import ValidationError
from api.schemas_orders import PaymentWebhook, WebhookAck
from api.services import orders, payments

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


@router.post(
    "/payments",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": PaymentWebhook.model_json_schema()}},
        }
    },
)
async def payment_webhook(
    request: Request,
    context: ContextDep,
    lumbung_signature: Annotated[
        str | None,
        Header(
            alias="Lumbung-Signature",
            description="t=<unix seconds>,v1=<hex HMAC-SHA256 of '<t>.<raw body>'>",
        ),
    ] = None,
) -> WebhookAck:
    """A payment provider's event. The HMAC covers the raw body, so it is read unparsed first."""
    raw = await request.body()
    settings = context.settings
    payments.verify_signature(
        settings.webhook_secret.get_secret_value(),
        lumbung_signature,
        raw,
        settings.webhook_tolerance_s,
    )
    try:
        event = PaymentWebhook.model_validate(json.loads(raw))
    except (ValueError, PydanticValidationError) as exc:
        raise ValidationError(f"the event body is malformed: {exc}") from exc
    order, duplicate = await run_in_threadpool(
        payments.handle_payment_event, context.sessions, event
    )
    return WebhookAck(duplicate=duplicate, order=orders.to_public(order))
