"""Development keys are refused on any chain that is not a local development chain."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.main import create_app
from api.settings import DevelopmentKeyError, Settings
from tests.api.harness import AnvilChain

SEPOLIA = 11155111
# model_copy does not validate, so the secrets are given as SecretStr, as Settings holds them.
OWN_KEYS = {
    "relayer_key": SecretStr("0x" + "11" * 32),
    "gas_relayer_key": SecretStr("0x" + "33" * 32),
    "aggregator_key": SecretStr("0x" + "44" * 32),
    "kek": SecretStr("22" * 32),
    "admin_token": SecretStr("an operator's own token"),
    "webhook_secret": SecretStr("a provider's own secret"),
    "nonce_secret": SecretStr("an operator's own nonce key"),
    "siwe_domain": "lumbung.example",
    "siwe_uri": "https://lumbung.example",
}


def on_sepolia(anvil: AnvilChain, tmp_path: Path) -> Path:
    """The test deployment's record, claiming to be on Sepolia."""
    record = json.loads(anvil.deployment_file.read_text())
    record["chainId"] = SEPOLIA
    path = tmp_path / "sepolia.json"
    path.write_text(json.dumps(record))
    return path


def test_every_development_default_is_named(settings: Settings) -> None:
    settings.check_chain(31337)  # fine on Anvil
    with pytest.raises(DevelopmentKeyError) as refused:
        settings.check_chain(SEPOLIA)
    for variable in (
        "LUMBUNG_RELAYER_KEY",
        "LUMBUNG_GAS_RELAYER_KEY",
        "LUMBUNG_AGGREGATOR_KEY",
        "LUMBUNG_REGISTRAR_KEY",
        "LUMBUNG_KEK",
        "LUMBUNG_ADMIN_TOKEN",
        "LUMBUNG_WEBHOOK_SECRET",
        "LUMBUNG_NONCE_SECRET",
        "LUMBUNG_SIWE_DOMAIN",
        "LUMBUNG_SIWE_URI",
    ):
        assert variable in str(refused.value)


def test_own_keys_pass_and_one_default_is_enough_to_refuse(settings: Settings) -> None:
    own = settings.model_copy(update={**OWN_KEYS, "registrar_key": None})
    own.check_chain(SEPOLIA)
    with pytest.raises(DevelopmentKeyError, match="LUMBUNG_KEK"):
        settings.model_copy(update={**OWN_KEYS, "registrar_key": None, "kek": settings.kek}
                            ).check_chain(SEPOLIA)


def test_the_api_does_not_start_with_development_keys_off_a_development_chain(
    settings: Settings, anvil: AnvilChain, tmp_path: Path
) -> None:
    deployment = on_sepolia(anvil, tmp_path)
    refused = settings.model_copy(update={"deployment_file": deployment})
    with pytest.raises(DevelopmentKeyError), TestClient(create_app(refused)):
        pass
    own = settings.model_copy(
        update={**OWN_KEYS, "registrar_key": None, "deployment_file": deployment}
    )
    with TestClient(create_app(own)) as client:
        assert client.get("/livez").status_code == 200


@pytest.mark.parametrize(
    "local",
    [
        {"siwe_domain": "127.0.0.1:8000"},
        {"siwe_uri": "http://127.0.0.1:8000"},
        {"siwe_uri": "http://127.0.0.1:8000/"},
    ],
)
def test_the_local_sign_in_audience_is_refused_off_a_development_chain(
    settings: Settings, local: dict[str, str]
) -> None:
    """A wallet's message for someone's local Lumbung would otherwise sign in here."""
    own = settings.model_copy(update={**OWN_KEYS, "registrar_key": None})
    own.check_chain(SEPOLIA)
    with pytest.raises(DevelopmentKeyError, match="LUMBUNG_SIWE_"):
        own.model_copy(update=local).check_chain(SEPOLIA)
