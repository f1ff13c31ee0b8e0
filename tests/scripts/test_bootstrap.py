"""The bootstrap file's loader and review, without a chain (scripts/bootstrap.py).

What `make deploy` refuses must be refused here first, with the offending field named; the
live rehearsal (test_live_deploy.py) then shows the refusal reaches the operator before any
transaction.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from ipfs.cid import cid_to_bytes
from scripts.bootstrap import (
    Bootstrap,
    BootstrapError,
    TokenUnits,
    describe_bootstrap,
    load_bootstrap,
    parse_bootstrap,
    review_bootstrap,
    voters_needed,
)
from scripts.governance import GovernorParams

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "deployments" / "bootstrap.example.json"
RULES = GovernorParams()
CIDV0 = "QmPZ9gcCEpqKTo6aq61g2nXGUhM4iCL3ewB6LDXZCtioEB"
CIDV1 = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
DAG_CBOR_CID = "bafyreibnoelefnzgwbcacyt4vh52ymxvzbjq7mmqhtcnwarfq4lzegsiqe"
CHECKSUMMED = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"


def address(n: int) -> str:
    return f"0x{n:040x}"


def valid() -> dict[str, Any]:
    return {
        "members": {
            "producer": [address(1), address(2)],
            "worker": [address(3), address(4)],
            "steward": [address(5), address(6)],
        },
        "registrar": address(7),
        "settler": address(8),
        "aggregator": address(9),
        "curators": [address(3)],
        "pools": [{"name": "Rice-field photos"}, {"name": "Market prices", "metadata": "m"}],
        "listings": [
            {"pool_id": 1, "price": 25_000_000, "purposes": ["research"], "license_cid": CIDV1}
        ],
    }


def parsed(**changes: Any) -> Bootstrap:
    return parse_bootstrap(json.dumps({**valid(), **changes}))


def problems(document: Any) -> tuple[str, ...]:
    text = document if isinstance(document, str) else json.dumps(document)
    with pytest.raises(BootstrapError) as raised:
        parse_bootstrap(text)
    return raised.value.problems


def errors(bootstrap: Bootstrap, rules: Any = RULES, deployer: str | None = None) -> str:
    return "\n".join(review_bootstrap(bootstrap, rules, deployer=deployer).errors)


def test_the_example_file_is_valid_and_usable() -> None:
    example = load_bootstrap(EXAMPLE)
    review = review_bootstrap(example, RULES)
    assert review.ok, review.errors
    assert example.members.worker and example.curators and example.registrar


def test_a_valid_file_reads_into_what_the_contracts_take() -> None:
    bootstrap = parsed(
        members={"steward": [CHECKSUMMED.lower()], "worker": [address(3)]},
        listings=[
            {
                "pool_id": 2,
                "price": 1,
                "purposes": ["commercial", 0],
                "license_cid": CIDV0,
                "active": False,
            }
        ],
    )
    assert bootstrap.members.steward == (CHECKSUMMED,)  # written checksummed
    assert bootstrap.members.all() == [(address(3), 2), (CHECKSUMMED, 3)]
    listing = bootstrap.listings[0]
    assert listing.purposes == ("commercial", "research")
    assert listing.purposes_mask == 0b0101
    assert listing.license_cid_bytes == cid_to_bytes(CIDV0)
    assert listing.active is False
    assert bootstrap.listing_of(1) is None
    # 2 members, 1 curator, 2 pools, 1 listing, registrar, settler, aggregator.
    assert bootstrap.transaction_count() == 9


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"foo": 1}, "foo: unknown field; allowed here: members, registrar"),
        ({"members": {"workers": []}}, "members.workers: unknown field; allowed here: producer"),
        ({"members": {"worker": ["0x12"]}}, "members.worker[0]: '0x12' is not an address"),
        ({"members": {"worker": [address(0)]}}, "members.worker[0]: the zero address"),
        ({"registrar": "0x" + "00" * 20}, "registrar: the zero address"),
        ({"settler": CHECKSUMMED[:-1] + "c"}, "settler: 0x7099"),  # a typo in a checksummed one
        ({"curators": [address(3), address(3)]}, "curators: listed more than once"),
        ({"pools": [{"name": ""}]}, "pools[0].name"),
        ({"pools": [{"name": "  "}]}, "pools[0].name"),
        ({"pools": [{"metadata": "x"}]}, "pools[0].name: required"),
        ({"listings": [{"pool_id": 1}]}, "listings[0].price: required"),
    ],
)
def test_schema_errors_name_the_field(change: dict[str, Any], expected: str) -> None:
    found = problems({**valid(), **change})
    assert any(p.startswith(expected) for p in found), found


@pytest.mark.parametrize(
    ("listing", "expected"),
    [
        ({"price": 0}, "listings[0].price: Input should be greater than 0"),
        ({"price": 2**128}, "listings[0].price: Input should be less than or equal to"),
        ({"price": "25000000"}, "listings[0].price: Input should be a valid integer"),
        ({"price": 2.5}, "listings[0].price: Input should be a valid integer"),
        ({"pool_id": 0}, "listings[0].pool_id: Input should be greater than or equal to 1"),
        ({"pool_id": True}, "listings[0].pool_id: Input should be a valid integer"),
        ({"purposes": []}, "listings[0].purposes: Tuple should have at least 1 item"),
        ({"purposes": ["medical"]}, "listings[0].purposes[0]: 'medical' is not a purpose"),
        ({"purposes": [4]}, "listings[0].purposes[0]: 4 is not a purpose"),
        ({"purposes": [1, "public_interest"]}, "listings[0].purposes: listed more than once"),
        ({"license_cid": "bafy-nope"}, "listings[0].license_cid: 'bafy-nope' is not a CID"),
        ({"license_cid": DAG_CBOR_CID}, "listings[0].license_cid: "),
        ({"license_cid": None}, "listings[0].license_cid: None is not a CID string"),
        ({"active": "yes"}, "listings[0].active: Input should be a valid boolean"),
    ],
)
def test_listing_errors_name_the_field(listing: dict[str, Any], expected: str) -> None:
    document = valid()
    document["listings"] = [{**document["listings"][0], **listing}]
    found = problems(document)
    assert any(p.startswith(expected) for p in found), found


def test_a_dag_cbor_cid_is_refused_as_not_what_ipfs_add_makes() -> None:
    document = valid()
    document["listings"][0]["license_cid"] = DAG_CBOR_CID
    assert "not one `ipfs add` makes" in problems(document)[0]


def test_every_schema_problem_is_reported_at_once() -> None:
    document = {**valid(), "registrar": "0xzz", "pools": [{"name": ""}], "extra": 1}
    assert len(problems(document)) == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"members": {', "not JSON: Expecting property name enclosed in double quotes at line 1"),
        ("[]", "(the file): must be a JSON object"),
        ("{}", "members: required"),
    ],
)
def test_a_malformed_file_is_refused(text: str, expected: str) -> None:
    found = problems(text)
    assert len(found) == 1 and found[0].startswith(expected), found


def test_an_unreadable_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BootstrapError, match="cannot be read"):
        load_bootstrap(tmp_path / "missing.json")


def test_a_valid_file_passes_review() -> None:
    review = review_bootstrap(parsed(), RULES, deployer=address(99))
    assert review.ok, review.errors
    assert review.warnings == ()
    assert review.notes == (
        "pools[1]: 'Market prices' has no listing; it is not for sale until governance sets one",
    )


def test_no_member_at_all_is_refused() -> None:
    assert "members: no member at all" in errors(parsed(members={}, curators=[]))


def test_no_member_could_propose_above_a_proposal_threshold() -> None:
    found = errors(parsed(), replace(RULES, proposal_threshold=1))
    assert "members: no member could propose" in found


def test_a_quorum_without_voice_credits_is_refused() -> None:
    found = errors(parsed(), replace(RULES, base_credits=0))
    assert "members.producer: the governor gives no base voice credits" in found
    assert review_bootstrap(parsed(), replace(RULES, base_credits=0, class_quorums=(0, 0, 0, 0))).ok


@pytest.mark.parametrize(
    ("members", "quorum", "needed"),
    [
        (1, 2000, 1),
        (5, 2000, 1),
        (6, 2000, 2),
        (10, 2000, 2),
        (11, 2000, 3),
        (3, 10_000, 3),
        (4, 0, 0),
        (0, 5000, 0),
    ],
)
def test_voters_needed_rounds_up(members: int, quorum: int, needed: int) -> None:
    assert voters_needed(members, quorum) == needed


def test_a_class_whose_every_member_must_vote_is_a_warning() -> None:
    single = review_bootstrap(parsed(members={"worker": [address(3)]}), RULES)
    assert single.ok
    assert single.warnings == (
        "members.worker: a single member; every proposal needs its vote, so one lost key "
        "blocks all governance",
    )
    everyone = review_bootstrap(parsed(), replace(RULES, class_quorums=(10_000, 0, 0, 0)))
    assert everyone.ok
    assert everyone.warnings[0].startswith("members.producer: all 2 members must vote")


def test_an_address_admitted_twice_is_refused() -> None:
    twice = parsed(members={"producer": [address(1)], "worker": [address(3), address(1)]})
    assert f"members.worker[1]: {address(1)} is already a member at members.producer[0]" in (
        errors(twice)
    )
    in_one_class = parsed(members={"worker": [address(3), address(3)]})
    assert "members.worker[1]" in errors(in_one_class)


def test_a_curator_must_be_a_worker_member() -> None:
    found = errors(parsed(curators=[address(3), address(1), address(0x42)]))
    assert f"curators[1]: {address(1)} is a producer; a curator must be" in found
    assert f"curators[2]: {address(0x42)} is not a member; a curator must be" in found


def test_a_listing_for_a_pool_not_in_the_file_is_refused() -> None:
    listing = valid()["listings"][0]
    found = errors(parsed(listings=[{**listing, "pool_id": 3}]))
    assert "listings[0].pool_id: pool 3 is not in the file (pools has ids 1..2" in found
    found = errors(parsed(pools=[], listings=[listing]))
    assert "pool 1 is not in the file (pools has no pools" in found
    found = errors(parsed(listings=[listing, listing]))
    assert "listings[1].pool_id: pool 1 is already listed at listings[0]" in found


def test_two_pools_of_one_name_are_refused() -> None:
    found = errors(parsed(pools=[{"name": "A"}, {"name": "A"}], listings=[]))
    assert "pools[1].name: 'A' is already pool 1" in found


def test_the_deployer_cannot_be_given_a_role_it_renounces_at_handover() -> None:
    found = errors(parsed(), deployer=address(8))
    assert f"settler: {address(8)} is the deployer" in found
    assert "curators[0]" in errors(parsed(), deployer=address(3))
    assert review_bootstrap(parsed(), RULES, deployer=address(1)).ok  # a member is not a role


def test_missing_service_keys_are_notes_not_errors() -> None:
    review = review_bootstrap(
        parsed(registrar=None, settler=None, aggregator=None, curators=[]), RULES
    )
    assert review.ok
    notes = "\n".join(review.notes)
    assert "registrar: none; new members can only be admitted by governance" in notes
    assert "settler: none" in notes
    assert "aggregator: none" in notes
    assert "curators: none" in notes


def test_one_key_for_two_service_roles_is_a_warning() -> None:
    review = review_bootstrap(parsed(settler=address(7)), RULES)
    assert review.ok
    assert review.warnings[0].startswith(f"registrar, settler: one key {address(7)}")


def test_the_summary_shows_the_whole_plan() -> None:
    bootstrap = parsed(members={"producer": [address(1)], "worker": [address(3)]})
    review = review_bootstrap(bootstrap, RULES)
    text = "\n".join(
        describe_bootstrap(bootstrap, RULES, review, TokenUnits("USDC", 6), "boot.json")
    )
    assert "apply boot.json (9 transactions)" in text
    assert "producer  1, quorum 20 %: 1 of 1 must vote" in text
    assert "funder    none" in text
    for holder in (address(1), address(3), address(7), address(8), address(9)):
        assert holder in text
    assert "listed at 25 USDC (25000000 base units), active, purposes research" in text
    assert f"license {CIDV1}" in text
    assert "2 'Market prices' metadata 'm'\n      not listed" in text
    assert "WARNING members.producer: a single member" in text
    assert "note: pools[1]" in text
    plain = "\n".join(describe_bootstrap(bootstrap, RULES, review))
    assert "listed at 25000000 base units" in plain


def test_token_units_show_exact_amounts() -> None:
    units = TokenUnits("USDC", 6)
    assert units.show(1) == "0.000001 USDC (1 base units)"
    assert units.show(12_500_000) == "12.5 USDC (12500000 base units)"
    assert TokenUnits("X", 0).show(100) == "100 X (100 base units)"
