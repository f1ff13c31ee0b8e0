"""The gas relay under attack, on a real Anvil: every request the relay must not pay for is
refused before anything is sent (the gas relayer's nonce and balance stay as they were).

A refusal decided by the checks alone runs on one database (``ONE_DATABASE``); replays, quotas
and pending transactions, which the API decides from its rows, run on both."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from web3 import Web3
from web3.contract import Contract

from api.context import Context
from api.main import create_app
from api.settings import Settings
from lumbung.devchain import KEYS
from lumbung.protocol import VoteType
from tests.api.cooperative import Coop
from tests.api.harness import ADDRESSES, CURATOR, ONE_DATABASE, PRODUCER, STEWARD, free_port
from tests.api.relay_helpers import GAS_RELAYER, RelayerState, forward_body, vote_body

WEEK = 7 * 24 * 3600


@pytest.fixture
def coop(w3: Web3, contracts: dict[str, Contract]) -> Coop:
    return Coop(w3, contracts)


def cid(seed: bytes) -> bytes:
    return bytes([0x01, 0x55, 0x12, 0x20]) + hashlib.sha256(seed).digest()


def submit(contracts: dict[str, Contract], seed: bytes, pool_id: int = 1) -> Any:
    return contracts["ContributionRegistry"].functions.submit(pool_id, cid(seed))


def refused(client: TestClient, w3: Web3, body: Any, status: int, slug: str | None = None) -> dict:
    """POSTs ``body`` and checks that it is refused with ``status`` (and the problem type's
    ``slug``) and that nothing was sent."""
    before = RelayerState.of(w3)
    response = client.post("/v1/relay", json=body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    if slug is not None:
        assert problem["type"].endswith("/" + slug), problem
    assert RelayerState.of(w3) == before
    assert client.get("/v1/relay/transactions").json() == []
    return problem


@ONE_DATABASE
@pytest.mark.parametrize(
    ("field", "altered"),
    [
        ("data", lambda c: submit(c, b"another photo")._encode_transaction_data()),
        ("from", lambda c: ADDRESSES[STEWARD]),
        ("gas", lambda c: 399_999),
        ("deadline", lambda c: None),  # one second later
    ],
)
def test_a_request_altered_after_signing_is_not_sent(client, contracts, w3, field, altered):
    body = forward_body(w3, contracts, PRODUCER, submit(contracts, b"signed photo"))
    request = body["request"]
    request[field] = request["deadline"] + 1 if field == "deadline" else altered(contracts)
    refused(client, w3, body, 422, "relay-signature-invalid")


@ONE_DATABASE
def test_a_request_redirected_to_another_target_is_not_sent(client, contracts, w3):
    body = forward_body(w3, contracts, PRODUCER, contracts["RevenueDistributor"].functions.claim(1))
    body["request"]["to"] = contracts["ContributionRegistry"].address
    refused(client, w3, body, 422)


@ONE_DATABASE
def test_a_request_signed_by_another_key_is_not_sent(client, contracts, w3):
    body = forward_body(w3, contracts, PRODUCER, submit(contracts, b"forged"), key=KEYS[STEWARD])
    refused(client, w3, body, 422, "relay-signature-invalid")


def test_a_replayed_request_is_refused(client, contracts, w3):
    body = forward_body(w3, contracts, PRODUCER, submit(contracts, b"once"))
    assert client.post("/v1/relay", json=body).status_code == 200
    before = RelayerState.of(w3)
    response = client.post("/v1/relay", json=body)
    assert response.status_code == 409, response.text
    assert response.json()["type"].endswith("/relay-replayed")
    assert RelayerState.of(w3) == before
    assert len(client.get("/v1/relay/transactions").json()) == 1


@ONE_DATABASE
@pytest.mark.parametrize("ttl", [-1, 0, 3600 + 1, 30 * 24 * 3600])
def test_a_deadline_passed_or_too_far_ahead_is_refused(client, contracts, w3, ttl):
    body = forward_body(w3, contracts, PRODUCER, submit(contracts, b"deadline"), ttl=ttl)
    refused(client, w3, body, 422, "relay-request-refused")


def test_a_deadline_within_the_hour_is_relayed(client, contracts, w3):
    body = forward_body(w3, contracts, PRODUCER, submit(contracts, b"in time"), ttl=3600)
    assert client.post("/v1/relay", json=body).status_code == 200


@ONE_DATABASE
@pytest.mark.parametrize("gas", [1_000_001, 0])
def test_gas_outside_the_forwarders_bounds_is_refused(client, contracts, w3, gas):
    body = forward_body(w3, contracts, PRODUCER, submit(contracts, b"gas"), gas=gas)
    refused(client, w3, body, 422, "relay-request-refused")


@ONE_DATABASE
def test_a_request_carrying_ether_is_refused(client, contracts, w3):
    body = forward_body(w3, contracts, PRODUCER, submit(contracts, b"value"))
    body["request"]["value"] = "1"
    refused(client, w3, body, 422, "relay-request-refused")


def _not_allowed(contracts: dict[str, Contract], w3: Web3) -> dict[str, Any]:
    registry, forwarder = contracts["ContributionRegistry"], contracts["Forwarder"]
    inner = forward_body(w3, contracts, PRODUCER, submit(contracts, b"nested"))["request"]
    nested = (
        inner["from"],
        inner["to"],
        0,
        inner["gas"],
        inner["deadline"],
        bytes.fromhex(inner["data"][2:]),
        bytes.fromhex(inner["signature"][2:]),
    )
    return {
        "DataMarket.setPrice": contracts["DataMarket"].functions.setPrice(1, 1),
        "PaymentToken.transfer": contracts["PaymentToken"].functions.transfer(
            ADDRESSES[STEWARD], 1
        ),
        "Forwarder.execute": forwarder.functions.execute(nested),
        "ContributionRegistry.createPool": registry.functions.createPool("mine", ""),
        "ContributionRegistry.multicall(createPool)": registry.functions.multicall(
            [
                registry.encode_abi("submit", args=[1, cid(b"cover")]),
                registry.encode_abi("createPool", args=["mine", ""]),
            ]
        ),
        "ContributionRegistry.multicall(multicall)": registry.functions.multicall(
            [registry.encode_abi("multicall", args=[[]])]
        ),
    }


@ONE_DATABASE
@pytest.mark.parametrize(
    "call",
    [
        "DataMarket.setPrice",
        "PaymentToken.transfer",
        "Forwarder.execute",
        "ContributionRegistry.createPool",
        "ContributionRegistry.multicall(createPool)",
        "ContributionRegistry.multicall(multicall)",
    ],
)
def test_a_call_outside_the_allowlist_is_refused(client, contracts, w3, call):
    function = _not_allowed(contracts, w3)[call]
    body = forward_body(w3, contracts, PRODUCER, function)
    refused(client, w3, body, 422, "relay-request-refused")


@ONE_DATABASE
def test_an_unknown_selector_is_refused(client, contracts, w3):
    body = forward_body(w3, contracts, PRODUCER, submit(contracts, b"unknown"))
    body["request"]["data"] = "0xdeadbeef"
    refused(client, w3, body, 422, "relay-request-refused")


@ONE_DATABASE
def test_a_request_that_would_revert_names_the_error_and_costs_nothing(
    client, contracts, coop: Coop, w3
):
    key, _ = coop.submit(PRODUCER, 1, b"not yours")
    revoke = contracts["ContributionRegistry"].functions.revoke(key)
    problem = refused(client, w3, forward_body(w3, contracts, STEWARD, revoke), 409)
    assert problem["error"].startswith("ContributionRegistry"), problem
    assert problem["type"].endswith("/contract/" + problem["error"])


@ONE_DATABASE
def test_a_vote_with_an_altered_ballot_is_refused(client, contracts, coop: Coop, w3):
    market = contracts["DataMarket"]
    call = (market.address, market.functions.setGeneralStrike(True)._encode_transaction_data())
    proposal_id = coop.propose(STEWARD, [call], "Strike")
    coop.advance(61)
    body = vote_body(w3, contracts, PRODUCER, proposal_id, VoteType.FOR)
    altered = {**body, "support": VoteType.AGAINST}
    refused(client, w3, altered, 422, "relay-signature-invalid")
    refused(client, w3, {**body, "voter": ADDRESSES[STEWARD]}, 422, "relay-signature-invalid")
    too_early = vote_body(w3, contracts, PRODUCER, proposal_id + 1, VoteType.FOR)
    refused(client, w3, too_early, 409)  # no such proposal: the governor's error


@ONE_DATABASE
def test_a_join_voucher_for_another_deployment_is_refused(client, w3):
    voucher = client.post(
        "/v1/dev/vouchers", json={"address": ADDRESSES[8], "stakeholder_class": "funder"}
    ).json()
    for changes in (
        {"chain_id": 1},
        {"membership": ADDRESSES[0]},
        {"stakeholder_class": "steward"},
    ):
        body = {
            "kind": "join",
            "voucher": {**voucher, **changes},
            "signature": voucher["signature"],
        }
        refused(client, w3, body, 422, "relay-request-refused")
    forged = {**voucher, "stakeholder_class_id": 3, "stakeholder_class": "steward"}
    problem = refused(
        client, w3, {"kind": "join", "voucher": forged, "signature": voucher["signature"]}, 409
    )
    assert problem["error"] == "MembershipInvalidSigner"


def test_the_quota_refuses_one_account_while_another_still_relays(
    client, contracts, coop: Coop, w3
):
    coop.as_timelock(contracts["Forwarder"].functions.setRelayLimits(2, WEEK, 1_000_000))
    for n in range(2):
        body = forward_body(w3, contracts, PRODUCER, submit(contracts, b"quota %d" % n))
        assert client.post("/v1/relay", json=body).status_code == 200
    before = RelayerState.of(w3)
    body = forward_body(w3, contracts, PRODUCER, submit(contracts, b"one too many"))
    response = client.post("/v1/relay", json=body)
    assert response.status_code == 429, response.text
    assert response.json()["type"].endswith("/relay-quota-exceeded")
    ends = client.get("/v1/relay", params={"account": ADDRESSES[PRODUCER]}).json()["account"]
    assert ends["left"] == 0
    assert 0 < int(response.headers["Retry-After"]) <= WEEK
    assert RelayerState.of(w3) == before
    other = forward_body(w3, contracts, CURATOR, submit(contracts, b"curator's own"))
    assert client.post("/v1/relay", json=other).status_code == 200


def test_votes_count_against_the_same_quota(client, contracts, coop: Coop, w3):
    coop.as_timelock(contracts["Forwarder"].functions.setRelayLimits(1, WEEK, 1_000_000))
    body = forward_body(w3, contracts, PRODUCER, submit(contracts, b"the one relay"))
    assert client.post("/v1/relay", json=body).status_code == 200
    market = contracts["DataMarket"]
    call = (market.address, market.functions.setGeneralStrike(True)._encode_transaction_data())
    proposal_id = coop.propose(STEWARD, [call], "Strike")
    coop.advance(61)
    ballot = vote_body(w3, contracts, PRODUCER, proposal_id, VoteType.FOR)
    before = RelayerState.of(w3)
    assert client.post("/v1/relay", json=ballot).status_code == 429
    assert RelayerState.of(w3) == before


def _valid_request() -> dict[str, Any]:
    return {
        "from": ADDRESSES[PRODUCER],
        "to": ADDRESSES[STEWARD],
        "value": "0",
        "gas": 100_000,
        "deadline": 2_000_000_000,
        "data": "0x",
        "signature": "0x" + "11" * 65,
    }


MALFORMED: list[tuple[str, Any]] = [
    ("not an object", []),
    ("no kind", {"request": _valid_request()}),
    ("unknown kind", {"kind": "teleport", "request": _valid_request()}),
    ("no request", {"kind": "forward"}),
    ("short signature", {"kind": "forward", "request": {**_valid_request(), "signature": "0x11"}}),
    ("data not hex", {"kind": "forward", "request": {**_valid_request(), "data": "0xzz"}}),
    ("odd data", {"kind": "forward", "request": {**_valid_request(), "data": "0x123"}}),
    ("gas as text", {"kind": "forward", "request": {**_valid_request(), "gas": "100000"}}),
    ("negative gas", {"kind": "forward", "request": {**_valid_request(), "gas": -1}}),
    ("gas above uint64", {"kind": "forward", "request": {**_valid_request(), "gas": 2**64}}),
    (
        "deadline above uint48",
        {"kind": "forward", "request": {**_valid_request(), "deadline": 2**48}},
    ),
    ("value as number", {"kind": "forward", "request": {**_valid_request(), "value": 0}}),
    ("negative value", {"kind": "forward", "request": {**_valid_request(), "value": "-1"}}),
    ("from not an address", {"kind": "forward", "request": {**_valid_request(), "from": "0x12"}}),
    (
        "data too long",
        {"kind": "forward", "request": {**_valid_request(), "data": "0x" + "00" * 20000}},
    ),
    (
        "vote support 3",
        {
            "kind": "vote",
            "proposal_id": "1",
            "support": 3,
            "voter": ADDRESSES[PRODUCER],
            "signature": "0x" + "11" * 65,
        },
    ),
    (
        "vote id not decimal",
        {
            "kind": "vote",
            "proposal_id": "0x1",
            "support": 1,
            "voter": ADDRESSES[PRODUCER],
            "signature": "0x" + "11" * 65,
        },
    ),
    (
        "NUL in a reason",
        {
            "kind": "vote",
            "proposal_id": "1",
            "support": 1,
            "voter": ADDRESSES[PRODUCER],
            "reason": "a\x00b",
            "signature": "0x" + "11" * 65,
        },
    ),
    ("join without voucher", {"kind": "join", "signature": "0x" + "11" * 65}),
]


@ONE_DATABASE
@pytest.mark.parametrize(("case", "body"), MALFORMED, ids=[case for case, _ in MALFORMED])
def test_a_malformed_body_is_refused(client, w3, case, body):
    refused(client, w3, copy.deepcopy(body), 422)


@pytest.fixture
def chain_down(settings: Settings) -> Iterator[TestClient]:
    down = settings.model_copy(update={"rpc_url": f"http://127.0.0.1:{free_port()}"})
    context = Context(down)
    with TestClient(create_app(context=context)) as test_client:
        yield test_client
    context.close()


def test_the_chain_down_is_503(chain_down: TestClient):
    response = chain_down.get("/v1/relay", params={"account": ADDRESSES[PRODUCER]})
    assert response.status_code == 503, response.text
    assert "Retry-After" in response.headers
    body = {"kind": "forward", "request": _valid_request()}
    response = chain_down.post("/v1/relay", json=body)
    assert response.status_code == 503, response.text
    assert response.json()["type"].endswith("/chain-unavailable")


def test_posting_is_rate_limited_per_client_before_the_body_is_read(settings: Settings, w3):
    context = Context(settings.model_copy(update={"rate_limit_relay": "2/60"}))
    with TestClient(create_app(context=context)) as client:
        answers = [client.post("/v1/relay", json={}).status_code for _ in range(3)]
        assert answers == [422, 422, 429]
        limited = client.post("/v1/relay", json={})
        assert limited.json()["type"].endswith("/rate-limited")
        assert int(limited.headers["Retry-After"]) >= 1
        assert client.get("/v1/relay").status_code == 200  # reading is not limited
    context.close()


def test_a_transaction_not_mined_in_time_is_recorded_pending_then_settled(
    settings: Settings, contracts, coop: Coop, w3
):
    context = Context(settings.model_copy(update={"relay_receipt_timeout_s": 0.3}))
    with TestClient(create_app(context=context)) as client:
        body = forward_body(w3, contracts, PRODUCER, submit(contracts, b"slow block"))
        coop.rpc("evm_setAutomine", False)
        try:
            response = client.post("/v1/relay", json=body)
            assert response.status_code == 504, response.text
            problem = response.json()
            assert problem["type"].endswith("/relay-pending")
            (row,) = client.get("/v1/relay/transactions").json()
            assert (row["tx_hash"], row["status"], row["block"]) == (
                problem["tx_hash"],
                "pending",
                None,
            )
            again = client.post("/v1/relay", json=body)  # it may still be mined: a replay
            assert again.status_code == 409, again.text
        finally:
            coop.rpc("evm_setAutomine", True)
        coop.mine()
        other = forward_body(w3, contracts, CURATOR, submit(contracts, b"next one"))
        assert client.post("/v1/relay", json=other).status_code == 200
        rows = client.get("/v1/relay/transactions").json()
        assert [r["status"] for r in rows] == ["success", "success"]
        assert rows[1]["tx_hash"] == problem["tx_hash"] and rows[1]["block"] is not None
    context.close()


def test_a_dry_gas_relayer_answers_503_and_records_nothing(client, contracts, coop: Coop, w3):
    coop.rpc("anvil_setBalance", GAS_RELAYER, "0x0")
    body = forward_body(w3, contracts, PRODUCER, submit(contracts, b"no float"))
    problem = refused(client, w3, body, 503, "relay-unfunded")
    assert GAS_RELAYER in problem["detail"]
    relayer = client.get("/v1/relay").json()["relayer"]
    assert (relayer["balance_wei"], relayer["days_left"]) == ("0", None)
