"""Sign-In with Ethereum (EIP-4361) for members and wallet buyers, and their bearer sessions.

The message is parsed strictly against the EIP-4361 grammar here rather than by a library, so
every field the API relies on is checked exactly: the domain and URI this API announces, version
1, the deployment's chain id, a nonce the API issued, not yet used and not expired, the issue,
expiry and not-before times, and an EIP-191 signature by the EIP-55 address in the message. A
successful sign-in opens a session whose random bearer token is kept only as its SHA-256, like
the buyers' API keys.

Nonces cost nothing until they are used: a nonce is its issue time and random bytes, signed
with an HMAC under ``LUMBUNG_NONCE_SECRET``, so issuing one touches no database. A sign-in
checks the MAC and the age, then records the nonce in ``siwe_consumed_nonces`` with one
``INSERT ... ON CONFLICT DO NOTHING``: its primary key lets exactly one sign-in use a nonce, in
any process. The settlement worker deletes the rows of expired nonces (and expired sessions).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import is_checksum_address, to_checksum_address
from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from api.errors import SiweMessageError, SiweRejectedError, UnauthorizedError
from api.models import ConsumedNonce, WalletSession
from api.settings import Settings
from lumbung.protocol import ADDRESS_PATTERN, utc
from lumbung.siwe import PREAMBLE as _PREAMBLE
from lumbung.siwe import build_message as build_message

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "lbs_"  # noqa: S105 (a prefix that marks session tokens, not a secret)
# Tolerated clock difference between the wallet's "Issued At" and this server.
CLOCK_SKEW = timedelta(seconds=60)
MAX_MESSAGE_CHARS = 8_192
# A nonce is hex (EIP-4361 nonces are alphanumeric) of: issue time (4 bytes, Unix seconds, big
# endian), 12 random bytes, and the first 16 bytes of HMAC-SHA256(secret, domain tag + both).
_NONCE_TIME, _NONCE_RANDOM, _NONCE_MAC = 4, 12, 16
_NONCE_SIGNED = _NONCE_TIME + _NONCE_RANDOM
_NONCE_TAG = b"lumbung/siwe-nonce/v1"
# Lowercase only: an uppercase spelling of a used nonce must not be a second, unused one.
_ISSUED_NONCE = re.compile(rf"[0-9a-f]{{{2 * (_NONCE_SIGNED + _NONCE_MAC)}}}")
# The sweep keeps a consumed nonce this long past its expiry, so that a worker whose clock runs
# ahead of an API process's cannot delete a row that process would still need.
SWEEP_MARGIN = timedelta(minutes=5)

_ADDRESS = re.compile(ADDRESS_PATTERN)
_NONCE = re.compile(r"[A-Za-z0-9]{8,}")
_CHAIN_ID = re.compile(r"[1-9][0-9]{0,19}")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")
# RFC 3339 date-time, as EIP-4361 requires (a time zone is mandatory).
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})"
)
# EIP-4361's ABNF over RFC 3986's character classes. The message is printable ASCII and LF.
_PRINTABLE = re.compile(r"[\x20-\x7e\n]*")
_UNRESERVED = r"A-Za-z0-9\-._~"
_SUB_DELIMS = r"!$&'()*+,;="
_PCT = r"%[0-9A-Fa-f]{2}"
# statement = 1*( reserved / unreserved / " " )
_STATEMENT = re.compile(rf"[{_UNRESERVED}:/?#\[\]@{_SUB_DELIMS} ]+")
# request-id = *pchar
_REQUEST_ID = re.compile(rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:@]|{_PCT})*")
# domain = authority = [ userinfo "@" ] host [ ":" port ]
_AUTHORITY = re.compile(
    rf"(?:(?:[{_UNRESERVED}{_SUB_DELIMS}:]|{_PCT})*@)?"
    rf"(?:\[[0-9A-Fa-f:.vV{_UNRESERVED}{_SUB_DELIMS}]+\]|(?:[{_UNRESERVED}{_SUB_DELIMS}]|{_PCT})+)"
    r"(?::[0-9]*)?"
)
# URI = scheme ":" hier-part [ "?" query ] [ "#" fragment ], by its characters.
_URI = re.compile(rf"[A-Za-z][A-Za-z0-9+.\-]*:(?:[{_UNRESERVED}:/?#\[\]@{_SUB_DELIMS}]|{_PCT})*")
_SIGNATURE = re.compile(r"0x[0-9a-fA-F]{130}")
_OPTIONAL_FIELDS = (
    ("Expiration Time: ", "expiration_time"),
    ("Not Before: ", "not_before"),
    ("Request ID: ", "request_id"),
)


@dataclass(frozen=True)
class SiweMessage:
    """The fields of an EIP-4361 message."""

    domain: str
    address: str
    uri: str
    version: str
    chain_id: int
    nonce: str
    issued_at: datetime
    scheme: str | None = None
    statement: str | None = None
    expiration_time: datetime | None = None
    not_before: datetime | None = None
    request_id: str | None = None
    resources: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class IssuedNonce:
    nonce: str
    expires_at: datetime


@dataclass(frozen=True)
class OpenedSession:
    token: str
    address: str
    expires_at: datetime


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _timestamp(value: str, name: str) -> datetime:
    if not _DATETIME.fullmatch(value):
        raise SiweMessageError(f"{name} is not an RFC 3339 date-time: {value!r}")
    try:
        return utc(datetime.fromisoformat(value.replace("z", "Z")))
    except ValueError as exc:
        raise SiweMessageError(f"{name} is not a valid date-time: {value!r}") from exc


def _uri(value: str, name: str) -> str:
    if not _URI.fullmatch(value):
        raise SiweMessageError(f"{name} is not an RFC 3986 URI: {value!r}")
    return value


def _take(lines: list[str], index: int, prefix: str) -> str:
    if index >= len(lines) or not lines[index].startswith(prefix):
        raise SiweMessageError(f"line {index + 1} should start with {prefix.strip()!r}")
    return lines[index][len(prefix) :]


def parse_message(text: str) -> SiweMessage:
    """Parses an EIP-4361 message; raises :class:`SiweMessageError` on any deviation."""
    if len(text) > MAX_MESSAGE_CHARS:
        raise SiweMessageError(f"the message is longer than {MAX_MESSAGE_CHARS} characters")
    if "\r" in text:
        raise SiweMessageError("lines must end with LF only")
    if not _PRINTABLE.fullmatch(text):
        raise SiweMessageError(
            "the message must be printable ASCII and LF only (no NUL, tab or non-ASCII)"
        )
    lines = text.split("\n")
    if len(lines) < 9:
        raise SiweMessageError("the message is too short to be an EIP-4361 message")

    header = lines[0]
    if not header.endswith(_PREAMBLE):
        raise SiweMessageError(f"the first line must end with {_PREAMBLE.strip()!r}")
    authority = header[: -len(_PREAMBLE)]
    scheme: str | None = None
    if "://" in authority:
        scheme, authority = authority.split("://", 1)
        if not _SCHEME.fullmatch(scheme):
            raise SiweMessageError(f"invalid scheme {scheme!r}")
    if not _AUTHORITY.fullmatch(authority):
        raise SiweMessageError(f"invalid domain {authority!r}")

    address = lines[1]
    if not _ADDRESS.fullmatch(address):
        raise SiweMessageError(f"line 2 must be an Ethereum address, not {address!r}")
    if not is_checksum_address(address):
        raise SiweMessageError("the address must be EIP-55 checksummed")
    if lines[2] != "":
        raise SiweMessageError("line 3 must be empty")

    # Either "<statement>", "" (a statement) or "" (none) precedes the URI line.
    index = 3
    statement: str | None = None
    if lines[3] == "":
        index = 4
    else:
        statement = lines[3]
        if index + 1 >= len(lines) or lines[4] != "":
            raise SiweMessageError("the statement must be one line followed by an empty line")
        if not _STATEMENT.fullmatch(statement):
            raise SiweMessageError(
                "the statement may hold letters, digits, spaces and RFC 3986 reserved or "
                "unreserved characters only"
            )
        index = 5

    uri = _uri(_take(lines, index, "URI: "), "URI")
    version = _take(lines, index + 1, "Version: ")
    if version != "1":
        raise SiweMessageError(f"unsupported version {version!r}; only version 1 exists")
    chain_text = _take(lines, index + 2, "Chain ID: ")
    if not _CHAIN_ID.fullmatch(chain_text):
        raise SiweMessageError(f"invalid chain id {chain_text!r}")
    nonce = _take(lines, index + 3, "Nonce: ")
    if not _NONCE.fullmatch(nonce):
        raise SiweMessageError("the nonce must be at least 8 alphanumeric characters")
    issued_at = _timestamp(_take(lines, index + 4, "Issued At: "), "Issued At")
    index += 5

    optional: dict[str, str] = {}
    for prefix, name in _OPTIONAL_FIELDS:
        if index < len(lines) and lines[index].startswith(prefix):
            optional[name] = lines[index][len(prefix) :]
            index += 1
    resources: list[str] = []
    if index < len(lines) and lines[index] == "Resources:":
        index += 1
        while index < len(lines) and lines[index].startswith("- "):
            resources.append(_uri(lines[index][2:], "resource"))
            index += 1
    if index != len(lines):
        raise SiweMessageError(f"unexpected content at line {index + 1}: {lines[index]!r}")

    request_id = optional.get("request_id")
    if request_id is not None and not _REQUEST_ID.fullmatch(request_id):
        raise SiweMessageError("the request id must be RFC 3986 pchar characters only")
    return SiweMessage(
        domain=authority,
        address=address,
        uri=uri,
        version=version,
        chain_id=int(chain_text),
        nonce=nonce,
        issued_at=issued_at,
        scheme=scheme,
        statement=statement,
        expiration_time=(
            _timestamp(optional["expiration_time"], "Expiration Time")
            if "expiration_time" in optional
            else None
        ),
        not_before=(
            _timestamp(optional["not_before"], "Not Before") if "not_before" in optional else None
        ),
        request_id=request_id,
        resources=tuple(resources),
    )


def _origin(uri: str) -> tuple[str, str]:
    parts = urlsplit(uri)
    return parts.scheme.lower(), parts.netloc.lower()


def check_message(
    message: SiweMessage, settings: Settings, chain_id: int, now: datetime
) -> None:
    """The checks that need no database and no signature: audience, chain and times."""
    if message.domain != settings.siwe_domain:
        raise SiweRejectedError(
            f"the message is for domain {message.domain!r}; this API is {settings.siwe_domain!r}"
        )
    expected_scheme, _ = _origin(settings.siwe_uri)
    if message.scheme is not None and message.scheme.lower() != expected_scheme:
        raise SiweRejectedError(
            f"the message's scheme {message.scheme!r} is not {expected_scheme!r}"
        )
    if _origin(message.uri) != _origin(settings.siwe_uri):
        raise SiweRejectedError(
            f"the message's URI {message.uri!r} is not under {settings.siwe_uri!r}"
        )
    if message.chain_id != chain_id:
        raise SiweRejectedError(
            f"the message is for chain {message.chain_id}; this cooperative is on chain {chain_id}"
        )
    if message.issued_at > now + CLOCK_SKEW:
        raise SiweRejectedError("the message was issued in the future")
    if message.expiration_time is not None and message.expiration_time <= now:
        raise SiweRejectedError("the message has expired")
    if message.not_before is not None and message.not_before > now + CLOCK_SKEW:
        raise SiweRejectedError("the message is not valid yet (Not Before)")


def recover_signer(text: str, signature: str) -> str:
    """The address that signed ``text`` with EIP-191 ``personal_sign``."""
    if not _SIGNATURE.fullmatch(signature):
        raise SiweRejectedError("the signature must be 65 bytes of 0x-prefixed hex")
    try:
        signer = Account.recover_message(encode_defunct(text=text), signature=signature)
    except Exception as exc:  # eth_keys raises several types for an invalid (r, s, v)
        raise SiweRejectedError("the signature is invalid") from exc
    return to_checksum_address(signer)


def _nonce_mac(settings: Settings, signed: bytes) -> bytes:
    key = settings.nonce_secret.get_secret_value().encode()
    return hmac.new(key, _NONCE_TAG + signed, hashlib.sha256).digest()[:_NONCE_MAC]


def issue_nonce(settings: Settings, now: datetime | None = None) -> IssuedNonce:
    """A fresh single-use nonce, valid for ``settings.siwe_nonce_ttl_s``; nothing is stored."""
    now = now or datetime.now(UTC)
    issued = int(now.timestamp())
    signed = issued.to_bytes(_NONCE_TIME, "big") + secrets.token_bytes(_NONCE_RANDOM)
    nonce = (signed + _nonce_mac(settings, signed)).hex()
    expires_at = datetime.fromtimestamp(issued, UTC) + timedelta(seconds=settings.siwe_nonce_ttl_s)
    return IssuedNonce(nonce, expires_at)


def nonce_expiry(settings: Settings, nonce: str, now: datetime) -> datetime:
    """When a nonce this API issued expires; refused if forged, tampered with or expired."""
    raw = bytes.fromhex(nonce) if _ISSUED_NONCE.fullmatch(nonce) else b""
    signed, mac = raw[:_NONCE_SIGNED], raw[_NONCE_SIGNED:]
    if not raw or not hmac.compare_digest(mac, _nonce_mac(settings, signed)):
        raise SiweRejectedError("unknown nonce: ask GET /v1/auth/nonce for one")
    issued = datetime.fromtimestamp(int.from_bytes(signed[:_NONCE_TIME], "big"), UTC)
    if issued > now + CLOCK_SKEW:
        raise SiweRejectedError("unknown nonce: it was issued in the future")
    expires_at = issued + timedelta(seconds=settings.siwe_nonce_ttl_s)
    if expires_at <= now:
        raise SiweRejectedError("the nonce has expired: ask for a new one")
    return expires_at


def _consume_nonce(session: Session, settings: Settings, nonce: str, now: datetime) -> None:
    """Records the nonce as used, atomically: only one sign-in can ever use it."""
    expires_at = nonce_expiry(settings, nonce, now)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    recorded = session.scalar(
        insert(ConsumedNonce)
        .values(nonce=nonce, expires_at=expires_at, consumed_at=now)
        .on_conflict_do_nothing(index_elements=["nonce"])
        .returning(ConsumedNonce.nonce)  # (psycopg's rowcount is -1 for this statement)
    )
    if recorded is None:
        raise SiweRejectedError("this nonce was already used: sign a new message")


def sweep_expired(session: Session, now: datetime | None = None) -> tuple[int, int]:
    """Deletes consumed nonces long expired (refused by their own time anyway) and expired
    wallet sessions; returns how many of each."""
    now = now or datetime.now(UTC)
    nonces = session.execute(
        delete(ConsumedNonce)
        .where(ConsumedNonce.expires_at < now - SWEEP_MARGIN)
        .execution_options(synchronize_session=False)
    )
    sessions = session.execute(
        delete(WalletSession)
        .where(WalletSession.expires_at <= now)
        .execution_options(synchronize_session=False)
    )
    return nonces.rowcount, sessions.rowcount  # type: ignore[attr-defined]


def sign_in(
    session: Session,
    settings: Settings,
    chain_id: int,
    text: str,
    signature: str,
    now: datetime | None = None,
) -> OpenedSession:
    """Verifies a signed EIP-4361 message and opens a session for its address."""
    now = now or datetime.now(UTC)
    message = parse_message(text)
    check_message(message, settings, chain_id, now)
    signer = recover_signer(text, signature)
    if signer != message.address:
        raise SiweRejectedError(f"the message was signed by {signer}, not by {message.address}")
    _consume_nonce(session, settings, message.nonce, now)

    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = now + timedelta(seconds=settings.session_ttl_s)
    if message.expiration_time is not None:
        expires_at = min(expires_at, message.expiration_time)
    session.add(
        WalletSession(
            token_hash=hash_token(token),
            address=message.address,
            chain_id=chain_id,
            created_at=now,
            expires_at=expires_at,
        )
    )
    session.flush()
    logger.debug("wallet %s signed in", message.address)
    return OpenedSession(token, message.address, expires_at)


def authenticate(session: Session, token: str, now: datetime | None = None) -> WalletSession:
    """The open session of a bearer token; UnauthorizedError if unknown or expired."""
    now = now or datetime.now(UTC)
    if not token.startswith(TOKEN_PREFIX):
        raise UnauthorizedError("not a wallet session token: sign in with POST /v1/auth/siwe")
    stored = session.get(WalletSession, hash_token(token))
    if stored is None:
        raise UnauthorizedError("unknown session token: sign in again")
    if utc(stored.expires_at) <= now:
        raise UnauthorizedError("the session has expired: sign in again")
    return stored


def logout(session: Session, token: str) -> None:
    """Ends the session of ``token`` (and sweeps the address's expired sessions)."""
    stored = authenticate(session, token)
    session.execute(
        delete(WalletSession).where(
            WalletSession.address == stored.address,
            WalletSession.expires_at <= datetime.now(UTC),
        ).execution_options(synchronize_session=False)
    )
    session.delete(stored)
    session.flush()
