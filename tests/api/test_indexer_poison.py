"""No event can stop the indexer: poisoned strings, and logs whose projection fails.

Solidity never checks that a ``string`` is UTF-8, and PostgreSQL's text refuses NUL. Every string
argument of every event the indexer follows is sent here for real, on chain, as raw bytes that
are not UTF-8 or that hold NUL and other control characters (the calls are ABI-encoded by hand,
bytes in place of the string). The indexer must pass each one, show a sanitised display copy,
keep the exact bytes, and go on projecting the events after it, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from eth_abi import encode
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from web3 import Web3
from web3.contract import Contract

from api.context import Context
from api.indexer import Follower, index_until_head, rebuild_all
from api.indexer import projections as projection_module
from api.indexer.projections import contribution_key, dump
from api.models import Batch, ChainEvent, Contribution, Pool, Proposal, QuarantinedLog
from lumbung.protocol import VoteType, signed_description
from tests.api.batch_helpers import raw_cid, submit_batch
from tests.api.cooperative import Coop
from tests.api.harness import ADDRESSES, CURATOR, PRODUCER, STEWARD, send

# Each poison, and the display copy the indexer must make of it.
POISONS = {
    # Invalid UTF-8: a truncated sequence, two bytes that never start one, a stray continuation.
    "invalid-utf8": (b"caf\xc3 \xff\xfe vote\x80!", "caf\ufffd \ufffd\ufffd vote\ufffd!"),
    # NUL (which PostgreSQL text refuses) and other C0 controls; tab and newline stay.
    "nul": (b"line\x00one\r\n\ttab\x1b[0m end\x00", "lineone\n\ttab[0m end"),
}


@pytest.fixture
def coop(w3: Web3, contracts: dict[str, Contract]) -> Coop:
    return Coop(w3, contracts)


@pytest.fixture(params=sorted(POISONS))
def poison(request: pytest.FixtureRequest) -> tuple[bytes, str]:
    return POISONS[request.param]


def newest_event(context: Context, name: str) -> ChainEvent:
    with context.sessions() as session:
        event = session.scalars(
            select(ChainEvent)
            .where(ChainEvent.event == name)
            .order_by(ChainEvent.block_number.desc(), ChainEvent.log_index.desc())
            .limit(1)
        ).first()
    assert event is not None, f"no {name} event indexed"
    return event


def quarantined(context: Context) -> list[QuarantinedLog]:
    with context.sessions() as session:
        return list(session.scalars(select(QuarantinedLog)))


def assert_passed(
    context: Context, coop: Coop, event_name: str, strings: dict[str, tuple[bytes, str]]
) -> None:
    """The poison event is indexed with display text and raw bytes, nothing is quarantined, and
    an ordinary event after it (and an indexer restart) is projected as usual."""
    assert index_until_head(context) == coop.w3.eth.block_number
    event = newest_event(context, event_name)
    for name, (raw, display) in strings.items():
        assert event.args[name] == display
        assert event.raw_strings[name] == "0x" + raw.hex()
    assert quarantined(context) == []

    later, _ = coop.submit(PRODUCER, 1, b"after the poison " + event_name.encode())
    assert Follower(context).run_once() > 0  # a fresh follower: as after a restart
    with context.sessions() as session:
        row = session.get(Contribution, contribution_key(later))
        assert row is not None and row.status == "pending"
        incremental = dump(session)
    assert quarantined(context) == []
    rebuild_all(context)  # a rebuild folds the poison event again, and agrees
    with context.sessions() as session:
        assert dump(session) == incremental


def test_pool_created_with_a_poisoned_name_and_metadata(
    context: Context, coop: Coop, poison: tuple[bytes, str]
) -> None:
    raw, display = poison
    registry = coop.c["ContributionRegistry"]
    pool_id = registry.functions.poolCount().call() + 1
    metadata = b"ipfs://" + raw
    coop.send_raw_strings("ContributionRegistry", "createPool", [raw, metadata])

    assert_passed(
        context,
        coop,
        "PoolCreated",
        {"name": (raw, display), "metadata": (metadata, "ipfs://" + display)},
    )
    with context.sessions() as session:
        pool = session.get(Pool, pool_id)
        assert pool is not None and pool.open
        assert (pool.name, pool.name_raw) == (display, raw)
        assert (pool.metadata_, pool.metadata_raw) == ("ipfs://" + display, metadata)


def test_contribution_rejected_with_a_poisoned_reason(
    context: Context, coop: Coop, poison: tuple[bytes, str]
) -> None:
    raw, display = poison
    contribution, _ = coop.submit(PRODUCER, 1, b"to be rejected")
    coop.send_raw_strings("ContributionRegistry", "reject", [contribution, raw], ADDRESSES[CURATOR])

    assert_passed(context, coop, "ContributionRejected", {"reason": (raw, display)})
    with context.sessions() as session:
        row = session.get(Contribution, contribution_key(contribution))
        assert row is not None and row.status == "rejected"
        assert (row.reason, row.reason_raw) == (display, raw)


def one_leaf_batch(coop: Coop, seed: bytes) -> int:
    """A pending batch of one leaf in pool 1, from the development aggregator."""
    return submit_batch(
        coop, [(ADDRESSES[PRODUCER], raw_cid(seed), 2)], seed + b" manifest"
    ).batch_id


def assert_batch_reason(context: Context, batch_id: int, raw: bytes, display: str) -> None:
    with context.sessions() as session:
        batch = session.get(Batch, batch_id)
        assert batch is not None and (batch.reason, batch.reason_raw) == (display, raw)


def test_batch_rejected_with_a_poisoned_reason(
    context: Context, coop: Coop, poison: tuple[bytes, str]
) -> None:
    raw, display = poison
    batch_id = one_leaf_batch(coop, b"rejected batch")
    coop.send_raw_strings(
        "ContributionRegistry", "rejectBatch", [batch_id, raw], ADDRESSES[CURATOR]
    )

    assert_passed(context, coop, "BatchRejected", {"reason": (raw, display)})
    assert_batch_reason(context, batch_id, raw, display)


def test_batch_overturned_with_a_poisoned_reason(
    context: Context, coop: Coop, poison: tuple[bytes, str]
) -> None:
    raw, display = poison
    registry = coop.c["ContributionRegistry"]
    batch_id = one_leaf_batch(coop, b"overturned batch")
    send(coop.w3, registry.functions.acceptBatch(batch_id), ADDRESSES[CURATOR])
    coop.send_raw_strings("ContributionRegistry", "overturnBatch", [batch_id, raw])

    assert_passed(context, coop, "BatchOverturned", {"reason": (raw, display)})
    assert_batch_reason(context, batch_id, raw, display)


def propose_raw(coop: Coop, description: bytes) -> int:
    """A proposal whose description is ``description`` (raw bytes) with the proposer suffix."""
    market = coop.c["DataMarket"]
    calldata = bytes.fromhex(
        market.functions.setGeneralStrike(True)._encode_transaction_data().removeprefix("0x")
    )
    description += signed_description("", ADDRESSES[STEWARD]).encode()
    coop.advance(1)  # the proposer's membership must precede the proposal's second
    args = [[market.address], [0], [calldata], description]
    coop.send_raw_strings("CoopGovernor", "propose", args, ADDRESSES[STEWARD])
    governor = coop.c["CoopGovernor"]
    return int(
        governor.functions.hashProposal(
            [market.address], [0], [calldata], Web3.keccak(description)
        ).call()
    )


def test_proposal_created_with_a_poisoned_description(
    client: TestClient, context: Context, coop: Coop, poison: tuple[bytes, str]
) -> None:
    raw, display = poison
    proposal_id = propose_raw(coop, raw)
    description = raw + signed_description("", ADDRESSES[STEWARD]).encode()
    shown = display + signed_description("", ADDRESSES[STEWARD])

    assert_passed(context, coop, "ProposalCreated", {"description": (description, shown)})
    with context.sessions() as session:
        proposal = session.get(Proposal, str(proposal_id))
        assert proposal is not None
        assert (proposal.description, proposal.description_raw) == (shown, description)
        # The raw bytes are what the governor hashes: the proposal can still be queued.
        assert Web3.keccak(proposal.description_raw) == Web3.keccak(description)
    served = client.get(f"/v1/governance/proposals/{proposal_id}")
    assert served.status_code == 200, served.text
    assert served.json()["text"] == display
    # The display copy hashes to something else: clients queue and execute by description_hash.
    assert served.json()["description_hash"] == "0x" + Web3.keccak(description).hex()


@pytest.mark.parametrize(
    ("function", "event_name"),
    [("castVoteWithReason", "VoteCast"), ("castVoteWithReasonAndParams", "VoteCastWithParams")],
)
def test_votes_cast_with_a_poisoned_reason(
    context: Context, coop: Coop, poison: tuple[bytes, str], function: str, event_name: str
) -> None:
    raw, display = poison
    proposal_id = propose_raw(coop, b"an ordinary proposal")
    coop.advance(61)  # past the voting delay
    args: list[object] = [proposal_id, VoteType.FOR, raw]
    if function == "castVoteWithReasonAndParams":
        args.append(encode(["uint256"], [2]))  # two votes, four credits
    coop.send_raw_strings("CoopGovernor", function, args, ADDRESSES[STEWARD])

    assert_passed(context, coop, event_name, {"reason": (raw, display)})
    with context.sessions() as session:
        proposal = session.get(Proposal, str(proposal_id))
        assert proposal is not None
        votes = session.scalar(
            select(func.count()).select_from(ChainEvent).where(ChainEvent.event == event_name)
        )
        assert votes == 1


def test_a_failing_projection_is_quarantined_and_the_indexer_moves_on(
    client: TestClient,
    context: Context,
    coop: Coop,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    doomed, _ = coop.submit(PRODUCER, 1, b"the projection of this one fails")
    doomed_receipt = coop.w3.eth.get_transaction_receipt(
        coop.w3.eth.get_block("latest")["transactions"][0]
    )
    spared, _ = coop.submit(PRODUCER, 1, b"this one, in the same batch, does not")

    original = projection_module.HANDLERS["ContributionSubmitted"]

    def failing(session: object, event: ChainEvent) -> None:
        if int(event.args["id"]) == doomed:
            raise RuntimeError("projection bug for this one log")
        original(session, event)  # type: ignore[arg-type]

    monkeypatch.setitem(projection_module.HANDLERS, "ContributionSubmitted", failing)
    with caplog.at_level(logging.ERROR, logger="api.indexer.follower"):
        head = index_until_head(context)
    assert head == coop.w3.eth.block_number  # the cursor moved past the bad log

    [entry] = quarantined(context)
    assert entry.event == "ContributionSubmitted" and entry.contract == "ContributionRegistry"
    assert entry.block_number == doomed_receipt["blockNumber"]
    assert entry.tx_hash == "0x" + bytes(doomed_receipt["transactionHash"]).hex()
    assert entry.log_index == next(
        log["logIndex"]
        for log in doomed_receipt["logs"]
        if log["address"] == coop.c["ContributionRegistry"].address
    )
    assert entry.error == "RuntimeError: projection bug for this one log"
    assert entry.raw_log["topics"] and entry.quarantined_at is not None
    assert any(
        r.levelno == logging.ERROR and "quarantined ContributionSubmitted" in r.getMessage()
        for r in caplog.records
    )
    with context.sessions() as session:
        assert session.get(Contribution, contribution_key(doomed)) is None
        assert session.get(Contribution, contribution_key(spared)) is not None
        stored = session.scalar(
            select(func.count())
            .select_from(ChainEvent)
            .where(
                ChainEvent.block_number == entry.block_number,
                ChainEvent.log_index == entry.log_index,
            )
        )
        assert stored == 0  # not in the log either, so a rebuild agrees

    health = client.get("/health")
    assert health.status_code == 200, health.text
    assert health.json()["status"] == "degraded"
    assert health.json()["database"]["quarantined_logs"] == 1
    assert "lumbung_indexer_quarantined_logs 1.0" in client.get("/metrics").text

    # The bug fixed and the indexer restarted: nothing is raised again, nothing is redone, and
    # what comes after is indexed.
    monkeypatch.setitem(projection_module.HANDLERS, "ContributionSubmitted", original)
    later, _ = coop.submit(PRODUCER, 1, b"after the quarantine")
    assert Follower(context).run_once() > 0
    assert len(quarantined(context)) == 1
    with context.sessions() as session:
        assert session.get(Contribution, contribution_key(later)) is not None


def test_a_log_that_does_not_decode_is_quarantined(
    context: Context, coop: Coop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A followed event whose data does not fit its ABI (no contract emits one; a node could
    serve one) is quarantined as undecodable, and its neighbours are indexed."""
    broken, _ = coop.submit(PRODUCER, 1, b"served truncated")
    fine, _ = coop.submit(PRODUCER, 1, b"served whole")
    topic = Web3.keccak(text="ContributionSubmitted(uint256,uint256,address,bytes)")
    original_logs: Callable[..., list] = Follower.logs

    def truncated(self: Follower, first: int, last: int) -> list:
        logs = original_logs(self, first, last)
        return [
            {**log, "data": bytes(log["data"])[:40]}
            if log["topics"]
            and bytes(log["topics"][0]) == topic
            and int.from_bytes(bytes(log["topics"][1]), "big") == broken
            else log
            for log in logs
        ]

    monkeypatch.setattr(Follower, "logs", truncated)
    assert index_until_head(context) == coop.w3.eth.block_number
    [entry] = quarantined(context)
    assert entry.event == "ContributionSubmitted"
    assert entry.error.startswith("ContributionSubmitted: ")
    with context.sessions() as session:
        assert session.get(Contribution, contribution_key(broken)) is None
        assert session.get(Contribution, contribution_key(fine)) is not None
