"""A settlement worker that dies at one crash point, as a kill would, for the crash tests.

``python -m tests.api.crashing_worker before_send`` runs one round of the worker (as ``lumbung
worker run --once`` does, with the same ``LUMBUNG_*`` environment) whose crash hook ends the
process with status 137 at that point, before anything after it can run or be cleaned up.
"""

from __future__ import annotations

import os
import sys

from api import worker
from api.context import Context
from api.db import migrate
from api.services.settlement import CrashHook, CrashPoint
from api.settings import get_settings

KILLED = 137  # a shell's status for a process killed by SIGKILL


def exit_at(wanted: CrashPoint) -> CrashHook:
    """A crash hook that ends the process at once at ``wanted``."""

    def hook(point: CrashPoint) -> None:
        if point is wanted:
            os._exit(KILLED)

    return hook


def main(point: str) -> None:
    settings = get_settings()
    migrate(settings.database_url)
    context = Context(settings)
    try:
        worker.run(context, once=True, crash=exit_at(CrashPoint(point)))
    finally:
        context.close()


if __name__ == "__main__":
    main(sys.argv[1])
