"""Governance, transparency and the explainer in a real browser, in Bahasa Indonesia and English,
on a 390 px phone: a steward proposes a price, a split, class weights and a strike through the
forms (pool and classes chosen from lists); voting opens on an idle chain without any block
mined (Anvil automines only, so its newest block stays older than the snapshot); members vote,
the proposals pass, are queued and executed; a reload on every tab keeps each screen working.

Screenshots: test-artifacts/browser/70-gov-*.png, 71-ledger-*.png, 72-guide-*.png.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from api.chain import Chain
from tests.api.cooperative import Coop
from tests.api.harness import ADDRESSES, PRODUCER, STEWARD, send
from tests.browser.conftest import Cooperative
from tests.browser.helpers import (
    WAIT_MS,
    Wallet,
    advance,
    assert_fits,
    last_tx_mined,
    open_wallet,
    tab,
)

USD = 10**6
STRUCK_BUYER = "0x000000000000000000000000000000000000bEEF"
TABS = ["membership", "contribute", "earnings", "governance", "transparency", "guide"]

def language(page: Page, lang: str) -> None:
    page.click(f"[data-lang={lang}]")
    expect(page.locator("html")).to_have_attribute("lang", lang)


def reload(page: Page, url: str | None = None) -> None:
    """A reload (or a deep link); the test wallet forgets its permission with the page, as a
    wallet the member has to unlock again would, so the member connects again."""
    if url:
        page.goto(url)
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-ready", "true", timeout=WAIT_MS)
    page.click("#connect")
    expect(page.locator("#account")).to_be_visible()


def shot(wallet: Wallet, name: str) -> None:
    wallet.shot(name)


def card_for(page: Page, sentence: str):
    return page.locator(".proposal", has=page.locator(".sentence", has_text=sentence)).first


def propose(wallet: Wallet, kind: str, label: str, fill: dict[str, str],
            select: dict[str, str] | None = None) -> None:
    page = wallet.page
    page.select_option("#propose-kind", kind)
    for selector, value in (select or {}).items():
        page.select_option(selector, value)
    for selector, value in fill.items():
        page.fill(selector, value)
    expect(page.locator("#propose-preview")).to_have_attribute("data-valid", "true")
    page.click("#propose")
    last_tx_mined(page, label)


def test_governance_transparency_and_the_guide_on_a_phone(
    cooperative: Cooperative, browser, chain: Chain
) -> None:
    c = chain.contracts
    w3 = cooperative.w3
    market, distributor, governor = c["DataMarket"], c["RevenueDistributor"], c["CoopGovernor"]
    steward = open_wallet(browser, cooperative, ADDRESSES[STEWARD])
    page = steward.page
    page.click("#connect")

    # The tab bar at 390 px scrolls sideways and says so: an arrow on its right edge.
    expect(page.locator(".tabs-arrow.right")).to_be_visible()
    tab(steward, "guide")
    expect(page.locator(".tabs-arrow.left")).to_be_visible()

    # 1. In Indonesian, the steward proposes a new price for a pool chosen from the list.
    language(page, "id")
    tab(steward, "governance")
    expect(page.locator("#propose-card")).to_be_visible(timeout=WAIT_MS)
    pool_options = page.locator("#p-pool option")
    expect(pool_options.first).to_contain_text("#1")
    page.select_option("#propose-kind", "price")
    page.select_option("#p-pool", "1")
    page.fill("#p-price", "abc")
    expect(page.locator("#propose-preview")).to_have_attribute("data-valid", "false")
    page.fill("#p-price", "30,5")
    expect(page.locator("#propose-preview")).to_contain_text("Ubah harga")
    expect(page.locator("#propose-preview")).to_contain_text("30,5 tUSD")
    shot(steward, "70-gov-id-propose-price")
    assert_fits(page, "governance form (id)")
    propose(steward, "price", "Ajukan usulan", {"#p-price": "30,5"}, {"#p-pool": "1"})

    # 2. In English: the revenue split, the class weights and a strike against one buyer.
    language(page, "en")
    expect(page.locator("#propose-card")).to_be_visible(timeout=WAIT_MS)
    page.select_option("#propose-kind", "split")
    page.fill("#p-contributors", "61")
    expect(page.locator("#propose-preview")).to_contain_text("must add up to 100%")
    propose(steward, "split", "Create proposal",
            {"#p-contributors": "60", "#p-workers": "25", "#p-reserve": "15"})
    page.select_option("#propose-kind", "weights")
    for cls in ("producer", "funder", "worker", "steward"):
        expect(page.locator(f"#p-w-{cls}")).to_be_visible()
    propose(steward, "weights", "Create proposal",
            {"#p-w-producer": "40", "#p-w-funder": "20", "#p-w-worker": "20",
             "#p-w-steward": "20"})
    propose(steward, "strike", "Create proposal", {"#p-buyer": STRUCK_BUYER},
            {"#p-scope": "buyer", "#p-on": "true"})

    sentences = {
        "price": "Set the price of ",
        "split": "Share revenue: contributors 60%, workers 25%, reserve 15%",
        "weights": "Set the class weights: Producers 40%, Funders 20%, Workers 20%, Stewards 20%",
        "strike": "Strike: refuse buyer 0x0000…bEEF",
    }
    cards = {kind: card_for(page, text) for kind, text in sentences.items()}
    expect(cards["price"].locator(".sentence")).to_contain_text("to 30.5 tUSD", timeout=WAIT_MS)
    ids = {}
    for kind, card in list(cards.items()):
        expect(card).to_have_attribute("data-state", "pending", timeout=WAIT_MS)
        ids[kind] = int(card.get_attribute("data-proposal-id") or "0")
        cards[kind] = page.locator(f'.proposal[data-proposal-id="{ids[kind]}"]')
        # Pending: quorum not started, no green bar, the opening in relative time.
        expect(card.locator(".proposal-times")).to_contain_text("Voting opens in")
        expect(card.locator(".bar.reached")).to_have_count(0)
        expect(card.locator(".tallies")).to_contain_text("not started")
    # The raw call stays under "Technical details".
    expect(cards["price"].locator("details.raw")).to_contain_text(
        "DataMarket.setPrice(1, 30500000)")
    shot(steward, "70-gov-en-pending")
    assert_fits(page, "governance pending (en)")

    # 3. The chain goes idle: its clock passes the snapshot, but no block is mined.
    block = w3.eth.block_number
    snapshot = governor.functions.proposalSnapshot(ids["strike"]).call()
    assert w3.eth.get_block("latest")["timestamp"] <= snapshot
    w3.provider.make_request("evm_increaseTime", [61])  # type: ignore[arg-type]
    for card in cards.values():
        expect(card).to_have_attribute("data-state", "active", timeout=WAIT_MS)
    assert w3.eth.block_number == block, "voting opened without a block"
    assert w3.eth.get_block("latest")["timestamp"] <= snapshot
    for card in cards.values():
        expect(card.locator(".vote-box")).to_be_visible(timeout=WAIT_MS)
        expect(card.locator(".verdict")).to_contain_text("Not passing now")
        expect(card.locator(".proposal-times")).to_contain_text("Voting ends in")

    # A reload (or a deep link) on #governance keeps the vote box and the steward's form.
    reload(page)
    expect(page.locator("#propose-card")).to_be_visible(timeout=WAIT_MS)
    for card in cards.values():
        expect(card.locator(".vote-box")).to_be_visible(timeout=WAIT_MS)
    shot(steward, "70-gov-en-open")
    assert_fits(page, "governance open (en)")

    # 4. The steward votes on the price in Indonesian (2 votes = 4 credits) on the idle chain.
    language(page, "id")
    price_card = cards["price"]
    expect(price_card.locator(".vote-box")).to_be_visible(timeout=WAIT_MS)
    price_card.locator(".vote-n").fill("2")
    expect(price_card.locator(".vote-cost")).to_contain_text("2 suara = 4 kredit")
    price_card.locator(".vote").click()
    expect(price_card.locator(".vote-confirm")).to_contain_text("Ini memakai 4 kredit suara")
    shot(steward, "70-gov-id-vote-confirm")
    price_card.locator(".vote-confirm-yes").click()
    last_tx_mined(page, "Suara (2 × 2 = 4 kredit)")
    epoch = governor.functions.epochAt(governor.functions.proposalSnapshot(ids["price"])
                                       .call()).call()[0]
    spent = governor.functions.creditsSpent(ADDRESSES[STEWARD], epoch).call()
    assert spent >= 4  # 4 here, and whatever earlier tests spent in this epoch
    expect(price_card.locator(".credits-spent")).to_contain_text(f"memakai {spent} dari",
                                                                 timeout=WAIT_MS)
    expect(price_card.locator(".vote-box")).to_be_hidden()
    expect(price_card.locator('tr[data-class="steward"]')).to_have_attribute(
        "data-for", "2", timeout=WAIT_MS)

    # A newcomer who joins now (after the snapshots) is told why there are no credits.
    # A fresh address that Anvil impersonates (so the test wallet can send from it).
    newcomer_address = "0x00000000000000000000000000000000000Ca7E5"
    rpc = w3.provider.make_request  # type: ignore[union-attr]
    rpc("anvil_impersonateAccount", [newcomer_address])  # type: ignore[arg-type]
    rpc("anvil_setBalance", [newcomer_address, hex(10**18)])  # type: ignore[arg-type]
    with cooperative.http() as http:
        voucher = http.post("/v1/dev/vouchers", json={"address": newcomer_address,
                                                      "stakeholder_class": "producer"})
        assert voucher.status_code in (200, 201), voucher.text
        v = voucher.json()
    membership = c["Membership"]
    if not membership.functions.memberStatus(newcomer_address).call()[0]:
        send(w3, membership.functions.join(
            (v["member"], int(v["stakeholder_class_id"]), int(v["nonce"]), int(v["expiry"])),
            v["signature"]), newcomer_address)
    newcomer = open_wallet(browser, cooperative, newcomer_address)
    newcomer.page.click("#connect")
    language(newcomer.page, "en")
    tab(newcomer, "governance")
    late = newcomer.page.locator(f'.proposal[data-proposal-id="{ids["strike"]}"]')
    expect(late.locator(".vote-reason")).to_contain_text("You joined after this proposal's "
                                                         "snapshot on", timeout=WAIT_MS)
    expect(late.locator(".vote-box")).to_be_hidden()
    shot(newcomer, "70-gov-en-joined-after")
    newcomer.page.context.close()

    # 5. The other members vote for every proposal (every member at the snapshot, whoever the
    # session's earlier tests admitted: impersonated); the proposals pass.
    snapshot_block = w3.eth.get_block("latest")["number"]
    voters = {log["args"]["member"] for log in
              membership.events.MemberJoined().get_logs(from_block=0, to_block=snapshot_block)}
    for kind, proposal_id in ids.items():
        snapshot = governor.functions.proposalSnapshot(proposal_id).call()
        for voter in sorted(voters):
            if (kind == "price" and voter == ADDRESSES[STEWARD]) or voter == newcomer_address:
                continue
            if governor.functions.getVotes(voter, snapshot).call() == 0:
                continue  # not a member at the snapshot (or expelled since)
            if governor.functions.hasVoted(proposal_id, voter).call():
                continue
            rpc("anvil_impersonateAccount", [voter])  # type: ignore[arg-type]
            if w3.eth.get_balance(voter) < 10**17:
                rpc("anvil_setBalance", [voter, hex(10**17)])  # type: ignore[arg-type]
            send(w3, governor.functions.castVote(proposal_id, 1), voter)
    language(page, "en")
    expect(cards["price"].locator(".verdict")).to_contain_text("Passing now", timeout=WAIT_MS)
    expect(cards["price"].locator(".bar.reached").first).to_be_visible()
    deadline = max(governor.functions.proposalDeadline(i).call() for i in ids.values())
    advance(cooperative, deadline - w3.eth.get_block("latest")["timestamp"] + 1)
    for card in cards.values():
        expect(card).to_have_attribute("data-state", "succeeded", timeout=WAIT_MS)
    shot(steward, "70-gov-en-succeeded")

    # 6. Queued, the timelock's delay, executed.
    for card in cards.values():
        card.locator(".queue").click()
        last_tx_mined(page, "Queue the proposal")
        expect(card).to_have_attribute("data-state", "queued", timeout=WAIT_MS)
    expect(cards["strike"].locator(".execute")).to_be_disabled()
    expect(cards["strike"].locator(".proposal-times")).to_contain_text("Can be carried out in")
    eta = max(governor.functions.proposalEta(i).call() for i in ids.values())
    w3.provider.make_request("evm_increaseTime", [eta - w3.eth.get_block("latest")["timestamp"]
                                                  + 1])  # type: ignore[arg-type]
    language(page, "id")  # idle again: the timelock's delay passes with no block mined
    for kind in ids:
        card = page.locator(f'.proposal[data-proposal-id="{ids[kind]}"]')
        expect(card.locator(".execute")).to_be_enabled(timeout=WAIT_MS)
        card.locator(".execute").click()
        last_tx_mined(page, "Jalankan usulan")
        expect(card).to_have_attribute("data-state", "executed", timeout=WAIT_MS)
    assert market.functions.listing(1).call()[0][0] == 30_500_000
    assert list(distributor.functions.split().call()) == [6000, 2500, 1500]
    assert list(governor.functions.classWeights().call()) == [4000, 2000, 2000, 2000]
    assert market.functions.isStruck(STRUCK_BUYER, b"\0" * 32).call()
    shot(steward, "70-gov-id-executed")
    assert_fits(page, "governance executed (id)")

    # 7. A sale at the new price, shared pro rata between weights 3 and 4 (7 does not divide
    # it: rounding dust stays in the contract); the books reconcile to the last unit.
    coop = Coop(w3, c)
    with cooperative.http() as http:
        before = int(http.get("/v1/ledger").json()["deposited"])
    for account, weight in ((PRODUCER, 3), (STEWARD, 4)):
        contribution_id, _ = coop.submit(account, 1, f"governance screens {account}".encode())
        coop.accept(contribution_id, weight)
    coop.buy(8, 1)
    send(w3, distributor.functions.releaseReserve(), ADDRESSES[PRODUCER])  # to the treasury
    for lang in ("id", "en"):
        language(page, lang)
        tab(steward, "transparency")
        total = page.locator("#ledger-total")
        expect(page.locator("#ledger-deposited")).to_have_attribute(
            "data-raw", str(before + 30_500_000), timeout=WAIT_MS)
        expect(total).to_have_attribute("data-raw", page.locator("#ledger-deposited")
                                        .get_attribute("data-raw") or "", timeout=WAIT_MS)
        released = distributor.functions.totals().call()[3]
        assert released > 0
        expect(page.locator("#ledger-reserve-released")).to_have_attribute(
            "data-raw", str(released), timeout=WAIT_MS)
        parts = sum(int(page.locator(f"#ledger-{k}").get_attribute("data-raw") or "0")
                    for k in ("claimed", "claimable", "reserve-held", "reserve-released",
                              "remainder"))
        assert parts == int(total.get_attribute("data-raw") or "0")
        assert 0 <= int(page.locator("#ledger-remainder").get_attribute("data-raw") or "0") < 100
        expect(page.locator("#ledger-reconcile")).to_have_attribute("data-balanced", "true")
        expect(page.locator("#ledger-chart canvas")).to_have_count(1)
        expect(page.locator("#ledger-chart .chart-unit")).to_contain_text("tUSD")
        expect(page.locator("#ledger-dust")).not_to_be_empty()
        shot(steward, f"71-ledger-{lang}")
        assert_fits(page, f"transparency ({lang})")

    # 8. The explainer, in both languages.
    for lang, example, title in (("id", "3 suara = 9 kredit", "Cara kerja koperasi"),
                                 ("en", "3 votes = 9 credits", "How the cooperative works")):
        language(page, lang)
        tab(steward, "guide")
        expect(page.locator("#guide h2")).to_have_text(title)
        expect(page.locator("#guide-qv-example")).to_contain_text(example)
        for section in ("classes", "pools", "revenue", "voting", "epochs", "timelock", "strike"):
            expect(page.locator(f"#guide-{section} h3")).to_be_visible()
        expect(page.locator("#guide-split-contributors")).to_contain_text("60%", timeout=WAIT_MS)
        shot(steward, f"72-guide-{lang}")
        assert_fits(page, f"guide ({lang})")

    # 9. A reload on every tab keeps each screen working, in both languages, at 390 px.
    for lang in ("id", "en"):
        language(page, lang)
        for name in TABS:
            reload(page, f"{cooperative.api_url}/#{name}")
            expect(page.locator(f"#{name}")).to_be_visible()
            expect(page.locator(f'[data-tab="{name}"]')).to_have_attribute("aria-current", "page")
            if name == "governance":
                expect(page.locator("#propose-card")).to_be_visible(timeout=WAIT_MS)
                expect(page.locator(".proposal").first).to_be_visible(timeout=WAIT_MS)
            page.wait_for_timeout(300)
            assert_fits(page, f"{name} after reload ({lang})")
