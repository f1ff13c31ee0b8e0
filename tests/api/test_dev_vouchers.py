"""POST /v1/dev/vouchers: the demo registrar's vouchers admit members on the real chain."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.context import Context
from api.errors import ContractRevertError
from api.main import create_app
from tests.api.harness import ADDRESSES, send

NEWCOMER = ADDRESSES[7]


def _join(w3, contracts, voucher):
    membership = contracts["Membership"]
    assert voucher["membership"] == membership.address
    args = (voucher["member"], voucher["stakeholder_class_id"], int(voucher["nonce"]),
            voucher["expiry"])
    return send(w3, membership.functions.join(args, voucher["signature"]), voucher["member"])


@pytest.mark.parametrize("cls,class_id", [("producer", 0), ("funder", 1), ("worker", 2),
                                          ("steward", 3)])
def test_a_voucher_admits_the_member_in_its_class(client, w3, contracts, cls, class_id):
    membership = contracts["Membership"]
    assert membership.functions.isMember(NEWCOMER).call() is False
    response = client.post("/v1/dev/vouchers",
                           json={"address": NEWCOMER.lower(), "stakeholder_class": cls})
    assert response.status_code == 200, response.text
    voucher = response.json()
    assert voucher["member"] == NEWCOMER
    assert voucher["stakeholder_class"] == cls
    assert voucher["chain_id"] == 31337
    _join(w3, contracts, voucher)
    assert membership.functions.memberStatus(NEWCOMER).call() == [True, class_id]


def test_a_voucher_works_once_and_only_as_signed(client, w3, contracts, context):
    voucher = client.post("/v1/dev/vouchers",
                          json={"address": NEWCOMER, "stakeholder_class": "producer"}).json()
    membership = contracts["Membership"]
    args = (voucher["member"], 0, int(voucher["nonce"]), voucher["expiry"])
    _join(w3, contracts, voucher)
    with pytest.raises(ContractRevertError) as reused:
        context.chain.guard(
            lambda: membership.functions.join(args, voucher["signature"]).call({"from": NEWCOMER})
        )
    assert reused.value.name == "MembershipVoucherUsed"
    # The same signature over another class recovers some other signer.
    promoted = (voucher["member"], 3, int(voucher["nonce"]) + 1, voucher["expiry"])
    with pytest.raises(ContractRevertError) as forged:
        context.chain.guard(
            lambda: membership.functions.join(promoted, voucher["signature"]).call(
                {"from": NEWCOMER}
            )
        )
    assert forged.value.name == "MembershipInvalidSigner"


@pytest.mark.parametrize("body", [
    {"address": "0x1234", "stakeholder_class": "producer"},
    {"address": NEWCOMER, "stakeholder_class": "king"},
    {"address": NEWCOMER},
])
def test_bad_requests_are_problems(client, body):
    response = client.post("/v1/dev/vouchers", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_absent_without_a_registrar_key(settings):
    context = Context(settings.model_copy(update={"registrar_key": None}))
    try:
        with TestClient(create_app(context=context)) as client:
            response = client.post("/v1/dev/vouchers",
                                   json={"address": NEWCOMER, "stakeholder_class": "producer"})
        assert response.status_code == 404
        assert response.json()["type"].endswith("/not-found")
    finally:
        context.close()


def test_absent_on_a_chain_that_is_not_for_development(settings, tmp_path, anvil):
    # The deployment says chain 10 (Optimism); a real deployment there never gets demo vouchers.
    # Settings refuse the development registrar key there, so a non-development key is used.
    deployment = json.loads(anvil.deployment_file.read_text())
    deployment["chainId"] = 10
    elsewhere = tmp_path / "optimism.json"
    elsewhere.write_text(json.dumps(deployment))
    own_key = SecretStr("0x" + "42" * 32)
    update = {"deployment_file": elsewhere, "registrar_key": own_key, "relayer_key": own_key,
              "gas_relayer_key": own_key, "aggregator_key": own_key,
              "kek": SecretStr("ab" * 32), "admin_token": SecretStr("not-dev"),
              "webhook_secret": SecretStr("not-dev"), "nonce_secret": SecretStr("not-dev"),
              "siwe_domain": "lumbung.example", "siwe_uri": "https://lumbung.example"}
    context = Context(settings.model_copy(update=update))
    try:
        with TestClient(create_app(context=context)) as client:
            response = client.post("/v1/dev/vouchers",
                                   json={"address": NEWCOMER, "stakeholder_class": "producer"})
            assert client.get("/v1/config").json()["dev"] is False
        assert response.status_code == 404
    finally:
        context.close()
