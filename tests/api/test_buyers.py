"""Buyer API keys: shown once, stored hashed, refused when unknown or disabled; the CLI."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import select

from api.context import Context
from api.db import transaction
from api.errors import ConflictError, UnauthorizedError
from api.models import Buyer
from api.services import buyers
from api.settings import Settings
from tests.api.harness import ROOT


def test_key_is_stored_only_as_a_hash(context: Context) -> None:
    with transaction(context.sessions) as session:
        issued = buyers.create_buyer(session, "Universitas Gadjah Mada")
    with context.sessions() as session:
        stored = session.scalars(select(Buyer)).one()
        assert issued.api_key.startswith("lb_") and len(issued.api_key) > 40
        assert issued.api_key not in {stored.key_hash, stored.key_prefix, stored.name}
        assert stored.key_hash == buyers.hash_key(issued.api_key)
        assert buyers.authenticate(session, issued.api_key).id == stored.id
        assert stored.buyer_ref == buyers.buyer_ref_for(stored.id)
        assert len(bytes.fromhex(stored.buyer_ref[2:])) == 32


def test_unknown_rotated_and_disabled_keys_are_refused(context: Context) -> None:
    with transaction(context.sessions) as session:
        old = buyers.create_buyer(session, "Pasar Data").api_key
        new = buyers.rotate_key(session, "Pasar Data").api_key
    with context.sessions() as session:
        for bad in (old, "lb_" + "x" * 43, "not-a-key"):
            with pytest.raises(UnauthorizedError):
                buyers.authenticate(session, bad)
        assert buyers.authenticate(session, new).name == "Pasar Data"
    with transaction(context.sessions) as session:
        buyers.set_disabled(session, "Pasar Data", True)
    with context.sessions() as session, pytest.raises(UnauthorizedError):
        buyers.authenticate(session, new)


def test_names_are_unique(context: Context) -> None:
    with transaction(context.sessions) as session:
        buyers.create_buyer(session, "Dup")
    with pytest.raises(ConflictError), transaction(context.sessions) as session:
        buyers.create_buyer(session, "Dup")


def test_cli_creates_a_buyer_and_prints_the_key_once(settings: Settings, context: Context) -> None:
    env = {**os.environ, "LUMBUNG_DATABASE_URL": settings.database_url}
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", "buyer", "create", "Lembaga Riset"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )
    key = next(line.split()[-1] for line in result.stdout.splitlines() if "api key" in line)
    with context.sessions() as session:
        assert buyers.authenticate(session, key).name == "Lembaga Riset"
    listed = subprocess.run(
        [sys.executable, "-m", "api.cli", "buyer", "list"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout
    assert "Lembaga Riset" in listed and key not in listed
