"""The batch path's signatures: a member's consent and a curator's review, and their attacks.

Every refusal is tested first: a forged or misdirected consent (another signer, another pool,
another contributor, expired, too far ahead, replayed on another upload), and a review by a
non-curator, of one's own contribution, above the pool's maximum, a rejection without a
reason, a second review, and a review signed by someone else.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from api.context import Context
from lumbung import consent as eip712
from lumbung.devchain import Coop
from tests.api.batch_helpers import (
    consent_typed,
    give_consent,
    give_review,
    post_review,
    sign_hex,
    uploaded,
)
from tests.api.harness import ADDRESSES, CURATOR, ONE_DATABASE, PRODUCER, STEWARD
from tests.api.identity_helpers import login


def post_consent(
    client: TestClient, headers: dict[str, str], contribution_id: str, deadline: int, sig: str
) -> Any:
    return client.post(
        f"/v1/contributions/{contribution_id}/consent",
        headers=headers,
        json={"deadline": deadline, "signature": sig},
    )


def test_a_signed_consent_is_kept_and_verifies_against_the_domain(
    client: TestClient, context: Context
) -> None:
    headers = login(client, PRODUCER)
    contribution_id = uploaded(client, headers, 1, b"plot 7 yields")
    typed = consent_typed(client, headers, contribution_id)["typed_data"]
    chain = context.chain
    assert typed["domain"] == {
        "name": "Lumbung Registry",
        "version": "1",
        "chainId": chain.chain_id,
        "verifyingContract": chain.registry.address,
    }
    assert typed["message"]["contributor"] == ADDRESSES[PRODUCER]
    assert typed["message"]["poolId"] == 1
    stage = client.get(f"/v1/contributions/{contribution_id}/stage", headers=headers).json()
    assert stage["stage"] == "uploaded"
    response = give_consent(client, headers, contribution_id, PRODUCER)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["stage"] == "signed"
    assert body["consent"]["digest"] == "0x" + eip712.digest(typed).hex()
    listed = client.get(f"/v1/members/{ADDRESSES[PRODUCER]}/uploads", headers=headers).json()
    assert [u["stage"] for u in listed["uploads"]] == ["signed"]


@ONE_DATABASE
def test_forged_and_misdirected_consents_are_refused(client: TestClient, context: Context) -> None:
    headers = login(client, PRODUCER)
    mine = uploaded(client, headers, 1, b"plot 7 yields")
    other = uploaded(client, headers, 2, b"market prices, Tuesday")
    to_sign = consent_typed(client, headers, mine)
    typed, deadline = to_sign["typed_data"], to_sign["deadline"]

    def refused(message: dict[str, Any], key_index: int = PRODUCER, target: str = mine) -> None:
        forged = {**typed, "message": {**typed["message"], **message}}
        response = post_consent(
            client, headers, target, forged["message"]["deadline"], sign_hex(forged, key_index)
        )
        assert response.status_code == 422, response.text

    refused({}, key_index=STEWARD)  # another signer
    refused({"poolId": 2})  # another pool
    refused({"contributor": ADDRESSES[STEWARD]}, key_index=STEWARD)  # another contributor
    refused({"deadline": 1})  # expired
    refused({"deadline": deadline + 10**8})  # too far ahead
    bad = post_consent(client, headers, mine, deadline, "0x" + "11" * 65)
    assert bad.status_code == 422
    # A valid consent to one upload replayed on another.
    signature = sign_hex(typed, PRODUCER)
    assert post_consent(client, headers, other, deadline, signature).status_code == 422
    # Only the uploader may consent, and only to an upload of this vault.
    steward = login(client, STEWARD)
    assert post_consent(client, steward, mine, deadline, signature).status_code == 403
    assert post_consent(client, steward, "0x" + "ab" * 32, deadline, signature).status_code == 404
    stage = client.get(f"/v1/contributions/{mine}/stage", headers=headers).json()
    assert stage["stage"] == "uploaded"
    assert post_consent(client, headers, mine, deadline, signature).status_code == 200


def test_a_curator_reviews_a_signed_consent_and_the_member_sees_it(
    client: TestClient, context: Context
) -> None:
    member, curator = login(client, PRODUCER), login(client, CURATOR)
    accepted = uploaded(client, member, 1, b"plot 7 yields")
    rejected = uploaded(client, member, 1, b"a blurry photo")
    for contribution_id in (accepted, rejected):
        assert give_consent(client, member, contribution_id, PRODUCER).status_code == 200
    queue = client.get("/v1/curation/queue?pool_id=1", headers=curator).json()
    assert [i["contribution_id"] for i in queue["items"]] == [accepted, rejected]
    assert queue["max_weight"] == {"1": 100}
    assert client.get("/v1/curation/queue?pool_id=2", headers=curator).json()["items"] == []
    response = give_review(client, curator, accepted, CURATOR, 7)
    assert response.status_code == 201, response.text
    response = give_review(client, curator, rejected, CURATOR, 0, "out of focus")
    assert response.status_code == 201, response.text
    assert client.get("/v1/curation/queue", headers=curator).json()["items"] == []
    seen = client.get(f"/v1/contributions/{accepted}/stage", headers=member).json()
    assert seen["stage"] == "reviewed"
    assert seen["review"]["verdict"] == "accepted" and seen["review"]["weight"] == 7
    seen = client.get(f"/v1/contributions/{rejected}/stage", headers=member).json()
    assert seen["review"] == {**seen["review"], "verdict": "rejected", "reason": "out of focus"}
    # Reviewed: the member can no longer change the consent the review names.
    assert give_consent(client, member, accepted, PRODUCER).status_code == 409


def test_review_attacks_are_refused(client: TestClient, context: Context) -> None:
    member, curator = login(client, PRODUCER), login(client, CURATOR)
    steward = login(client, STEWARD)
    target = uploaded(client, member, 1, b"plot 7 yields")
    assert give_consent(client, member, target, PRODUCER).status_code == 200
    # A member who is not a curator can neither read the queue nor review.
    assert client.get("/v1/curation/queue", headers=steward).status_code == 403
    queue = client.get("/v1/curation/queue", headers=curator).json()
    digest = queue["items"][0]["consent_digest"]

    def post(headers: dict[str, str], weight: int, reason: str, signer: int) -> int:
        response = post_review(client, headers, queue, target, digest, weight, reason, signer)
        return int(response.status_code)

    assert post(steward, 5, "", STEWARD) == 403  # not a curator
    assert post(curator, 101, "", CURATOR) == 422  # above the pool's maximum
    assert post(curator, 0, "", CURATOR) == 422  # a rejection without a reason
    assert post(curator, 0, "   ", CURATOR) == 422
    assert post(curator, 5, "", STEWARD) == 422  # signed by someone else
    assert post(curator, 5, "", CURATOR) == 201
    assert post(curator, 6, "", CURATOR) == 409  # a second review
    # A curator cannot review their own contribution, and the queue does not offer it.
    own = uploaded(client, curator, 1, b"the curator's own photo")
    assert give_consent(client, curator, own, CURATOR).status_code == 200
    queue = client.get("/v1/curation/queue", headers=curator).json()
    assert own not in [i["contribution_id"] for i in queue["items"]]
    own_digest = client.get(f"/v1/contributions/{own}/stage", headers=curator).json()
    response = post_review(
        client, curator, queue, own, own_digest["consent"]["digest"], 5, "", CURATOR
    )
    assert response.status_code == 403


@ONE_DATABASE
def test_a_curator_who_lost_the_role_can_no_longer_review(
    client: TestClient, context: Context
) -> None:
    member, curator = login(client, PRODUCER), login(client, CURATOR)
    target = uploaded(client, member, 1, b"plot 7 yields")
    assert give_consent(client, member, target, PRODUCER).status_code == 200
    queue = client.get("/v1/curation/queue", headers=curator).json()
    digest = queue["items"][0]["consent_digest"]
    coop = Coop(context.chain.w3, context.chain.contracts)
    registry = context.chain["ContributionRegistry"]
    role = registry.functions.CURATOR_ROLE().call()
    coop.as_timelock(registry.functions.revokeRole(role, ADDRESSES[CURATOR]))
    assert client.get("/v1/curation/queue", headers=curator).status_code == 403
    response = post_review(client, curator, queue, target, digest, 5, "", CURATOR)
    assert response.status_code == 403
