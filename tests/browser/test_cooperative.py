"""The whole cooperative in a real browser: a member joins, contributes, is paid, claims, votes,
and the proposal passes and is executed. Real chain (Anvil), real API, indexer and settlement
worker; the wallet is an EIP-1193 provider forwarding to Anvil's unlocked accounts.

Screenshots of every step go to test-artifacts/browser/.
"""

from __future__ import annotations

import io
import json
import tarfile

from playwright.sync_api import Browser, expect

from api.chain import Chain
from tests.api.harness import ADDRESSES, CURATOR, STEWARD, send
from tests.browser.conftest import Cooperative
from tests.browser.helpers import WAIT_MS, advance, buy, last_tx_mined, open_wallet, tab

MEMBER = ADDRESSES[7]  # a newcomer: not a member until the test joins it
USD = 10**6
DATA = b"plot,variety,yield_kg\nA1,IR64,5120\nA2,Ciherang,4980\n" + bytes(range(256)) * 8


def test_the_cooperative_end_to_end(cooperative: Cooperative, browser: Browser, chain: Chain):
    c = chain.contracts
    w3 = cooperative.w3

    # 0. The wallet starts on Ethereum mainnet: the dApp notices and offers to switch.
    member = open_wallet(browser, cooperative, MEMBER, chain_id=1)
    page = member.page
    page.click("#connect")
    expect(page.locator("#wrong-chain")).to_be_visible()
    member.shot("00-wrong-chain")
    page.click("#switch-chain")
    expect(page.locator("#banner")).to_be_hidden()

    # 1. A member joins with a voucher from the demo registrar.
    expect(page.locator("#member-status")).to_have_attribute("data-active", "false",
                                                             timeout=WAIT_MS)
    page.select_option("#join-class", "producer")
    page.click("#join-demo")
    joined = last_tx_mined(page, "Join the cooperative")
    # The dApp sends its own gas limit with a margin for checkpoints pushed in a new second.
    used = w3.eth.get_transaction_receipt(joined)["gasUsed"]
    assert w3.eth.get_transaction(joined)["gas"] >= used * 1.2
    expect(page.locator("#member-status")).to_have_attribute("data-active", "true")
    expect(page.locator("#member-status")).to_have_attribute("data-class", "producer")
    assert c["Membership"].functions.memberStatus(MEMBER).call() == [True, 0]
    member.shot("01-joined")

    # 2. The member contributes a file to pool 1 and registers it; a curator accepts it.
    tab(member, "contribute")
    page.select_option("#pool-select", "1")
    expect(page.locator("#pool-info")).to_contain_text("research")
    page.set_input_files("#contrib-file", files=[
        {"name": "rice-yields.csv", "mimeType": "text/csv", "buffer": DATA}])
    page.click("#upload")  # signs in with Ethereum first (personal_sign), then uploads
    expect(page.locator("#register")).to_be_visible(timeout=WAIT_MS)
    cid = page.locator("#consent-card").get_attribute("data-cid")
    contribution_id = page.locator("#upload-result [data-contribution-id]").get_attribute(
        "data-contribution-id")
    assert contribution_id is not None
    member.shot("02-uploaded")
    page.click("#register")
    last_tx_mined(page, "Register the contribution")
    row = page.locator(f'#my-contributions tr[data-cid="{cid}"]')
    expect(row).to_have_attribute("data-status", "pending", timeout=WAIT_MS)
    member.shot("03-registered-pending")
    registry = c["ContributionRegistry"]
    send(w3, registry.functions.accept(int(contribution_id, 16), 10), ADDRESSES[CURATOR])
    expect(row).to_have_attribute("data-status", "accepted", timeout=WAIT_MS)
    member.shot("04-accepted")

    # 3. A buyer buys pool 1 through the off-chain order API and downloads the file.
    price = c["DataMarket"].functions.listing(1).call()[0][0]
    delivery = buy(cooperative, 1, price, "Institut Pertanian Bogor")
    with tarfile.open(fileobj=io.BytesIO(delivery)) as tar:
        names = tar.getnames()
        member_file = tar.extractfile(f"{contribution_id}.csv")  # named by id, not by name
        assert member_file is not None, names
        assert member_file.read() == DATA

    # 4. The member sees the earnings and claims them: the balance rises by what the contract said.
    tab(member, "earnings")
    distributor, token = c["RevenueDistributor"], c["PaymentToken"]
    pots = [1, 2, 3, distributor.functions.WORK_POT().call()]
    owed = sum(distributor.functions.claimable(p, MEMBER).call() for p in pots)
    contributors_bps = distributor.functions.split().call()[0]
    assert owed == price * contributors_bps // 10_000  # the only contributor to pool 1
    expect(page.locator("#claimable-total")).to_have_attribute("data-raw", str(owed),
                                                               timeout=WAIT_MS)
    expect(page.locator('#earnings-table tr[data-pot="1"]')).to_have_attribute(
        "data-claimable", str(owed))
    member.shot("05-earnings")
    before = token.functions.balanceOf(MEMBER).call()
    page.click("#claim")
    last_tx_mined(page, "Claim earnings")
    assert token.functions.balanceOf(MEMBER).call() - before == owed
    expect(page.locator("#claimable-total")).to_have_attribute("data-raw", "0", timeout=WAIT_MS)
    expect(page.locator("#claimed-total")).to_have_attribute("data-raw", str(owed),
                                                             timeout=WAIT_MS)
    expect(page.locator("#earnings-chart canvas")).to_have_count(1, timeout=WAIT_MS)
    tab(member, "membership")
    expect(page.locator("#balance")).to_have_attribute("data-raw", str(before + owed),
                                                       timeout=WAIT_MS)
    member.shot("06-claimed")

    # 5. A steward proposes a new price for pool 1; the member votes n = 3 and spends 9 credits.
    steward = open_wallet(browser, cooperative, ADDRESSES[STEWARD])
    steward.page.click("#connect")
    tab(steward, "governance")
    expect(steward.page.locator("#propose-card")).to_be_visible(timeout=WAIT_MS)
    # The powers of issue 13 can be proposed from the form too: an expulsion explains its quorum.
    steward.page.select_option("#propose-kind", "expel")
    expect(steward.page.locator("#propose-fields")).to_contain_text("left out of their class")
    steward.shot("07a-steward-expel-form")
    steward.page.select_option("#propose-kind", "price")
    steward.page.select_option("#p-pool", "1")
    steward.page.fill("#p-price", "30")
    steward.page.fill("#propose-description", "Raise the rice-yield pool to 30 USD")
    steward.page.click("#propose")
    last_tx_mined(steward.page, "Create proposal")
    steward.shot("07-steward-proposed")
    governor = c["CoopGovernor"]
    advance(cooperative, 61)  # past the voting delay
    tab(member, "governance")
    card = page.locator(".proposal").first
    expect(card).to_have_attribute("data-state", "active", timeout=WAIT_MS)
    proposal_id = int(card.get_attribute("data-proposal-id") or "0")
    expect(card.locator(".actions")).to_contain_text("DataMarket.setPrice(1, 30000000)")
    # The dApp signed the description with its proposer (#proposer=…) and shows only the text.
    expect(card.locator(".description")).to_have_text("Raise the rice-yield pool to 30 USD")
    card.locator(".vote-n").fill("3")
    expect(card.locator(".vote-cost")).to_contain_text("3 votes cost 9 credits; you have")
    card.locator(".vote").click()
    expect(card.locator(".vote-confirm")).to_be_visible()
    expect(card.locator(".vote-confirm")).to_contain_text("This costs 9 voice credits")
    member.shot("08-vote-confirm")
    card.locator(".vote-confirm-yes").click()
    last_tx_mined(page, "Vote (3 × 3 = 9 credits)")
    expect(card.locator(".credits-spent")).to_contain_text("You have spent 9 of",
                                                           timeout=WAIT_MS)
    snapshot = governor.functions.proposalSnapshot(proposal_id).call()
    epoch = governor.functions.epochAt(snapshot).call()[0]
    assert governor.functions.creditsSpent(MEMBER, epoch).call() == 9
    assert governor.functions.proposalClassTally(proposal_id, 0).call()[0] == 3
    expect(card.locator('tr[data-class="producer"]')).to_have_attribute("data-for", "3",
                                                                       timeout=WAIT_MS)
    member.shot("09-voted")

    # 6. The other classes vote too; the proposal passes, is queued and executed.
    send(w3, governor.functions.castVote(proposal_id, 1), ADDRESSES[CURATOR])
    send(w3, governor.functions.castVote(proposal_id, 1), ADDRESSES[STEWARD])
    deadline = governor.functions.proposalDeadline(proposal_id).call()
    now = w3.eth.get_block("latest")["timestamp"]
    advance(cooperative, deadline - now + 1)
    expect(card).to_have_attribute("data-state", "succeeded", timeout=WAIT_MS)
    member.shot("10-succeeded")
    card.locator(".queue").click()
    last_tx_mined(page, "Queue the proposal")
    expect(card).to_have_attribute("data-state", "queued", timeout=WAIT_MS)
    eta = governor.functions.proposalEta(proposal_id).call()
    advance(cooperative, eta - w3.eth.get_block("latest")["timestamp"] + 1)
    card.locator(".execute").click()
    last_tx_mined(page, "Execute the proposal")
    expect(card).to_have_attribute("data-state", "executed", timeout=WAIT_MS)
    assert c["DataMarket"].functions.listing(1).call()[0][0] == 30 * USD
    member.shot("11-executed")

    # The books, as every member sees them.
    tab(member, "transparency")
    expect(page.locator("#ledger-deposited")).to_have_attribute("data-raw", str(price),
                                                                timeout=WAIT_MS)
    expect(page.locator("#ledger-chart canvas")).to_have_count(1)
    member.shot("12-transparency")


