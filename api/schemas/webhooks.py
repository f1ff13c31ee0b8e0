"""Bodies of payment providers' webhooks: ``/v1/webhooks``."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.payments.interface import PaymentStatus
from api.schemas.common import AmountStr, RequestBody
from api.schemas.orders import OrderPublic


class PaymentWebhook(RequestBody):
    """The ``hmac`` provider's event, signed in the ``Lumbung-Signature`` header."""

    event_id: str = Field(min_length=1, max_length=255)
    type: Literal["payment.succeeded"]
    order_id: str = Field(min_length=1, max_length=36)
    amount: AmountStr
    currency: str = Field(min_length=1, max_length=16)


class WebhookAck(BaseModel):
    received: bool = True
    provider: str = Field(description="the payment provider whose notice this was")
    payment_status: PaymentStatus = Field(
        description="what the notice said of the payment; only paid changes the order"
    )
    duplicate: bool = Field(description="true when this event_id was already processed")
    order: OrderPublic
