"""The ``lumbung`` command. Each area mounts its own sub-application."""

from __future__ import annotations

import typer

from ipfs.cli import app as ipfs_app

app = typer.Typer(
    help="Lumbung, a data cooperative on Ethereum: operate the node, its storage and its buyers.",
    no_args_is_help=True,
)
app.add_typer(ipfs_app, name="ipfs")

if __name__ == "__main__":
    app()
