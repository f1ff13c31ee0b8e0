"""The chain gateway's facades: named results that follow the ABIs, read from the deployed
cooperative on a real Anvil.

A named result's fields are the ABI outputs' names, in order. The implementation's ABI (the one
the gateway loads) is checked when the gateway is built; the tests here also hold every result
to its contract's interface, where each output is named, and show that a contract which gains
an output stops the gateway instead of shifting what the services read.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from api.chain import BindingError, Chain, Contribution, Listing, Pool
from api.chain import facades as chain_facades
from api.chain.binding import flat_outputs, flat_values
from api.chain.facades import ContractFacade
from api.chain.results import (
    BatchHolding,
    BatchRecord,
    Eip712Domain,
    RelayLimits,
    RelaysUsed,
    Split,
)
from api.errors import ChainUnavailableError, ContractRevertError
from api.models import CONTRIBUTION_STATUSES
from lumbung.protocol import WORK_POT, ContributionStatus
from tests.api.cooperative import Coop
from tests.api.harness import ADDRESSES, PRODUCER, AnvilChain, free_port
from tests.api.orderflow import POOLS

ARTIFACTS = Path(__file__).resolve().parents[2] / "build" / "contracts"
ACCEPTED = CONTRIBUTION_STATUSES.index("accepted")


@pytest.fixture(scope="module")
def chain(anvil: AnvilChain) -> Chain:
    return Chain(anvil.rpc_url, anvil.deployment_file, ARTIFACTS)


@pytest.fixture
def coop(anvil: AnvilChain, chain: Chain) -> Coop:
    return Coop(anvil.w3, chain.contracts)


def facades_of(chain: Chain) -> list[ContractFacade]:
    return [value for value in vars(chain).values() if isinstance(value, ContractFacade)]


def abi_function(artifact: str, name: str) -> dict:
    abi = json.loads((ARTIFACTS / f"{artifact}.json").read_text())["abi"]
    (entry,) = [e for e in abi if e.get("type") == "function" and e["name"] == name]
    return entry


# The interface that names a read's outputs, where it is not I<deployment name>.
INTERFACES = {"eip712Domain": "IERC5267", "Forwarder": "ILumbungForwarder"}


def interface_of(facade: ContractFacade, function: str) -> str:
    return INTERFACES.get(function) or INTERFACES.get(facade.name) or f"I{facade.name}"


def interface_names(outputs: Sequence[Mapping[str, Any]]) -> list[str | None]:
    """The outputs' names in snake case, in order, a struct's components in its place."""
    return [output.name for output in flat_outputs(outputs)]


def test_every_named_result_follows_its_interface_name_for_name(chain):
    named = [
        (facade, binding)
        for facade in facades_of(chain)
        for binding in facade.bindings
        if dataclasses.is_dataclass(binding.result)
    ]
    results = {Listing, Pool, Contribution, Eip712Domain, BatchHolding, BatchRecord, Split}
    if chain.forwarder is not None:
        results |= {RelayLimits, RelaysUsed}
    assert {binding.result for _, binding in named} == results
    for facade, binding in named:
        interface_name = interface_of(facade, binding.function)
        interface = abi_function(interface_name, binding.function)["outputs"]
        fields = [field.name for field in dataclasses.fields(binding.result)]
        assert fields == interface_names(interface), binding.function
        # The deployed implementation's ABI: the same outputs, some of them left unnamed.
        implementation = interface_names(binding.outputs)
        assert [n or f for n, f in zip(implementation, fields, strict=True)] == fields


def by_interface_name(contract: str, function: str, returned: Any) -> dict[str, Any]:
    """What web3 returned for ``function``, keyed by the interface's output names."""
    outputs = abi_function(f"I{contract}", function)["outputs"]
    values = flat_values(outputs, returned if len(outputs) > 1 else [returned])
    names = interface_names(outputs)
    return {str(name): value for name, value in zip(names, values, strict=True)}


