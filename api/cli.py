"""The ``lumbung`` command. Each area mounts its own sub-application."""

from __future__ import annotations

import typer

from api.cli_buyer import app as buyer_app
from api.cli_curator import app as curator_app
from api.cli_indexer import app as indexer_app
from api.cli_vault import app as vault_app
from api.cli_worker import app as worker_app
from ipfs.cli import app as ipfs_app

app = typer.Typer(
    help="Lumbung, a data cooperative on Ethereum: operate the node, its storage and its buyers.",
    no_args_is_help=True,
)
app.add_typer(ipfs_app, name="ipfs")
app.add_typer(buyer_app, name="buyer")
app.add_typer(worker_app, name="worker")
app.add_typer(indexer_app, name="indexer")
app.add_typer(vault_app, name="vault")
app.add_typer(curator_app, name="curator")

if __name__ == "__main__":
    app()
