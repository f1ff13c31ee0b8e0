"""The payment provider's webhook: signed ``payment.succeeded`` events mark orders paid."""

from __future__ import annotations

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
    """A payment provider's event. The HMAC covers the raw body, so it is read unparsed, and
    only once the header's form and timestamp pass; the body is bounded (413 past 8 KiB)."""
    settings = context.settings
    signature = payments.parse_signature(lumbung_signature, settings.webhook_tolerance_s)
    raw = await request.body()
    payments.check_signature(settings.webhook_secret.get_secret_value(), signature, raw)
    try:
        event = PaymentWebhook.model_validate_json(raw)
    except PydanticValidationError as exc:
        raise ValidationError(f"the event body is malformed: {_errors(exc)}") from exc
    order, duplicate = await run_in_threadpool(
        payments.handle_payment_event, context.sessions, event
    )
    return WebhookAck(duplicate=duplicate, order=orders.to_public(order))


def _errors(exc: PydanticValidationError) -> str:
    """The validation errors without the input values (they can be 8 KiB of anything)."""
    return "; ".join(
        f"{'.'.join(str(part) for part in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()
    )
