"""What the chain says, read straight from an RPC node: a purchase, and the history of every
contribution of a pool. Nothing here asks the cooperative's API.

Contributions reach a pool in two ways. Registered singly, a contribution is a
``ContributionSubmitted`` (with its CID), then ``ContributionAccepted``; it leaves by
``ContributionRevoked`` or by a ``ContributionOverturned`` to weight 0. On the batch path its
leaves are in the batch's manifest on IPFS and its acceptance is ``BatchAccepted``. Each path is
a :class:`ContributionSource`: :class:`SingleContributions` reads the first,
:class:`BatchContributions` the second, from the batch manifests a delivery carries (checked
against the chain's manifest CID, root, count and total weight), and :func:`pool_histories`
merges them.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, BinaryIO, Protocol, cast

from multiformats import CID
from web3 import Web3
from web3.contract import Contract

from buyer import abi
from ipfs.cid import cid_string
from ipfs.unixfs import ImportOptions, discard_blocks, import_file
from lumbung.deployment import DeploymentRecord
from lumbung.merkle import BatchDomain, BatchLeaf, batch_tree
from lumbung.protocol import contribution_id

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
            *(
                ("accepted", log)
                for log in self.cooperative.logs(events.ContributionAccepted(), to_block, pool)
            ),
            *(
                ("revoked", log)
                for log in self.cooperative.logs(events.ContributionRevoked(), to_block, pool)
            ),
            *(
                ("overturned", log)
                for log in self.cooperative.logs(events.ContributionOverturned(), to_block, pool)
            ),
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


def _text_cid(binary: bytes) -> CID:
    """A binary CID, written as ``ipfs add`` prints it (base32 for CIDv1)."""
    cid = CID.decode(binary)
    return cid.set(base="base32") if cid.version == 1 else cid


def file_cid(stream: IO[bytes], like: CID) -> CID:
    """The CID ``ipfs add`` gives ``stream``'s bytes, in the version of ``like``."""
    options = ImportOptions(cid_version=like.version)
    root = import_file(cast(BinaryIO, stream), discard_blocks, options)
    return CID.decode(cid_string(root.cid))


@dataclass(frozen=True)
class BatchProblem:
    """An accepted batch whose leaves could not be read: why, in ``verify``'s failure terms."""

    code: str  # "batch-manifest-missing" or "batch-manifest-mismatch"
    batch_id: int
    reason: str


