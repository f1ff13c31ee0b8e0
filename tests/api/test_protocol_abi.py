"""lumbung.protocol against the compiled contracts: every enum member for member and in order
(the ``EnumDefinition`` nodes of build/contracts/*.json), the constants as the contracts declare
them (their AST literals) or return them (on the deployed development chain), and the API's
names and JSON rules as the protocol defines them.

Needs ``brownie compile`` first; runs with ``-p no:pytest-brownie``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from enum import IntEnum
from pathlib import Path
from typing import Any, get_args

import pytest
from web3 import Web3

from api.schemas import contributions, governance
from lumbung import protocol
from lumbung.deployment import DeploymentRecord
from lumbung.devchain import KEYS, REGISTRAR, SETTLER, AnvilChain, Role
from lumbung.protocol import (
    MAX_SAFE_INTEGER,
    BatchPotState,
    BatchStatus,
    ContributionStatus,
    ProposalState,
    Purpose,
    StakeholderClass,
    VoteType,
    jsonable,
)

BUILD = Path(__file__).resolve().parents[2] / "build" / "contracts"


def artifact(name: str) -> dict[str, Any]:
    return json.loads((BUILD / f"{name}.json").read_text())


def nodes(node: Any, node_type: str) -> Iterator[dict[str, Any]]:
    """Every AST node of ``node_type`` under ``node``."""
    if isinstance(node, dict):
        if node.get("nodeType") == node_type:
            yield node
        for value in node.values():
            yield from nodes(value, node_type)
    elif isinstance(node, list):
        for value in node:
            yield from nodes(value, node_type)


def solidity_enum(contract: str, name: str) -> list[str]:
    (found,) = [e for e in nodes(artifact(contract)["ast"], "EnumDefinition") if e["name"] == name]
    return [member["name"] for member in found["members"]]


def constant(contract: str, name: str) -> int:
    """A constant's literal value as the contract's source declares it."""
    (found,) = [
        v
        for v in nodes(artifact(contract)["ast"], "VariableDeclaration")
        if v.get("constant") and v["name"] == name
    ]
    assert found["value"]["nodeType"] == "Literal", f"{contract}.{name} is not a literal"
    return int(found["value"]["value"].replace("_", ""), 0)


@pytest.mark.parametrize(
    ("enum", "contract", "name"),
    [
        (StakeholderClass, "IMembership", "StakeholderClass"),
        (ContributionStatus, "IContributionRegistry", "Status"),
        (BatchStatus, "IContributionRegistry", "BatchStatus"),
        (BatchPotState, "IBatchPots", "BatchPotState"),
        (ProposalState, "IGovernor", "ProposalState"),
    ],
)
def test_each_enum_mirrors_its_solidity_enum(enum: type[IntEnum], contract: str, name: str):
    members = solidity_enum(contract, name)
    assert [m.name for m in enum] == [m.upper() for m in members], f"{contract}.{name}"
    assert [m.value for m in enum] == list(range(len(members)))


def test_vote_types_are_the_governors():
    for vote in VoteType:
        assert constant("ClassTallyLibrary", vote.name) == vote.value


def test_the_governors_class_count_is_the_enums():
    assert constant("ClassLayout", "CLASS_COUNT") == len(StakeholderClass)


def test_purposes_fit_the_markets_purpose_bits():
    limit = constant("DataMarket", "_PURPOSE_LIMIT")
    assert [p.bit for p in Purpose] == list(range(len(Purpose)))
    assert all(p.bit < limit for p in Purpose)
    assert Purpose.from_bit(2) is Purpose.COMMERCIAL and Purpose.from_label("ai_training").bit == 3
    assert protocol.purpose_names(0b1001 | 1 << 40) == ["research", "ai_training"]


def test_work_pot_is_the_distributors(anvil: AnvilChain):
    deployment = DeploymentRecord.load(anvil.deployment_file)
    w3 = Web3(Web3.HTTPProvider(anvil.rpc_url))
    address = deployment.addresses["RevenueDistributor"]
    distributor = w3.eth.contract(address=address, abi=artifact("RevenueDistributor")["abi"])
    assert distributor.functions.WORK_POT().call() == protocol.WORK_POT
    assert deployment.chain_id in protocol.DEV_CHAIN_IDS


def test_development_keys_are_the_mnemonics_accounts():
    assert KEYS[REGISTRAR].removeprefix("0x") == protocol.DEV_REGISTRAR_KEY.removeprefix("0x")
    assert KEYS[SETTLER].removeprefix("0x") == protocol.DEV_RELAYER_KEY.removeprefix("0x")
    gas_relayer = KEYS[Role.GAS_RELAYER].removeprefix("0x")
    assert gas_relayer == protocol.DEV_GAS_RELAYER_KEY.removeprefix("0x")
    aggregator = KEYS[Role.AGGREGATOR].removeprefix("0x")
    assert aggregator == protocol.DEV_AGGREGATOR_KEY.removeprefix("0x")


def test_the_schemas_names_are_the_protocols():
    assert get_args(protocol.PurposeName) == protocol.PURPOSE_NAMES
    assert get_args(protocol.StakeholderClassName) == protocol.CLASS_NAMES
    assert set(get_args(contributions.ContributionStatus)) == {
        s.label for s in ContributionStatus if s is not ContributionStatus.NONE
    }
    assert set(get_args(governance.ProposalState)) == {s.label for s in ProposalState}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (MAX_SAFE_INTEGER, 2**53 - 1),
        (2**53, str(2**53)),
        (2**53 + 1, str(2**53 + 1)),
        (-(2**53 - 1), -(2**53 - 1)),
        (-(2**53), str(-(2**53))),
        (True, True),
        (b"\x01\xff", "0x01ff"),
        ([2**53, (1, b"")], [str(2**53), [1, "0x"]]),
        ({"a": 2**256 - 1}, {"a": str(2**256 - 1)}),
    ],
)
def test_jsonable_keeps_integers_javascript_reads_exactly(value: Any, expected: Any):
    assert jsonable(value) == expected
    assert type(jsonable(value)) is type(expected)
