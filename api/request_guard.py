"""Bounded, NUL-free requests, checked before any route runs.

- A NUL (U+0000) in the path, the query or a header is refused with 400: PostgreSQL refuses NUL
  in text, and no path, query or header of this API needs one. (Bodies refuse it in
  :class:`api.schemas.RequestBody`.)
- A body is bounded per route: a ``Content-Length`` above the limit is refused with 413 before
  any of the body is read, and a body that streams past it (chunked, or lying about its length)
  is refused with 413 as soon as it does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import unquote_to_bytes

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import PROBLEM_BASE
from api.problems import problem_json

JSON_BODY_LIMIT = 64 * 1024
# A payment event is a few hundred bytes; its signature can only be checked once it is read.
WEBHOOK_BODY_LIMIT = 8 * 1024
_CONTENT_LENGTH = re.compile(rb"[0-9]{1,19}")
TOO_LARGE_TITLE = "Request body too large"


class BodyTooLargeError(HTTPException):
    """A body that streamed past its limit. FastAPI's HTTPException, which FastAPI passes on from
    a body read (it turns any other exception there into a 400)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than the limit of {limit} bytes")


class RequestGuard:
    """ASGI middleware: NUL refused in the request line and headers, bodies bounded."""

    def __init__(
        self, app: ASGIApp, limits: Mapping[str, int], default_limit: int = JSON_BODY_LIMIT
    ) -> None:
        self.app = app
        self.limits = dict(limits)
        self.default_limit = default_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if "\x00" in path or b"\x00" in unquote_to_bytes(scope.get("query_string", b"")):
            await self._refuse(scope, send, 400, "bad-request", "NUL in the path or the query")
            return
        limit = self.limits.get(path.rstrip("/") or "/", self.default_limit)
        for name, value in scope["headers"]:
            if b"\x00" in value:
                await self._refuse(scope, send, 400, "bad-request", "NUL in a request header")
                return
            if name == b"content-length":
                if not _CONTENT_LENGTH.fullmatch(value):
                    await self._refuse(scope, send, 400, "bad-request", "invalid Content-Length")
                    return
                if int(value) > limit:
                    detail = f"the request declares {int(value)} bytes; the limit is {limit}"
                    await self._refuse(scope, send, 413, "payload-too-large", detail)
                    return
        received = 0

        async def bounded_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLargeError(limit)
            return message

        await self.app(scope, bounded_receive, send)

    @staticmethod
    async def _refuse(scope: Scope, send: Send, status: int, slug: str, detail: str) -> None:
        title = {400: "Bad request", 413: TOO_LARGE_TITLE}[status]
        response = problem_json(status, PROBLEM_BASE + slug, title, detail, scope["path"])
        await response(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.disconnect"}
