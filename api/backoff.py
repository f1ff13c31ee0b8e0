"""The loop of the long-running processes (the settlement worker, the indexer): call one step
again and again; back off while it fails.

A step that raises is logged and retried, so an outage or a bug in one round never stops the
process: the database keeps where the work stood, and the next round resumes from there.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from api.errors import ChainUnavailableError


def next_delay(current: float, base: float, cap: float) -> float:
    """Exponential backoff from ``base``, doubling up to ``cap``."""
    return min(cap, max(current, base) * 2)


def run_forever(
    step: Callable[[], object],
    *,
    base: float,
    cap: float,
    stop: threading.Event,
    log: logging.Logger,
) -> None:
    """Calls ``step`` until ``stop`` is set, ``base`` seconds apart while it succeeds.

    After a failure the pause doubles, up to ``cap``; the next success brings it back to
    ``base``. An unavailable chain is logged as a warning, anything else with its traceback.
    """
    delay = base
    while not stop.is_set():
        try:
            step()
        except ChainUnavailableError as exc:
            delay = next_delay(delay, base, cap)
            log.warning("%s; next attempt in %.1fs", exc.detail, delay)
        except Exception:
            delay = next_delay(delay, base, cap)
            log.exception("round failed; next attempt in %.1fs", delay)
        else:
            delay = base
        stop.wait(delay)