def test_each_facade_reads_the_deployed_cooperative(chain, coop):
    contribution_id, _ = coop.submit(PRODUCER, 1, b"facade test")
    coop.accept(contribution_id, 3)
    raw = {name: contract.functions for name, contract in chain.contracts.items()}

    listing = chain.market.listing(1)
    returned = raw["DataMarket"].listing(1).call()
    assert listing == Listing(**by_interface_name("DataMarket", "listing", returned))
    assert (listing.price, listing.purposes, listing.active) == (*POOLS[1], True)
    pool = chain.registry.pool(1)
    returned = raw["ContributionRegistry"].pool(1).call()
    assert pool == Pool(**by_interface_name("ContributionRegistry", "pool", returned))
    assert (pool.open, pool.contribution_count, pool.accepted_count, pool.total_weight) == (
        True,
        1,
        1,
        3,
    )
    assert chain.registry.contribution(contribution_id) == Contribution(
        contributor=ADDRESSES[PRODUCER], pool_id=1, status=ACCEPTED, weight=3
    )
    assert chain.membership.is_member(ADDRESSES[PRODUCER])
    assert not chain.membership.is_member(ADDRESSES[9])
    assert chain.distributor.total_units(1) == 3 and chain.distributor.total_units(2) == 0
    assert chain.distributor.work_pot() == WORK_POT
    assert (chain.token.symbol(), chain.token.decimals()) == ("tUSD", 6)
    assert chain.head_timestamp() == coop.now()


def test_strikes_read_through_the_market(chain, coop):
    general = ("0x" + "00" * 20, b"\x00" * 32)
    assert not chain.market.is_struck(*general)
    coop.as_timelock(chain["DataMarket"].functions.setGeneralStrike(True))
    assert chain.market.is_struck(*general)


def test_contributions_at_head_come_in_order_across_multicall_chunks(chain, coop, monkeypatch):
    accepted = []
    for seed in range(3):
        contribution_id, _ = coop.submit(PRODUCER, 2, b"chunk %d" % seed)
        coop.accept(contribution_id, 1)
        accepted.append(contribution_id)
    coop.revoke(PRODUCER, accepted[1])
    monkeypatch.setattr(chain_facades, "CONTRIBUTIONS_PER_MULTICALL", 2)
    unknown = 12345
    read = chain.registry.contributions_at_head([*accepted, unknown])
    assert [c.status for c in read] == [
        ContributionStatus.ACCEPTED,
        ContributionStatus.REVOKED,
        ContributionStatus.ACCEPTED,
        ContributionStatus.NONE,
    ]
    assert read[0] == chain.registry.contribution(accepted[0])
    assert chain.registry.contributions_at_head([]) == []


def test_reverts_and_outages_come_out_as_domain_errors(chain, anvil):
    with pytest.raises(ContractRevertError) as refused:
        chain.registry.pool(999)
    assert refused.value.name == "ContributionRegistryUnknownPool"
    down = Chain(f"http://127.0.0.1:{free_port()}", anvil.deployment_file, ARTIFACTS, 1.0)
    with pytest.raises(ChainUnavailableError):
        down.market.listing(1)
    with pytest.raises(ChainUnavailableError):
        down.registry.contributions_at_head([1])


def _with_pool_outputs(tmp_path: Path, change) -> Path:
    """A copy of the artifacts whose ContributionRegistry.pool outputs ``change`` altered."""
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    for source in ARTIFACTS.glob("*.json"):
        (artifacts / source.name).symlink_to(source)
    path = artifacts / "ContributionRegistry.json"
    artifact = json.loads(path.read_text())
    path.unlink()
    for entry in artifact["abi"]:
        if entry.get("type") == "function" and entry["name"] == "pool":
            change(entry["outputs"])
    path.write_text(json.dumps(artifact))
    return artifacts


@pytest.mark.parametrize(
    "change",
    [
        lambda outputs: outputs.insert(2, {"name": "curator", "type": "address"}),
        lambda outputs: outputs.append({"name": "closedAt", "type": "uint64"}),
        lambda outputs: outputs.reverse(),
        lambda outputs: outputs.pop(),
    ],
    ids=["a field inserted", "a field appended", "fields reordered", "a field dropped"],
)
def test_a_contract_whose_outputs_change_stops_the_gateway(anvil, tmp_path, change):
    artifacts = _with_pool_outputs(tmp_path, change)
    with pytest.raises(BindingError, match=r"ContributionRegistry\.pool returns .* Pool expects"):
        Chain(anvil.rpc_url, anvil.deployment_file, artifacts)
