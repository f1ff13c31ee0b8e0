"""What the chain says, read straight from an RPC node: a purchase, and the history of every
contribution of a pool. Nothing here asks the cooperative's API.

Contributions reach a pool in two ways. Registered singly, a contribution is a
``ContributionSubmitted`` (with its CID), then ``ContributionAccepted``; it leaves by
``ContributionRevoked`` or by a ``ContributionOverturned`` to weight 0. On the batch path its
leaves are in the batch's manifest on IPFS and its acceptance is ``BatchAccepted``. Each path is
a :class:`ContributionSource`; :class:`SingleContributions` reads the first, and a batch source
plugs in beside it (see :func:`pool_histories`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from multiformats import CID
from web3 import Web3
from web3.contract import Contract

from buyer import abi
from lumbung.deployment import DeploymentRecord

# Public RPC nodes refuse log queries over wide block ranges; ask in windows this wide.
LOG_WINDOW = 5_000


class ChainRecordError(Exception):
    """The chain does not hold what was asked about (a purchase that does not exist)."""


@dataclass(frozen=True)
class PurchaseRecord:
    """A ``Purchased`` event: what was bought, by whom, and the block fixing its contents."""

    purchase_id: int
    pool_id: int
    buyer: str
    purpose: int
    price: int
    content_block: int
    block_number: int
    tx_hash: str


@dataclass(frozen=True)
class Quote:
    """A pool's listing on-chain now: its price, purposes and whether it is for sale."""

    pool_id: int
    price: int
    purposes: int
    active: bool


@dataclass
class ContributionHistory:
    """One contribution as the chain tells it: its CID, and each stretch of blocks it spent
    accepted (``[accepted, closed)``, ``closed`` None while it still is)."""

    contribution_id: str  # 0x and 64 hex digits, as deliveries name it
    cid: CID
    pool_id: int
    contributor: str
    path: str  # "single" or the batch source's name
    accepted: list[tuple[int, int | None]] = field(default_factory=list)
    closed_by: str | None = None  # "revoked" or "overturned", the last way it left

    def held_at(self, block: int) -> bool:
        """Whether the contribution was accepted in its pool at ``block``."""
        return any(a <= block and (c is None or c > block) for a, c in self.accepted)

    def closed_after(self, block: int) -> int | None:
        """The block it stopped being accepted, if it was accepted at ``block`` and has left."""
        for a, c in self.accepted:
            if a <= block and c is not None and c > block:
                return c
        return None

    def accept(self, block: int) -> None:
        if not self.accepted or self.accepted[-1][1] is not None:
            self.accepted.append((block, None))

    def close(self, block: int, how: str) -> None:
        if self.accepted and self.accepted[-1][1] is None:
            self.accepted[-1] = (self.accepted[-1][0], block)
            self.closed_by = how


class ContributionSource(Protocol):
    """One way contributions join a pool, read from the chain up to a block."""

    def histories(self, pool_id: int, to_block: int) -> Iterable[ContributionHistory]: ...


def contribution_key(contribution_id: int) -> str:
    return f"0x{contribution_id:064x}"


class Cooperative:
    """The cooperative's contracts on an RPC node, at the addresses of its deployments file
    (which the buyer takes from the cooperative's published record, not from its API)."""

    def __init__(self, rpc_url: str, deployment: DeploymentRecord) -> None:
        self.w3 = Web3(Web3.HTTPProvider(rpc_url, request_kwargs={"timeout": 30}))
        self.deployment = deployment
        chain_id = self.w3.eth.chain_id
        if chain_id != deployment.chain_id:
            raise ChainRecordError(
                f"the RPC node is on chain {chain_id}, the deployment on {deployment.chain_id}"
            )
        self.market = self._contract("DataMarket", abi.MARKET)
        self.registry = self._contract("ContributionRegistry", abi.REGISTRY)

    def _contract(self, name: str, interface: list[dict[str, Any]]) -> Contract:
        return self.w3.eth.contract(address=self.deployment.addresses[name], abi=interface)

    def logs(
        self, event: Any, to_block: int, filters: dict[str, Any] | None = None
    ) -> Iterator[Any]:
        """Every ``event`` log from the deployment's first block to ``to_block``, in order."""
        start = self.deployment.start_block
        while start <= to_block:
            stop = min(start + LOG_WINDOW - 1, to_block)
            yield from event.get_logs(
                from_block=start, to_block=stop, argument_filters=filters or {}
            )
            start = stop + 1

    def quote(self, pool_id: int) -> Quote:
        """The pool's listing now: what ``DataMarket.purchase`` would charge."""
        (price, purposes, active), _license = self.market.functions.listing(pool_id).call()
        return Quote(pool_id, int(price), int(purposes), bool(active))

    def purchase(self, purchase_id: int) -> PurchaseRecord:
        """The ``Purchased`` event of ``purchase_id``."""
        head = self.w3.eth.block_number
        found = list(self.logs(self.market.events.Purchased(), head, {"purchaseId": purchase_id}))
        if not found:
            raise ChainRecordError(f"the chain holds no purchase {purchase_id}")
        (log,) = found
        args = log["args"]
        return PurchaseRecord(
            purchase_id=int(args["purchaseId"]),
            pool_id=int(args["poolId"]),
            buyer=str(args["buyer"]),
            purpose=int(args["purpose"]),
            price=int(args["price"]),
            content_block=int(args["contentBlock"]),
            block_number=int(log["blockNumber"]),
            tx_hash="0x" + bytes(log["transactionHash"]).hex(),
        )


class SingleContributions:
    """Contributions registered one at a time: submitted, accepted, revoked or overturned."""

    name = "single"

    def __init__(self, cooperative: Cooperative) -> None:
        self.cooperative = cooperative

    def histories(self, pool_id: int, to_block: int) -> Iterable[ContributionHistory]:
        events = self.cooperative.registry.events
        pool = {"poolId": pool_id}
        found: dict[int, ContributionHistory] = {}
        for log in self.cooperative.logs(events.ContributionSubmitted(), to_block, pool):
            args = log["args"]
            found[int(args["id"])] = ContributionHistory(
                contribution_id=contribution_key(int(args["id"])),
                cid=CID.decode(bytes(args["cid"])),
                pool_id=pool_id,
                contributor=str(args["contributor"]),
                path=self.name,
            )
        changes = [
            *(("accepted", log) for log in self.cooperative.logs(
                events.ContributionAccepted(), to_block, pool)),
            *(("revoked", log) for log in self.cooperative.logs(
                events.ContributionRevoked(), to_block, pool)),
            *(("overturned", log) for log in self.cooperative.logs(
                events.ContributionOverturned(), to_block, pool)),
        ]
        changes.sort(key=lambda change: (change[1]["blockNumber"], change[1]["logIndex"]))
        for how, log in changes:
            history = found.get(int(log["args"]["id"]))
            if history is None:
                continue  # a leaf claimed from a batch: the batch source tells its story
            block = int(log["blockNumber"])
            if how == "accepted":
                history.accept(block)
            elif how == "revoked" or int(log["args"]["newWeight"]) == 0:
                history.close(block, how)
        return found.values()


def pool_histories(
    sources: Sequence[ContributionSource], pool_id: int, to_block: int
) -> dict[str, ContributionHistory]:
    """Every contribution of ``pool_id`` any source knows, by contribution id."""
    merged: dict[str, ContributionHistory] = {}
    for source in sources:
        for history in source.histories(pool_id, to_block):
            merged[history.contribution_id] = history
    return merged
