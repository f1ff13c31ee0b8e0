"""``lumbung worker``: the settlement worker that settles paid orders on-chain exactly once,
and the aggregator that submits batches of reviewed contributions (``lumbung worker
aggregate``; ``run`` aggregates too, every LUMBUNG_AGGREGATE_EVERY_S)."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

import typer

from api import worker
from api.context import Context
from api.db import migrate
from api.errors import ChainUnavailableError
from api.redaction import install_log_redaction
from api.services.batching.aggregator import Aggregator
from api.settings import get_settings

app = typer.Typer(help="The settlement worker and the batch aggregator.", no_args_is_help=True)


def _context(verbose: bool) -> Context:
    """Logging set up, the database migrated, and the process's context."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    install_log_redaction()
    settings = get_settings()
    migrate(settings.database_url)
    return Context(settings)


def _chain_down(exc: ChainUnavailableError) -> typer.Exit:
    typer.echo(f"chain unavailable: {exc.detail}", err=True)
    return typer.Exit(75)  # EX_TEMPFAIL: try again later


@app.command()
def run(
    once: bool = typer.Option(False, "--once", help="settle what is due now, then exit"),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="log at DEBUG"),
) -> None:
    """Settle paid orders through DataMarket.settleOffchain (one worker per relayer key)."""
    context = _context(verbose)
    stop = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        settled = worker.run(context, once=once, stop=stop)
    except ChainUnavailableError as exc:
        raise _chain_down(exc) from exc
    finally:
        context.close()
    typer.echo(f"settled {settled} orders")


@app.command()
def aggregate(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="log at DEBUG"),
) -> None:
    """Gather reviewed contributions into batches and submit them (submitBatch), once, now."""
    context = _context(verbose)
    try:
        submitted = Aggregator(context).run_once()
    except ChainUnavailableError as exc:
        raise _chain_down(exc) from exc
    finally:
        context.close()
    typer.echo(f"submitted {submitted} batches")
