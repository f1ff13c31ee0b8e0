"""``lumbung buyer``: the operator registers off-chain buyers and manages their API keys
(``create``, ``rotate``, ``disable``, ``list``); beside them, the buyer's own commands
(``catalogue``, ``quote``, ``order``, ``wait``, ``purchase``, ``download``, ``verify``, from
:mod:`buyer.cli`), each in a help panel of its own."""

from __future__ import annotations

import typer
from sqlalchemy.orm import Session, sessionmaker

from api.db import make_engine, make_sessionmaker, migrate, transaction
from api.services import buyers
from api.settings import get_settings
from buyer.cli import register as register_buyer_commands

app = typer.Typer(
    help="Off-chain buyers and their API keys (the operator's), and a buyer's own purchases.",
    no_args_is_help=True,
)
OPERATOR = "Operator: buyers and their API keys"


def _sessions() -> sessionmaker[Session]:
    settings = get_settings()
    migrate(settings.database_url)
    return make_sessionmaker(make_engine(settings.database_url))


@app.command(rich_help_panel=OPERATOR)
def create(name: str) -> None:
    """Register a buyer and print its API key (shown this once only)."""
    with transaction(_sessions()) as session:
        issued = buyers.create_buyer(session, name)
        typer.echo(f"buyer   {issued.buyer.id}  {issued.buyer.name}")
        typer.echo(f"api key {issued.api_key}")
        typer.echo("Store the key now: only its hash is kept.", err=True)


@app.command(rich_help_panel=OPERATOR)
def rotate(name: str) -> None:
    """Replace a buyer's API key and print the new one."""
    with transaction(_sessions()) as session:
        typer.echo(f"api key {buyers.rotate_key(session, name).api_key}")


@app.command(rich_help_panel=OPERATOR)
def disable(name: str) -> None:
    """Refuse the buyer's key from now on."""
    with transaction(_sessions()) as session:
        buyers.set_disabled(session, name, True)


@app.command(name="list", rich_help_panel=OPERATOR)
def list_() -> None:
    """List buyers (never their keys)."""
    with transaction(_sessions()) as session:
        for buyer in buyers.list_buyers(session):
            state = "disabled" if buyer.disabled else "active"
            typer.echo(f"{buyer.id}  {buyer.key_prefix}…  {state:8}  {buyer.name}")


register_buyer_commands(app)
