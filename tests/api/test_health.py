"""Health, metrics and the problem+json error shape."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.context import Context
from api.main import create_app
from api.settings import Settings
from tests.api.harness import free_port


def test_health_reports_every_component(client: TestClient, context: Context) -> None:
    response = client.get("/health")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok"
    assert body["chain"]["chain_id"] == 31337
    assert body["chain"]["head"] == context.chain.w3.eth.block_number
    assert body["database"]["ok"] and body["ipfs"]["ok"]


def test_health_is_503_when_the_chain_is_down(settings: Settings) -> None:
    down = settings.model_copy(update={"rpc_url": f"http://127.0.0.1:{free_port()}"})
    with TestClient(create_app(down)) as client:
        response = client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["chain"]["ok"] is False and body["database"]["ok"] is True


def test_metrics_are_prometheus_text(client: TestClient) -> None:
    client.get("/health")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert 'lumbung_http_requests_total{method="GET",route="/health",status="200"}' in response.text


def test_unknown_route_is_problem_json(client: TestClient) -> None:
    response = client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "https://lumbung.coop/problems/not-found"


def test_api_reference_is_served_without_a_cdn(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "/docs-assets/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower()
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/openapi.json").json()["info"]["title"] == "Lumbung API"
