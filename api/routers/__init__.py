"""HTTP routers, one per area, versioned under /v1 (health and metrics at the root).

Each area adds its router to ``V1``; :func:`api.main.create_app` mounts them under ``/v1``.
"""

from __future__ import annotations

from fastapi import APIRouter

V1: list[APIRouter] = []
