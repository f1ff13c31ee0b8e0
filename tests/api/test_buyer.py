"""The buyer client against a real delivery: on-chain purchase from the buyer's own wallet, an
off-chain order, resumable download, and ``verify`` against the registry's events on Anvil.

Each tampering a buyer must catch is applied to a real delivery tar: a corrupted, truncated,
swapped or withheld file each fails ``verify`` with its own reason; a lie in the manifest fails
too. Debian's ``age -d`` decrypts a delivered ciphertext with its delivered identity.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from web3 import Web3
from web3.contract import Contract

from api.context import Context
from api.db import transaction
from api.models import VaultItem
from api.settings import Settings
from buyer.api import BuyerApi, DownloadInterruptedError
from buyer.market import Market, PurchaseFailedError
from buyer.onchain import Cooperative
from buyer.verify import Report, verify_delivery
from ipfs.cid import parse_cid
from lumbung.deployment import DeploymentRecord
from tests.api.harness import ADDRESSES, KEYS, PRODUCER, AnvilChain, run_cli, send, serve_api
from tests.api.identity_helpers import contribute, index, login
from tests.api.orderflow import make_buyer, pay, run_worker, worker_env

BUYER = 6
POOL = 1
KiB = 1024
AGE = shutil.which("age")


@dataclass
class Bought:
    purchase_id: int
    archive: Path
    files: dict[str, bytes]  # contribution id -> plaintext
    revoked: str
    cooperative: Cooperative


def buyer_api(client: TestClient) -> BuyerApi:
    """The client over the app's own transport (the TestClient's), not a socket."""
    return BuyerApi("http://testserver", transport=client._transport)


def cooperative_of(anvil: AnvilChain) -> Cooperative:
    return Cooperative(anvil.rpc_url, DeploymentRecord.load(anvil.deployment_file))


def fund(w3: Web3, contracts: dict[str, Contract], amount: int) -> None:
    send(w3, contracts["PaymentToken"].functions.mint(ADDRESSES[BUYER], amount), ADDRESSES[BUYER])


@pytest.fixture
def bought(
    client: TestClient, context: Context, anvil: AnvilChain, w3: Web3,
    contracts: dict[str, Contract], tmp_path: Path,
) -> Bought:
    """Three contributions delivered (one over several IPFS chunks), one revoked after the
    purchase, one accepted after it; bought with a permit from the buyer's wallet."""
    producer = login(client, PRODUCER)
    plaintexts = {
        "plots.csv": b"plot,yield\n" + b"7,3.2\n" * 500,
        "photo.jpg": os.urandom(600 * KiB),  # more than one 256 KiB IPFS chunk
        "empty.txt": b"",
        "withdrawn.txt": b"withdrawn later",
    }
    uploaded = {
        name: contribute(client, w3, contracts, producer, PRODUCER, POOL, data, name)
        for name, data in plaintexts.items()
    }
    cooperative = cooperative_of(anvil)
    market = Market(cooperative, KEYS[BUYER])
    price = cooperative.quote(POOL).price
    fund(w3, contracts, price)
    record = market.purchase(POOL, 0, max_price=price)  # the test token takes permits
    assert record.buyer == ADDRESSES[BUYER] and record.pool_id == POOL
    contribute(client, w3, contracts, producer, PRODUCER, POOL, b"after the sale", "late.txt")
    revoked = uploaded["withdrawn.txt"]["contribution_id"]
    registry = contracts["ContributionRegistry"]
    send(w3, registry.functions.revoke(int(revoked, 16)), ADDRESSES[PRODUCER])
    index(context)

    api = buyer_api(client)
    api.sign_in(KEYS[BUYER])
    assert api.wait_for_purchase(record.purchase_id, timeout=10)["id"] == record.purchase_id
    archive = api.download(record.purchase_id, tmp_path / "delivery.tar")  # ciphertext form
    files = {
        uploaded[name]["contribution_id"]: data
        for name, data in plaintexts.items() if name != "withdrawn.txt"
    }
    return Bought(record.purchase_id, archive, files, revoked, cooperative)


