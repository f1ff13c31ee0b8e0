"""``lumbung curator …`` end to end: the harness chain, the API in its own uvicorn process, and
the CLI in its own process signing in with SIWE and posting EIP-712 reviews."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from fastapi.testclient import TestClient

from api.context import Context
from api.settings import Settings
from tests.api.harness import (
    ADDRESSES,
    CURATOR,
    KEYS,
    ONE_DATABASE,
    PRODUCER,
    STEWARD,
    run_cli,
    serve_api,
)
from tests.api.identity_helpers import login
from tests.api.test_curator_workbench import consented


@ONE_DATABASE
def test_a_curator_reviews_from_the_terminal(
    client: TestClient, context: Context, settings: Settings, tmp_path: Path
) -> None:
    member = login(client, PRODUCER)
    kept = consented(client, member, PRODUCER, 1, b"plot 7 yields, 2026", "yields.csv", "text/csv")
    dropped = consented(client, member, PRODUCER, 1, b"plot 7 yields, 2026")
    server = serve_api(settings, tmp_path / "api.log")
    try:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("LUMBUNG_")},
            "LUMBUNG_API_URL": server.url,
            "LUMBUNG_CURATOR_KEY": KEYS[CURATOR],
        }

        def curator(*args: str, with_env: dict[str, str] = env) -> subprocess.CompletedProcess[str]:
            return run_cli(with_env, "curator", *args)

        listed = curator("queue")
        assert listed.returncode == 0, listed.stderr
        assert "pool 1 'Rice-field photos': weight 1 to 100" in listed.stdout
        assert "from  30: Sharp photo of one plot, date known" in listed.stdout
        assert f"same file as contribution {kept} by the same member" in listed.stdout
        as_json = json.loads(curator("queue", "--json", "--pool", "1").stdout)
        assert [i["contribution_id"] for i in as_json["items"]] == [kept, dropped]

        out = tmp_path / "opened.csv"
        opened = curator("open", kept, "--out", str(out))
        assert opened.returncode == 0, opened.stderr
        assert out.read_bytes() == b"plot 7 yields, 2026"
        assert "text/csv" in opened.stdout

        above = curator("accept", kept, "--weight", "101")
        assert above.returncode == 1 and "above pool 1's maximum 100" in above.stderr
        accepted = curator("accept", kept, "--weight", "12")
        assert accepted.returncode == 0, accepted.stderr
        assert accepted.stdout.startswith(f"accepted {kept}")
        assert curator("reject", dropped, "--reason", "nonsense").returncode == 1
        rejected = curator("reject", dropped, "--reason", "duplicate", "--note", "sent twice")
        assert rejected.returncode == 0, rejected.stderr

        history = json.loads(curator("history", "--json").stdout)
        assert [(r["verdict"], r["weight"], r["reason"]) for r in history["reviews"]] == [
            ("rejected", 0, "duplicate: sent twice"), ("accepted", 12, ""),
        ]
        assert history["throughput"]["opened"] == 1
        shown = curator("history")
        assert "reviews: 2 (1 accepted, 1 rejected)" in shown.stdout

        # A key file instead of the environment, and a wallet that is no curator.
        key_file = tmp_path / "steward.key"
        key_file.write_text(KEYS[STEWARD])
        no_env = {k: v for k, v in env.items() if k != "LUMBUNG_CURATOR_KEY"}
        refused = curator("queue", "--key-file", str(key_file), with_env=no_env)
        assert refused.returncode == 1 and "not an eligible curator" in refused.stderr
        assert "no key" in curator("queue", with_env=no_env).stderr
    finally:
        server.stop()
    # The member reads the reason and who opened their file, through the API the dApp reads.
    stage = client.get(f"/v1/contributions/{dropped}/stage", headers=member).json()
    assert (stage["review"]["reason_code"], stage["review"]["reason_note"]) == (
        "duplicate", "sent twice")
    log = client.get(f"/v1/members/{ADDRESSES[PRODUCER]}/access-log", headers=member).json()
    assert [a["contribution_id"] for a in log["accesses"]] == [kept]
