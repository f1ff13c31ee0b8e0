"""Fixtures of the buyer package's own tests (the ones against a chain and the API are in
tests/api/test_buyer.py, with the API's fixtures)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def isolation():
    """Overrides tests/conftest.py's brownie chain isolation: these tests use no chain."""
