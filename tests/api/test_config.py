"""GET /v1/config: what the dApp reads at start, checked against the deployed chain."""

from __future__ import annotations

import json

from eth_utils import function_signature_to_4byte_selector


def test_config_matches_the_deployment(client, anvil, contracts):
    response = client.get("/v1/config")
    assert response.status_code == 200
    body = response.json()
    deployment = json.loads(anvil.deployment_file.read_text())
    assert body["chain_id"] == deployment["chainId"] == 31337
    assert body["start_block"] == deployment["startBlock"]
    assert body["contracts"] == {k: contracts[k].address for k in deployment["contracts"]}
    for name, contract in contracts.items():
        assert body["abis"][name] == contract.abi
    assert body["payment_token"] == {
        "address": contracts["PaymentToken"].address,
        "symbol": contracts["PaymentToken"].functions.symbol().call(),
        "decimals": 6,
    }
    assert body["work_pot"] == str(2**256 - 1)
    assert body["purposes"] == ["research", "public_interest", "commercial", "ai_training"]
    assert body["classes"] == ["producer", "funder", "worker", "steward"]
    assert body["dev"] is True


def test_config_lists_every_custom_error_once(client):
    errors = client.get("/v1/config").json()["errors"]
    signatures = [f"{e['name']}({','.join(i['type'] for i in e['inputs'])})" for e in errors]
    assert len(signatures) == len(set(signatures))
    names = {e["name"] for e in errors}
    # The cooperative's own errors and the OpenZeppelin ones its contracts inherit.
    assert {"DataMarketPriceAboveMax", "CoopGovernorInsufficientCredits",
            "MembershipAlreadyMember", "ERC20InsufficientBalance",
            "GovernorUnexpectedProposalState"} <= names
    selectors = {function_signature_to_4byte_selector(s) for s in signatures}
    assert len(selectors) == len(signatures)


def test_config_reports_a_chain_outage(settings, tmp_path):
    from fastapi.testclient import TestClient

    from api.context import Context
    from api.main import create_app
    from tests.api.harness import free_port

    down = settings.model_copy(update={"rpc_url": f"http://127.0.0.1:{free_port()}",
                                       "rpc_timeout_s": 1.0})
    # A deployment never read before: nothing cached, so the token must be read from the chain.
    deployment = json.loads(settings.deployment_file.read_text())
    deployment["contracts"]["PaymentToken"] = "0x" + "11" * 20
    moved = tmp_path / "moved.json"
    moved.write_text(json.dumps(deployment))
    context = Context(down.model_copy(update={"deployment_file": moved}))
    try:
        with TestClient(create_app(context=context)) as client:
            response = client.get("/v1/config")
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"].endswith("/chain-unavailable")
        assert "Retry-After" in response.headers
    finally:
        context.close()
