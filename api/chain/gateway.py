"""The chain gateway: contract handles from ``deployments/<network>.json`` and brownie's ABIs.

Services read the contracts through the gateway's facades (``chain.market.listing(pool_id)``,
see :mod:`api.chain.facades`); the raw web3 handles (``chain["DataMarket"]``, ``chain.w3``)
serve the parts that send transactions or follow logs: the settlement worker and the indexer.
Every failure comes out typed: :class:`~api.errors.ChainUnavailableError` when the RPC does not
answer, :class:`~api.errors.ContractRevertError` with the decoded Solidity custom error when a
contract refuses.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import requests
from eth_abi import decode as abi_decode
from eth_typing import ChecksumAddress
from eth_utils import function_signature_to_4byte_selector
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import ContractCustomError, ContractLogicError, ContractPanicError

from api.chain.binding import abi_type
from api.chain.facades import (
    DistributorFacade,
    ForwarderFacade,
    GovernorFacade,
    MarketFacade,
    MembershipFacade,
    RegistryFacade,
    TokenFacade,
)
from api.errors import ChainUnavailableError, ContractRevertError
from api.redaction import redact_url
from lumbung.deployment import DeploymentRecord

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Deployment names and the artifact holding each one's ABI.
ARTIFACTS = {
    "Forwarder": "LumbungForwarder",
    "PaymentToken": "TestStablecoin",
    "Membership": "Membership",
    "ContributionToken": "ContributionToken",
    "RevenueDistributor": "RevenueDistributor",
    "DataMarket": "DataMarket",
    "ContributionRegistry": "ContributionRegistry",
    "CoopGovernor": "CoopGovernor",
    "TimelockController": "CoopTimelock",
}

PANIC_SELECTOR = bytes.fromhex("4e487b71")
ERROR_STRING_SELECTOR = bytes.fromhex("08c379a0")


@dataclass(frozen=True)
class ErrorSignature:
    name: str
    names: tuple[str, ...]
    types: tuple[str, ...]


class ErrorDecoder:
    """Maps revert data to the Solidity custom error it encodes, across all known ABIs."""

    def __init__(self, abis: list[list[dict[str, Any]]]) -> None:
        self._errors: dict[bytes, ErrorSignature] = {}
        for abi in abis:
            for entry in abi:
                if entry.get("type") != "error":
                    continue
                types = tuple(abi_type(i) for i in entry["inputs"])
                names = tuple(i["name"] or f"arg{n}" for n, i in enumerate(entry["inputs"]))
                selector = function_signature_to_4byte_selector(
                    f"{entry['name']}({','.join(types)})"
                )
                self._errors[selector] = ErrorSignature(entry["name"], names, types)

    def decode(self, data: bytes) -> ContractRevertError:
        selector, body = data[:4], data[4:]
        if selector == ERROR_STRING_SELECTOR:
            (message,) = abi_decode(["string"], body)
            return ContractRevertError("Error", {"message": message})
        if selector == PANIC_SELECTOR:
            (code,) = abi_decode(["uint256"], body)
            return ContractRevertError("Panic", {"code": code})
        signature = self._errors.get(selector)
        if signature is None:
            return ContractRevertError("UnknownRevert", {"data": data})
        try:
            values = abi_decode(list(signature.types), body)
        except Exception:  # malformed revert data: report it raw rather than fail
            return ContractRevertError(signature.name, {"data": data})
        return ContractRevertError(signature.name, dict(zip(signature.names, values, strict=True)))


def read_abi(artifact: Path) -> list[dict[str, Any]]:
    """The ABI of a brownie build artifact, parsed once per version of the file.

    Artifacts carry the AST and source maps besides the ABI: parsing the eighty of a build
    takes about 0.4 s, which every Chain (each API start, each CLI command) would pay again.
    The cache is keyed on the file's size and modification time, so a rebuild is read afresh.
    Callers must not modify the list.
    """
    stat = artifact.stat()
    return _parsed_abi(str(artifact), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=512)
def _parsed_abi(path: str, _mtime_ns: int, _size: int) -> list[dict[str, Any]]:
    abi: list[dict[str, Any]] = json.loads(Path(path).read_text()).get("abi", [])
    return abi


def _revert_data(exc: ContractLogicError) -> bytes:
    data = exc.data
    if isinstance(data, dict):
        data = data.get("data")
    if isinstance(data, str) and data.startswith("0x"):
        return bytes.fromhex(data[2:])
    if isinstance(data, bytes):
        return data
    return b""


class Chain:
    """Contract handles and typed calls for one deployment.

    Building it reads files only (no RPC), and binds every facade's reads to the ABIs: a
    contract whose outputs no longer match a named result raises
    :class:`~api.chain.binding.BindingError` here, before any request is served.
    """

    def __init__(
        self, rpc_url: str, deployment_file: Path, artifacts_dir: Path, timeout_s: float = 10.0
    ) -> None:
        self.rpc_url = rpc_url
        self.w3 = Web3(Web3.HTTPProvider(rpc_url, request_kwargs={"timeout": timeout_s}))
        self.deployment = DeploymentRecord.load(deployment_file)
        abis: list[list[dict[str, Any]]] = []
        self.contracts: dict[str, Contract] = {}
        for name, address in self.deployment.addresses.items():
            artifact = artifacts_dir / f"{ARTIFACTS.get(name, name)}.json"
            abi = read_abi(artifact)
            abis.append(abi)
            self.contracts[name] = self.w3.eth.contract(address=address, abi=abi)
        for extra in sorted(artifacts_dir.glob("*.json")):
            abis.append(read_abi(extra))
        self.errors = ErrorDecoder(abis)
        self.token = TokenFacade(self[TokenFacade.name], self.guard)
        self.membership = MembershipFacade(self[MembershipFacade.name], self.guard)
        self.registry = RegistryFacade(self[RegistryFacade.name], self.guard)
        self.market = MarketFacade(self[MarketFacade.name], self.guard)
        self.distributor = DistributorFacade(self[DistributorFacade.name], self.guard)
        self.governor = GovernorFacade(self[GovernorFacade.name], self.guard)
        # Deployments made before the gas relay have no forwarder: the relay is then absent.
        self.forwarder = (
            ForwarderFacade(self[ForwarderFacade.name], self.guard)
            if ForwarderFacade.name in self.contracts
            else None
        )

    def __getitem__(self, name: str) -> Contract:
        return self.contracts[name]

    @property
    def chain_id(self) -> int:
        return self.deployment.chain_id

    @property
    def addresses(self) -> dict[str, ChecksumAddress]:
        """Each deployed contract's address, by its name in the deployment."""
        return dict(self.deployment.addresses)

    @property
    def abis(self) -> dict[str, list[dict[str, Any]]]:
        """Each deployed contract's ABI, by its name in the deployment."""
        return {name: [dict(e) for e in c.abi] for name, c in self.contracts.items()}

    def guard(self, call: Callable[[], T]) -> T:
        """Runs ``call``, turning RPC outages and contract reverts into domain errors."""
        try:
            return call()
        except (ContractCustomError, ContractLogicError, ContractPanicError) as exc:
            raise self.errors.decode(_revert_data(exc)) from exc
        except (requests.ConnectionError, requests.Timeout, ConnectionError, TimeoutError) as exc:
            raise ChainUnavailableError(
                f"chain RPC {redact_url(self.rpc_url)} does not answer"
            ) from exc

    def ping(self) -> int:
        """The latest block number; raises ChainUnavailableError when the RPC is down."""
        return self.guard(lambda: self.w3.eth.block_number)

    def simulate(self, sender: str, to: str, data: bytes) -> bytes:
        """``eth_call`` of ``data`` on ``to`` from ``sender`` at the head: what it returns, or
        ContractRevertError with the decoded Solidity error when it would revert."""
        return bytes(self.guard(lambda: self.w3.eth.call({"from": sender, "to": to, "data": data})))

    def balance(self, account: str) -> int:
        """``account``'s ether in wei at the head."""
        checksummed = Web3.to_checksum_address(account)
        return int(self.guard(lambda: self.w3.eth.get_balance(checksummed)))

    def head_timestamp(self) -> int:
        """The latest block's timestamp; raises ChainUnavailableError when the RPC is down."""
        return self.guard(lambda: int(self.w3.eth.get_block("latest")["timestamp"]))
