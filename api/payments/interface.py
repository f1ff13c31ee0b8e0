"""The one interface the payment webhook uses, whichever provider delivers the notice."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from api.errors import ValidationError

M = TypeVar("M", bound=BaseModel)


class PaymentStatus(StrEnum):
    """What a provider's notice says of the payment; only ``paid`` changes an order."""

    PAID = "paid"
    PENDING = "pending"
    FAILED = "failed"
    REFUNDED = "refunded"


@dataclass(frozen=True)
class PaymentNotice:
    """A verified notice, in the order model's terms.

    ``event_id`` names this delivery's event at the provider (a replay carries the same one);
    ``payment_ref`` names the payment itself (two events of one payment share it). ``amount``
    is in the payment token's base units and ``currency`` is its symbol, as ``Order.price`` and
    ``Order.currency`` hold them.
    """

    provider: str
    event_id: str
    payment_ref: str
    order_id: str
    status: PaymentStatus
    amount: int
    currency: str
    payload: Mapping[str, Any]


@runtime_checkable
class PaymentProvider(Protocol):
    """A payment gateway's webhook scheme.

    Errors are the API's problem types: :class:`api.errors.WebhookSignatureError` (401) for a
    notice that is not the provider's, :class:`api.errors.ValidationError` (422) for a body that
    is not one of its notices.
    """

    @property
    def name(self) -> str:
        """The provider's path segment: ``/v1/webhooks/payments/<name>``."""
        ...

    @property
    def body_model(self) -> type[BaseModel]:
        """The notice body, as the OpenAPI document shows it."""
        ...

    def check_headers(self, headers: Mapping[str, str]) -> None:
        """Refuse what the headers alone give away, before the body is read."""
        ...

    def verify(self, headers: Mapping[str, str], raw_body: bytes) -> PaymentNotice:
        """Authenticate the raw body and read it as a notice."""
        ...


def parse_body(model: type[M], raw_body: bytes) -> M:
    """``raw_body`` as ``model``; raises ValidationError, naming the fields but not their values
    (they can be kilobytes of anything)."""
    try:
        return model.model_validate_json(raw_body)
    except PydanticValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in e['loc']) or 'body'}: {e['msg']}"
            for e in exc.errors()
        )
        raise ValidationError(f"the event body is malformed: {problems}") from exc