def rewrite(
    archive: Path,
    out: Path,
    change: Callable[[str, bytes], bytes | None] = lambda _name, data: data,
    manifest: Callable[[dict[str, Any]], None] = lambda _m: None,
) -> Path:
    """A copy of ``archive`` with each member's bytes passed through ``change`` (None drops the
    member) and the manifest edited by ``manifest``."""
    with tarfile.open(archive) as source, tarfile.open(out, "w") as target:
        for member in source.getmembers():
            extracted = source.extractfile(member)
            assert extracted is not None
            data: bytes | None = extracted.read()
            if member.name == "manifest.json":
                edited = json.loads(data or b"")
                manifest(edited)
                data = json.dumps(edited).encode()
            else:
                data = change(member.name, data or b"")
            if data is None:
                continue
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            target.addfile(info, io.BytesIO(data))
    return out


def entries(archive: Path) -> list[dict[str, Any]]:
    with tarfile.open(archive) as tar:
        extracted = tar.extractfile("manifest.json")
        assert extracted is not None
        return list(json.loads(extracted.read())["contributions"])


def failures(report: Report) -> set[tuple[str, str | None]]:
    return {(f.code, f.contribution_id) for f in report.failures}


def test_verify_passes_on_a_real_delivery(bought: Bought, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    report = verify_delivery(bought.archive, bought.cooperative, bought.purchase_id, plain)
    assert report.ok, report.failures
    assert {v["contribution_id"] for v in report.verified} == set(bought.files)
    (left,) = report.left_out
    assert left["contribution_id"] == bought.revoked and left["how"] == "revoked"
    # The decrypted files are named by id and extension, and are the members' bytes.
    assert {p.name.split(".")[0]: p.read_bytes() for p in plain.iterdir()} == bought.files
    assert sorted(p.suffix for p in plain.iterdir()) == [".csv", ".jpg", ".txt"]
    with tarfile.open(bought.archive) as tar:
        names = tar.getnames()
    assert not any(word in " ".join(names) for word in ("plots", "photo", "empty"))


@pytest.mark.skipif(AGE is None, reason="Debian's age is not installed")
def test_standard_age_decrypts_a_delivered_ciphertext(bought: Bought, tmp_path: Path) -> None:
    (photo,) = [e for e in entries(bought.archive) if e["path"].endswith(".jpg.age")]
    with tarfile.open(bought.archive) as tar:
        tar.extractall(tmp_path / "x", filter="data")
    decrypted = subprocess.run(
        [str(AGE), "-d", "-i", str(tmp_path / "x" / photo["identity_path"]),
         str(tmp_path / "x" / photo["path"])],
        capture_output=True, check=True, timeout=60,
    ).stdout
    assert decrypted == bought.files[photo["contribution_id"]]


def test_a_corrupted_file_fails(bought: Bought, tmp_path: Path) -> None:
    target = next(e for e in entries(bought.archive) if e["size"] > 100 * KiB)

    def flip(name: str, data: bytes) -> bytes:
        if name != target["path"]:
            return data
        corrupted = bytearray(data)
        corrupted[len(data) // 2] ^= 0x01
        return bytes(corrupted)

    report = verify_delivery(rewrite(bought.archive, tmp_path / "c.tar", flip), bought.cooperative)
    assert failures(report) == {("cid-mismatch", target["contribution_id"])}
    assert "not the one stored" in report.failures[0].reason


def test_a_truncated_file_fails(bought: Bought, tmp_path: Path) -> None:
    target = next(e for e in entries(bought.archive) if e["size"] > 100 * KiB)
    cut = rewrite(
        bought.archive, tmp_path / "t.tar",
        lambda name, data: data[: len(data) - 1000] if name == target["path"] else data,
    )
    report = verify_delivery(cut, bought.cooperative)
    assert failures(report) == {("cid-mismatch", target["contribution_id"])}
    assert "(truncated)" in report.failures[0].reason


def test_swapped_files_fail(bought: Bought, tmp_path: Path) -> None:
    first, second = entries(bought.archive)[:2]
    with tarfile.open(bought.archive) as tar:
        contents = {e["path"]: tar.extractfile(e["path"]).read() for e in (first, second)}  # type: ignore[union-attr]
    swap = {first["path"]: contents[second["path"]], second["path"]: contents[first["path"]]}
    report = verify_delivery(
        rewrite(bought.archive, tmp_path / "s.tar", lambda n, d: swap.get(n, d)),
        bought.cooperative,
    )
    assert failures(report) == {
        ("swapped", first["contribution_id"]), ("swapped", second["contribution_id"])
    }
    assert second["contribution_id"] in report.failures[0].reason


def test_a_withheld_file_fails(bought: Bought, tmp_path: Path) -> None:
    withheld = entries(bought.archive)[0]
    key = withheld["contribution_id"]

    def drop(manifest: dict[str, Any]) -> None:
        manifest["contributions"] = [
            c for c in manifest["contributions"] if c["contribution_id"] != key
        ]

    archive = rewrite(
        bought.archive, tmp_path / "w.tar",
        lambda name, data: None if name.startswith(key) else data, drop,
    )
    report = verify_delivery(archive, bought.cooperative)
    assert failures(report) == {("withheld", key)}
    assert "neither delivered nor listed" in report.failures[0].reason

    # Claiming it was revoked does not help: the chain still holds it as accepted.
    def claim_revoked(manifest: dict[str, Any]) -> None:
        drop(manifest)
        manifest["left_out"].append(
            {"contribution_id": key, "cid": withheld["cid"], "reason": "revoked",
             "revoked_block": None}
        )

    lied = rewrite(
        bought.archive, tmp_path / "w2.tar",
        lambda name, data: None if name.startswith(key) else data, claim_revoked,
    )
    report = verify_delivery(lied, bought.cooperative)
    assert failures(report) == {("withheld", key)}
    assert "still holds it as accepted" in report.failures[0].reason


def test_a_file_missing_from_the_archive_fails(bought: Bought, tmp_path: Path) -> None:
    target = entries(bought.archive)[0]
    archive = rewrite(
        bought.archive, tmp_path / "m.tar",
        lambda name, data: None if name == target["path"] else data,
    )
    report = verify_delivery(archive, bought.cooperative)
    assert failures(report) == {("missing-file", target["contribution_id"])}


def test_a_manifest_lie_fails(bought: Bought, tmp_path: Path) -> None:
    target = entries(bought.archive)[0]

    def lie(manifest: dict[str, Any]) -> None:
        manifest["contributions"][0]["sha256"] = "00" * 32
        manifest["content_block"] += 1

    report = verify_delivery(
        rewrite(bought.archive, tmp_path / "l.tar", manifest=lie), bought.cooperative
    )
    assert ("plaintext-mismatch", target["contribution_id"]) in failures(report)
    assert ("manifest-mismatch", None) in failures(report)


def test_a_wrong_identity_fails(bought: Bought, tmp_path: Path) -> None:
    first, second = entries(bought.archive)[:2]
    with tarfile.open(bought.archive) as tar:
        other = tar.extractfile(second["identity_path"]).read()  # type: ignore[union-attr]
    archive = rewrite(
        bought.archive, tmp_path / "k.tar",
        lambda name, data: other if name == first["identity_path"] else data,
    )
    report = verify_delivery(archive, bought.cooperative)
    assert failures(report) == {("decrypt-failed", first["contribution_id"])}


def test_the_cli_verifies_and_exits_non_zero_on_a_mismatch(
    bought: Bought, anvil: AnvilChain, tmp_path: Path
) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("LUMBUNG_")},
        "LUMBUNG_RPC_URL": anvil.rpc_url,
        "LUMBUNG_DEPLOYMENT": str(anvil.deployment_file),
    }
    passed = run_cli(env, "buyer", "verify", str(bought.archive))
    assert passed.returncode == 0, passed.stderr
    report = json.loads((tmp_path / "delivery.tar.verification.json").read_text())
    assert report["ok"] is True and len(report["verified"]) == len(bought.files)
    assert report["purchase"]["content_block"] > 0

    target = entries(bought.archive)[1]
    corrupted = rewrite(
        bought.archive, tmp_path / "bad.tar",
        lambda name, data: data[:-1] + bytes([data[-1] ^ 1]) if name == target["path"] else data,
    )
    failed = run_cli(env, "buyer", "verify", str(corrupted), "--report", str(tmp_path / "r.json"))
    assert failed.returncode == 1
    assert f"FAIL cid-mismatch: {target['path']}" in failed.stderr
    assert json.loads((tmp_path / "r.json").read_text())["ok"] is False


