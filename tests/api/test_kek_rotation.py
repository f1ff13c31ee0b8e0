"""``lumbung vault rotate-kek``: every key re-wrapped under the new KEK, no ciphertext touched,
format-1 keys moved out of their rows; the old KEK opens nothing afterwards."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select
from typer.testing import CliRunner

from api.cli import app
from api.context import Context
from api.db import transaction
from api.errors import VaultIntegrityError
from api.models import VaultItem
from api.services import delivery
from api.services.contributions import item_key, vault_of
from api.settings import get_settings
from ipfs.cid import parse_cid
from tests.api.harness import ADDRESSES, PRODUCER
from tests.api.identity_helpers import login, upload
from tests.api.legacy_vault import legacy_item

NEW_KEK = "ab" * 32
runner = CliRunner()


def rotate(context: Context, new_kek: str) -> tuple[int, str]:
    settings = context.settings
    env = {
        "LUMBUNG_DATABASE_URL": settings.database_url,
        "LUMBUNG_IPFS_ROOT": str(settings.ipfs_root),
        "LUMBUNG_KEYSTORE_DIR": str(settings.keystore_dir),
        "LUMBUNG_KEK": settings.kek.get_secret_value(),
        "LUMBUNG_NEW_KEK": new_kek,
    }
    get_settings.cache_clear()  # each run is a process of its own, reading its environment
    try:
        result = runner.invoke(app, ["vault", "rotate-kek"], env=env)
    finally:
        get_settings.cache_clear()
    return result.exit_code, result.output


def test_rotation_rewraps_every_key_and_touches_no_ciphertext(
    client: TestClient, context: Context
) -> None:
    producer = login(client, PRODUCER)
    plaintexts = {}
    for n in range(3):
        data = b"age item %d " % n * 1000
        response = upload(client, producer, 1, data, f"f{n}.bin")
        assert response.status_code == 201, response.text
        plaintexts[response.json()["contribution_id"]] = data
    old_kek = vault_of(context.settings).kek
    legacy, _ = legacy_item(context.ipfs, old_kek, ADDRESSES[PRODUCER], 1, b"format 1 bytes")
    plaintexts[legacy.contribution_id] = b"format 1 bytes"
    with transaction(context.sessions) as session:
        session.add(legacy)
    ciphertexts = {
        cid: b"".join(context.ipfs.cat(parse_cid(cid)))
        for cid in context.sessions().scalars(select(VaultItem.cid))
    }

    assert rotate(context, "zz")[0] == 2
    assert rotate(context, context.settings.kek.get_secret_value())[0] == 2  # same KEK
    code, output = rotate(context, NEW_KEK)
    assert code == 0, output
    assert "moved 1 format-1 keys" in output and "re-sealed 4 keys" in output

    with context.sessions() as session:
        rows = list(session.scalars(select(VaultItem)))
        assert all(row.wrapped_key is None and row.key_id for row in rows)
        # No ciphertext touched: the same CIDs hold the same bytes.
        assert {
            row.cid: b"".join(context.ipfs.cat(parse_cid(row.cid))) for row in rows
        } == ciphertexts
        stale = vault_of(context.settings)  # still the old KEK
        with pytest.raises(VaultIntegrityError, match="key-encryption key"):
            b"".join(delivery.open_plaintext(session, context.ipfs, stale, legacy.contribution_id))
        context.settings.kek = SecretStr(NEW_KEK)
        keys = vault_of(context.settings)
        for row in rows:
            opened = delivery.open_plaintext(session, context.ipfs, keys, row.contribution_id)
            assert b"".join(opened) == plaintexts[row.contribution_id]
            assert keys.facts(item_key(row)).plaintext_sha256
    # A second rotation has no format-1 key left to move and re-seals the same four.
    code, output = rotate(context, "cd" * 32)
    assert code == 0 and "moved 0 format-1 keys" in output and "re-sealed 4 keys" in output
