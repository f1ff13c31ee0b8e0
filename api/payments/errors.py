"""Errors of the payment providers' seam that the API's own problem types do not cover."""

from __future__ import annotations

from api.errors import NotFoundError


class UnknownProviderError(NotFoundError):
    """A webhook path naming a provider this deployment does not enable."""

    slug, title = "payment-provider-unknown", "No such payment provider"


class ProviderConfigError(RuntimeError):
    """``LUMBUNG_PAYMENT_PROVIDERS`` names a provider that does not exist."""
