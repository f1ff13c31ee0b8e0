"""The settlement worker's loop: settle paid orders, back off while the chain is down, every
``settings.aggregate_every_s`` gather reviewed contributions into batches, and every
``settings.worker_sweep_s`` delete expired consumed nonces and wallet sessions.

The protocols themselves live in :mod:`api.services.settlement` and
:mod:`api.services.batching.aggregator`; this module only schedules them.
"""

from __future__ import annotations

import logging
import threading
import time

from api import backoff
from api.context import Context
from api.db import transaction
from api.services import auth
from api.services.batching.aggregator import Aggregator
from api.services.settlement import CrashHook, Settler, no_crash

logger = logging.getLogger(__name__)


def sweep(context: Context) -> None:
    """One sweep of expired sign-in records; a failure is logged and retried next time."""
    try:
        with transaction(context.sessions) as session:
            nonces, sessions = auth.sweep_expired(session)
    except Exception:
        logger.exception("sweeping expired nonces and sessions failed")
        return
    if nonces or sessions:
        logger.info("swept %s expired nonces and %s expired sessions", nonces, sessions)


def run(
    context: Context,
    once: bool = False,
    stop: threading.Event | None = None,
    crash: CrashHook = no_crash,
) -> int:
    """Runs rounds until ``stop`` is set (or one round with ``once``); returns orders settled.

    While the chain does not answer, nothing changes in the database and the pause between
    rounds doubles up to ``settings.worker_max_backoff_s``. With ``once``, a chain outage is
    raised so the caller can tell a round that did nothing from one that could not run.
    ``crash`` is the settler's crash hook (see :mod:`api.services.settlement`).
    """
    settings = context.settings
    settler = Settler(context, crash=crash)
    aggregator = Aggregator(context)
    settled = 0
    next_sweep = next_aggregate = time.monotonic()

    def round_() -> None:
        nonlocal settled, next_sweep, next_aggregate
        if time.monotonic() >= next_sweep:  # needs no chain: runs through outages too
            sweep(context)
            next_sweep = time.monotonic() + settings.worker_sweep_s
        settled += settler.run_once()
        if time.monotonic() >= next_aggregate:
            aggregator.run_once()
            next_aggregate = time.monotonic() + settings.aggregate_every_s

    if once:
        round_()
        return settled
    backoff.run_forever(
        round_,
        base=settings.worker_poll_s,
        cap=settings.worker_max_backoff_s,
        stop=stop or threading.Event(),
        log=logger,
    )
    return settled
