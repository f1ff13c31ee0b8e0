"""Who may erase what, and when: the uploader, at any time, an upload the chain does not hold
as pending or accepted (never registered, rejected, revoked); nobody else, ever."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from web3 import Web3
from web3.contract import Contract

from api.context import Context
from api.errors import PayloadTooLargeError
from api.models import VaultItem
from api.services import contributions
from ipfs.cid import parse_cid
from tests.api.harness import ADDRESSES, CURATOR, PRODUCER, STEWARD, send
from tests.api.identity_helpers import index, login, submit, upload


def erase(client: TestClient, contribution_id: str, headers: dict[str, str]) -> tuple[int, str]:
    response = client.post(f"/v1/contributions/{contribution_id}/erase", headers=headers)
    return response.status_code, response.text


def test_the_uploader_erases_what_the_chain_does_not_hold(
    client: TestClient, context: Context, w3: Web3, contracts: dict[str, Contract]
) -> None:
    producer, steward = login(client, PRODUCER), login(client, STEWARD)
    registry = contracts["ContributionRegistry"]

    def uploaded(data: bytes) -> dict[str, str]:
        response = upload(client, producer, 1, data)
        assert response.status_code == 201, response.text
        body: dict[str, str] = response.json()
        return body

    never, pending, rejected = uploaded(b"never"), uploaded(b"pending"), uploaded(b"rejected")
    submit(w3, pending, PRODUCER)
    submit(w3, rejected, PRODUCER)
    send(w3, registry.functions.reject(int(rejected["contribution_id"], 16), "blurred"),
         ADDRESSES[CURATOR])

    # Another wallet registering the producer's CID makes a contribution of its own (its id
    # binds the contributor): the producer's upload stays the producer's to erase.
    send(w3, registry.functions.submit(1, bytes(parse_cid(never["cid"]))), ADDRESSES[STEWARD])
    index(context)

    assert erase(client, "0x" + "ab" * 32, producer)[0] == 404
    for item in (never, pending, rejected):
        assert erase(client, item["contribution_id"], steward)[0] == 403
    code, detail = erase(client, pending["contribution_id"], producer)
    assert code == 409 and "is pending: revoke it" in detail
    for item in (never, rejected):
        assert erase(client, item["contribution_id"], producer) == (200, '{"erased":true}')
        assert not context.ipfs.has(parse_cid(item["cid"]))

    with context.sessions() as session:
        rows = {row.contribution_id: row for row in session.query(VaultItem)}
    assert rows[pending["contribution_id"]].erased_at is None
    for item in (never, rejected):
        row = rows[item["contribution_id"]]
        assert row.erased_at is not None and row.key_id is None and row.size == 0
    shown = client.get(f"/v1/contributions/{rejected['contribution_id']}", headers=producer)
    assert shown.json()["erased"] is True and shown.json()["filename"] is None
    # The pending one is still whole, its name shown to its uploader only.
    shown = client.get(f"/v1/contributions/{pending['contribution_id']}", headers=producer)
    assert shown.json()["erased"] is False and shown.json()["filename"] == "data.bin"


def test_an_upload_that_is_not_recorded_keeps_no_key(context: Context) -> None:
    """Sealed, then refused (here: larger than the limit once read whole): its key is gone."""
    settings = context.settings.model_copy(update={"max_upload_bytes": 1000})
    with context.sessions() as session, pytest.raises(PayloadTooLargeError):
        contributions.store_upload(
            session, context.chain, context.ipfs, settings, uploader=ADDRESSES[PRODUCER],
            pool_id=1, filename="big.bin", content_type=None, plaintext=io.BytesIO(bytes(5000)),
        )
    keys = contributions.vault_of(settings)
    shards = keys.keystore.shard_paths()
    assert shards  # the key was written, then the shard rewritten without it
    assert all(
        keys.keystore._read(path.name.removesuffix(".keys")) == {} for path in shards
    )