class BatchContributions:
    """Contributions registered in batches: the leaves of each accepted batch, told by the
    manifest whose CID the batch's ``BatchSubmitted`` names, from ``manifests`` (by CID string:
    the ones a delivery carries). A manifest is used only if its bytes hash to that CID and the
    tree rebuilt from its leaves, bound to this chain, distributor and pool, has the batch's
    root, count and total weight. Each leaf is accepted from its batch's ``BatchAccepted`` and
    leaves the pool at its ``LeafRevoked`` or at the batch's ``BatchOverturned``. Batches that
    can't be read are in ``problems``."""

    name = "batch"

    def __init__(self, cooperative: Cooperative, manifests: Mapping[str, bytes]) -> None:
        self.cooperative = cooperative
        self.manifests = manifests
        self.problems: list[BatchProblem] = []

    def histories(self, pool_id: int, to_block: int) -> Iterable[ContributionHistory]:
        coop, events = self.cooperative, self.cooperative.registry.events
        pool = {"poolId": pool_id}
        submitted = {
            int(log["args"]["batchId"]): log["args"]
            for log in coop.logs(events.BatchSubmitted(), to_block, pool)
        }
        accepted = {
            int(log["args"]["batchId"]): int(log["blockNumber"])
            for log in coop.logs(events.BatchAccepted(), to_block, pool)
        }
        overturned = {
            int(log["args"]["batchId"]): int(log["blockNumber"])
            for log in coop.logs(events.BatchOverturned(), to_block, pool)
        }
        revoked: dict[tuple[int, str, int], int] = {}
        for batch_id in accepted:
            for log in coop.logs(events.LeafRevoked(), to_block, {"batchId": batch_id}):
                args = log["args"]
                leaf_key = (batch_id, str(args["contributor"]), int(args["ordinal"]))
                revoked[leaf_key] = int(log["blockNumber"])
        found: dict[str, ContributionHistory] = {}
        for batch_id, accepted_block in sorted(accepted.items()):
            leaves = self._leaves(batch_id, pool_id, submitted.get(batch_id))
            for leaf in leaves or ():
                cid = _text_cid(leaf.cid)
                key = f"0x{contribution_id(leaf.contributor, cid.raw_digest):064x}"
                history = found.setdefault(
                    key,
                    ContributionHistory(
                        contribution_id=key,
                        cid=cid,
                        pool_id=pool_id,
                        contributor=leaf.contributor,
                        path=f"{self.name} {batch_id}",
                    ),
                )
                history.accept(accepted_block)
                left = revoked.get((batch_id, leaf.contributor, leaf.ordinal))
                if left is not None:
                    history.close(left, "revoked")
                elif batch_id in overturned:
                    history.close(overturned[batch_id], "overturned")
        return found.values()

    def _leaves(self, batch_id: int, pool_id: int, args: Any) -> list[BatchLeaf] | None:
        if args is None:
            self.problems.append(
                BatchProblem(
                    "batch-manifest-mismatch", batch_id, f"batch {batch_id} has no BatchSubmitted"
                )
            )
            return None
        manifest_cid = _text_cid(bytes(args["manifestCid"]))
        data = self.manifests.get(str(manifest_cid))
        if data is None:
            self.problems.append(
                BatchProblem(
                    "batch-manifest-missing",
                    batch_id,
                    f"batch {batch_id} was accepted in the pool, but the delivery does not carry "
                    f"its manifest {manifest_cid}, so its leaves can't be checked",
                )
            )
            return None
        if bytes(file_cid(io.BytesIO(data), manifest_cid)) != bytes(manifest_cid):
            self.problems.append(
                BatchProblem(
                    "batch-manifest-mismatch",
                    batch_id,
                    f"the manifest delivered for batch {batch_id} is not {manifest_cid}, the one "
                    "the chain recorded",
                )
            )
            return None
        try:
            entries = json.loads(data)["entries"]
            leaves = [
                BatchLeaf(
                    str(e["contributor"]),
                    int(e["ordinal"]),
                    bytes.fromhex(str(e["cidHex"]).removeprefix("0x")),
                    int(e["weight"]),
                )
                for e in entries
                if e.get("ordinal") is not None
            ]
        except (ValueError, KeyError, TypeError) as exc:
            self.problems.append(
                BatchProblem(
                    "batch-manifest-mismatch",
                    batch_id,
                    f"batch {batch_id}'s manifest can't be read: {exc}",
                )
            )
            return None
        distributor = self.cooperative.deployment.addresses["RevenueDistributor"]
        domain = BatchDomain(self.cooperative.deployment.chain_id, distributor, pool_id)
        root = batch_tree(domain, leaves).root if leaves else "0x" + "00" * 32
        committed = (int(args["count"]), int(args["totalWeight"]))
        if root != "0x" + bytes(args["root"]).hex() or committed != (
            len(leaves),
            sum(leaf.weight for leaf in leaves),
        ):
            self.problems.append(
                BatchProblem(
                    "batch-manifest-mismatch",
                    batch_id,
                    f"batch {batch_id}'s manifest does not rebuild the root, count and weight the "
                    "chain committed",
                )
            )
            return None
        return leaves


def pool_histories(
    sources: Sequence[ContributionSource], pool_id: int, to_block: int
) -> dict[str, ContributionHistory]:
    """Every contribution of ``pool_id`` any source knows, by contribution id."""
    merged: dict[str, ContributionHistory] = {}
    for source in sources:
        for history in source.histories(pool_id, to_block):
            merged[history.contribution_id] = history
    return merged
