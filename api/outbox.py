"""The states of a settlement outbox entry (``settlement_outbox.state``).

``pending → signed → sent → mined → done``; :mod:`api.services.settlement` moves entries along.
The values are what the database stores.
"""

from __future__ import annotations

from enum import StrEnum


class OutboxState(StrEnum):
    PENDING = "pending"  # no transaction: the next try asks the chain, then signs
    SIGNED = "signed"  # signed and committed; maybe not sent
    SENT = "sent"  # broadcast; waiting for its receipt
    MINED = "mined"  # a Purchased event was found; waiting for the confirmations
    DONE = "done"  # settled, refused or failed: nothing more to do
