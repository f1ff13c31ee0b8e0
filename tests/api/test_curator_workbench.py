"""The curators' workbench against the harness chain: a contribution opened for review (and who
may not open it), the member's access log, the pool's rubric, reject templates sent back to the
member, duplicate flags, and the curator's history and pay."""

from __future__ import annotations

import io
import json

from fastapi.testclient import TestClient
from PIL import Image
from web3 import Web3
from web3.contract import Contract

from api.context import Context
from api.indexer import index_until_head
from api.services.curation import compose_reason, parse_reason, parse_rubric
from lumbung.rubrics import STARTER_METADATA
from tests.api.batch_helpers import give_consent, give_review, uploaded
from tests.api.cooperative import Coop
from tests.api.harness import ADDRESSES, CURATOR, ONE_DATABASE, PRODUCER, STEWARD
from tests.api.identity_helpers import login


def _png() -> bytes:
    """A real PNG (the upload strips metadata, so it parses what claims to be an image)."""
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (60, 140, 60)).save(out, "PNG")
    return out.getvalue()


PHOTO = _png()


def consented(client: TestClient, headers: dict[str, str], key: int, pool: int, data: bytes,
              name: str = "data.bin", content_type: str = "application/octet-stream") -> str:
    response = client.post(
        "/v1/contributions",
        headers=headers,
        files={"file": (name, data, content_type)},
        data={"pool_id": str(pool)},
    )
    assert response.status_code == 201, response.text
    contribution_id = str(response.json()["contribution_id"])
    assert give_consent(client, headers, contribution_id, key).status_code == 200
    return contribution_id


def content_url(contribution_id: str) -> str:
    return f"/v1/curation/contributions/{contribution_id}/content"


def test_a_curator_opens_a_contribution_waiting_for_review_and_the_member_reads_the_log(
    client: TestClient, context: Context
) -> None:
    member, curator = login(client, PRODUCER), login(client, CURATOR)
    photo = consented(client, member, PRODUCER, 1, PHOTO, "plot7.png", "image/png")
    opened = client.get(content_url(photo), headers=curator)
    assert opened.status_code == 200, opened.text
    assert opened.content == PHOTO
    assert opened.headers["content-type"] == "image/png"
    assert opened.headers["content-disposition"] == 'inline; filename="plot7.png"'
    assert "sandbox" in opened.headers["content-security-policy"]
    assert opened.headers["x-content-type-options"] == "nosniff"
    log = client.get(f"/v1/members/{ADDRESSES[PRODUCER]}/access-log", headers=member)
    assert log.status_code == 200, log.text
    (access,) = log.json()["accesses"]
    assert access["contribution_id"] == photo
    assert access["curator"] == ADDRESSES[CURATOR] and access["pool_id"] == 1
    # Nobody else reads the member's log.
    refused = client.get(f"/v1/members/{ADDRESSES[PRODUCER]}/access-log", headers=curator)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert client.get(f"/v1/members/{ADDRESSES[PRODUCER]}/access-log").status_code == 401


@ONE_DATABASE
def test_only_a_curator_opens_only_what_waits_for_review(
    client: TestClient, context: Context
) -> None:
    member, curator = login(client, PRODUCER), login(client, CURATOR)
    steward = login(client, STEWARD)
    waiting = consented(client, member, PRODUCER, 1, b"plot 7 yields")
    not_consented = uploaded(client, member, 1, b"no consent yet")

    def refused(headers: dict[str, str] | None, key: str, status: int, says: str) -> None:
        response = client.get(content_url(key), headers=headers)
        assert response.status_code == status, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert says in response.json()["detail"]

    refused(None, waiting, 401, "sign in")  # anonymous
    refused(steward, waiting, 403, "not an eligible curator")  # a member, not a curator
    refused(member, waiting, 403, "not an eligible curator")  # the contribution's own member
    refused(curator, not_consented, 403, "has not consented")
    # Reviewed: no longer pending, so the curator has nothing open.
    assert give_review(client, curator, waiting, CURATOR, 5).status_code == 201
    refused(curator, waiting, 403, "reviewed already")
    # Erased by its member after consenting.
    erased = consented(client, member, PRODUCER, 1, b"to be erased")
    assert client.post(f"/v1/contributions/{erased}/erase", headers=member).status_code == 200
    refused(curator, erased, 403, "erased")
    # None of the refusals was logged.
    log = client.get(f"/v1/members/{ADDRESSES[PRODUCER]}/access-log", headers=member).json()
    assert log["accesses"] == []