def test_a_download_resumes_from_where_it_stopped(
    bought: Bought, client: TestClient, context: Context, w3: Web3,
    contracts: dict[str, Contract], tmp_path: Path,
) -> None:
    whole = bought.archive.read_bytes()
    api = buyer_api(client)
    api.sign_in(KEYS[BUYER])
    url = f"/purchases/{bought.purchase_id}/delivery"
    head = api.http.get(url, params={"form": "ciphertext"}, headers={"Range": "bytes=0-0"})
    assert head.status_code == 206 and head.content == whole[:1]
    etag = head.headers["ETag"]
    # Half of it arrived before the connection broke; the next call asks for the rest only.
    destination = tmp_path / "resumed.tar"
    destination.with_name("resumed.tar.part").write_bytes(whole[: len(whole) // 2])
    destination.with_name("resumed.tar.etag").write_text(etag)
    seen: list[tuple[int, int]] = []
    api.download(bought.purchase_id, destination, progress=lambda d, t: seen.append((d, t)))
    assert destination.read_bytes() == whole
    assert seen[0][0] > len(whole) // 2 and seen[-1] == (len(whole), len(whole))
    tail = api.http.get(url, params={"form": "ciphertext"}, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.content == whole[-10:]
    size = len(whole)
    assert tail.headers["Content-Range"] == f"bytes {size - 10}-{size - 1}/{size}"
    past = api.http.get(url, params={"form": "ciphertext"}, headers={"Range": f"bytes={size}-"})
    assert past.status_code == 416
    assert api.http.get(url, params={"form": "ciphertext"}, headers={"Range": "bytes=-0"}
                        ).status_code == 416
    for ignored in ("bytes=5-3", "bytes=0-1,5-9", "items=0-1"):  # answered whole (RFC 9110)
        whole_again = api.http.get(url, params={"form": "ciphertext"}, headers={"Range": ignored})
        assert whole_again.status_code == 200 and whole_again.content == whole

    # A revocation since changes the archive and its ETag: the stale part is thrown away.
    (first, *_rest) = entries(bought.archive)
    producer = ADDRESSES[PRODUCER]
    send(w3, contracts["ContributionRegistry"].functions.revoke(int(first["contribution_id"], 16)),
         producer)
    index(context)
    again = tmp_path / "again.tar"
    again.with_name("again.tar.part").write_bytes(whole[: len(whole) // 2])
    again.with_name("again.tar.etag").write_text(etag)
    api.download(bought.purchase_id, again)
    assert again.read_bytes() != whole
    assert first["contribution_id"] not in {e["contribution_id"] for e in entries(again)}


def test_max_price_bounds_a_wallet_purchase(
    client: TestClient, anvil: AnvilChain, w3: Web3, contracts: dict[str, Contract]
) -> None:
    """The market takes at most maxPrice, with a permit or an approval alike."""
    producer = login(client, PRODUCER)
    contribute(client, w3, contracts, producer, PRODUCER, POOL, b"data", "d.csv")
    cooperative = cooperative_of(anvil)
    market = Market(cooperative, KEYS[BUYER])
    price = cooperative.quote(POOL).price
    fund(w3, contracts, 3 * price)
    for use_permit in (True, False):
        with pytest.raises(PurchaseFailedError, match=r"DataMarketPriceAboveMax|refuses"):
            market.purchase(POOL, 0, max_price=price - 1, use_permit=use_permit)
    before = market.token.functions.balanceOf(ADDRESSES[BUYER]).call()
    record = market.purchase(POOL, 0, max_price=price, use_permit=False)
    assert before - market.token.functions.balanceOf(ADDRESSES[BUYER]).call() == price
    assert record.price == price


def test_an_offchain_order_is_idempotent_and_settles(
    client: TestClient, context: Context, settings: Settings, anvil: AnvilChain, w3: Web3,
    contracts: dict[str, Contract], tmp_path: Path,
) -> None:
    producer = login(client, PRODUCER)
    contribute(client, w3, contracts, producer, PRODUCER, POOL, b"sold off-chain", "o.csv")
    index(context)
    buyer = make_buyer(context)
    api = BuyerApi("http://testserver", buyer.api_key, transport=client._transport)
    assert any(p["id"] == POOL and p["listed"] for p in api.catalogue())
    first = api.order(POOL, "research", idempotency_key="order-1")
    again = api.order(POOL, "research", idempotency_key="order-1")
    assert again["id"] == first["id"]  # a retry never makes a second order
    assert api.order(POOL, "research")["id"] != first["id"]
    assert pay(client, settings, first["id"]).status_code == 200
    worked = run_worker(worker_env(settings))
    assert worked.returncode == 0, worked.stderr
    index(context)
    purchase_id = api.wait_for_settlement(first["id"], timeout=10)
    archive = api.download(purchase_id, tmp_path / "offchain.tar")
    report = verify_delivery(archive, cooperative_of(anvil), purchase_id)
    assert report.ok, report.failures
    assert len(report.verified) == 1


def test_the_buyer_commands_buy_download_and_verify(
    client: TestClient, context: Context, settings: Settings, anvil: AnvilChain, w3: Web3,
    contracts: dict[str, Contract], tmp_path: Path,
) -> None:
    """``lumbung buyer …`` as a buyer runs it, against the API in its own uvicorn process."""
    producer = login(client, PRODUCER)
    data = os.urandom(300 * KiB)
    contribute(client, w3, contracts, producer, PRODUCER, POOL, data, "survey.xlsx")
    index(context)
    price = cooperative_of(anvil).quote(POOL).price
    fund(w3, contracts, price)
    server = serve_api(settings, tmp_path / "api.log")
    try:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("LUMBUNG_")},
            "LUMBUNG_API_URL": server.url,
            "LUMBUNG_RPC_URL": anvil.rpc_url,
            "LUMBUNG_DEPLOYMENT": str(anvil.deployment_file),
            "LUMBUNG_BUYER_KEY": KEYS[BUYER],
        }

        def buyer(*args: str) -> subprocess.CompletedProcess[str]:
            return run_cli(env, "buyer", *args)

        listed = buyer("catalogue")
        assert listed.returncode == 0, listed.stderr
        assert POOL in {p["id"] for p in json.loads(listed.stdout)}
        assert json.loads(buyer("quote", str(POOL)).stdout)["price"] == str(price)
        refused = buyer("purchase", str(POOL), "research", "--max-price", str(price - 1))
        assert refused.returncode == 2 and "refuses the purchase" in refused.stderr
        bought = buyer("purchase", str(POOL), "research", "--max-price", str(price))
        assert bought.returncode == 0, bought.stderr
        purchase_id = json.loads(bought.stdout)["purchase_id"]
        index(context)
        archive = tmp_path / "mine.tar"
        fetched = buyer("download", str(purchase_id), "--out", str(archive))
        assert fetched.returncode == 0, fetched.stderr
        checked = buyer("verify", str(archive), "--purchase", str(purchase_id),
                        "--plaintext", str(tmp_path / "plain"))
        assert checked.returncode == 0, checked.stderr
        assert "verified: 1 contributions match the chain" in checked.stdout
        (plain,) = (tmp_path / "plain").iterdir()
        assert plain.suffix == ".xlsx" and plain.read_bytes() == data

        # An off-chain buyer's order, retried with its key, is one order.
        api_key = make_buyer(context).api_key
        keyed = {**env, "LUMBUNG_API_KEY": api_key}
        first = run_cli(keyed, "buyer", "order", str(POOL), "research", "--idempotency-key", "k1")
        again = run_cli(keyed, "buyer", "order", str(POOL), "research", "--idempotency-key", "k1")
        assert first.returncode == 0, first.stderr
        assert json.loads(first.stdout)["id"] == json.loads(again.stdout)["id"]
    finally:
        server.stop()


def test_a_broken_download_keeps_what_arrived(
    bought: Bought, context: Context, settings: Settings, tmp_path: Path
) -> None:
    """A stream the server cuts short (here: a stored ciphertext that fails age's check, in the
    plaintext form) is reported as interrupted; the part that arrived stays for a resume."""
    target = next(e for e in entries(bought.archive) if e["size"] > 100 * KiB)
    ciphertext = bytearray(b"".join(context.ipfs.cat(parse_cid(target["cid"]))))
    ciphertext[len(ciphertext) // 2] ^= 0x01
    tampered = str(context.ipfs.add_bytes(bytes(ciphertext), cid_version=1))
    with transaction(context.sessions) as session:
        stored = update(VaultItem).where(VaultItem.cid == target["cid"])
        session.execute(stored.values(cid=tampered))
    server = serve_api(settings, tmp_path / "api.log")
    try:
        api = BuyerApi(server.url)
        api.sign_in(KEYS[BUYER])
        destination = tmp_path / "plain.tar"
        with pytest.raises(DownloadInterruptedError, match="run it again to resume"):
            api.download(bought.purchase_id, destination, form="plaintext")
        part = destination.with_name("plain.tar.part")
        assert 0 < part.stat().st_size and not destination.exists()
        assert destination.with_name("plain.tar.etag").read_text().startswith('"')
    finally:
        server.stop()
