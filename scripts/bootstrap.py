"""The cooperative's first state: a bootstrap file, read, checked, applied and verified.

After a governed deployment every privileged setter belongs to the timelock and only members
can propose, so a cooperative handed over without members could never act again. The bootstrap
file (JSON, schema in the README's "Deploying to a testnet") names its first members per
stakeholder class, its service keys (registrar, settler, aggregator), its curators, and its
pools with their listings. ``scripts/deploy.py`` loads it with :func:`load_bootstrap`, refuses
to send anything while :func:`review_bootstrap` finds an error, shows :func:`describe_bootstrap`
before asking, applies it with :func:`apply_bootstrap` while the deployer is still admin, and
after the handover reads the chain back with :func:`verify_bootstrap`.

Nothing here imports brownie: the file is checked before any network is involved, and the
contract handles that apply and verify use are passed in.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Protocol

from eth_utils import is_checksum_address, is_hex_address, to_checksum_address
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
)

from ipfs.cid import DAG_PB, RAW, SHA2_256, SHA2_256_LENGTH, cid_to_bytes, parse_cid, split_cid
from ipfs.errors import InvalidCidError
from lumbung.protocol import CLASS_NAMES as STAKEHOLDER_CLASSES
from lumbung.protocol import PURPOSE_NAMES as PURPOSES
from lumbung.protocol import StakeholderClass

logger = logging.getLogger(__name__)

# IMembership.StakeholderClass, in enum order (0..3), named as the API and the dApp name them.
WORKER = StakeholderClass.WORKER
ZERO_ADDRESS = "0x" + "00" * 20
BPS = 10_000
MAX_PRICE = 2**128 - 1  # DataMarket.Listing.price is a uint128


class BootstrapError(ValueError):
    """The bootstrap file cannot be read or does not follow the schema; names every problem."""

    def __init__(self, path: Path | str, problems: Sequence[str]) -> None:
        self.path = str(path)
        self.problems = tuple(problems)
        listed = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"Bootstrap file {self.path} is not valid:\n{listed}")


# --- field types -------------------------------------------------------------------------------


def _address(value: object) -> str:
    if not isinstance(value, str) or not is_hex_address(value):
        raise ValueError(f"{value!r} is not an address (0x and 40 hex digits)")
    if value.lower() == ZERO_ADDRESS:
        raise ValueError("the zero address cannot hold a membership or a role")
    if value != value.lower() and value[2:] != value[2:].upper() and not is_checksum_address(value):
        raise ValueError(f"{value} has mixed case but a wrong EIP-55 checksum (a typo?)")
    return str(to_checksum_address(value))


def _purpose(value: object) -> str:
    if isinstance(value, str) and value in PURPOSES:
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(PURPOSES):
        return PURPOSES[value]
    raise ValueError(
        f"{value!r} is not a purpose; use a name ({', '.join(PURPOSES)}) "
        f"or its bit number (0..{len(PURPOSES) - 1})"
    )


def _license_cid(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a CID string (Qm… or bafy…)")
    try:
        parts = split_cid(bytes(parse_cid(value)))
    except InvalidCidError as error:
        raise ValueError(f"{value!r} is not a CID: {error.reason}") from error
    if (
        parts.codec not in (RAW, DAG_PB)
        or parts.hash_code != SHA2_256
        or len(parts.digest) != SHA2_256_LENGTH
    ):
        raise ValueError(
            f"{value!r} is a CID, but not one `ipfs add` makes: use CIDv0, or CIDv1 with the "
            "raw or dag-pb codec over sha2-256"
        )
    return value.strip()


def _unique(values: tuple[Any, ...]) -> tuple[Any, ...]:
    repeated = sorted({str(v) for v in values if values.count(v) > 1})
    if repeated:
        raise ValueError(f"listed more than once: {', '.join(repeated)}")
    return values


Address = Annotated[str, BeforeValidator(_address)]
Purpose = Annotated[str, BeforeValidator(_purpose)]
LicenseCid = Annotated[str, BeforeValidator(_license_cid)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Members(_Strict):
    """The first members, by stakeholder class (field names: :data:`STAKEHOLDER_CLASSES`)."""

    producer: tuple[Address, ...] = ()
    funder: tuple[Address, ...] = ()
    worker: tuple[Address, ...] = ()
    steward: tuple[Address, ...] = ()

    def of_class(self, class_index: int) -> tuple[str, ...]:
        return tuple(getattr(self, STAKEHOLDER_CLASSES[class_index]))

    def all(self) -> list[tuple[str, int]]:
        """Every (address, class index), in file order, class by class."""
        return [
            (address, c) for c in range(len(STAKEHOLDER_CLASSES)) for address in self.of_class(c)
        ]


class Pool(_Strict):
    """A pool to create; its id is its position in the file, from 1."""

    name: Annotated[str, Field(min_length=1, max_length=200, pattern=r"\S")]
    metadata: str = ""


class Listing(_Strict):
    """A pool's listing: ``DataMarket.setListing(pool_id, price, purposes, active, licenseCid)``."""

    pool_id: Annotated[int, Field(ge=1)]
    price: Annotated[int, Field(gt=0, le=MAX_PRICE)]  # payment-token base units
    purposes: Annotated[tuple[Purpose, ...], Field(min_length=1), AfterValidator(_unique)]
    license_cid: LicenseCid
    active: bool = True

    @property
    def purposes_mask(self) -> int:
        return sum(1 << PURPOSES.index(p) for p in self.purposes)

    @property
    def license_cid_bytes(self) -> bytes:
        return cid_to_bytes(self.license_cid)


