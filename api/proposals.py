"""Proposal descriptions as CoopGovernor requires them: the text, then ``#proposer=<address>``.

The suffix (OpenZeppelin's, which CoopGovernor makes mandatory) binds a proposal to the account
that created it, so a copied proposal cannot be front-run and cancelled. Pure functions, no
chain access: the API, the deploy and demo scripts, the benchmarks and the tests share them.
"""

from __future__ import annotations

import re

_SUFFIX = re.compile(r"#proposer=0x[0-9a-fA-F]{40}$")


def signed_description(text: str, proposer: str) -> str:
    """``text`` followed by the suffix naming ``proposer`` (an address, any case)."""
    return f"{text}#proposer={str(proposer).lower()}"


def plain_description(description: str) -> str:
    """The description a member reads: without the proposer suffix."""
    return _SUFFIX.sub("", description)
