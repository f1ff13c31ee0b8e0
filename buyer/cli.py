"""The buyer's own commands, mounted beside the operator's under ``lumbung buyer``.

They need no database and no operator secret: the API's address and the buyer's API key (an
off-chain buyer) or wallet key (a wallet buyer), and for the chain an RPC node and the
cooperative's deployments file, each from an option or its environment variable.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

from buyer.api import ApiError, BuyerApi, DownloadInterruptedError, OrderFailedError
from buyer.market import Market, PurchaseFailedError
from buyer.onchain import ChainRecordError, Cooperative
from buyer.verify import verify_delivery
from lumbung.deployment import DeploymentRecord
from lumbung.protocol import PURPOSE_NAMES

PANEL = "Buyer: your own purchases"

ApiUrl = Annotated[str, typer.Option(envvar="LUMBUNG_API_URL", help="the cooperative's API")]
ApiKey = Annotated[
    str | None, typer.Option(envvar="LUMBUNG_API_KEY", help="an off-chain buyer's API key")
]
WalletKey = Annotated[
    str | None,
    typer.Option(envvar="LUMBUNG_BUYER_KEY", help="the buyer wallet's private key (hex)"),
]
RpcUrl = Annotated[str, typer.Option(envvar="LUMBUNG_RPC_URL", help="an Ethereum RPC node")]
Deployment = Annotated[
    Path,
    typer.Option(
        envvar="LUMBUNG_DEPLOYMENT",
        help="the cooperative's deployments file (its published record, not the API's word)",
    ),
]
DEFAULT_API = "http://127.0.0.1:8000"
DEFAULT_RPC = "http://127.0.0.1:8545"


def _say(data: object) -> None:
    typer.echo(json.dumps(data, indent=2, default=str))


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _api(url: str, api_key: str | None, wallet_key: str | None = None) -> BuyerApi:
    client = BuyerApi(url, api_key)
    if not api_key and wallet_key:
        client.sign_in(wallet_key)
    return client


def _purpose(name: str) -> int:
    if name not in PURPOSE_NAMES:
        _fail(f"unknown purpose {name!r}; one of {', '.join(PURPOSE_NAMES)}")
    return PURPOSE_NAMES.index(name)


def catalogue(api_url: ApiUrl = DEFAULT_API) -> None:
    """The pools for sale, with their price and purposes."""
    with _guard():
        _say([p for p in _api(api_url, None).catalogue() if p["listed"]])


def quote(
    pool_id: int, rpc_url: RpcUrl = DEFAULT_RPC, deployment: Deployment = Path("deployment.json")
) -> None:
    """The pool's price on-chain now (what ``purchase`` would pay)."""
    with _guard():
        listing = Cooperative(rpc_url, DeploymentRecord.load(deployment)).quote(pool_id)
        _say({**listing.__dict__, "price": str(listing.price)})


def order(
    pool_id: int,
    purpose: str,
    idempotency_key: Annotated[
        str | None, typer.Option(help="repeat the same key to retry without a second order")
    ] = None,
    api_url: ApiUrl = DEFAULT_API,
    api_key: ApiKey = None,
) -> None:
    """An off-chain order (a quote held until it expires), safe to retry with its key."""
    _purpose(purpose)
    with _guard():
        _say(_api(api_url, api_key).order(pool_id, purpose, idempotency_key))


def wait(
    order_id: str,
    timeout: float = 300.0,
    api_url: ApiUrl = DEFAULT_API,
    api_key: ApiKey = None,
) -> None:
    """Waits until the order is settled on-chain; prints its purchase id."""
    with _guard():
        typer.echo(_api(api_url, api_key).wait_for_settlement(order_id, timeout))


