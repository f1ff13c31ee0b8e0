"""The gas relay: members' signed actions sent and paid for by the cooperative's gas relayer.

:mod:`~api.services.relay.allowlist` says what is relayed, :mod:`~api.services.relay.prepare`
checks a request, :mod:`~api.services.relay.quota` counts each account's relays,
:mod:`~api.services.relay.gas_relay` simulates, sends and records, and
:mod:`~api.services.relay.views` shows the terms, the transactions and their totals.
"""

from api.services.relay.gas_relay import GasRelay
from api.services.relay.views import relay_info, relay_totals, transactions

__all__ = ["GasRelay", "relay_info", "relay_totals", "transactions"]
