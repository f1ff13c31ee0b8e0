"""Contributions: encrypted upload, registration from the member's wallet, reading, erasure."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from web3 import Web3
from web3.contract import Contract

from api.context import Context
from api.errors import VaultKeyErasedError
from api.main import create_app
from api.models import VaultItem
from api.services import delivery
from api.services.contributions import vault_of
from api.settings import Settings
from ipfs.cid import parse_cid
from lumbung.protocol import contribution_id_hex
from tests.api.harness import ADDRESSES, PRODUCER, STEWARD, free_port, send
from tests.api.identity_helpers import contribute, index, login, sha256, submit, upload

OUTSIDER = 7


@contextmanager
def client_with(settings: Settings, **overrides: object) -> Iterator[TestClient]:
    context = Context(settings.model_copy(update=overrides))
    with TestClient(create_app(context=context)) as client:
        yield client


def test_upload_encrypts_and_returns_the_registration(
    client: TestClient, context: Context, w3: Web3, contracts: dict[str, Contract]
) -> None:
    headers = login(client, PRODUCER)
    plaintext = b"rice field, plot 7, 2024-03-01\n" * 5000
    response = upload(client, headers, 1, plaintext, "../../etc/plot7.csv")
    assert response.status_code == 201, response.text
    body = response.json()
    cid = parse_cid(body["cid"])
    assert cid.version == 1
    # The id binds the content to its contributor, as ContributionRegistry computes it.
    assert body["contribution_id"] == contribution_id_hex(ADDRESSES[PRODUCER], cid.raw_digest)
    on_chain = contracts["ContributionRegistry"].functions.contributionId(
        ADDRESSES[PRODUCER], bytes(cid.raw_digest)
    )
    assert body["contribution_id"] == f"0x{on_chain.call():064x}"
    assert body["size"] == len(plaintext) and body["plaintext_sha256"] == sha256(plaintext)
    registry = contracts["ContributionRegistry"]
    assert body["registry"] == registry.address
    decoded = registry.decode_function_input(body["calldata"])
    assert decoded[0].fn_name == "submit"
    assert decoded[1] == {"poolId": 1, "cid": bytes(cid)}
    # Only ciphertext reached IPFS.
    stored = b"".join(context.ipfs.cat(cid))
    assert plaintext[:64] not in stored and len(stored) > len(plaintext)

    submit(w3, body, PRODUCER)
    index(context)
    mine = client.get(f"/v1/contributions/{body['contribution_id']}", headers=headers).json()
    assert mine["status"] == "pending" and mine["contributor"] == ADDRESSES[PRODUCER]
    assert mine["cid"] == body["cid"] and mine["pool_id"] == 1 and mine["erased"] is False
    assert mine["filename"] == "plot7.csv"
    public = client.get(f"/v1/contributions/{body['contribution_id']}").json()
    assert public["filename"] is None
    other = client.get(
        f"/v1/contributions/{body['contribution_id']}", headers=login(client, STEWARD)
    ).json()
    assert other["filename"] is None
    on_chain = registry.functions.contribution(int(body["contribution_id"], 16)).call()
    assert on_chain[0] == ADDRESSES[PRODUCER] and on_chain[1] == 1  # the producer's, in pool 1


def test_upload_needs_a_member_a_pool_and_a_well_formed_body(client: TestClient) -> None:
    data = os.urandom(100)
    assert upload(client, {}, 1, data).status_code == 401
    outsider = upload(client, login(client, OUTSIDER), 1, data)
    assert outsider.status_code == 403 and "not an active member" in outsider.json()["detail"]
    headers = login(client, PRODUCER)
    unknown = upload(client, headers, 99, data)
    assert unknown.status_code == 404 and "pool 99" in unknown.json()["detail"]
    for bad in ("abc", "-1", "1.5", "", "99999999999999999999"):
        response = client.post(
            "/v1/contributions", headers=headers, files={"file": ("a", data)},
            data={"pool_id": bad},
        )
        assert response.status_code == 422, bad
        assert response.headers["content-type"] == "application/problem+json"
    no_file = client.post("/v1/contributions", headers=headers, data={"pool_id": "1"})
    assert no_file.status_code == 422
    not_multipart = client.post("/v1/contributions", headers=headers, json={"pool_id": 1})
    assert not_multipart.status_code == 422
    assert client.get("/v1/contributions/0x1234").status_code == 422
    assert client.get("/v1/contributions/0x" + "ab" * 32).status_code == 404


def test_upload_above_the_limit_is_refused_with_413(settings: Settings, context: Context) -> None:
    with client_with(settings, max_upload_bytes=10_000) as client:
        headers = login(client, PRODUCER)
        assert upload(client, headers, 1, os.urandom(10_000)).status_code == 201
        too_big = upload(client, headers, 1, os.urandom(10_001))
        assert too_big.status_code == 413
        assert too_big.json()["type"] == "https://lumbung.coop/problems/payload-too-large"
        # Far above the limit: refused from the body's size, before it is all read.
        huge = upload(client, headers, 1, os.urandom(200_000))
        assert huge.status_code == 413 and "declares" in huge.json()["detail"]

        # Without a Content-Length (chunked), the count of received bytes stops it.
        def chunked() -> Iterator[bytes]:
            yield b'--xx\r\nContent-Disposition: form-data; name="pool_id"\r\n\r\n1\r\n'
            yield b'--xx\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n\r\n'
            for _ in range(100):
                yield os.urandom(4096)
            yield b"\r\n--xx--\r\n"

        streamed = client.post(
            "/v1/contributions", content=chunked(),
            headers={**headers, "Content-Type": "multipart/form-data; boundary=xx"},
        )
        assert streamed.status_code == 413 and "larger than the limit" in streamed.json()["detail"]
    with context.sessions() as session:
        assert session.query(VaultItem).count() == 1


def test_ipfs_down_answers_503_with_retry_after(settings: Settings) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    with client_with(settings, ipfs_mode="kubo", kubo_url=dead) as client:
        response = upload(client, login(client, PRODUCER), 1, b"some data")
        assert response.status_code == 503, response.text
        assert response.json()["type"] == "https://lumbung.coop/problems/storage-unavailable"
        assert int(response.headers["Retry-After"]) > 0


def test_erase_only_by_the_contributor_and_only_once_revoked(
    client: TestClient, context: Context, w3: Web3, contracts: dict[str, Contract]
) -> None:
    producer = login(client, PRODUCER)
    steward = login(client, STEWARD)
    plaintext = os.urandom(300_000)
    uploaded = contribute(client, w3, contracts, producer, PRODUCER, 1, plaintext, "p.bin")
    contribution_id = uploaded["contribution_id"]
    index(context)
    erase = f"/v1/contributions/{contribution_id}/erase"

    assert client.post(erase).status_code == 401
    not_revoked = client.post(erase, headers=producer)
    assert not_revoked.status_code == 409 and "revoke it" in not_revoked.json()["detail"]
    with context.sessions() as session:
        keys = vault_of(context.settings)
        opened = b"".join(delivery.open_plaintext(session, context.ipfs, keys, contribution_id))
        assert opened == plaintext

    registry = contracts["ContributionRegistry"]
    send(w3, registry.functions.revoke(int(contribution_id, 16)), ADDRESSES[PRODUCER])
    index(context)
    someone_else = client.post(erase, headers=steward)
    assert someone_else.status_code == 403
    assert "only the uploader" in someone_else.json()["detail"]

    assert client.post(erase, headers=producer).json() == {"erased": True}
    assert client.post(erase, headers=producer).json() == {"erased": True}  # idempotent
    assert client.get(f"/v1/contributions/{contribution_id}").json()["erased"] is True
    with context.sessions() as session:
        item = session.query(VaultItem).one()
        assert item.key_id is None and item.erased_at is not None
        assert item.filename == item.plaintext_sha256 == "" and item.size == 0
        assert not context.ipfs.has(parse_cid(item.cid))
        with pytest.raises(VaultKeyErasedError):
            b"".join(
                delivery.open_plaintext(
                    session, context.ipfs, vault_of(context.settings), contribution_id
                )
            )
