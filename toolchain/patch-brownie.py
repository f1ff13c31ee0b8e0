"""Fixes two bugs of the installed brownie 1.22.2 at their cause; run by ``make setup``.

Both fixes edit brownie's pure-Python modules in the venv, each once: a fix already in place is
left alone, so the script is idempotent, and a brownie other than the pinned version, or a file
that no longer reads as expected, stops the set-up instead of being edited blindly.

1. ``ContractContainer.at()`` on a live network (the README's curator command in
   ``brownie console``) raised ``TypeError: dict object expected; got
   brownie.project.sources.Sources``, and so did ``Contract.remove_deployment()`` of a project
   contract. brownie's ``network/state.py`` is compiled by mypyc, which enforces types at run
   time, and it takes a contract's sources for a ``dict``; a project contract holds the
   project's ``Sources`` object. The fix hands ``_add_deployment`` a dict of the sources it
   reads, keyed by path as it expects, from every caller in ``network/contract.py``; and
   ``_remove_deployment`` does not see the project contract, so it removes the record and
   keeps the source texts, which are stored by content and may be shared with other records.
   (``persist=False`` skipped the first call.)
2. ``Tx dropped without known replacement`` against Anvil under load. While waiting for a
   receipt, brownie declares a transaction dropped when the sender's nonce has moved past it
   and no receipt is found. Anvil commits a block's state (the nonce) a moment before it
   stores the block's receipts, so a poll inside that moment saw both and gave up on a
   transaction that was mined. The fix declares a transaction dropped only when the node no
   longer knows it either (``eth_getTransactionByHash``), which is what dropped means; a
   replaced transaction is unknown to the node, so replacements are still found.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path

BROWNIE_VERSION = "1.22.2"
MARKER = "# lumbung patch:"  # begins every line or comment the fixes add


@dataclass(frozen=True)
class Edit:
    """Replace ``old`` (found exactly once) with ``new`` in brownie's ``path``."""

    path: str
    old: str
    new: str


SOURCES_AS_DICT = '''

def _add_deployment(contract: Any, alias: ContractName | None = None) -> None:
    # lumbung patch: the compiled state._add_deployment types the sources a dict.
    sources = contract._sources
    if not isinstance(sources, dict):
        paths = contract._build.get("allSourcePaths", {}).values()
        contract = _DeploymentRecord(
            contract.address, contract._build, {path: sources.get(path) for path in paths}
        )
    _add_deployment_compiled(contract, alias)


class _DeploymentRecord:
    """What state._add_deployment reads of a contract, with its sources as a dict."""

    def __init__(self, address: str, build: Any, sources: dict[str, str]) -> None:
        self.address = address
        self._build = build
        self._sources = sources
'''

REMOVE_UNSEEN = '''

def _remove_deployment(
    address: HexAddress | None = None, alias: ContractName | None = None
) -> Any:
    # lumbung patch: the compiled state._remove_deployment reads a contract's sources as a dict.
    contract = _find_contract(address) if address else None
    if contract is None or isinstance(contract._sources, dict):
        return _remove_deployment_compiled(address, alias)
    _remove_contract(contract)
    try:
        return _remove_deployment_compiled(address, alias)
    finally:
        _add_contract(contract)
'''

NODE_KNOWS = '''

def _node_knows(txid: str) -> bool:
    # lumbung patch: a transaction is dropped only once the node no longer knows it.
    try:
        web3.eth.get_transaction(HexBytes(txid))
    except TransactionNotFound:
        return False
    return True
'''

EDITS = (
    Edit(
        "network/contract.py",
        "    _add_deployment,\n    _find_contract,\n",
        f"    _add_deployment as _add_deployment_compiled,  {MARKER} see _add_deployment\n"
        "    _find_contract,\n",
    ),
    Edit(
        "network/contract.py",
        "    _remove_deployment,\n    _revert_register,\n",
        f"    _remove_deployment as _remove_deployment_compiled,  {MARKER} see _remove_deployment\n"
        "    _revert_register,\n",
    ),
    Edit(
        "network/contract.py",
        "\n\ndef _get_tx(",
        SOURCES_AS_DICT + REMOVE_UNSEEN + "\n\ndef _get_tx(",
    ),
    Edit(
        "network/transaction.py",
        "            if sender_nonce > self.nonce:\n                self.status = Status(-2)\n",
        "            if sender_nonce > self.nonce and not _node_knows(self.txid):"
        f"  {MARKER} see _node_knows\n                self.status = Status(-2)\n",
    ),
    Edit(
        "network/transaction.py", "\n\ndef _format_source(", NODE_KNOWS + "\n\ndef _format_source("
    ),
)


def brownie_root() -> Path:
    """The installed brownie package's folder, found without importing brownie."""
    spec = importlib.util.find_spec("brownie")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("patch-brownie: brownie is not installed in this environment")
    return Path(next(iter(spec.submodule_search_locations)))


def apply(root: Path) -> list[str]:
    """Applies every edit not yet in place; returns the files changed."""
    texts = {edit.path: (root / edit.path).read_text() for edit in EDITS}
    for edit in EDITS:
        text = texts[edit.path]
        if edit.new in text:
            continue
        if MARKER in (root / edit.path).read_text():
            raise SystemExit(
                f"patch-brownie: {root / edit.path} holds other fixes than these; reinstall it "
                f"(pip install --force-reinstall --no-deps eth-brownie=={BROWNIE_VERSION})"
            )
        if text.count(edit.old) != 1:
            raise SystemExit(
                f"patch-brownie: {root / edit.path} does not read as brownie {BROWNIE_VERSION}'s "
                f"(expected once: {edit.old.strip()!r}); review toolchain/patch-brownie.py"
            )
        texts[edit.path] = text.replace(edit.old, edit.new)
    changed = []
    for path, text in texts.items():
        if (root / path).read_text() != text:
            (root / path).write_text(text)
            changed.append(path)
    return changed


def main() -> int:
    version = importlib.metadata.version("eth-brownie")
    if version != BROWNIE_VERSION:
        sys.stderr.write(
            f"patch-brownie: brownie {version} is installed; these fixes are for "
            f"{BROWNIE_VERSION}. Check whether {version} still needs them and update "
            "toolchain/patch-brownie.py.\n"
        )
        return 1
    changed = apply(brownie_root())
    if changed:
        sys.stdout.write(f"patched brownie {version}: {', '.join(sorted(changed))}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
