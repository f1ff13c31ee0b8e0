"""The benchmarks' own helpers, tested without a chain: brownie's per-test isolation is off."""

import pytest


@pytest.fixture(autouse=True)
def isolation():
    """Nothing to isolate: these tests touch no chain."""
