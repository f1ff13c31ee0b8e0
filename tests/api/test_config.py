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


SECRET = "pr1vate-api-key"


def _serve(settings, **changes):
    from fastapi.testclient import TestClient

    from api.context import Context
    from api.main import create_app

    context = Context(settings.model_copy(update=changes))
    return context, TestClient(create_app(context=context))


def _keyed(url: str) -> str:
    """``url`` as a provider hands it out: a key in the userinfo, the path and the query."""
    scheme, rest = url.split("://")
    return f"{scheme}://lumbung:{SECRET}@{rest.rstrip('/')}/v2/{SECRET}?apikey={SECRET}"


def test_the_dapp_gets_the_public_rpc_never_the_private_one(settings, anvil, tmp_path):
    from tests.api.test_settings import OWN_KEYS, on_sepolia

    public = "https://rpc.lumbung.example"
    cases = [
        ({"public_rpc_url": public}, public),  # set: always this one
        ({}, anvil.rpc_url),  # a plain local node on a development chain
        ({"rpc_url": _keyed(anvil.rpc_url)}, None),  # a keyed URL is never the default
        ({**OWN_KEYS, "registrar_key": None, "deployment_file": on_sepolia(anvil, tmp_path)},
         None),  # off a development chain: none unless one is set
    ]
    for changes, expected in cases:
        context, client = _serve(settings, **changes)
        try:
            with client:
                response = client.get("/v1/config")
            assert response.status_code == 200, response.text
            assert response.json()["public_rpc_url"] == expected, changes
            assert SECRET not in response.text and "rpc_url" not in response.json()
        finally:
            context.close()


def test_an_rpc_outage_names_no_credentials(settings, caplog, tmp_path):
    from tests.api.harness import free_port

    caplog.set_level("DEBUG")
    # A deployment never read before: nothing cached, so the token must be read from the chain.
    deployment = json.loads(settings.deployment_file.read_text())
    deployment["contracts"]["PaymentToken"] = "0x" + "22" * 20
    moved = tmp_path / "moved.json"
    moved.write_text(json.dumps(deployment))
    down = _keyed(f"http://127.0.0.1:{free_port()}")
    context, client = _serve(settings, rpc_url=down, rpc_timeout_s=1.0, deployment_file=moved)
    try:
        with client:
            health = client.get("/health")
            config = client.get("/v1/config")
    finally:
        context.close()
    assert health.status_code == 503 and health.json()["chain"]["ok"] is False
    assert config.status_code == 503 and config.json()["type"].endswith("/chain-unavailable")
    assert "127.0.0.1:" in config.json()["detail"]  # the host still helps the operator
    for response in (health, config):
        assert SECRET not in response.text and "lumbung:" not in response.text, response.text
    # Every line at every level, web3's and urllib3's DEBUG lines too: the app redacts URLs in
    # every log record of the process.
    third_party = [r for r in caplog.records if r.name.startswith(("web3", "urllib3"))]
    assert third_party and caplog.records
    assert not [r.getMessage() for r in caplog.records if SECRET in r.getMessage()]