class Bootstrap(_Strict):
    """The whole bootstrap file."""

    members: Members
    registrar: Address | None = None
    settler: Address | None = None
    aggregator: Address | None = None
    curators: Annotated[tuple[Address, ...], AfterValidator(_unique)] = ()
    pools: tuple[Pool, ...] = ()
    listings: tuple[Listing, ...] = ()

    def listing_of(self, pool_id: int) -> Listing | None:
        return next((x for x in self.listings if x.pool_id == pool_id), None)

    def transaction_count(self) -> int:
        """The transactions the bootstrap adds: ``apply_bootstrap``'s and the service roles'."""
        services = [self.registrar, self.settler, self.aggregator]
        applied = len(self.members.all()) + len(self.curators) + len(self.pools)
        return applied + len(self.listings) + sum(s is not None for s in services)


# --- loading -----------------------------------------------------------------------------------


def _field_path(loc: Sequence[int | str]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(the file)"


def _fields_at(loc: Sequence[int | str]) -> list[str]:
    """The field names the schema allows where ``loc`` points (for "unknown field" errors)."""
    model: Any = Bootstrap
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        inner = getattr(field, "annotation", None)
        args = getattr(inner, "__args__", ())
        model = next(
            (t for t in (inner, *args) if isinstance(t, type) and issubclass(t, BaseModel)), None
        )
        if model is None:
            return []
    return list(model.model_fields)


def _problem(error: Any) -> str:
    loc = error["loc"]
    where = _field_path(loc)
    if error["type"] == "extra_forbidden":
        allowed = _fields_at(loc)
        hint = f"; allowed here: {', '.join(allowed)}" if allowed else ""
        return f"{where}: unknown field{hint}"
    if error["type"] == "missing":
        return f"{where}: required"
    if error["type"] == "value_error":  # ours: the message names the value
        return f"{where}: {str(error['msg']).removeprefix('Value error, ')}"
    return f"{where}: {error['msg']} (got {error['input']!r})"


def parse_bootstrap(text: str, source: Path | str = "<bootstrap>") -> Bootstrap:
    """The bootstrap in ``text``; raises :class:`BootstrapError` naming every offending field."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BootstrapError(
            source, [f"not JSON: {error.msg} at line {error.lineno}, column {error.colno}"]
        ) from error
    if not isinstance(data, dict):
        raise BootstrapError(source, ["(the file): must be a JSON object"])
    try:
        # Python mode on parsed JSON: strict types, and tuples accept JSON arrays.
        return Bootstrap.model_validate(_lists_as_tuples(data))
    except ValidationError as error:
        raise BootstrapError(source, [_problem(e) for e in error.errors()]) from error


def _lists_as_tuples(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_lists_as_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _lists_as_tuples(v) for k, v in value.items()}
    return value


def load_bootstrap(path: Path | str) -> Bootstrap:
    """Reads and validates a bootstrap file; raises :class:`BootstrapError`."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise BootstrapError(path, [f"cannot be read: {error.strerror or error}"]) from error
    return parse_bootstrap(text, path)


# --- review: will the cooperative be usable? ---------------------------------------------------


class GovernanceRules(Protocol):
    """What the review reads of the governor's parameters (``GovernorParams`` fits)."""

    @property
    def proposal_threshold(self) -> int: ...

    @property
    def base_credits(self) -> int: ...

    @property
    def class_quorums(self) -> tuple[int, int, int, int]: ...


def voters_needed(members: int, quorum_bps: int) -> int:
    """Voters a class of ``members`` needs for its participation quorum: ceil(n·q / 10 000)."""
    return math.ceil(members * quorum_bps / BPS)


@dataclass(frozen=True)
class Review:
    """What stops the deployment (``errors``), what the summary must say (``warnings``,
    ``notes``). Each entry starts with the field it concerns."""

    errors: tuple[str, ...]
    warnings: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


def review_bootstrap(
    bootstrap: Bootstrap, rules: GovernanceRules, *, deployer: str | None = None
) -> Review:
    """Every reason the bootstrapped cooperative could not be used, checked before sending."""
    errors: list[str] = []
    warnings: list[str] = []
    notes: list[str] = []
    members = bootstrap.members.all()

    seen: dict[str, str] = {}
    for c, name in enumerate(STAKEHOLDER_CLASSES):
        for i, address in enumerate(bootstrap.members.of_class(c)):
            where = f"members.{name}[{i}]"
            if address in seen:
                errors.append(f"{where}: {address} is already a member at {seen[address]}")
            else:
                seen[address] = where
    member_class = {address: c for address, c in members}

    if not members:
        errors.append("members: no member at all; nobody could ever propose, vote or be admitted")
    elif rules.proposal_threshold > 0:
        errors.append(
            f"members: no member could propose: the governor's proposal threshold is "
            f"{rules.proposal_threshold} contribution-token votes, and no member holds any "
            "until a curator accepts a contribution"
        )
    for c, name in enumerate(STAKEHOLDER_CLASSES):
        count = len(bootstrap.members.of_class(c))
        if count == 0:
            continue
        quorum = rules.class_quorums[c]
        needed = voters_needed(count, quorum)
        if needed > count:
            errors.append(
                f"members.{name}: its quorum of {quorum / 100:g} % needs {needed} voters "
                f"and the class has {count} members"
            )
        elif needed > 0 and rules.base_credits < 1:
            errors.append(
                f"members.{name}: the governor gives no base voice credits and no member holds "
                f"contribution tokens, so the class can never cast the {needed} votes its "
                "quorum needs"
            )
        elif count == 1 and needed == 1:
            warnings.append(
                f"members.{name}: a single member; every proposal needs its vote, so one lost "
                "key blocks all governance"
            )
        elif needed == count:
            warnings.append(
                f"members.{name}: all {count} members must vote on every proposal (quorum "
                f"{quorum / 100:g} %), so one lost key blocks all governance"
            )

    for i, curator in enumerate(bootstrap.curators):
        if member_class.get(curator) != WORKER:
            actual = member_class.get(curator)
            status = "not a member" if actual is None else f"a {STAKEHOLDER_CLASSES[actual]}"
            errors.append(
                f"curators[{i}]: {curator} is {status}; a curator must be an initial member "
                "of the worker class (members.worker)"
            )

    roles = {
        "registrar": bootstrap.registrar,
        "settler": bootstrap.settler,
        "aggregator": bootstrap.aggregator,
    }
    roles.update({f"curators[{i}]": c for i, c in enumerate(bootstrap.curators)})
    if deployer is not None:
        deployer = to_checksum_address(deployer)
        for field, holder in roles.items():
            if holder == deployer:
                errors.append(
                    f"{field}: {holder} is the deployer, which renounces every role at handover"
                )
    service = [(f, a) for f, a in roles.items() if a is not None and not f.startswith("curators")]
    for n, (field, holder) in enumerate(service):
        for other, other_holder in service[n + 1 :]:
            if holder == other_holder:
                warnings.append(
                    f"{field}, {other}: one key {holder} holds both roles; if it leaks, both "
                    "powers go with it"
                )

    names = [p.name for p in bootstrap.pools]
    for i, pool in enumerate(bootstrap.pools):
        first = names.index(pool.name)
        if first != i:
            errors.append(f"pools[{i}].name: {pool.name!r} is already pool {first + 1}")
    listed: dict[int, int] = {}
    for i, listing in enumerate(bootstrap.listings):
        where = f"listings[{i}].pool_id"
        if listing.pool_id > len(bootstrap.pools):
            known = f"ids 1..{len(bootstrap.pools)}" if bootstrap.pools else "no pools"
            errors.append(
                f"{where}: pool {listing.pool_id} is not in the file (pools has {known}, "
                "numbered from 1 in file order)"
            )
        elif listing.pool_id in listed:
            errors.append(
                f"{where}: pool {listing.pool_id} is already listed at "
                f"listings[{listed[listing.pool_id]}]"
            )
        else:
            listed[listing.pool_id] = i

    if bootstrap.registrar is None:
        notes.append(
            "registrar: none; new members can only be admitted by governance "
            "(a proposal that calls Membership.admit) until it appoints a registrar"
        )
    if bootstrap.settler is None:
        notes.append(
            "settler: none; the API cannot settle off-chain orders until governance "
            "grants DataMarket's SETTLER_ROLE"
        )
    if bootstrap.aggregator is None:
        notes.append(
            "aggregator: none; batches cannot be submitted until governance grants "
            "ContributionRegistry's AGGREGATOR_ROLE"
        )
    if not bootstrap.curators:
        notes.append(
            "curators: none; contributions cannot be accepted until governance grants "
            "ContributionRegistry's CURATOR_ROLE to a worker"
        )
    for pool_id, pool in enumerate(bootstrap.pools, start=1):
        if pool_id not in listed:
            notes.append(
                f"pools[{pool_id - 1}]: {pool.name!r} has no listing; it is not for "
                "sale until governance sets one"
            )
    return Review(tuple(errors), tuple(warnings), tuple(notes))


# --- the summary -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenUnits:
    """How to show payment-token amounts: the token's symbol and decimals."""

    symbol: str
    decimals: int

    def show(self, base_units: int) -> str:
        amount = f"{Decimal(base_units).scaleb(-self.decimals):f}"
        if "." in amount:
            amount = amount.rstrip("0").rstrip(".")
        return f"{amount} {self.symbol} ({base_units} base units)"


def describe_bootstrap(
    bootstrap: Bootstrap,
    rules: GovernanceRules,
    review: Review,
    units: TokenUnits | None = None,
    source: Path | str = "the bootstrap file",
) -> list[str]:
    """The plan, line by line, for the summary shown before the confirmation prompt."""
    lines = [
        f"then, while the deployer is still admin, apply {source} "
        f"({bootstrap.transaction_count()} transactions):"
    ]
    lines.append(f"  members ({len(bootstrap.members.all())}):")
    for c, name in enumerate(STAKEHOLDER_CLASSES):
        addresses = bootstrap.members.of_class(c)
        if not addresses:
            lines.append(f"    {name:<9} none (left out of quorums and weights)")
            continue
        needed = voters_needed(len(addresses), rules.class_quorums[c])
        lines.append(
            f"    {name:<9} {len(addresses)}, quorum {rules.class_quorums[c] / 100:g} %: "
            f"{needed} of {len(addresses)} must vote on each proposal"
        )
        lines.extend(f"      {address}" for address in addresses)
    for role, holder, what in (
        ("registrar", bootstrap.registrar, "Membership REGISTRAR_ROLE, signs join vouchers"),
        ("settler", bootstrap.settler, "DataMarket SETTLER_ROLE, settles off-chain orders"),
        ("aggregator", bootstrap.aggregator, "ContributionRegistry AGGREGATOR_ROLE"),
    ):
        lines.append(f"  {role:<11}{holder or 'none'}  ({what})")
    lines.append(f"  curators   {len(bootstrap.curators)} (ContributionRegistry CURATOR_ROLE)")
    lines.extend(f"    {curator}" for curator in bootstrap.curators)
    lines.append(f"  pools ({len(bootstrap.pools)}):")
    for pool_id, pool in enumerate(bootstrap.pools, start=1):
        lines.append(
            f"    {pool_id} {pool.name!r}"
            + (f" metadata {pool.metadata!r}" if pool.metadata else "")
        )
        listing = bootstrap.listing_of(pool_id)
        if listing is None:
            lines.append("      not listed")
            continue
        price = units.show(listing.price) if units else f"{listing.price} base units"
        lines.append(
            f"      listed at {price}, {'active' if listing.active else 'inactive'}, "
            f"purposes {', '.join(listing.purposes)} (mask {listing.purposes_mask:#06b})"
        )
        lines.append(f"      license {listing.license_cid}")
    lines.extend(f"  WARNING {w}" for w in review.warnings)
    lines.extend(f"  note: {n}" for n in review.notes)
    return lines


# --- on chain ----------------------------------------------------------------------------------


def apply_bootstrap(deployment: Any, bootstrap: Bootstrap, deployer: Any) -> None:
    """Admits the members, grants the curators and creates the pools and their listings.

    Runs as ``deploy_all``'s ``bootstrap`` callback, while ``deployer`` is still admin; the
    registrar, settler and aggregator are ``deploy_all``'s own arguments.
    """
    # Admissions push timestamp checkpoints: a transaction mined in a later second than its gas
    # estimate writes a new checkpoint (~20k more) and runs out of gas on a bare estimate. The
    # unused part of the buffer is not charged.
    tx = {"from": deployer, "gas_buffer": 1.5}
    membership, registry, market = deployment.membership, deployment.registry, deployment.market
    for address, class_index in bootstrap.members.all():
        membership.admit(address, class_index, tx)
    curator_role = registry.CURATOR_ROLE()
    for curator in bootstrap.curators:
        registry.grantRole(curator_role, curator, tx)
    first_id = registry.poolCount() + 1
    if first_id != 1:
        raise RuntimeError(f"the registry already holds {first_id - 1} pools")
    for pool in bootstrap.pools:
        registry.createPool(pool.name, pool.metadata, tx)
    for listing in bootstrap.listings:
        market.setListing(
            listing.pool_id,
            listing.price,
            listing.purposes_mask,
            listing.active,
            listing.license_cid_bytes,
            tx,
        )
    logger.info(
        "bootstrapped %d members, %d curators, %d pools, %d listings",
        len(bootstrap.members.all()),
        len(bootstrap.curators),
        len(bootstrap.pools),
        len(bootstrap.listings),
    )


def verify_bootstrap(deployment: Any, bootstrap: Bootstrap) -> list[str]:
    """Reads the chain back: every way it differs from the bootstrap (empty when it matches)."""
    membership, registry, market = deployment.membership, deployment.registry, deployment.market
    mismatches: list[str] = []
    for c, name in enumerate(STAKEHOLDER_CLASSES):
        expected = bootstrap.members.of_class(c)
        if membership.memberCount(c) != len(expected):
            mismatches.append(f"{name}: {membership.memberCount(c)} members, not {len(expected)}")
        for address in expected:
            active, actual = membership.memberStatus(address)
            if not active or actual != c:
                mismatches.append(f"{address}: active={active} class={actual}, not a {name}")
    for contract, role, holder in (
        (membership, "REGISTRAR_ROLE", bootstrap.registrar),
        (market, "SETTLER_ROLE", bootstrap.settler),
        (registry, "AGGREGATOR_ROLE", bootstrap.aggregator),
    ):
        if holder is not None and not contract.hasRole(getattr(contract, role)(), holder):
            mismatches.append(f"{holder} lacks {role}")
    for curator in bootstrap.curators:
        if not registry.isCurator(curator):
            mismatches.append(f"{curator} cannot curate")
    if registry.poolCount() != len(bootstrap.pools):
        mismatches.append(f"{registry.poolCount()} pools, not {len(bootstrap.pools)}")
    for pool_id, pool in enumerate(bootstrap.pools, start=1):
        name, metadata, *_ = registry.pool(pool_id)
        if (name, metadata) != (pool.name, pool.metadata):
            mismatches.append(f"pool {pool_id} is {name!r} ({metadata!r}), not {pool.name!r}")
    for listing in bootstrap.listings:
        (price, mask, active), license_cid = market.listing(listing.pool_id)
        expected_listing = (listing.price, listing.purposes_mask, listing.active)
        if (price, mask, active) != expected_listing or bytes(license_cid) != (
            listing.license_cid_bytes
        ):
            mismatches.append(f"pool {listing.pool_id}'s listing is {price, mask, active}")
    return mismatches
