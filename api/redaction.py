"""URLs with their secrets taken out, for every error, log line and health message.

Provider URLs carry credentials in the userinfo (``https://user:key@host``), the path
(``/v2/<key>``) or the query (``?apikey=<key>``). Only the scheme, host and port are safe to show.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import urlsplit

HIDDEN = "…"
# A URL inside free text: a scheme, "://", then anything up to whitespace or a closing quote.
_URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s'\"<>]+")
# requests and urllib3 name the request's path on its own: "... with url: /v2/<key> (Caused ...".
_PATH_IN_TEXT = re.compile(r"(\burl: )\S+")


def redact_url(url: str) -> str:
    """``scheme://host[:port]``, marking (not showing) any userinfo, path, query or fragment."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return HIDDEN
    if not parts.scheme or not host:
        return HIDDEN
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    if parts.username is not None or parts.password is not None:
        netloc = f"{HIDDEN}@{netloc}"
    hidden_tail = parts.path not in ("", "/") or parts.query or parts.fragment
    return f"{parts.scheme}://{netloc}" + (f"/{HIDDEN}" if hidden_tail else "")


def redact_text(text: str) -> str:
    """``text`` with every URL in it redacted, and any request path that follows ``url:``."""
    text = _URL_IN_TEXT.sub(lambda match: redact_url(match.group(0)), text)
    return _PATH_IN_TEXT.sub(lambda match: match.group(1) + HIDDEN, text)


_default_factory = logging.getLogRecordFactory()


def _redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _default_factory(*args, **kwargs)
    try:
        message = record.getMessage()
    except Exception:  # a malformed log call: leave it to the handler to report
        return record
    redacted = redact_text(message)
    if redacted != message:
        record.msg, record.args = redacted, None
    return record


def install_log_redaction() -> None:
    """Redacts URLs in every log record of the process, third-party ones included.

    web3 and urllib3 name the full RPC URL in their DEBUG lines; a record factory reaches them
    whatever handlers uvicorn or ``basicConfig`` set up. Idempotent.
    """
    if logging.getLogRecordFactory() is not _redacting_factory:
        logging.setLogRecordFactory(_redacting_factory)
