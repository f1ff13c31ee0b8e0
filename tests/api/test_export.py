"""The member's export against the harness chain: one tar that opens, holds each of their
contributions byte for byte (not the erased ones), their receipts, earnings, votes and
consents, a README in both languages, and nothing of another member's; streamed in bounded
memory."""

from __future__ import annotations

import json
import os
import tracemalloc

from fastapi.testclient import TestClient
from web3 import Web3
from web3.contract import Contract

from api.context import Context
from api.services import export
from api.services.contributions import vault_of
from lumbung.protocol import VoteType
from tests.api.batch_helpers import give_consent, give_review, uploaded
from tests.api.cooperative import Coop
from tests.api.harness import ADDRESSES, CURATOR, ONE_DATABASE, PRODUCER, STEWARD
from tests.api.identity_helpers import buy, contribute, index, login, read_tar, sha256

BUYER = 6
MiB = 1024 * 1024


def test_the_export_holds_everything_of_the_member_and_nothing_else(
    client: TestClient, context: Context, w3: Web3, contracts: dict[str, Contract]
) -> None:
    coop = Coop(w3, contracts)
    member, steward = login(client, PRODUCER), login(client, STEWARD)
    curator = login(client, CURATOR)
    files = {"plots.csv": b"plot,yield\n" + b"7,3.2\n" * 500, "photo.jpg": os.urandom(MiB + 99)}
    kept = {
        name: contribute(client, w3, contracts, member, PRODUCER, 1, data, name)
        for name, data in files.items()
    }
    gone = uploaded(client, member, 1, b"never registered, then erased")
    assert client.post(f"/v1/contributions/{gone}/erase", headers=member).status_code == 200
    signed = uploaded(client, member, 2, b"consented in the wallet")
    assert give_consent(client, member, signed, PRODUCER).status_code == 200
    assert give_review(client, curator, signed, CURATOR, 4).status_code == 201
    theirs = contribute(client, w3, contracts, steward, STEWARD, 1, b"the steward's", "s.txt")
    buy(w3, contracts, BUYER, 1)
    coop.claim(PRODUCER, 1)
    market = contracts["DataMarket"]
    call = (market.address, market.functions.setGeneralStrike(True)._encode_transaction_data())
    proposal_id = coop.propose(STEWARD, [call], "A strike until the new license")
    coop.advance(61)
    coop.vote(PRODUCER, proposal_id, VoteType.FOR, n=2)
    index(context)

    response = client.get(f"/v1/members/{ADDRESSES[PRODUCER]}/export", headers=member)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/x-tar"
    assert int(response.headers["content-length"]) == len(response.content)
    assert "attachment" in response.headers["content-disposition"]
    entries = read_tar(response.content)
    signed_path = f"contributions/{signed}.bin"
    expected_files = {
        f"contributions/{kept[n]['contribution_id']}.{n.split('.')[1]}": d
        for n, d in files.items()
    }
    expected_files[signed_path] = b"consented in the wallet"
    assert {k: v for k, v in entries.items() if k.startswith("contributions/")} == expected_files
    assert set(entries) == set(expected_files) | {
        "README.txt", "contributions.json", "receipts.jsonld", "earnings.json", "votes.json",
        "consents.json",
    }
    readme = entries["README.txt"].decode()
    assert "English" in readme and "Bahasa Indonesia" in readme and ADDRESSES[PRODUCER] in readme

    described = {c["contribution_id"]: c for c in json.loads(entries["contributions.json"])}
    for name, data in files.items():
        entry = described[kept[name]["contribution_id"]]
        assert entry["filename"] == name and entry["size"] == len(data)
        assert entry["sha256"] == sha256(data) and entries[entry["path"]] == data
    assert described[gone] == {**described[gone], "erased": True}
    assert "filename" not in described[gone] and "sha256" not in described[gone]

    page = json.loads(entries["receipts.jsonld"])
    assert page["@context"]["dpv"] == "https://w3id.org/dpv#"
    assert {r["kind"] for r in page["receipts"]} >= {"registration", "sale", "consent", "erasure"}
    earnings = json.loads(entries["earnings.json"])
    claimed = [e for e in earnings["earnings_history"] if e["kind"] == "claimed"]
    assert claimed and int(claimed[0]["amount"]) > 0
    assert {e["pool_id"] for e in earnings["earnings"]} >= {1}
    (vote,) = json.loads(entries["votes.json"])
    assert vote["proposal_id"] == str(proposal_id) and vote["support"] == "for"
    assert vote["votes"] == 2 and "A strike until the new license" in vote["description"]
    (consent,) = json.loads(entries["consents.json"])
    assert consent["contribution_id"] == signed and consent["signature"].startswith("0x")
    assert consent["review"]["curator"] == ADDRESSES[CURATOR] and consent["review"]["weight"] == 4

    # Nothing of another member's.
    whole = response.content
    assert theirs["contribution_id"].encode() not in whole and b"the steward's" not in whole
    assert b"never registered, then erased" not in whole


@ONE_DATABASE
def test_only_the_member_exports_and_in_bounded_memory(
    client: TestClient, context: Context, w3: Web3, contracts: dict[str, Contract]
) -> None:
    member, steward = login(client, PRODUCER), login(client, STEWARD)
    url = f"/v1/members/{ADDRESSES[PRODUCER]}/export"
    assert client.get(url, headers=steward).status_code == 403
    assert client.get(url).status_code == 401
    sizes = [5 * MiB, 4 * MiB + 1, 3 * MiB - 7]
    digests = {}
    for n, size in enumerate(sizes):
        data = os.urandom(size)
        done = contribute(client, w3, contracts, member, PRODUCER, 3, data, f"f{n}.bin")
        digests[f"contributions/{done['contribution_id']}.bin"] = sha256(data)
    index(context)
    keys = vault_of(context.settings)
    with context.sessions() as session:
        plan = export.plan(session, context.chain, keys, ADDRESSES[PRODUCER], "now")
    total = 0
    tracemalloc.start()
    for piece in export.stream(context.ipfs, keys, plan):
        total += len(piece)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert total == plan.content_length() > sum(sizes)
    assert peak < 8 * MiB, f"peak {peak / MiB:.1f} MiB for {sum(sizes) / MiB:.0f} MiB of data"
    entries = read_tar(client.get(url, headers=member).content)
    assert {k: sha256(v) for k, v in entries.items() if k.startswith("contributions/")} == digests
