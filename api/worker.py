"""The settlement worker's loop: settle paid orders, back off while the chain is down, and
every ``settings.worker_sweep_s`` delete expired consumed nonces and wallet sessions.

The protocol itself lives in :mod:`api.services.settlement`; this module only schedules it.
"""

from __future__ import annotations

import logging
import threading
import time

from api.context import Context
from api.db import transaction
from api.errors import ChainUnavailableError
from api.services import auth
from api.services.settlement import Settler

logger = logging.getLogger(__name__)


def next_delay(current: float, poll_s: float, max_backoff_s: float) -> float:
    """Exponential backoff from ``poll_s``, doubling up to ``max_backoff_s``."""
    return min(max_backoff_s, max(current, poll_s) * 2)


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


def run(context: Context, once: bool = False, stop: threading.Event | None = None) -> int:
    """Runs rounds until ``stop`` is set (or one round with ``once``); returns orders settled.

    While the chain does not answer, nothing changes in the database and the pause between
    rounds doubles up to ``settings.worker_max_backoff_s``. With ``once``, a chain outage is
    raised so the caller can tell a round that did nothing from one that could not run.
    """
    settings = context.settings
    stop = stop or threading.Event()
    settler = Settler(context)
    settled, delay = 0, settings.worker_poll_s
    next_sweep = time.monotonic()
    while True:
        if time.monotonic() >= next_sweep:  # needs no chain: runs through outages too
            sweep(context)
            next_sweep = time.monotonic() + settings.worker_sweep_s
        try:
            settled += settler.run_once()
            delay = settings.worker_poll_s
        except ChainUnavailableError as exc:
            if once:
                raise
            delay = next_delay(delay, settings.worker_poll_s, settings.worker_max_backoff_s)
            logger.warning("%s; next attempt in %.1fs", exc.detail, delay)
        except Exception:
            # A bug or an unexpected answer must not stop settlement: the outbox keeps every
            # entry's state, so the next round resumes where this one failed.
            if once:
                raise
            delay = next_delay(delay, settings.worker_poll_s, settings.worker_max_backoff_s)
            logger.exception("settlement round failed; next attempt in %.1fs", delay)
        if once or stop.wait(delay):
            return settled
