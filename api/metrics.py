"""Prometheus metrics of one API process."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.requests import Request
from starlette.responses import Response


class Metrics:
    """The process's metrics, in their own registry (so several apps can live in one test)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "lumbung_http_requests_total",
            "HTTP requests by route template, method and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "lumbung_http_request_seconds",
            "HTTP request latency by route template.",
            ["method", "route"],
            registry=self.registry,
        )
        self.indexed_block = Gauge(
            "lumbung_indexer_block", "Last block the indexer stored.", registry=self.registry
        )
        self.quarantined_logs = Gauge(
            "lumbung_indexer_quarantined_logs",
            "Contract logs the indexer could not decode or project and set aside.",
            registry=self.registry,
        )
        self.chain_head = Gauge(
            "lumbung_chain_head_block", "Chain head seen by /health.", registry=self.registry
        )
        self.orders = Gauge(
            "lumbung_orders", "Off-chain orders by status.", ["status"], registry=self.registry
        )

    async def middleware(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        # The router records the matched route in the scope: label by its template, so that
        # /v1/orders/{order_id} is one series, not one per order.
        route = getattr(request.scope.get("route"), "path", "unmatched")
        self.latency.labels(request.method, route).observe(time.perf_counter() - started)
        self.requests.labels(request.method, route, str(response.status_code)).inc()
        return response
