"""A member's list of uploads (``GET /v1/members/{address}/uploads``) tells its owner what the
dApp's "My contributions" shows: the file's name, when it was uploaded, its size, whether it was
erased, and the API's upload size limit; an erased upload keeps its row, without its name."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from api.context import Context
from tests.api.harness import ADDRESSES, PRODUCER, STEWARD
from tests.api.identity_helpers import login, upload


def test_the_owner_sees_name_date_size_and_erasure_of_each_upload(
    client: TestClient, context: Context
) -> None:
    producer = login(client, PRODUCER)
    before = datetime.now(UTC) - timedelta(seconds=5)
    kept = upload(client, producer, 1, b"plot 7 yields", name="hasil-panen.csv").json()
    gone = upload(client, producer, 1, b"to be erased", name="salah.csv").json()
    path = f"/v1/members/{ADDRESSES[PRODUCER]}/uploads"
    body = client.get(path, headers=producer).json()
    assert body["max_upload_bytes"] == context.settings.max_upload_bytes
    rows = {u["contribution_id"]: u for u in body["uploads"]}
    assert set(rows) == {kept["contribution_id"], gone["contribution_id"]}
    row = rows[kept["contribution_id"]]
    assert (row["filename"], row["stage"], row["erased"]) == ("hasil-panen.csv", "uploaded", False)
    assert row["size"] > 0
    uploaded_at = datetime.fromisoformat(row["uploaded_at"])
    assert uploaded_at.utcoffset() == timedelta(0)  # with its zone: a browser reads it right
    assert before <= uploaded_at <= datetime.now(UTC) + timedelta(seconds=5)

    # An unregistered upload is its uploader's to erase; its row stays, without its name.
    erased = client.post(f"/v1/contributions/{gone['contribution_id']}/erase", headers=producer)
    assert erased.status_code == 200, erased.text
    after = {u["contribution_id"]: u for u in client.get(path, headers=producer).json()["uploads"]}
    assert (after[gone["contribution_id"]]["erased"], after[gone["contribution_id"]]["filename"],
            after[gone["contribution_id"]]["size"]) == (True, None, 0)
    assert after[kept["contribution_id"]]["erased"] is False

    # Nobody else sees them.
    assert client.get(path, headers=login(client, STEWARD)).status_code == 403
