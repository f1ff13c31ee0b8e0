"""``lumbung worker``: the settlement worker that settles paid orders on-chain exactly once."""

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
from api.settings import get_settings

app = typer.Typer(help="The settlement worker.", no_args_is_help=True)


@app.command()
def run(
    once: bool = typer.Option(False, "--once", help="settle what is due now, then exit"),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="log at DEBUG"),
) -> None:
    """Settle paid orders through DataMarket.settleOffchain (one worker per relayer key)."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    install_log_redaction()
    settings = get_settings()
    migrate(settings.database_url)
    context = Context(settings)
    stop = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        settled = worker.run(context, once=once, stop=stop)
    except ChainUnavailableError as exc:
        typer.echo(f"chain unavailable: {exc.detail}", err=True)
        raise typer.Exit(75) from exc  # EX_TEMPFAIL: try again later
    finally:
        context.close()
    typer.echo(f"settled {settled} orders")
