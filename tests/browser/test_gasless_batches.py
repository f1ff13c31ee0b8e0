"""The batch path in the browser, with no ether anywhere: a member (a fresh key, funded with
nothing) joins, uploads two files and signs each one's consent in the wallet; a curator (another
fresh key) reviews them in the browser, accepting one with a weight and rejecting the other
with a reason the member then reads; the aggregator job submits the batch; the curator confirms
it; a buyer buys the pool; the member claims the batch's revenue (and, after a second sale,
again without a proof), activates the file's tokens, votes and revokes the file. Every
transaction is relayed by the API's gas relayer. And the bounds of what the page asks a wallet
to sign: only this upload's consent, only a review of the consent shown.

Screenshots go to test-artifacts/browser/ (30-… onwards).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from eth_account import Account
from playwright.sync_api import Browser, Route, expect

from api.chain import Chain
from lumbung.devchain import Coop, Role
from tests.api.harness import ADDRESSES, CURATOR, STEWARD
from tests.browser.conftest import Cooperative
from tests.browser.helpers import (
    WAIT_MS,
    Wallet,
    advance,
    buy,
    open_wallet,
    paid_by_the_cooperative,
    tab,
)

POOL = 3  # "Market prices": nobody else contributes to it in the browser tests
WEIGHT = 3
REASON = "The scan is unreadable: photograph the board again."
PRICES = b"date,market,item,price_idr\n2026-11-30,Pasar Baru,beras,13500\n" + bytes(range(256)) * 3
BLURRED = b"an unreadable scan of a price board" + bytes(range(256))


def fresh_wallet(browser: Browser, cooperative: Cooperative) -> Wallet:
    """A new key holding no ether, connected."""
    account = Account.create()
    assert cooperative.w3.eth.get_balance(account.address) == 0
    wallet = open_wallet(browser, cooperative, account.address, key="0x" + bytes(account.key).hex())
    wallet.page.click("#connect")
    expect(wallet.page.locator("#gas-card")).to_have_attribute("data-relay", "true",
                                                              timeout=WAIT_MS)
    return wallet


def join(wallet: Wallet, stakeholder_class: str, chain: Chain) -> None:
    page = wallet.page
    page.select_option("#join-class", stakeholder_class)
    page.click("#join-demo")
    paid_by_the_cooperative(page, "Join the cooperative", chain,
                            chain.contracts["Membership"].address)
    expect(page.locator("#member-status")).to_have_attribute("data-class", stakeholder_class,
                                                             timeout=WAIT_MS)


def upload_and_consent(wallet: Wallet, name: str, data: bytes) -> str:
    """Uploads ``data`` to the pool and signs its consent; the contribution id."""
    page = wallet.page
    page.select_option("#pool-select", str(POOL))
    page.set_input_files("#contrib-file", files=[
        {"name": name, "mimeType": "text/csv", "buffer": data}])
    page.click("#upload")
    card = page.locator("#consent-card")
    expect(card).to_be_visible(timeout=WAIT_MS)
    contribution = card.get_attribute("data-contribution-id")
    assert contribution is not None
    return contribution


def aggregate(cooperative: Cooperative) -> None:
    """The aggregator job, as an operator's timer runs it: `lumbung worker aggregate`."""
    lumbung = Path(sys.executable).parent / "lumbung"
    done = subprocess.run([str(lumbung), "worker", "aggregate"], env=cooperative.env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "submitted 1 batches" in done.stdout, done.stdout


def test_a_member_and_a_curator_with_no_ether_follow_the_batch_path(
    cooperative: Cooperative, browser: Browser, chain: Chain
):
    c, w3 = chain.contracts, cooperative.w3
    registry, distributor, forwarder = (
        c["ContributionRegistry"], c["RevenueDistributor"], c["Forwarder"].address)
    coop = Coop(w3, c)
    coop.as_timelock(registry.functions.grantRole(registry.functions.AGGREGATOR_ROLE().call(),
                                                  ADDRESSES[Role.AGGREGATOR]))

    # 0. Both join through the relay; governance makes the worker a curator.
    member = fresh_wallet(browser, cooperative)
    join(member, "producer", chain)
    curator = fresh_wallet(browser, cooperative)
    join(curator, "worker", chain)
    coop.as_timelock(registry.functions.grantRole(registry.functions.CURATOR_ROLE().call(),
                                                  curator.account))
    page = member.page

    # 1. Upload, then consent in plain words: the pool's name and purposes, and free.
    tab(member, "contribute")
    prices = upload_and_consent(member, "harga-pasar.csv", PRICES)
    expect(page.locator("#consent-what")).to_contain_text(
        'buyers of the pool "Market prices", for: research, public interest, commercial, '
        "AI training")
    expect(page.locator("#consent-free")).to_contain_text("Signing costs nothing")
    expect(page.locator("#register")).to_have_text("Register it myself on-chain now")
    member.shot("30-consent-to-sign")
    member.shot("30-consent-to-sign-wide", wide=True)
    page.click("#consent")
    expect(page.locator("#consented")).to_contain_text("Consent signed", timeout=WAIT_MS)
    row = page.locator(f'#my-contributions tr[data-contribution-id="{prices}"]')
    expect(row).to_have_attribute("data-status", "signed", timeout=WAIT_MS)
    expect(row).to_contain_text("harga-pasar.csv")
    expect(row.locator(".stage-words")).to_have_text(
        "Consent signed: waiting for a curator's review")
    blurred = upload_and_consent(member, "scan.csv", BLURRED)
    page.click("#consent")
    expect(page.locator("#consented")).to_be_visible(timeout=WAIT_MS)
    member.shot("31-consents-signed")

    # 2. The curator reviews in the browser: one accepted with a weight, one rejected.
    cpage = curator.page
    expect(cpage.locator("[data-tab=curation]")).to_be_visible(timeout=WAIT_MS)
    tab(curator, "curation")
    cpage.click("#curation-sign-in")
    accept_card = cpage.locator(f'.review[data-contribution-id="{prices}"]')
    expect(accept_card).to_be_visible(timeout=WAIT_MS)
    max_weight = registry.functions.poolMaxWeight(POOL).call()
    expect(accept_card).to_contain_text(f"Weight (1 to {max_weight})")
    curator.shot("32-curation-queue")
    accept_card.locator(".review-weight").fill(str(max_weight + 1))
    accept_card.locator(".accept").click()
    expect(accept_card.locator(".review-message")).to_contain_text(f"from 1 to {max_weight}")
    accept_card.locator(".review-weight").fill(str(WEIGHT))
    accept_card.locator(".accept").click()
    expect(cpage.locator("#curation-message")).to_contain_text("accepted", timeout=WAIT_MS)
    expect(accept_card).to_have_count(0)
    reject_card = cpage.locator(f'.review[data-contribution-id="{blurred}"]')
    reject_card.locator(".reject").click()
    expect(reject_card.locator(".review-message")).to_contain_text("Say why you reject it")
    reject_card.locator(".review-reason").fill(REASON)
    reject_card.locator(".reject").click()
    expect(cpage.locator("#curation-message")).to_contain_text("rejected", timeout=WAIT_MS)
    expect(cpage.locator("#curation-queue")).to_contain_text("Nothing waits for a review.",
                                                             timeout=WAIT_MS)

    # The member reads both reviews.
    expect(row).to_have_attribute("data-status", "reviewed", timeout=WAIT_MS)
    expect(row.locator(".stage-words")).to_have_text(
        f"Reviewed: accepted with weight {WEIGHT}, waiting for its batch")
    rejected_row = page.locator(f'#my-contributions tr[data-contribution-id="{blurred}"]')
    expect(rejected_row.locator(".stage-words")).to_have_text(
        f"Reviewed: rejected. Reason: {REASON}", timeout=WAIT_MS)
    member.shot("33-reviewed")

    # 3. The aggregator job submits the batch; the curator confirms it, relayed.
    aggregate(cooperative)
    batch_id = registry.functions.batchCount().call()
    expect(row).to_have_attribute("data-status", "batched", timeout=WAIT_MS)
    expect(row.locator(".stage-words")).to_have_text(
        f"In batch #{batch_id}, waiting for the curator's confirmation")
    member.shot("34-batched")
    batch_card = cpage.locator(f'.batch[data-batch-id="{batch_id}"]')
    expect(batch_card).to_have_attribute("data-verified", "true", timeout=WAIT_MS)
    expect(batch_card).to_contain_text("1 accepted (total weight 3), 1 rejected")
    curator.shot("35-batch-to-confirm")
    curator.shot("35-batch-to-confirm-wide", wide=True)
    batch_card.locator(".confirm-batch").click()
    confirmed = paid_by_the_cooperative(cpage, "Confirm the batch", chain, forwarder)
    expect(cpage.locator("#batch-confirmed")).to_contain_text("The cooperative paid")
    expect(cpage.locator("#curation-batches")).to_contain_text("No batch waits",
                                                               timeout=WAIT_MS)
    curator.shot("36-batch-confirmed")
    expect(row).to_have_attribute("data-status", "earning", timeout=WAIT_MS)
    accepted_at = datetime.fromtimestamp(
        w3.eth.get_block(w3.eth.get_transaction_receipt(confirmed)["blockNumber"])["timestamp"])
    expect(row.locator(".stage-words")).to_have_text(  # the dApp's English date
        f"Accepted with weight {WEIGHT}; earning since "
        f"{accepted_at.day} {accepted_at:%b} {accepted_at.year}")
    member.shot("37-earning")

    # 4. A buyer buys the pool; the member claims the batch's revenue, relayed.
    price = c["DataMarket"].functions.listing(POOL).call()[0][0]
    buy(cooperative, POOL, price, "Dinas Perdagangan")
    # The pool's only leaf earns all of the contributors' part, less the accumulator's rounding
    # (a sub-unit remainder stays in the distributor, never paid twice).
    share = price * distributor.functions.split().call()[0] // 10_000
    owed = distributor.functions.claimableFromBatch(batch_id, member.account, WEIGHT).call()
    assert share - 1 <= owed <= share
    token = c["PaymentToken"]
    assert token.functions.balanceOf(member.account).call() == 0
    tab(member, "earnings")
    batch_row = page.locator(f'#batch-earnings tr[data-batch-id="{batch_id}"]')
    expect(batch_row).to_have_attribute("data-claimable", str(owed), timeout=WAIT_MS)
    expect(page.locator("#batch-claimable-total")).to_have_attribute("data-raw", str(owed))
    member.shot("38-batch-revenue")
    batch_row.locator(".claim-batch").click()
    paid_by_the_cooperative(page, f"Claim batch #{batch_id}", chain, forwarder)
    expect(page.locator("#batch-claim-message")).to_contain_text("The cooperative paid")
    assert token.functions.balanceOf(member.account).call() == owed
    expect(batch_row).to_have_attribute("data-claimable", "0", timeout=WAIT_MS)
    member.shot("39-batch-revenue-claimed")

    # A second sale: the leaf, claimed before, is paid with claimBatches (no proof).
    buy(cooperative, POOL, price, "Bappeda Kabupaten")
    again = distributor.functions.claimableFromBatch(batch_id, member.account, 0).call()
    assert share - 1 <= again <= share
    expect(batch_row).to_have_attribute("data-claimable", str(again), timeout=WAIT_MS)
    batch_row.locator(".claim-batch").click()
    paid_by_the_cooperative(page, f"Claim batch #{batch_id}", chain, forwarder)
    assert token.functions.balanceOf(member.account).call() == owed + again

    # 5. Activate the file's tokens from its row, relayed; they count for votes.
    tab(member, "contribute")
    expect(row).to_have_attribute("data-status", "claimed", timeout=WAIT_MS)
    row.locator(".activate").click()
    paid_by_the_cooperative(page, "Activate tokens", chain, forwarder)
    expect(row).to_have_attribute("data-status", "active", timeout=WAIT_MS)
    assert c["ContributionToken"].functions.balanceOf(member.account).call() == WEIGHT

    # 6. Vote on a steward's proposal with an EIP-712 ballot the relay sends.
    market = c["DataMarket"]
    calldata = market.functions.setPrice(POOL, 12 * 10**6)._encode_transaction_data()
    proposal = coop.propose(STEWARD, [(market.address, bytes.fromhex(calldata[2:]))],
                            "Raise the market prices pool to 12 USD")
    advance(cooperative, 61)  # past the voting delay
    tab(member, "governance")
    card = page.locator(f'.proposal[data-proposal-id="{proposal}"]')
    expect(card).to_have_attribute("data-state", "active", timeout=WAIT_MS)
    card.locator(".vote-n").fill("1")
    card.locator(".vote").click()
    card.locator(".vote-confirm-yes").click()
    paid_by_the_cooperative(page, "Vote (1 × 1 = 1 credits)", chain, c["CoopGovernor"].address)
    assert c["CoopGovernor"].functions.hasVoted(proposal, member.account).call()

    # 7. Revoke the file from its row: a confirmation first, then relayed.
    tab(member, "contribute")
    expect(row).to_have_attribute("data-status", "active", timeout=WAIT_MS)
    row.locator(".revoke").click()
    confirmation = page.locator('dialog[data-confirm="revoke"]')
    expect(confirmation).to_contain_text("Revoking cannot be undone.")
    member.shot("40-revoke-confirmation")
    confirmation.locator(".confirm-yes").click()
    paid_by_the_cooperative(page, "Revoke the contribution", chain, forwarder)
    expect(row).to_have_attribute("data-status", "revoked", timeout=WAIT_MS)
    expect(row.locator(".stage-words")).to_have_text("Revoked: it no longer earns")
    assert c["ContributionToken"].functions.balanceOf(member.account).call() == 0
    member.shot("41-revoked")

    # Neither ever held ether, nor sent a transaction from the wallet.
    for wallet in (member, curator):
        assert w3.eth.get_balance(wallet.account) == 0
        assert "eth_sendTransaction" not in wallet.methods()
    with cooperative.http() as http:
        member_txs = http.get("/v1/relay/transactions", params={"account": member.account})
        curator_txs = http.get("/v1/relay/transactions", params={"account": curator.account})
    assert [t["action"] for t in member_txs.json()] == [  # newest first
        "ContributionRegistry.revokeLeaf", "CoopGovernor.castVoteWithReasonAndParamsBySig",
        "ContributionRegistry.activateLeaves", "RevenueDistributor.claimBatches",
        "RevenueDistributor.claimLeaves",
        "Membership.join"]
    assert [t["action"] for t in curator_txs.json()] == [
        "ContributionRegistry.acceptBatch", "Membership.join"]
    assert {t["status"] for t in member_txs.json() + curator_txs.json()} == {"success"}


def answering(tamper: Callable[[dict[str, Any]], None]) -> Callable[[Route], None]:
    """A route handler that answers the API's response with its typed data tampered."""

    def answer(route: Route) -> None:
        body = route.fetch().json()
        tamper(body["typed_data"])
        route.fulfill(json=body)

    return answer


def test_a_wallet_signs_only_the_consent_and_the_review_the_page_shows(
    cooperative: Cooperative, browser: Browser, chain: Chain
):
    # Whoever answers GET …/consent (a compromised API, a proxy) could ask for the member's
    # signature over another pool's purposes, another contributor, another registry or another
    # file. The dApp checks the typed data against the upload it shows: the wallet never asks.
    member = fresh_wallet(browser, cooperative)
    join(member, "producer", chain)
    tab(member, "contribute")
    contribution = upload_and_consent(member, "harga-pasar-2.csv", PRICES + b"2")
    page = member.page
    other = ADDRESSES[Role.PRODUCER]
    tampered = {
        "poolId": lambda typed: typed["message"].update(poolId=1),
        "contributor": lambda typed: typed["message"].update(contributor=other),
        "cid": lambda typed: typed["message"].update(cid="0x01551220" + "ab" * 32),
        "registry": lambda typed: typed["domain"].update(verifyingContract=other),
        "chainId": lambda typed: typed["domain"].update(chainId=1),
    }
    for field, tamper in tampered.items():
        page.route("**/v1/contributions/*/consent", answering(tamper))
        page.click("#consent")
        expect(page.locator("#consent-message")).to_contain_text(
            "asked you to sign a consent for something other than this upload", timeout=WAIT_MS)
        assert "eth_signTypedData_v4" not in member.methods(), field
        page.unroute("**/v1/contributions/*/consent")
        member.shot("42-consent-refused")  # the last one refused: another chain
        page.evaluate("document.getElementById('consent-message').textContent = ''")
    # Untouched, it is signed, even after the page was closed: from the upload's row.
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-ready", "true", timeout=WAIT_MS)
    page.click("#connect")
    tab(member, "contribute")
    waiting = page.locator(f'#unregistered-uploads [data-contribution-id="{contribution}"]')
    expect(waiting).to_have_attribute("data-status", "uploaded", timeout=WAIT_MS)
    waiting.locator(".sign-consent").click()
    expect(page.locator("#consent-what")).to_contain_text('"Market prices"')
    page.click("#consent")
    expect(page.locator("#consented")).to_be_visible(timeout=WAIT_MS)
    row = page.locator(f'#my-contributions tr[data-contribution-id="{contribution}"]')
    expect(row).to_have_attribute("data-status", "signed", timeout=WAIT_MS)
    expect(waiting).to_have_count(0)
    assert member.methods().count("eth_signTypedData_v4") == 1

    # A curator is asked to sign a review of the consent shown, and of no other: a queue whose
    # digest names another consent is refused before the wallet asks.
    curator = open_wallet(browser, cooperative, ADDRESSES[CURATOR])
    cpage = curator.page
    cpage.click("#connect")

    def swapped(route: Route) -> None:
        body = route.fetch().json()
        for item in body["items"]:
            item["consent_digest"] = "0x" + "11" * 32
        route.fulfill(json=body)

    cpage.route("**/v1/curation/queue*", swapped)
    expect(cpage.locator("[data-tab=curation]")).to_be_visible(timeout=WAIT_MS)
    tab(curator, "curation")
    cpage.click("#curation-sign-in")
    card = cpage.locator(".review").first
    card.locator(".review-weight").fill("2")
    card.locator(".accept").click()
    expect(card.locator(".review-message")).to_contain_text(
        "The review to sign is not for this file", timeout=WAIT_MS)
    assert "eth_signTypedData_v4" not in curator.methods()
    curator.shot("43-review-refused")