def purchase(
    pool_id: int,
    purpose: str,
    max_price: Annotated[int, typer.Option(help="the most to pay, in the token's units")],
    permit: Annotated[
        bool | None, typer.Option(help="pay with an ERC-2612 permit (default: if the token can)")
    ] = None,
    wallet_key: WalletKey = None,
    rpc_url: RpcUrl = DEFAULT_RPC,
    deployment: Deployment = Path("deployment.json"),
) -> None:
    """Buys on-chain from your own wallet (``DataMarket.purchase``, at most ``--max-price``)."""
    if not wallet_key:
        _fail("a wallet key is needed (--wallet-key or LUMBUNG_BUYER_KEY)")
    with _guard():
        market = Market(Cooperative(rpc_url, DeploymentRecord.load(deployment)), wallet_key)
        _say(market.purchase(pool_id, _purpose(purpose), max_price, permit).__dict__)


def download(
    purchase_id: int,
    out: Annotated[Path | None, typer.Option(help="default: lumbung-purchase-<id>.tar")] = None,
    form: Annotated[str, typer.Option(help="ciphertext (verifiable) or plaintext")] = "ciphertext",
    timeout: Annotated[float, typer.Option(help="seconds to wait for the API to index it")] = 300,
    api_url: ApiUrl = DEFAULT_API,
    api_key: ApiKey = None,
    wallet_key: WalletKey = None,
) -> None:
    """Downloads the purchase's delivery with a progress bar; run it again to resume."""
    destination = out or Path(f"lumbung-purchase-{purchase_id}.tar")
    with _guard():
        client = _api(api_url, api_key, wallet_key)
        client.wait_for_purchase(purchase_id, timeout)
        columns = (BarColumn(), DownloadColumn(), TransferSpeedColumn())
        with Progress(*Progress.get_default_columns()[:1], *columns) as bar:
            task = bar.add_task(destination.name, total=None)
            client.download(
                purchase_id,
                destination,
                form,
                lambda done, total: bar.update(task, completed=done, total=total),
            )
    typer.echo(str(destination))


def verify(
    archive: Path,
    purchase_id: Annotated[
        int | None,
        typer.Option("--purchase", help="the purchase you made (default: the manifest's)"),
    ] = None,
    report: Annotated[
        Path | None, typer.Option(help="default: <archive>.verification.json")
    ] = None,
    plaintext: Annotated[
        Path | None, typer.Option(help="a folder to receive each verified file, decrypted")
    ] = None,
    rpc_url: RpcUrl = DEFAULT_RPC,
    deployment: Deployment = Path("deployment.json"),
) -> None:
    """Checks a ciphertext delivery against the chain; exits 1 on any mismatch."""
    with _guard():
        cooperative = Cooperative(rpc_url, DeploymentRecord.load(deployment))
        if plaintext is not None:
            plaintext.mkdir(parents=True, exist_ok=True)
        found = verify_delivery(archive, cooperative, purchase_id, plaintext)
    path = found.write(report or archive.with_name(archive.name + ".verification.json"))
    for failure in found.failures:
        typer.echo(f"FAIL {failure.code}: {failure.reason}", err=True)
    if not found.ok:
        typer.echo(f"verification failed; report in {path}", err=True)
        raise typer.Exit(1)
    typer.echo(
        f"verified: {len(found.verified)} contributions match the chain, "
        f"{len(found.left_out)} left out since; report in {path}"
    )


@contextlib.contextmanager
def _guard() -> Iterator[None]:
    """The client's errors as a one-line message and exit status 2 (1 is a failed check)."""
    try:
        yield
    except (
        ApiError,
        DownloadInterruptedError,
        OrderFailedError,
        PurchaseFailedError,
        ChainRecordError,
        TimeoutError,
        OSError,
    ) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc


COMMANDS = (catalogue, quote, order, wait, purchase, download, verify)


def register(app: typer.Typer) -> None:
    """Adds the buyer's commands to ``app`` (``lumbung buyer``), in a help panel of their own."""
    for command in COMMANDS:
        app.command(rich_help_panel=PANEL)(command)
