"""Sign-In with Ethereum (EIP-4361) messages, as a wallet composes them: the API parses and
checks them (api/services/auth.py), the buyer client (buyer/) and the tests compose them."""

from __future__ import annotations

from datetime import UTC, datetime

PREAMBLE = " wants you to sign in with your Ethereum account:"


def build_message(
    *,
    domain: str,
    address: str,
    uri: str,
    chain_id: int,
    nonce: str,
    issued_at: datetime,
    statement: str | None = "Sign in to the Lumbung data cooperative.",
    expiration_time: datetime | None = None,
    not_before: datetime | None = None,
    request_id: str | None = None,
    resources: tuple[str, ...] = (),
) -> str:
    """An EIP-4361 message, as a wallet or the dApp would compose it."""

    def stamp(value: datetime) -> str:
        return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")

    lines = [f"{domain}{PREAMBLE}", address, ""]
    if statement is not None:
        lines += [statement, ""]
    else:
        lines += [""]
    lines += [
        f"URI: {uri}",
        "Version: 1",
        f"Chain ID: {chain_id}",
        f"Nonce: {nonce}",
        f"Issued At: {stamp(issued_at)}",
    ]
    if expiration_time is not None:
        lines.append(f"Expiration Time: {stamp(expiration_time)}")
    if not_before is not None:
        lines.append(f"Not Before: {stamp(not_before)}")
    if request_id is not None:
        lines.append(f"Request ID: {request_id}")
    if resources:
        lines += ["Resources:", *(f"- {r}" for r in resources)]
    return "\n".join(lines)