def test_a_refused_transaction_is_explained_in_plain_words(cooperative: Cooperative,
                                                          browser: Browser):
    # The producer of the local cooperative is already a member: a demo voucher for it is
    # refused by the contract, and the dApp says why before the wallet is even asked.
    producer = open_wallet(browser, cooperative, ADDRESSES[4])
    page = producer.page
    page.click("#connect")
    expect(page.locator("#member-status")).to_have_attribute("data-active", "true",
                                                             timeout=WAIT_MS)
    # A voucher for an account that is already a member, pasted by hand.
    response = cooperative.http().post("/v1/dev/vouchers", json={
        "address": ADDRESSES[4], "stakeholder_class": "funder"}).json()
    page.evaluate("document.getElementById('join-card').hidden = false")
    page.fill("#voucher-json", json.dumps(response))
    page.click("#join-voucher")
    card = page.locator('.tx[data-tx-label="Join the cooperative"]').first
    expect(card).to_have_attribute("data-tx-state", "failed", timeout=WAIT_MS)
    expect(card).to_have_attribute("data-error", "MembershipAlreadyMember")
    expect(card).to_contain_text("This account is already a member.")
    producer.shot("13-refused-in-plain-words")


def test_a_transaction_undone_in_its_own_block_is_explained(cooperative: Cooperative,
                                                            browser: Browser, chain: Chain):
    # A newcomer's join passes its simulation, but governance admits the same account in the
    # same block, ahead of it (a higher tip). The join reverts on-chain although it passes on
    # the block before; the dApp says so rather than showing a bare failure.
    newcomer = ADDRESSES[8]
    wallet = open_wallet(browser, cooperative, newcomer)
    page = wallet.page
    page.click("#connect")
    expect(page.locator("#member-status")).to_have_attribute("data-active", "false",
                                                             timeout=WAIT_MS)
    w3 = cooperative.w3
    membership = chain.contracts["Membership"]
    timelock = chain.contracts["TimelockController"].address
    w3.provider.make_request("anvil_impersonateAccount", [timelock])  # type: ignore[arg-type]
    w3.provider.make_request("anvil_setBalance", [timelock, hex(10**20)])  # type: ignore[arg-type]
    w3.provider.make_request("evm_setAutomine", [False])  # type: ignore[arg-type]
    try:
        page.select_option("#join-class", "producer")
        page.click("#join-demo")
        card = page.locator('.tx[data-tx-label="Join the cooperative"]').first
        expect(card).to_have_attribute("data-tx-state", "pending", timeout=WAIT_MS)
        admitted = membership.functions.admit(newcomer, 1).transact(
            {"from": timelock, "maxPriorityFeePerGas": 100 * 10**9, "maxFeePerGas": 200 * 10**9}
        )
        w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
    finally:
        w3.provider.make_request("evm_setAutomine", [True])  # type: ignore[arg-type]
    expect(card).to_have_attribute("data-tx-state", "failed", timeout=WAIT_MS)
    expect(card).to_have_attribute("data-error", "StateChanged")
    expect(card).to_contain_text("passes on the block before")
    join = w3.eth.get_transaction_receipt(str(card.get_attribute("data-tx-hash")))
    admit = w3.eth.get_transaction_receipt(admitted)
    assert (join["status"], admit["status"]) == (0, 1)
    assert join["blockNumber"] == admit["blockNumber"]
    assert admit["transactionIndex"] < join["transactionIndex"]
    assert membership.functions.memberStatus(newcomer).call() == [True, 1]  # funder, not producer
    wallet.shot("14-undone-in-its-block")