@ONE_DATABASE
def test_the_queue_carries_each_pools_rubric_and_bound(
    client: TestClient, context: Context
) -> None:
    member, curator = login(client, PRODUCER), login(client, CURATOR)
    consented(client, member, PRODUCER, 1, b"a rice field")
    queue = client.get("/v1/curation/queue", headers=curator).json()
    pool = queue["pools"]["1"]
    assert pool["name"] == "Rice-field photos" and pool["max_weight"] == 100
    assert [level["weight"] for level in pool["rubric"]] == [1, 30, 70]
    assert set(pool["rubric"][0]["text"]) == {"en", "id"}
    assert queue["reject_codes"][-1] == "other"
    assert client.get("/v1/curation/pools/2").json()["rubric"][1]["weight"] == 30
    assert client.get("/v1/curation/pools/99").status_code == 404


def test_rubrics_and_reasons_parse_what_governance_and_curators_wrote() -> None:
    assert [lv.weight for lv in parse_rubric(STARTER_METADATA[0], 100)] == [1, 30, 70]
    assert parse_rubric("ipfs://terms", 100) == []
    assert parse_rubric("{not json", 100) == []
    odd = json.dumps({"rubric": [{"weight": 500, "text": "too high"}, {"weight": 2, "text": "x"},
                                 {"weight": True, "text": "bool"}, "junk"]})
    assert [(lv.weight, lv.text) for lv in parse_rubric(odd, 100)] == [(2, {"": "x"})]
    assert compose_reason("duplicate", " same as last week ") == "duplicate: same as last week"
    assert compose_reason("low_quality") == "low_quality"
    assert compose_reason("other", "see the note") == "see the note"
    assert parse_reason("duplicate: same as last week") == ("duplicate", "same as last week")
    assert parse_reason("unreadable") == ("unreadable", "")
    assert parse_reason("out of focus") == ("other", "out of focus")
    assert parse_reason("") == (None, "")


def test_a_template_reason_reaches_the_member(client: TestClient, context: Context) -> None:
    member, curator = login(client, PRODUCER), login(client, CURATOR)
    rejected = consented(client, member, PRODUCER, 1, b"a blurry photo")
    reason = compose_reason("personal_data_visible", "a face is visible")
    assert give_review(client, curator, rejected, CURATOR, 0, reason).status_code == 201
    stage = client.get(f"/v1/contributions/{rejected}/stage", headers=member).json()
    review = stage["review"]
    assert review["verdict"] == "rejected" and review["reason"] == reason
    assert review["reason_code"] == "personal_data_visible"
    assert review["reason_note"] == "a face is visible"
    listed = client.get(f"/v1/members/{ADDRESSES[PRODUCER]}/uploads", headers=member).json()
    assert listed["uploads"][0]["review"]["reason_code"] == "personal_data_visible"


