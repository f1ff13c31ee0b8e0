"""Sign-In with Ethereum (EIP-4361): what is accepted and every way a sign-in is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from api.context import Context
from api.db import transaction
from api.errors import SiweMessageError
from api.models import WalletSession
from api.services import auth
from tests.api.harness import ADDRESSES, PRODUCER, STEWARD
from tests.api.identity_helpers import login, message_for, sign

SIWE = "https://lumbung.coop/problems/siwe-rejected"
MALFORMED = "https://lumbung.coop/problems/siwe-malformed-message"


def post(client: TestClient, text: str, signature: str):
    return client.post("/v1/auth/siwe", json={"message": text, "signature": signature})


def attempt(client: TestClient, text: str, key_index: int = PRODUCER) -> dict:
    response = post(client, text, sign(text, key_index))
    body = response.json()
    body["_status"] = response.status_code
    return body


def test_good_login_me_and_logout(client: TestClient) -> None:
    issued = client.get("/v1/auth/nonce").json()
    assert issued["chain_id"] == 31337 and len(issued["nonce"]) >= 8
    assert issued["domain"] == "127.0.0.1:8000"
    headers = login(client, PRODUCER)
    me = client.get("/v1/auth/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["address"] == ADDRESSES[PRODUCER]
    assert client.post("/v1/auth/logout", headers=headers).status_code == 200
    after = client.get("/v1/auth/me", headers=headers)
    assert after.status_code == 401 and after.headers["content-type"] == "application/problem+json"


def test_token_is_stored_only_hashed(client: TestClient, context: Context) -> None:
    token = login(client, STEWARD)["Authorization"].split()[1]
    with context.sessions() as session:
        stored = session.query(WalletSession).one()
        assert stored.token_hash == auth.hash_token(token) and token not in stored.token_hash
        assert stored.address == ADDRESSES[STEWARD]


def test_replayed_nonce_is_refused(client: TestClient) -> None:
    text = message_for(client, PRODUCER)
    assert attempt(client, text)["_status"] == 200
    replay = attempt(client, text)
    assert replay["_status"] == 401 and replay["type"] == SIWE
    assert "already used" in replay["detail"]


def test_expired_message_is_refused(client: TestClient) -> None:
    past = datetime.now(UTC) - timedelta(minutes=10)
    text = message_for(client, PRODUCER, issued_at=past - timedelta(minutes=5),
                       expiration_time=past)
    refused = attempt(client, text)
    assert refused["_status"] == 401 and "expired" in refused["detail"]


def test_expired_nonce_is_refused(client: TestClient, context: Context) -> None:
    ttl = timedelta(seconds=context.settings.siwe_nonce_ttl_s)
    stale = auth.issue_nonce(context.settings, now=datetime.now(UTC) - ttl - timedelta(1))
    text = message_for(client, PRODUCER, nonce=stale.nonce)
    refused = attempt(client, text)
    assert refused["_status"] == 401 and "nonce has expired" in refused["detail"]


def test_unknown_nonce_is_refused(client: TestClient) -> None:
    text = message_for(client, PRODUCER, nonce="madeup1234567890")
    refused = attempt(client, text)
    assert refused["_status"] == 401 and "unknown nonce" in refused["detail"]


@pytest.mark.parametrize(
    ("override", "needle"),
    [
        ({"domain": "evil.example"}, "domain"),
        ({"chain_id": 1}, "chain 1"),
        ({"uri": "https://evil.example/login"}, "URI"),
        ({"issued_at": datetime.now(UTC) + timedelta(hours=1)}, "future"),
        ({"not_before": datetime.now(UTC) + timedelta(hours=1)}, "not valid yet"),
    ],
)
def test_wrong_audience_chain_or_times_are_refused(
    client: TestClient, override: dict, needle: str
) -> None:
    refused = attempt(client, message_for(client, PRODUCER, **override))
    assert refused["_status"] == 401 and refused["type"] == SIWE
    assert needle in refused["detail"]


def test_signature_by_another_key_is_refused(client: TestClient) -> None:
    text = message_for(client, PRODUCER)
    refused = attempt(client, text, key_index=STEWARD)
    assert refused["_status"] == 401 and ADDRESSES[STEWARD] in refused["detail"]
    # The nonce was not burnt by the failed attempt: the real owner can still use it.
    assert attempt(client, text)["_status"] == 200


def test_bad_signatures_are_refused(client: TestClient) -> None:
    text = message_for(client, PRODUCER)
    good = sign(text, PRODUCER)
    forged = good[:-2] + ("1c" if good[-2:] == "1b" else "1b")
    for signature in ("0x" + "00" * 65, forged, "0x" + "ff" * 65):
        response = post(client, text, signature)
        assert response.status_code == 401, signature
    short = post(client, text, "0x1234")
    assert short.status_code == 422


def test_signature_of_another_text_is_refused(client: TestClient) -> None:
    text = message_for(client, PRODUCER)
    other = text.replace("Sign in to", "Sign in again to")
    response = post(client, text, sign(other, PRODUCER))
    assert response.status_code == 401


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t.replace("wants you to sign in", "wants to sign in"),
        lambda t: t.replace("Version: 1", "Version: 2"),
        lambda t: t.replace("Chain ID: 31337", "Chain ID: 0x7a69"),
        lambda t: t.replace("\nURI:", "\nUri:"),
        lambda t: t.replace("\n", "\r\n"),
        lambda t: t + "\nExtra: field",
        lambda t: t.replace("Issued At: ", "Issued At: x"),
        lambda t: t.replace("Nonce: ", "Nonce: !"),
        lambda t: t.split("\n")[0],
        lambda t: "",
    ],
)
def test_malformed_messages_are_refused(client: TestClient, mangle) -> None:
    text = mangle(message_for(client, PRODUCER))
    text = text or "x"
    response = post(client, text, sign(text, PRODUCER))
    assert response.status_code == 422, text
    assert response.json()["type"] in {MALFORMED, "https://lumbung.coop/problems/invalid-input"}


def test_lowercase_address_is_malformed(client: TestClient) -> None:
    text = message_for(client, PRODUCER)
    text = text.replace(ADDRESSES[PRODUCER], ADDRESSES[PRODUCER].lower())
    refused = attempt(client, text)
    assert refused["_status"] == 422 and "EIP-55" in refused["detail"]


def test_expired_session_token_is_refused(client: TestClient, context: Context) -> None:
    headers = login(client, PRODUCER)
    assert client.get("/v1/auth/me", headers=headers).status_code == 200
    with transaction(context.sessions) as session:
        session.execute(
            update(WalletSession).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    refused = client.get("/v1/auth/me", headers=headers)
    assert refused.status_code == 401 and "expired" in refused.json()["detail"]
    for bad in ("Bearer lbs_unknown", "Bearer nope", "Basic abc"):
        assert client.get("/v1/auth/me", headers={"Authorization": bad}).status_code == 401
    assert client.get("/v1/auth/me").status_code == 401


def test_parser_reads_every_optional_field() -> None:
    now = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    text = auth.build_message(
        domain="127.0.0.1:8000", address=ADDRESSES[PRODUCER], uri="http://127.0.0.1:8000/app",
        chain_id=31337, nonce="abcdef123456", issued_at=now, statement=None,
        expiration_time=now + timedelta(hours=1), not_before=now, request_id="req-1",
        resources=("ipfs://bafy", "https://lumbung.coop/terms"),
    )
    parsed = auth.parse_message(text)
    assert parsed.statement is None and parsed.request_id == "req-1"
    assert parsed.resources == ("ipfs://bafy", "https://lumbung.coop/terms")
    assert parsed.expiration_time == now + timedelta(hours=1) and parsed.not_before == now
    with_scheme = auth.parse_message("https://" + text)
    assert with_scheme.scheme == "https" and with_scheme.domain == "127.0.0.1:8000"
    # EIP-4361's ABNF allows an empty resource list (resources = *( LF resource )).
    empty = text.replace("Resources:\n- ipfs://bafy\n- https://lumbung.coop/terms", "Resources:")
    assert auth.parse_message(empty).resources == ()


# EIP-4361's ABNF: statement = 1*( reserved / unreserved / " " ), request-id = *pchar,
# resources = *( LF resource ), domain = authority, uri = URI (RFC 3986).
def _abnf_case(**overrides):
    now = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    fields = dict(domain="127.0.0.1:8000", address=ADDRESSES[PRODUCER],
                  uri="http://127.0.0.1:8000", chain_id=31337, nonce="abcdef123456",
                  issued_at=now)
    return auth.build_message(**{**fields, **overrides})


ABNF_CASES = [
    ("a plain message", _abnf_case(), True),
    ("NUL in the statement", _abnf_case(statement="Sign in\x00 now"), False),
    ("a tab in the statement", _abnf_case(statement="Sign\tin"), False),
    ("U+202E in the statement", _abnf_case(statement="Sign \u202e in"), False),
    ("non-ASCII in the statement", _abnf_case(statement="Masuk ké koperasi"), False),
    ('a " in the statement', _abnf_case(statement='Sign "in"'), False),
    ("a % in the statement", _abnf_case(statement="100% sure"), False),
    ("reserved characters in the statement", _abnf_case(statement="Terms: a/b?c#d [e] @f!"),
     True),
    ("a space in the request id", _abnf_case(request_id="a b"), False),
    ("a percent-encoded request id", _abnf_case(request_id="a%20b"), True),
    ("a bad percent escape in the request id", _abnf_case(request_id="a%zz"), False),
    ("an empty request id", _abnf_case(request_id=""), True),
    ('a " in the request id', _abnf_case(request_id='a"b'), False),
    ("a / in the request id", _abnf_case(request_id="a/b"), False),
    ("an empty resource list", _abnf_case() + "\nResources:", True),
    ("two resources", _abnf_case(resources=("ipfs://bafy", "https://x.example/a?b=1#c")), True),
    ("a space in a resource", _abnf_case(resources=("https://x.example/a b",)), False),
    ("non-ASCII in a resource", _abnf_case(resources=("https://x.example/é",)), False),
    ("a ^ in a resource", _abnf_case(resources=("https://x.example/^",)), False),
    ("userinfo in the domain", _abnf_case(domain="user@127.0.0.1:8000"), True),
    ("an IPv6 domain", _abnf_case(domain="[::1]:8000"), True),
    ("a < in the domain", _abnf_case(domain="exa<mple.com"), False),
    ("a space in the domain", _abnf_case(domain="127.0.0.1 :8000"), False),
    ("a URI without a scheme", _abnf_case(uri="//127.0.0.1"), False),
    ('a " in the URI', _abnf_case(uri='http://127.0.0.1/"'), False),
    ("NUL in the nonce", _abnf_case(nonce="abcdef12\x003456"), False),
    ("no statement", _abnf_case(statement=None), True),
]


@pytest.mark.parametrize(("text", "valid"), [c[1:] for c in ABNF_CASES],
                         ids=[c[0] for c in ABNF_CASES])
def test_parser_follows_the_eip4361_abnf(text: str, valid: bool) -> None:
    if valid:
        auth.parse_message(text)
    else:
        with pytest.raises(SiweMessageError):
            auth.parse_message(text)


@pytest.mark.parametrize(("text", "valid"), [c[1:] for c in ABNF_CASES],
                         ids=[c[0] for c in ABNF_CASES])
def test_the_siwe_package_agrees(text: str, valid: bool) -> None:
    """The same verdicts from the independent ``siwe`` package's ABNF parser (when present)."""
    parsed = pytest.importorskip("siwe.parsed")
    if valid:
        parsed.ABNFParsedMessage(text)
    else:
        with pytest.raises(ValueError):
            parsed.ABNFParsedMessage(text)


def test_hostile_statement_is_refused_by_the_api(client: TestClient) -> None:
    text = message_for(client, PRODUCER, statement="Sign in \u202e\tto Lumbung")
    refused = attempt(client, text)
    assert refused["_status"] == 422 and refused["type"] == MALFORMED


def test_wallet_addresses_are_not_logged_at_info(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO")
    login(client, PRODUCER)
    address = ADDRESSES[PRODUCER]
    leaked = [r.getMessage() for r in caplog.records
              if r.levelno >= 20 and address.lower() in r.getMessage().lower()]
    assert not leaked
