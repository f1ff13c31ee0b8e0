"""One facade per deployed contract: typed reads with named results, errors already mapped.

A facade keeps its web3 handle to itself. Each read is bound to its ABI when the facade is built
(see :mod:`api.chain.binding`) and runs through the gateway's guard, so callers get a value or a
domain error (:class:`~api.errors.ChainUnavailableError`, :class:`~api.errors.ContractRevertError`)
and never a tuple to unpack by position.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Protocol, TypeVar

from eth_abi.exceptions import DecodingError
from eth_typing import ChecksumAddress
from eth_utils import function_signature_to_4byte_selector
from web3.contract import Contract

from api.chain.binding import Binding, abi_type
from api.chain.results import (
    BatchHolding,
    BatchRecord,
    Contribution,
    DecodedCall,
    Eip712Domain,
    ForwardRequest,
    Listing,
    Pool,
    RelayLimits,
    RelaysUsed,
    Split,
)
from lumbung.protocol import BatchStatus

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

    def _calldata(self, function: str, *args: Any) -> str:
        return str(self._contract.encode_abi(function, args=list(args)))

    def selector(self, function: str) -> str:
        """The 4-byte selector of the contract's one function named ``function``, as 0x-hex."""
        entries: list[dict[str, Any]] = [dict(e) for e in self._contract.abi]
        (entry,) = [e for e in entries if e.get("type") == "function" and e["name"] == function]
        types = ",".join(abi_type(i) for i in entry["inputs"])
        return "0x" + function_signature_to_4byte_selector(f"{function}({types})").hex()

    def decode_calldata(self, data: bytes) -> DecodedCall | None:
        """The function and arguments ``data`` calls on this contract; None when it calls none
        of its functions or its arguments do not decode."""
        try:
            function, args = self._contract.decode_function_input(data)
        except (ValueError, DecodingError):
            return None
        return DecodedCall(function.fn_name, "0x" + bytes(data[:4]).hex(), dict(args))


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
        self._voucher_used = self._bind("voucherUsed", bool)

    def is_member(self, account: str) -> bool:
        return self._read(self._is_member, account)

    def voucher_used(self, member: str, nonce: int) -> bool:
        return self._read(self._voucher_used, member, nonce)

    def join_calldata(
        self, member: str, stakeholder_class: int, nonce: int, expiry: int, signature: bytes
    ) -> str:
        """The calldata of ``join(voucher, signature)``, which anyone may send."""
        return self._calldata("join", (member, stakeholder_class, nonce, expiry), signature)


class RegistryFacade(ContractFacade):
    """ContributionRegistry: pools and contributions."""

    name = "ContributionRegistry"

    def __init__(self, contract: Contract, guard: Guard) -> None:
        super().__init__(contract, guard)
        self._pool = self._bind("pool", Pool)
        self._contribution = self._bind("contribution", Contribution)
        self._is_curator = self._bind("isCurator", bool)
        self._pool_max_weight = self._bind("poolMaxWeight", int)
        self._curation_cap = self._bind("curationCap", int)
        self._reviews_in_epoch = self._bind("reviewsInEpoch", int)
        self._curation_epoch = self._bind("CURATION_EPOCH", int)
        self._consent_digest = self._bind("consentDigest", bytes)
        self._batch = self._bind("batch", BatchRecord)

    def is_curator(self, account: str) -> bool:
        """Whether ``account`` may review now: it holds the curator role and is an active
        WORKER member."""
        return self._read(self._is_curator, account)

    def pool_max_weight(self, pool_id: int) -> int:
        """The largest weight a review may give in pool ``pool_id``."""
        return self._read(self._pool_max_weight, pool_id)

    def curation_cap(self) -> int:
        """Reviews credited per curator per curation epoch."""
        return self._read(self._curation_cap)

    def reviews_in_epoch(self, curator: str, epoch: int) -> int:
        return self._read(self._reviews_in_epoch, curator, epoch)

    def curation_epoch(self) -> int:
        """The curation epoch's length in seconds (epoch = block.timestamp // it)."""
        return self._read(self._curation_epoch)

    def batch(self, batch_id: int) -> BatchRecord:
        """Raises ContractRevertError ``ContributionRegistryUnknownBatch`` for an unknown id."""
        return self._read(self._batch, batch_id)

    def batches_accepted_at_head(self, batch_ids: Sequence[int]) -> set[int]:
        """Those of ``batch_ids`` the registry holds as accepted (not overturned) at the chain's
        head, read as :meth:`contributions_at_head` reads: a delivery never sends the leaves of
        a batch governance overturned before the indexer saw it."""
        records = self._read_at_head(self._batch, batch_ids)
        return {
            batch_id
            for batch_id, record in zip(batch_ids, records, strict=True)
            if record.status == BatchStatus.ACCEPTED
        }

    def consent_digest(self, pool_id: int, cid: bytes, contributor: str, deadline: int) -> bytes:
        """The EIP-712 digest of the Consent, as the registry computes it."""
        return self._read(self._consent_digest, pool_id, cid, contributor, deadline)

    def pool(self, pool_id: int) -> Pool:
        """Raises ContractRevertError ``ContributionRegistryUnknownPool`` for an unknown pool."""
        return self._read(self._pool, pool_id)

    def contribution(self, contribution_id: int) -> Contribution:
        return self._read(self._contribution, contribution_id)

    def contributions_at_head(self, contribution_ids: Sequence[int]) -> list[Contribution]:
        """:meth:`contribution` of each of ``contribution_ids``, all read at the chain's head."""
        return self._read_at_head(self._contribution, contribution_ids)

    def _read_at_head(self, binding: Binding[R], keys: Sequence[int]) -> list[R]:
        """``binding`` of each of ``keys``, all read at the chain's head.

        The reads go through the registry's own ``multicall`` (OpenZeppelin Multicall, deployed
        with it wherever it is), one ``eth_call`` per :data:`CONTRIBUTIONS_PER_MULTICALL`
        keys, every one at the same block.
        """
        if not keys:
            return []
        registry = self._contract

        def read() -> list[R]:
            head = registry.w3.eth.block_number
            found: list[R] = []
            for start in range(0, len(keys), CONTRIBUTIONS_PER_MULTICALL):
                chunk = keys[start : start + CONTRIBUTIONS_PER_MULTICALL]
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
        self._batch_holding = self._bind("batchHolding", BatchHolding)
        self._claimable_from_batch = self._bind("claimableFromBatch", int)
        self._units_of = self._bind("unitsOf", int)
        self._claimable = self._bind("claimable", int)
        self._split = self._bind("split", Split)

    def batch_holding(self, batch_id: int, account: str) -> BatchHolding:
        return self._read(self._batch_holding, batch_id, account)

    def claimable_from_batch(self, batch_id: int, account: str, new_weight: int) -> int:
        """What ``account`` would be paid now from batch ``batch_id``: its claimed leaves' revenue
        since their last claim, plus everything ``new_weight`` of unclaimed leaves earned."""
        return self._read(self._claimable_from_batch, batch_id, account, new_weight)

    def total_units(self, pot_id: int) -> int:
        return self._read(self._total_units, pot_id)

    def work_pot(self) -> int:
        return self._read(self._work_pot)

    def units_of(self, pot_id: int, account: str) -> int:
        return self._read(self._units_of, pot_id, account)

    def claimable(self, pot_id: int, account: str) -> int:
        return self._read(self._claimable, pot_id, account)

    def split(self) -> Split:
        """The contributors', workers' and reserve's shares of a sale."""
        return self._read(self._split)


