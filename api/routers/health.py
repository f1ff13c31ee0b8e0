"""Liveness of the chain, the database and IPFS; Prometheus metrics."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from api.deps import ContextDep, MetricsDep, SessionDep
from api.errors import LumbungError
from api.models import IndexerCursor, Order, QuarantinedLog
from api.redaction import redact_text
from api.schemas.health import ComponentHealth, Health, Liveness

logger = logging.getLogger(__name__)

router = APIRouter(tags=["operations"])


def _check(name: str, probe: Any) -> dict[str, Any]:
    try:
        return {"ok": True, **probe()}
    except (LumbungError, Exception) as exc:  # health reports every failure, it never raises
        error = redact_text(str(exc)) or type(exc).__name__
        logger.warning("health: %s is down: %s", name, error)
        return {"ok": False, "error": error}


def _quarantined(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(QuarantinedLog)) or 0)


@router.get("/livez", response_model=Liveness)
async def livez() -> Liveness:
    """The process answers: touches neither the chain, the database nor IPFS."""
    return Liveness(status="alive")


# The chain gateway and the IPFS client come from the context inside their probes, not as
# ChainDep and IpfsDep: one that cannot even be built is reported down, not answered with a 500.
@router.get(
    "/health",
    response_model=Health,
    responses={503: {"model": Health, "description": "A component is down"}},
)
def health(context: ContextDep, session: SessionDep, metrics: MetricsDep) -> JSONResponse:
    """Chain, database and IPFS status, and how far the indexer has come."""

    def chain() -> dict[str, Any]:
        head = context.chain.ping()
        metrics.chain_head.set(head)
        return {"chain_id": context.chain.chain_id, "head": head}

    def database() -> dict[str, Any]:
        session.execute(text("SELECT 1"))
        cursor = session.get(IndexerCursor, "main")
        indexed = cursor.block_number if cursor else None
        quarantined = _quarantined(session)
        if indexed is not None:
            metrics.indexed_block.set(indexed)
        metrics.quarantined_logs.set(quarantined)
        return {"indexed_block": indexed, "quarantined_logs": quarantined}

    def ipfs() -> dict[str, Any]:
        context.ipfs.has("bafkqaaa")  # the identity CID of nothing: a cheap round trip
        return {"mode": context.settings.ipfs_mode}

    report = {
        "chain": ComponentHealth(**_check("chain", chain)),
        "database": ComponentHealth(**_check("database", database)),
        "ipfs": ComponentHealth(**_check("ipfs", ipfs)),
    }
    ok = all(part.ok for part in report.values())
    # Logs the indexer set aside leave the index incomplete, but every component still answers:
    # degraded, yet 200, so that a load balancer keeps serving what the index holds.
    complete = not report["database"].model_dump().get("quarantined_logs")
    body = Health(status="ok" if ok and complete else "degraded", **report)
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)


@router.get("/metrics", response_class=Response, responses={200: {"content": {"text/plain": {}}}})
def metrics(session: SessionDep, registry: MetricsDep) -> Response:
    """Request counts and latencies, indexer progress and orders by status (Prometheus)."""
    try:
        counts = session.execute(select(Order.status, func.count()).group_by(Order.status))
        for status, count in counts:
            registry.orders.labels(status).set(count)
        cursor = session.get(IndexerCursor, "main")
        if cursor is not None:
            registry.indexed_block.set(cursor.block_number)
        registry.quarantined_logs.set(_quarantined(session))
    except Exception as exc:  # metrics still answer when the database is down
        logger.warning("metrics: database unavailable: %s", redact_text(str(exc)))
    return Response(generate_latest(registry.registry), media_type=CONTENT_TYPE_LATEST)
