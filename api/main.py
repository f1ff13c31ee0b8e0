"""Builds the FastAPI application: routers, problem+json errors, metrics and the dApp."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.context import Context
from api.errors import (
    PROBLEM_BASE,
    ChainUnavailableError,
    LumbungError,
    RateLimitedError,
    StorageUnavailableError,
)
from api.metrics import Metrics
from api.payments.factory import BUILDERS, open_providers
from api.problems import PROBLEM_JSON, problem_json
from api.redaction import install_log_redaction
from api.request_guard import (
    TOO_LARGE_TITLE,
    WEBHOOK_BODY_LIMIT,
    BodyTooLargeError,
    RequestGuard,
)
from api.routers import health
from api.routers.contributions import MULTIPART_OVERHEAD
from api.schemas.common import Problem
from api.settings import ROOT, Settings, get_settings

logger = logging.getLogger(__name__)

HTTP_SLUGS = {
    400: "bad-request",
    404: "not-found",
    405: "method-not-allowed",
    413: "payload-too-large",
}


def problem_response(
    status: int, type_: str, title: str, detail: str | None, request: Request, **extra: Any
) -> JSONResponse:
    return problem_json(status, type_, title, detail, request.url.path, **extra)


def install_error_handlers(app: FastAPI, retry_after_s: int) -> None:
    @app.exception_handler(LumbungError)
    async def domain_error(request: Request, exc: LumbungError) -> JSONResponse:
        response = problem_response(
            exc.status, exc.type, exc.title, exc.detail, request, **exc.extra
        )
        if isinstance(exc, ChainUnavailableError | StorageUnavailableError):
            response.headers["Retry-After"] = str(retry_after_s)
        if isinstance(exc, RateLimitedError):
            response.headers["Retry-After"] = str(exc.retry_after_s)
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")}
            for e in exc.errors()
        ]
        return problem_response(
            422,
            PROBLEM_BASE + "invalid-input",
            "Invalid input",
            "the request is malformed",
            request,
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        slug = HTTP_SLUGS.get(exc.status_code, "http-error")
        if isinstance(exc, BodyTooLargeError):
            title, detail = TOO_LARGE_TITLE, str(exc.detail)
        else:
            title, detail = str(exc.detail), None
        response = problem_response(exc.status_code, PROBLEM_BASE + slug, title, detail, request)
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        # No detail: an unexpected error's text can hold paths, SQL or URLs with credentials.
        logger.error(
            "unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path,
            exc_info=exc,
        )
        return problem_response(
            500, PROBLEM_BASE + "internal-error", "Internal server error", None, request
        )


def problem_openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document, with every 4xx and 5xx answer documented as problem+json."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault(
        "Problem", Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    )
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    problem = {"schema": {"$ref": "#/components/schemas/Problem"}}
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            for status, response in operation.get("responses", {}).items():
                if status[0] in "45":
                    response["content"] = {PROBLEM_JSON: problem}
                    if status in ("429", "503"):
                        response.setdefault("headers", {})["Retry-After"] = {
                            "description": "seconds to wait before retrying",
                            "schema": {"type": "integer"},
                        }
    app.openapi_schema = schema
    return schema


SWAGGER_UI = ROOT / "node_modules" / "swagger-ui-dist"


def install_docs(app: FastAPI) -> None:
    """The interactive API reference at /docs, with Swagger UI served from node_modules."""
    if not SWAGGER_UI.is_dir():
        logger.warning("swagger-ui-dist is not installed (make setup); /docs is off")
        return
    app.mount("/docs-assets", StaticFiles(directory=SWAGGER_UI), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Lumbung API reference",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon-32x32.png",
        )


def create_app(settings: Settings | None = None, context: Context | None = None) -> FastAPI:
    """The app for ``settings`` (default: from the environment)."""
    install_log_redaction()
    if context is None:
        context = Context(settings or get_settings())

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if context.settings.deployment_file.exists():
            # Builds the chain gateway from the deployment file (no network needed), which
            # refuses development keys on a chain that is not a development chain: the API
            # then does not start, rather than answer every chain call with an error.
            _ = context.chain
        yield
        context.close()

    app = FastAPI(
        docs_url=None,  # served below from the npm swagger-ui-dist files: no CDN, works offline
        title="Lumbung API",
        version="1.0.0",
        summary="Buy the cooperative's data pools; contribute, follow and claim as a member.",
        lifespan=lifespan,
        responses={
            400: {"model": Problem},
            401: {"model": Problem},
            403: {"model": Problem},
            404: {"model": Problem},
            409: {"model": Problem},
            413: {"model": Problem},
            422: {"model": Problem},
            500: {"model": Problem},
            503: {"model": Problem},
        },
    )
    app.openapi = lambda: problem_openapi(app)  # type: ignore[method-assign]
    app.state.context = context
    app.state.metrics = Metrics()
    app.state.payment_providers = open_providers(context.settings)
    body_limits = {
        "/v1/webhooks/payments": WEBHOOK_BODY_LIMIT,
        **{f"/v1/webhooks/payments/{name}": WEBHOOK_BODY_LIMIT for name in BUILDERS},
        "/v1/contributions": context.settings.max_upload_bytes + MULTIPART_OVERHEAD,
    }
    # Inside the metrics middleware, whose task group would wrap a body-limit error raised in
    # its receive into an ExceptionGroup (a 500).
    app.add_middleware(RequestGuard, limits=body_limits)
    app.middleware("http")(app.state.metrics.middleware)
    install_error_handlers(app, context.settings.retry_after_s)
    app.include_router(health.router)
    for router in _v1_routers():
        app.include_router(router, prefix="/v1")
    install_docs(app)
    dapp = context.settings.dapp_dir
    if dapp.is_dir():
        app.mount("/", StaticFiles(directory=dapp, html=True), name="dapp")
    return app


def _v1_routers() -> list[Any]:
    """The /v1 routers present in this build (areas register in api.routers.V1)."""
    from api.routers import V1

    return list(V1)
