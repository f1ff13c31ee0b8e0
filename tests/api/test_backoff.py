"""The shared loop of the worker and the indexer: steps repeat, failures back off, stop stops."""

from __future__ import annotations

import itertools
import logging
import threading
import time

import pytest

from api.backoff import next_delay, run_forever
from api.errors import ChainUnavailableError

logger = logging.getLogger(__name__)


class CountedStop(threading.Event):
    """A stop event that records each pause asked of it and sets itself after ``rounds``."""

    def __init__(self, rounds: int) -> None:
        super().__init__()
        self.rounds = rounds
        self.pauses: list[float | None] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.pauses.append(timeout)
        if len(self.pauses) >= self.rounds:
            self.set()
        return self.is_set()


def test_next_delay_doubles_up_to_the_cap() -> None:
    delays = [0.1]
    for _ in range(8):
        delays.append(next_delay(delays[-1], 0.1, 1.0))
    assert delays == [0.1, 0.2, 0.4, 0.8, 1.0, 1.0, 1.0, 1.0, 1.0]


def test_failures_back_off_and_a_success_resets_the_pause(
    caplog: pytest.LogCaptureFixture,
) -> None:
    outcomes = iter(["down", "bug", "down", "down", "ok", "down", "ok"])

    def step() -> None:
        outcome = next(outcomes)
        if outcome == "down":
            raise ChainUnavailableError("chain RPC does not answer")
        if outcome == "bug":
            raise ValueError("an unexpected answer")

    stop = CountedStop(rounds=7)
    with caplog.at_level(logging.WARNING, logger=__name__):
        run_forever(step, base=1.0, cap=5.0, stop=stop, log=logger)
    assert stop.pauses == [2.0, 4.0, 5.0, 5.0, 1.0, 2.0, 1.0]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(warnings) == 4 and "does not answer" in warnings[0].getMessage()
    assert len(errors) == 1 and errors[0].exc_info is not None  # a bug keeps its traceback


def test_stop_ends_the_loop_within_one_pause() -> None:
    calls: list[float] = []
    stop = threading.Event()
    loop = threading.Thread(
        target=run_forever,
        args=(lambda: calls.append(time.monotonic()),),
        kwargs={"base": 0.01, "cap": 0.05, "stop": stop, "log": logger},
    )
    loop.start()
    while len(calls) < 3:
        time.sleep(0.005)
    stop.set()
    loop.join(2)
    assert not loop.is_alive()
    # Paused base seconds apart (less a clock tick's tolerance).
    assert all(later - earlier >= 0.009 for earlier, later in itertools.pairwise(calls))


def test_a_stop_set_before_the_start_runs_no_step() -> None:
    stop = threading.Event()
    stop.set()
    run_forever(lambda: pytest.fail("a step ran"), base=0.01, cap=0.01, stop=stop, log=logger)
