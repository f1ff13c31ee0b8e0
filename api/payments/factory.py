"""Building the payment providers a deployment enables, from its settings."""

from __future__ import annotations

from collections.abc import Callable

from api.payments.errors import ProviderConfigError
from api.payments.hmac import HmacProvider
from api.payments.interface import PaymentProvider
from api.payments.midtrans import MidtransProvider
from api.settings import Settings


def _hmac(settings: Settings) -> PaymentProvider:
    return HmacProvider(settings.webhook_secret.get_secret_value(), settings.webhook_tolerance_s)


def _midtrans(settings: Settings) -> PaymentProvider:
    return MidtransProvider(
        settings.midtrans_server_key.get_secret_value(),
        settings.midtrans_symbol,
        settings.midtrans_decimals,
    )


BUILDERS: dict[str, Callable[[Settings], PaymentProvider]] = {
    HmacProvider.name: _hmac,
    MidtransProvider.name: _midtrans,
}


def open_providers(settings: Settings) -> dict[str, PaymentProvider]:
    """The providers named by ``LUMBUNG_PAYMENT_PROVIDERS``, by name; raises
    ProviderConfigError for a name that is not a provider."""
    unknown = [name for name in settings.enabled_payment_providers if name not in BUILDERS]
    if unknown:
        raise ProviderConfigError(
            f"LUMBUNG_PAYMENT_PROVIDERS names {', '.join(map(repr, unknown))}; the providers "
            f"are {', '.join(map(repr, BUILDERS))}"
        )
    return {name: BUILDERS[name](settings) for name in settings.enabled_payment_providers}
