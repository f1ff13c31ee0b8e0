"""``lumbung vault``: the vault's keys (see docs/erasure.md)."""

from __future__ import annotations

import logging

import typer

from api.context import Context
from api.db import migrate
from api.redaction import install_log_redaction
from api.services import kek_rotation, vault
from api.services.contributions import vault_of
from api.settings import get_settings

app = typer.Typer(help="The vault's keys: rotate the key-encryption key.", no_args_is_help=True)


@app.command("rotate-kek")
def rotate_kek(
    new_kek: str = typer.Option(
        ...,
        envvar="LUMBUNG_NEW_KEK",
        prompt="new KEK (64 hex digits)",
        hide_input=True,
        help="the new key-encryption key, 32 bytes of hex (read from LUMBUNG_NEW_KEK)",
    ),
) -> None:
    """Re-wrap every key under a new KEK (LUMBUNG_KEK is the current one); no ciphertext is
    touched. Stop the API, the indexer and the worker first; afterwards set LUMBUNG_KEK to the
    new key and destroy the old one."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    install_log_redaction()
    try:
        replacement = vault.parse_kek(new_kek)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    settings = get_settings()
    keys = vault_of(settings)
    if replacement == keys.kek:
        typer.echo("error: the new KEK is the current one", err=True)
        raise typer.Exit(2)
    migrate(settings.database_url)
    context = Context(settings)
    try:
        done = kek_rotation.rotate_kek(context.sessions, context.ipfs, keys, replacement)
    finally:
        context.close()
    typer.echo(
        f"moved {done.moved} format-1 keys into the key store; re-sealed {done.resealed} keys "
        "under the new KEK. Set LUMBUNG_KEK to the new key and destroy the old one."
    )
