"""``lumbung curator``: a curator's workbench in the terminal, through the API.

``queue`` lists what waits for review (with each pool's rubric and duplicate flags), ``open``
downloads a contribution's file for review (the member's access log records it), ``accept`` and
``reject`` sign the EIP-712 Review with the curator's key and post it (no transaction: the
cooperative batches reviews for the curator to confirm), ``history`` shows the curator's reviews,
throughput and pay. The key comes from ``LUMBUNG_CURATOR_KEY`` or ``--key-file``; every command
signs in with Sign-In with Ethereum first.

Before signing, the Review is checked to be for the consent shown: its digest is recomputed
here from the item's pool, CID, contributor and deadline under the registry's domain, and that
domain must be the chain and registry the API's ``/v1/config`` names.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from eth_account import Account
from eth_utils import to_checksum_address

from api.services.curation import REJECT_CODES, compose_reason
from buyer.api import ApiError, BuyerApi, _checked
from ipfs.cid import parse_cid
from lumbung import consent as eip712

app = typer.Typer(
    help="A curator's reviews: the queue, a contribution opened for review, accept or reject "
    "(signed EIP-712 reviews), history and pay.",
    no_args_is_help=True,
)

DEFAULT_API = "http://127.0.0.1:8000"
ApiUrl = Annotated[str, typer.Option(envvar="LUMBUNG_API_URL", help="the cooperative's API")]
KeyFile = Annotated[
    Path | None,
    typer.Option("--key-file", help="a file holding the curator's private key (hex)"),
]
CuratorKey = Annotated[
    str | None,
    typer.Option(
        envvar="LUMBUNG_CURATOR_KEY", hidden=True, help="the curator's private key (hex)"
    ),
]


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _key(key_file: Path | None, env_key: str | None) -> str:
    if key_file is not None:
        try:
            return key_file.read_text().strip()
        except OSError as exc:
            _fail(f"cannot read {key_file}: {exc.strerror}")
    if env_key:
        return env_key.strip()
    _fail("no key: set LUMBUNG_CURATOR_KEY or pass --key-file")


@contextmanager
def _session(api_url: str, key_file: Path | None, env_key: str | None) -> Iterator[BuyerApi]:
    """The API, signed in as the curator (the buyer client's SIWE sign-in serves any wallet)."""
    key = _key(key_file, env_key)
    try:
        Account.from_key(key)
    except (ValueError, TypeError):
        _fail("the curator's key is not a private key (32 bytes of hex)")
    api = BuyerApi(api_url)
    try:
        api.sign_in(key)
        yield api
    except ApiError as exc:
        _fail(exc.detail if exc.status != 403 else f"refused: {exc.detail}")
    finally:
        api.close()


def _get(api: BuyerApi, path: str) -> Any:
    return _checked(api.http.get(path))


def _fetched(path: str, as_json: bool, api_url: str, key_file: Path | None,
             env_key: str | None) -> Any:
    """The API's answer at ``path``, signed in; printed and None with ``as_json``."""
    with _session(api_url, key_file, env_key) as api:
        found = _get(api, path)
    if as_json:
        typer.echo(json.dumps(found, indent=2))
        return None
    return found


def _rubric_text(text: dict[str, str]) -> str:
    return text.get("en") or text.get("") or next(iter(text.values()), "")


def _queued(api: BuyerApi, contribution_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    queue = _get(api, "/curation/queue")
    for item in queue["items"]:
        if item["contribution_id"] == contribution_id.lower():
            return queue, item
    _fail(f"{contribution_id} is not in your queue (reviewed, expired, or your own)")


def review_typed(config: dict[str, Any], queue: dict[str, Any], item: dict[str, Any],
                 weight: int, reason: str) -> dict[str, Any]:
    """The Review to sign, if the queue's domain is this chain's registry and the digest it
    names is the consent shown (recomputed here); exits otherwise, before signing."""
    shown = queue["domain"]
    domain = eip712.RegistryDomain(int(shown["chainId"]), str(shown["verifyingContract"]))
    registry = config["contracts"].get("ContributionRegistry", "")
    consent = eip712.consent_typed_data(
        domain,
        pool_id=int(item["pool_id"]),
        cid=bytes(parse_cid(item["cid"])),
        contributor=item["contributor"],
        deadline=int(item["deadline"]),
    )
    if (
        domain.as_json() != shown
        or domain.chain_id != int(config["chain_id"])
        or to_checksum_address(domain.registry) != to_checksum_address(registry)
        or "0x" + eip712.digest(consent).hex() != item["consent_digest"].lower()
    ):
        _fail("the review to sign is not for this file in this cooperative; nothing was signed")
    return eip712.review_typed_data(
        domain,
        consent_digest=bytes.fromhex(item["consent_digest"].removeprefix("0x")),
        weight=weight,
        reason=reason,
    )


def _review(api: BuyerApi, key: str, contribution_id: str, weight: int, reason: str) -> None:
    queue, item = _queued(api, contribution_id)
    typed = review_typed(_get(api, "/config"), queue, item, weight, reason)
    signature = "0x" + eip712.sign(typed, key).hex()
    kept = _checked(
        api.http.post(
            "/curation/reviews",
            json={
                "contribution_id": item["contribution_id"],
                "weight": weight,
                "reason": reason,
                "signature": signature,
            },
        )
    )
    typed_line = f"weight {kept['weight']}" if kept["weight"] else f"reason {kept['reason']!r}"
    typer.echo(f"{kept['verdict']} {item['contribution_id']} ({typed_line})")


@app.command()
def queue(
    pool: Annotated[int | None, typer.Option(help="only this pool")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the API's answer")] = False,
    api_url: ApiUrl = DEFAULT_API,
    key_file: KeyFile = None,
    curator_key: CuratorKey = None,
) -> None:
    """What waits for your review, oldest first, with each pool's rubric."""
    path = "/curation/queue" + (f"?pool_id={pool}" if pool is not None else "")
    found = _fetched(path, as_json, api_url, key_file, curator_key)
    if found is None:
        return
    for pool_id, rubric in found["pools"].items():
        typer.echo(f"pool {pool_id} {rubric['name']!r}: weight 1 to {rubric['max_weight']}")
        for level in rubric["rubric"]:
            typer.echo(f"  from {level['weight']:>3}: {_rubric_text(level['text'])}")
    if not found["items"]:
        typer.echo("Nothing waits for a review.")
    for item in found["items"]:
        typer.echo(
            f"{item['contribution_id']}  pool {item['pool_id']}  from {item['contributor']}"
            f"  signed {item['signed_at']}"
        )
        for same in item["duplicates"]:
            who = "the same member" if same["same_contributor"] else "another member"
            typer.echo(f"  same file as contribution {same['contribution_id']} by {who}")


@app.command(name="open")
def open_(
    contribution_id: str,
    out: Annotated[Path, typer.Option("--out", "-o", help="where to write the file")],
    api_url: ApiUrl = DEFAULT_API,
    key_file: KeyFile = None,
    curator_key: CuratorKey = None,
) -> None:
    """Download a contribution waiting for review (the member's access log records it)."""
    with _session(api_url, key_file, curator_key) as api:
        with api.http.stream("GET", f"/curation/contributions/{contribution_id}/content") as got:
            if not got.is_success:
                got.read()
                raise ApiError(got.status_code, str(got.json().get("detail")))
            size = 0
            with out.open("wb") as sink:
                for piece in got.iter_bytes():
                    sink.write(piece)
                    size += len(piece)
            kind = got.headers.get("content-type", "")
    typer.echo(f"wrote {out} ({size} bytes, {kind})")


@app.command()
def accept(
    contribution_id: str,
    weight: Annotated[int, typer.Option(min=1, help="within the pool's maximum")],
    api_url: ApiUrl = DEFAULT_API,
    key_file: KeyFile = None,
    curator_key: CuratorKey = None,
) -> None:
    """Accept with a weight: sign the Review and post it."""
    key = _key(key_file, curator_key)
    with _session(api_url, key_file, curator_key) as api:
        _review(api, key, contribution_id, weight, "")


@app.command()
def reject(
    contribution_id: str,
    reason: Annotated[str, typer.Option(help=f"one of: {', '.join(REJECT_CODES)}")],
    note: Annotated[str, typer.Option(help="free text the member reads")] = "",
    api_url: ApiUrl = DEFAULT_API,
    key_file: KeyFile = None,
    curator_key: CuratorKey = None,
) -> None:
    """Reject with a template reason and a note: sign the Review and post it."""
    if reason not in REJECT_CODES:
        _fail(f"--reason is one of {', '.join(REJECT_CODES)}")
    if reason == "other" and not note.strip():
        _fail("--reason other needs a --note saying why")
    key = _key(key_file, curator_key)
    with _session(api_url, key_file, curator_key) as api:
        _review(api, key, contribution_id, 0, compose_reason(reason, note))


@app.command()
def history(
    as_json: Annotated[bool, typer.Option("--json", help="print the API's answer")] = False,
    api_url: ApiUrl = DEFAULT_API,
    key_file: KeyFile = None,
    curator_key: CuratorKey = None,
) -> None:
    """Your reviews, throughput and pay."""
    found = _fetched("/curation/history", as_json, api_url, key_file, curator_key)
    if found is None:
        return
    done, pay = found["throughput"], found["pay"]
    typer.echo(
        f"reviews: {done['total']} ({done['accepted']} accepted, {done['rejected']} rejected); "
        f"last 24 h {done['last_day']}, last 7 days {done['last_week']}"
    )
    typer.echo(
        f"pay: {pay['credited_reviews']} of {pay['total_credited']} credited reviews share the "
        f"workers' {pay['workers_bps'] / 100:g}% of every sale; claimable {pay['claimable']}, "
        f"claimed {pay['claimed']} (base units)"
    )
    for row in found["reviews"]:
        said = f"weight {row['weight']}" if row["weight"] else f"{row['reason']!r}"
        typer.echo(
            f"{row['reviewed_at']}  pool {row['pool_id']}  {row['verdict']:8}  {said}  "
            f"{row['contribution_id']}  batch {row['batch_status'] or '-'}"
        )