class GovernorFacade(ContractFacade):
    """CoopGovernor: the ballots members sign (EIP-712) and anyone may cast for them."""

    name = "CoopGovernor"

    def __init__(self, contract: Contract, guard: Guard) -> None:
        super().__init__(contract, guard)
        self._nonces = self._bind("nonces", int)
        self._domain = self._bind("eip712Domain", Eip712Domain)

    def nonce(self, voter: str) -> int:
        """The nonce the voter's next signed ballot must carry."""
        return self._read(self._nonces, voter)

    def eip712_domain(self) -> Eip712Domain:
        return self._read(self._domain)

    def vote_by_sig_calldata(
        self,
        proposal_id: int,
        support: int,
        voter: str,
        reason: str,
        params: bytes,
        signature: bytes,
    ) -> tuple[str, str]:
        """(function, calldata) of the signed vote: ``castVoteBySig`` for a plain ballot (no
        reason, no params), ``castVoteWithReasonAndParamsBySig`` otherwise."""
        if not reason and not params:
            function = "castVoteBySig"
            return function, self._calldata(function, proposal_id, support, voter, signature)
        function = "castVoteWithReasonAndParamsBySig"
        return function, self._calldata(
            function, proposal_id, support, voter, reason, params, signature
        )


class ForwarderFacade(ContractFacade):
    """LumbungForwarder: the ERC-2771 forwarder the gas relayer sends members' requests
    through, with its governed bounds (a quota per signer and period, a gas ceiling)."""

    name = "Forwarder"

    def __init__(self, contract: Contract, guard: Guard) -> None:
        super().__init__(contract, guard)
        self._limits = self._bind("relayLimits", RelayLimits)
        self._used = self._bind("relaysUsed", RelaysUsed)
        self._left = self._bind("relaysLeft", int)
        self._nonces = self._bind("nonces", int)
        self._verify = self._bind("verify", bool)
        self._domain = self._bind("eip712Domain", Eip712Domain)

    def limits(self) -> RelayLimits:
        return self._read(self._limits)

    def relays_used(self, signer: str) -> RelaysUsed:
        return self._read(self._used, signer)

    def relays_left(self, signer: str) -> int:
        return self._read(self._left, signer)

    def nonce(self, signer: str) -> int:
        """The nonce the signer's next request must be signed with."""
        return self._read(self._nonces, signer)

    def verify(self, request: ForwardRequest) -> bool:
        """Whether the forwarder would execute ``request`` now: its target trusts the
        forwarder, its deadline has not passed, and its signer signed it at their current
        nonce."""
        return self._read(self._verify, request.as_tuple())

    def eip712_domain(self) -> Eip712Domain:
        return self._read(self._domain)

    def execute_calldata(self, request: ForwardRequest) -> str:
        """The calldata of ``execute(request)``."""
        return self._calldata("execute", request.as_tuple())