def test_the_same_file_is_flagged_by_the_same_member_or_another(
    client: TestClient, context: Context
) -> None:
    member, curator = login(client, PRODUCER), login(client, CURATOR)
    steward = login(client, STEWARD)
    first = consented(client, member, PRODUCER, 1, b"market prices, Tuesday")
    again = consented(client, member, PRODUCER, 3, b"market prices, Tuesday")
    others = consented(client, steward, STEWARD, 3, b"market prices, Tuesday")
    unique = consented(client, member, PRODUCER, 3, b"market prices, Wednesday")
    items = {
        i["contribution_id"]: i["duplicates"]
        for i in client.get("/v1/curation/queue", headers=curator).json()["items"]
    }
    assert items[unique] == []
    assert items[again] == [
        {"contribution_id": first, "same_contributor": True},
        {"contribution_id": others, "same_contributor": False},
    ]
    assert {"contribution_id": again, "same_contributor": False} in items[others]
    # An erased upload is no longer compared: its hash went with its key.
    assert give_review(client, curator, first, CURATOR, 0, "duplicate").status_code == 201
    assert client.post(f"/v1/contributions/{first}/erase", headers=member).status_code == 200
    items = {
        i["contribution_id"]: i["duplicates"]
        for i in client.get("/v1/curation/queue", headers=curator).json()["items"]
    }
    assert items[again] == [{"contribution_id": others, "same_contributor": False}]


def test_the_curators_history_throughput_and_pay(client: TestClient, context: Context) -> None:
    member, curator = login(client, PRODUCER), login(client, CURATOR)
    accepted = consented(client, member, PRODUCER, 1, b"plot 7 yields")
    rejected = consented(client, member, PRODUCER, 1, b"blurred")
    assert client.get(content_url(accepted), headers=curator).status_code == 200
    assert give_review(client, curator, accepted, CURATOR, 9).status_code == 201
    response = give_review(client, curator, rejected, CURATOR, 0, "unreadable: too dark")
    assert response.status_code == 201
    history = client.get("/v1/curation/history", headers=curator)
    assert history.status_code == 200, history.text
    body = history.json()
    assert [r["contribution_id"] for r in body["reviews"]] == [rejected, accepted]
    assert body["reviews"][0]["reason_code"] == "unreadable"
    assert body["reviews"][0]["reason_note"] == "too dark"
    assert body["reviews"][1]["weight"] == 9 and body["reviews"][1]["pool_id"] == 1
    throughput = body["throughput"]
    assert throughput["last_day"] == throughput["last_week"] == throughput["total"] == 2
    assert (throughput["accepted"], throughput["rejected"], throughput["opened"]) == (1, 1, 1)
    assert len(throughput["per_day"]) == 14 and throughput["per_day"][-1]["reviews"] == 2
    chain = context.chain
    pay = body["pay"]
    assert pay["workers_bps"] == chain.distributor.split().workers_bps
    work_pot = chain.distributor.work_pot()
    assert pay["credited_reviews"] == chain.distributor.units_of(work_pot, ADDRESSES[CURATOR])
    assert pay["curation_cap"] == chain.registry.curation_cap()
    assert client.get("/v1/curation/history", headers=member).status_code == 403


def test_pay_is_the_work_pots_read_from_the_chain(
    client: TestClient, context: Context, stocked: None, w3: Web3, contracts: dict[str, Contract]
) -> None:
    coop = Coop(w3, contracts)
    curator = login(client, CURATOR)
    distributor, me = context.chain.distributor, ADDRESSES[CURATOR]
    work_pot = distributor.work_pot()
    coop.buy(PRODUCER, 1)  # the workers' share of the sale goes to the work pot
    units, total = distributor.units_of(work_pot, me), distributor.total_units(work_pot)
    owed = distributor.claimable(work_pot, me)
    assert units >= 3 and owed > 0  # stocked: three accepted reviews credited
    pay = client.get("/v1/curation/history", headers=curator).json()["pay"]
    workers_bps = distributor.split().workers_bps
    assert pay["credited_reviews"] == units and pay["total_credited"] == total
    assert pay["claimable"] == str(owed) and pay["claimed"] == "0"
    assert pay["per_review_share_ppb"] == workers_bps * 10**9 // (10_000 * total)
    assert pay["earned_per_review"] == str(owed // units)
    coop.claim(CURATOR, work_pot)
    index_until_head(context)
    pay = client.get("/v1/curation/history", headers=curator).json()["pay"]
    assert (pay["claimable"], pay["claimed"]) == ("0", str(owed))
    assert pay["earned_per_review"] == str(owed // units)
