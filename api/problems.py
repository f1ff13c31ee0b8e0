"""RFC 9457 problem responses (``application/problem+json``), for handlers and middleware."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

PROBLEM_JSON = "application/problem+json"


def problem_json(
    status: int, type_: str, title: str, detail: str | None, instance: str, **extra: Any
) -> JSONResponse:
    body = {"type": type_, "title": title, "status": status, "detail": detail, "instance": instance}
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)
