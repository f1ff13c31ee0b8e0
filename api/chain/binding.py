"""A contract read's ABI outputs bound to a named result, checked against the ABI once.

A result is a frozen dataclass whose fields are the outputs' names in snake case, in the ABI's
order, a struct's components standing in its place; a read with one output may return a plain
``int``, ``bool``, ``str`` or ``bytes`` instead. An output the ABI leaves unnamed is matched by
its type alone. :class:`Binding` refuses a result that does not match, so a contract that adds,
drops, renames or reorders an output stops the gateway from being built instead of shifting the
values its callers read.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any, Generic, TypeVar, get_type_hints

from eth_utils import to_checksum_address

R = TypeVar("R")

SCALARS = (int, bool, str, bytes)


class BindingError(RuntimeError):
    """A result type no longer matches the ABI of the function it decodes."""


@dataclasses.dataclass(frozen=True)
class Output:
    """One flattened output: its name in snake case (None when unnamed) and its Python type."""

    name: str | None
    type: type


def snake_case(name: str) -> str:
    """``contributionCount`` -> ``contribution_count``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def abi_type(entry: Mapping[str, Any]) -> str:
    """An ABI parameter's canonical type, a struct spelled out: ``(uint128,bool)[]``."""
    kind = str(entry["type"])
    if kind.startswith("tuple"):
        inner = ",".join(abi_type(c) for c in entry["components"])
        return f"({inner}){kind[5:]}"
    return kind


def python_type(abi_type: str) -> type:
    """The Python type web3 decodes ``abi_type`` to."""
    if abi_type.endswith("]"):
        return list
    if abi_type.startswith(("uint", "int")):
        return int
    if abi_type == "bool":
        return bool
    if abi_type in ("address", "string"):
        return str
    if abi_type.startswith("bytes"):
        return bytes
    raise BindingError(f"no Python type for the ABI type {abi_type!r}")


def flat_outputs(outputs: Sequence[Mapping[str, Any]]) -> list[Output]:
    """``outputs`` with each struct replaced by its components, recursively."""
    flat: list[Output] = []
    for output in outputs:
        if output["type"] == "tuple":
            flat.extend(flat_outputs(output["components"]))
        else:
            name = str(output["name"])
            flat.append(Output(snake_case(name) if name else None, python_type(output["type"])))
    return flat


def flat_values(outputs: Sequence[Mapping[str, Any]], values: Sequence[Any]) -> list[Any]:
    """``values`` (one per output) with each struct's value replaced by its components', and
    addresses checksummed (as web3's ``call()`` returns them; ``eth_abi`` returns them lower)."""
    flat: list[Any] = []
    for output, value in zip(outputs, values, strict=True):
        if output["type"] == "tuple":
            flat.extend(flat_values(output["components"], value))
        else:
            flat.append(to_checksum_address(value) if output["type"] == "address" else value)
    return flat


def expected_outputs(result: type) -> list[Output]:
    """What ``result`` expects of the ABI: its fields, or one output of its type."""
    if result in SCALARS:
        return [Output(None, result)]
    if not dataclasses.is_dataclass(result):
        raise BindingError(f"{result.__name__} is neither a dataclass nor one of {SCALARS}")
    hints = get_type_hints(result)
    return [Output(field.name, hints[field.name]) for field in dataclasses.fields(result)]


def _matches(actual: Output, expected: Output) -> bool:
    names_agree = None in (actual.name, expected.name) or actual.name == expected.name
    return names_agree and actual.type is expected.type


def _describe(outputs: Sequence[Output]) -> str:
    return "(" + ", ".join(f"{o.type.__name__} {o.name or '<unnamed>'}" for o in outputs) + ")"


class Binding(Generic[R]):
    """The function ``name`` of ``abi`` decoding to ``result``; raises BindingError when the
    ABI has no such function (or several), or when its outputs do not match ``result``."""

    def __init__(self, contract: str, abi: Sequence[Mapping[str, Any]], name: str, result: type[R]):
        entries = [e for e in abi if e.get("type") == "function" and e.get("name") == name]
        if len(entries) != 1:
            raise BindingError(f"{contract} has {len(entries)} functions named {name!r}, not one")
        self.contract = contract
        self.function = name
        self.result = result
        self.outputs: list[Mapping[str, Any]] = list(entries[0]["outputs"])
        # The outputs' ABI types, as ``eth_abi.decode`` takes them.
        self.types = [abi_type(output) for output in self.outputs]
        actual, expected = flat_outputs(self.outputs), expected_outputs(result)
        if len(actual) != len(expected) or not all(map(_matches, actual, expected)):
            raise BindingError(
                f"{contract}.{name} returns {_describe(actual)}; {result.__name__} expects "
                f"{_describe(expected)}"
            )

    def decode(self, values: Sequence[Any]) -> R:
        """The result of ``values``, one per output (as ``eth_abi.decode`` returns them)."""
        flat = flat_values(self.outputs, values)
        return self.result(*flat)

    def decode_call(self, returned: Any) -> R:
        """The result of what web3's ``call()`` returned (a lone output comes unwrapped)."""
        return self.decode([returned] if len(self.outputs) == 1 else returned)
