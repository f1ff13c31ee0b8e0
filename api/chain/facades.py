"""One facade per deployed contract: typed reads with named results, errors already mapped.

A facade keeps its web3 handle to itself. Each read is bound to its ABI when the facade is built
(see :mod:`api.chain.binding`) and runs through the gateway's guard, so callers get a value or a
domain error (:class:`~api.errors.ChainUnavailableError`, :class:`~api.errors.ContractRevertError`)
and never a tuple to unpack by position.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Protocol, TypeVar

from eth_typing import ChecksumAddress
from web3.contract import Contract

from api.chain.binding import Binding
from api.chain.results import Contribution, Listing, Pool

R = TypeVar("R")

# Contributions read per eth_call: each costs a few thousand gas, so a multicall stays far
# below the eth_call gas caps of nodes and providers (geth's default is 50 M).
CONTRIBUTIONS_PER_MULTICALL = 500


class Guard(Protocol):
    """Runs a chain call, mapping RPC outages and reverts to domain errors (``Chain.guard``)."""

    def __call__(self, call: Callable[[], R], /) -> R: ...


class ContractFacade:
    """A contract of the deployment, by its name there, read through ``guard``."""

    name: ClassVar[str]

    def __init__(self, contract: Contract, guard: Guard) -> None:
        self._contract = contract
        self._guard = guard
        self.bindings: list[Binding[Any]] = []

    @property
    def address(self) -> ChecksumAddress:
        return self._contract.address

    def _bind(self, function: str, result: type[R]) -> Binding[R]:
        binding = Binding(self.name, self._contract.abi, function, result)
        self.bindings.append(binding)
        return binding

    def _read(self, binding: Binding[R], *args: Any) -> R:
        function = self._contract.functions[binding.function]
        return self._guard(lambda: binding.decode_call(function(*args).call()))


class TokenFacade(ContractFacade):
    """The payment token (an ERC-20 stablecoin)."""

    name = "PaymentToken"

    def __init__(self, contract: Contract, guard: Guard) -> None:
        super().__init__(contract, guard)
        self._symbol = self._bind("symbol", str)
        self._decimals = self._bind("decimals", int)

    def symbol(self) -> str:
        return self._read(self._symbol)

    def decimals(self) -> int:
        return self._read(self._decimals)


class MembershipFacade(ContractFacade):
    """Membership: who is an active member."""

    name = "Membership"

    def __init__(self, contract: Contract, guard: Guard) -> None:
        super().__init__(contract, guard)
        self._is_member = self._bind("isMember", bool)

    def is_member(self, account: str) -> bool:
        return self._read(self._is_member, account)


class RegistryFacade(ContractFacade):
    """ContributionRegistry: pools and contributions."""

    name = "ContributionRegistry"

    def __init__(self, contract: Contract, guard: Guard) -> None:
        super().__init__(contract, guard)
        self._pool = self._bind("pool", Pool)
        self._contribution = self._bind("contribution", Contribution)

    def pool(self, pool_id: int) -> Pool:
        """Raises ContractRevertError ``ContributionRegistryUnknownPool`` for an unknown pool."""
        return self._read(self._pool, pool_id)

    def contribution(self, contribution_id: int) -> Contribution:
        return self._read(self._contribution, contribution_id)

    def contributions_at_head(self, contribution_ids: Sequence[int]) -> list[Contribution]:
        """:meth:`contribution` of each of ``contribution_ids``, all read at the chain's head.

        The reads go through the registry's own ``multicall`` (OpenZeppelin Multicall, deployed
        with it wherever it is), one ``eth_call`` per :data:`CONTRIBUTIONS_PER_MULTICALL`
        contributions, every one at the same block.
        """
        if not contribution_ids:
            return []
        registry, binding = self._contract, self._contribution

        def read() -> list[Contribution]:
            head = registry.w3.eth.block_number
            found: list[Contribution] = []
            for start in range(0, len(contribution_ids), CONTRIBUTIONS_PER_MULTICALL):
                chunk = contribution_ids[start : start + CONTRIBUTIONS_PER_MULTICALL]
                calls = [registry.encode_abi(binding.function, args=[key]) for key in chunk]
                results = registry.functions.multicall(calls).call(block_identifier=head)
                found.extend(
                    binding.decode(registry.w3.codec.decode(binding.types, result))
                    for result in results
                )
            return found

        return self._guard(read)

    def submit_calldata(self, pool_id: int, cid: bytes) -> str:
        """The calldata of ``submit(poolId, cid)``, for the member's wallet to send."""
        return str(self._contract.encode_abi("submit", args=[pool_id, cid]))


class MarketFacade(ContractFacade):
    """DataMarket: listings and strikes."""

    name = "DataMarket"

    def __init__(self, contract: Contract, guard: Guard) -> None:
        super().__init__(contract, guard)
        self._listing = self._bind("listing", Listing)
        self._is_struck = self._bind("isStruck", bool)

    def listing(self, pool_id: int) -> Listing:
        return self._read(self._listing, pool_id)

    def is_struck(self, buyer: str, buyer_ref: bytes) -> bool:
        """Whether a strike refuses sales to ``buyer`` with ``buyer_ref`` (all zero: general)."""
        return self._read(self._is_struck, buyer, buyer_ref)


class DistributorFacade(ContractFacade):
    """RevenueDistributor: the pots revenue is shared from."""

    name = "RevenueDistributor"

    def __init__(self, contract: Contract, guard: Guard) -> None:
        super().__init__(contract, guard)
        self._total_units = self._bind("totalUnits", int)
        self._work_pot = self._bind("WORK_POT", int)

    def total_units(self, pot_id: int) -> int:
        return self._read(self._total_units, pot_id)

    def work_pot(self) -> int:
        return self._read(self._work_pot)
