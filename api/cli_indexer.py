"""``lumbung indexer``: follow the chain into the database, or rebuild the projections."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

import typer

from api.context import Context
from api.db import migrate
from api.errors import ChainUnavailableError
from api.indexer import rebuild_all, run_forever, run_once
from api.redaction import install_log_redaction
from api.settings import get_settings

app = typer.Typer(
    help="Follow the cooperative's contract events into the database.", no_args_is_help=True
)

logger = logging.getLogger(__name__)


def _context() -> Context:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    install_log_redaction()
    settings = get_settings()
    migrate(settings.database_url)
    return Context(settings)


@app.command()
def run(
    once: bool = typer.Option(False, "--once", help="index up to the head, then exit"),
) -> None:
    """Follow the chain (LUMBUNG_RPC_URL) into the database (LUMBUNG_DATABASE_URL)."""
    context = _context()
    try:
        if once:
            try:
                processed = run_once(context)
            except ChainUnavailableError as exc:
                typer.echo(f"error: {exc.detail}", err=True)
                raise typer.Exit(1) from exc
            typer.echo(f"indexed {processed} blocks")
            return
        stop = threading.Event()

        def _stop(signum: int, _frame: FrameType | None) -> None:
            logger.info("signal %s: stopping", signum)
            stop.set()

        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)
        run_forever(context, stop)
    finally:
        context.close()


@app.command()
def rebuild() -> None:
    """Rebuild every projection from the stored event log (no chain calls)."""
    context = _context()
    try:
        count = rebuild_all(context)
        typer.echo(f"rebuilt the projections from {count} events")
    finally:
        context.close()
