"""The indexer: follows the cooperative's contract events into the database.

Entry points: :func:`run_once` (one pass up to the head less the confirmations),
:func:`index_until_head` (for tests and scripts), :func:`run_forever` (the ``lumbung indexer
run`` loop) and :func:`rebuild_all` (``lumbung indexer rebuild``).
"""

from __future__ import annotations

from api.indexer.follower import (
    Follower,
    index_until_head,
    rebuild_all,
    run_forever,
    run_once,
)

__all__ = ["Follower", "index_until_head", "rebuild_all", "run_forever", "run_once"]
