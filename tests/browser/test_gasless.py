"""A member who never holds ether: a fresh key, funded with nothing, joins, contributes, is
reviewed, earns, claims and votes in the browser. The dApp notices the empty balance and signs
instead of sending (a voucher join, EIP-712 ForwardRequests for the forwarder, an EIP-712 ballot
for the governor); the API's gas relayer sends each one and the screen says what it paid. The
curator's review goes through the same relay. Real chain, API, indexer and worker.

Screenshots go to test-artifacts/browser/ (20-… onwards).
"""

from __future__ import annotations

from eth_account import Account
from playwright.sync_api import Browser, expect

from api.chain import Chain
from lumbung.devchain import KEYS, Coop
from lumbung.eip712 import sign_forward_request
from tests.api.harness import ADDRESSES, CURATOR, STEWARD, send
from tests.browser.conftest import Cooperative
from tests.browser.helpers import (
    GAS_RELAYER,
    WAIT_MS,
    advance,
    buy,
    open_wallet,
    paid_by_the_cooperative,
    tab,
)

POOL = 2  # pool 1 is test_cooperative's: here the member is pool 2's only contributor
DATA = b"day,from,to,mode\n1,Desa Sukamaju,Pasar Baru,angkot\n" + bytes(range(256)) * 4


def curator_accepts_through_the_relay(coop: Cooperative, chain: Chain, contribution: int) -> None:
    """The curator signs `accept(contribution, 10)` as a ForwardRequest; the API relays it."""
    w3, registry = chain.w3, chain.contracts["ContributionRegistry"]
    forwarder, curator = chain.contracts["Forwarder"], ADDRESSES[CURATOR]
    data = bytes.fromhex(
        registry.functions.accept(contribution, 10)._encode_transaction_data().removeprefix("0x"))
    gas, deadline = 300_000, w3.eth.get_block("latest")["timestamp"] + 1800
    signature = sign_forward_request(
        KEYS[CURATOR], chain_id=w3.eth.chain_id, forwarder=forwarder.address, sender=curator,
        to=registry.address, data=data, gas=gas, nonce=forwarder.functions.nonces(curator).call(),
        deadline=deadline)
    request = {"from": curator, "to": registry.address, "value": "0", "gas": gas,
               "deadline": deadline, "data": "0x" + data.hex(), "signature": "0x" + signature.hex()}
    with coop.http() as http:
        answer = http.post("/v1/relay", json={"kind": "forward", "request": request})
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "success", answer.json()
    assert answer.json()["action"] == "ContributionRegistry.accept"


def test_a_member_with_no_ether_joins_contributes_earns_claims_and_votes(
    cooperative: Cooperative, browser: Browser, chain: Chain
):
    c, w3 = chain.contracts, cooperative.w3
    forwarder = c["Forwarder"].address
    fresh = Account.create()
    assert w3.eth.get_balance(fresh.address) == 0
    member = open_wallet(browser, cooperative, fresh.address, key="0x" + bytes(fresh.key).hex())
    page = member.page
    page.click("#connect")

    # 0. No ether: the dApp says the cooperative pays, and how many free actions are left.
    expect(page.locator("#member-status")).to_have_attribute("data-active", "false",
                                                             timeout=WAIT_MS)
    gas_card = page.locator("#gas-card")
    expect(gas_card).to_have_attribute("data-relay", "true")
    expect(gas_card).to_contain_text("You have no ETH. The cooperative pays the gas for you.")
    quota = c["Forwarder"].functions.relayLimits().call()[0]
    expect(page.locator("#gas-quota")).to_have_attribute("data-left", str(quota), timeout=WAIT_MS)
    member.shot("20-no-ether")

    # 1. Join with a demo voucher: nothing to sign, the relay sends the registrar's voucher.
    page.select_option("#join-class", "producer")
    page.click("#join-demo")
    paid_by_the_cooperative(page, "Join the cooperative", chain, c["Membership"].address)
    expect(page.locator("#member-status")).to_have_attribute("data-active", "true",
                                                             timeout=WAIT_MS)
    expect(page.locator("#join-message")).to_contain_text("The cooperative paid")
    assert c["Membership"].functions.memberStatus(fresh.address).call() == [True, 0]
    member.shot("21-joined-paid-by-the-cooperative")

    # 2. Contribute: upload (Sign-In with Ethereum), then register through the forwarder.
    tab(member, "contribute")
    page.select_option("#pool-select", str(POOL))
    page.set_input_files("#contrib-file", files=[
        {"name": "trips.csv", "mimeType": "text/csv", "buffer": DATA}])
    page.click("#upload")
    expect(page.locator("#register")).to_be_visible(timeout=WAIT_MS)
    cid = page.locator("#consent-card").get_attribute("data-cid")
    contribution = page.locator("#upload-result [data-contribution-id]").get_attribute(
        "data-contribution-id")
    assert contribution is not None
    page.click("#register")
    paid_by_the_cooperative(page, "Register the contribution", chain, forwarder)
    expect(page.locator("#registered")).to_contain_text("The cooperative paid")
    row = page.locator(f'#my-contributions tr[data-cid="{cid}"]')
    expect(row).to_have_attribute("data-status", "pending", timeout=WAIT_MS)
    member.shot("22-registered-paid-by-the-cooperative")

    # 3. Reviewed: the curator's accept is relayed too; the contribution is the member's.
    curator_accepts_through_the_relay(cooperative, chain, int(contribution, 16))
    expect(row).to_have_attribute("data-status", "accepted", timeout=WAIT_MS)
    assert c["ContributionToken"].functions.balanceOf(fresh.address).call() > 0
    member.shot("23-accepted")

    # 4. Earn: a buyer buys pool 2; claim, relayed to the distributor through the forwarder.
    price = c["DataMarket"].functions.listing(POOL).call()[0][0]
    buy(cooperative, POOL, price, "Badan Pusat Statistik")
    distributor, token = c["RevenueDistributor"], c["PaymentToken"]
    owed = distributor.functions.claimable(POOL, fresh.address).call()
    assert owed == price * distributor.functions.split().call()[0] // 10_000
    tab(member, "earnings")
    expect(page.locator("#claimable-total")).to_have_attribute("data-raw", str(owed),
                                                               timeout=WAIT_MS)
    page.click("#claim")
    paid_by_the_cooperative(page, "Claim earnings", chain, forwarder)
    expect(page.locator("#claim-message")).to_contain_text("The cooperative paid")
    assert token.functions.balanceOf(fresh.address).call() == owed
    expect(page.locator("#claimed-total")).to_have_attribute("data-raw", str(owed),
                                                             timeout=WAIT_MS)
    member.shot("24-claimed-paid-by-the-cooperative")

    # 5. Vote n = 2 (4 credits) on a steward's proposal: an EIP-712 ballot the relay sends.
    coop = Coop(w3, c)
    market = c["DataMarket"]
    calldata = market.functions.setPrice(POOL, 45 * 10**6)._encode_transaction_data()
    proposal = coop.propose(STEWARD, [(market.address, bytes.fromhex(calldata[2:]))],
                            "Raise the mobility pool to 45 USD")
    advance(cooperative, 61)  # past the voting delay
    tab(member, "governance")
    card = page.locator(f'.proposal[data-proposal-id="{proposal}"]')
    expect(card).to_have_attribute("data-state", "active", timeout=WAIT_MS)
    card.locator(".vote-n").fill("2")
    card.locator(".vote").click()
    expect(card.locator(".vote-confirm")).to_contain_text("This costs 4 voice credits")
    card.locator(".vote-confirm-yes").click()
    paid_by_the_cooperative(page, "Vote (2 × 2 = 4 credits)", chain, c["CoopGovernor"].address)
    expect(card.locator(".credits-spent")).to_contain_text("You have spent 4 of",
                                                           timeout=WAIT_MS)
    governor = c["CoopGovernor"]
    assert governor.functions.hasVoted(proposal, fresh.address).call()
    assert governor.functions.proposalClassTally(proposal, 0).call()[0] == 2
    expect(card.locator('tr[data-class="producer"]')).to_have_attribute("data-for", "2",
                                                                       timeout=WAIT_MS)
    member.shot("25-voted-paid-by-the-cooperative")

    # The member still holds no ether and the wallet never sent a transaction.
    assert w3.eth.get_balance(fresh.address) == 0
    assert "eth_sendTransaction" not in member.methods()
    assert member.methods().count("eth_signTypedData_v4") == 3  # register, claim, ballot
    with cooperative.http() as http:
        listed = http.get("/v1/relay/transactions", params={"account": fresh.address})
    assert listed.status_code == 200, listed.text
    assert [t["action"] for t in listed.json()] == [  # newest first
        "CoopGovernor.castVoteWithReasonAndParamsBySig", "RevenueDistributor.claimMany",
        "ContributionRegistry.submit", "Membership.join"]
    assert {t["status"] for t in listed.json()} == {"success"}

    # Four of the member's free actions are used (votes and joins count like forwarded calls).
    tab(member, "membership")
    expect(page.locator("#gas-quota")).to_have_attribute("data-left", str(quota - 4),
                                                         timeout=WAIT_MS)

    # 6. The gas fund, as every member sees it.
    tab(member, "transparency")
    expect(page.locator("#fund-balance")).to_be_visible(timeout=WAIT_MS)
    assert int(page.locator("#fund-balance").get_attribute("data-raw") or "0") == (
        w3.eth.get_balance(GAS_RELAYER))
    expect(page.locator("#fund-actions")).to_be_visible()
    member.shot("26-gas-fund")


def test_a_member_with_ether_may_choose_that_the_cooperative_pays(
    cooperative: Cooperative, browser: Browser, chain: Chain
):
    # Account 6 holds ether, so it would pay its own gas; it ticks the choice and joins.
    newcomer = ADDRESSES[6]
    wallet = open_wallet(browser, cooperative, newcomer)
    page = wallet.page
    page.click("#connect")
    gas_card = page.locator("#gas-card")
    expect(gas_card).to_have_attribute("data-relay", "false", timeout=WAIT_MS)
    before = chain.w3.eth.get_balance(newcomer)
    page.check("#gas-choice")
    expect(gas_card).to_have_attribute("data-relay", "true", timeout=WAIT_MS)
    wallet.shot("27-chose-that-the-cooperative-pays")
    page.select_option("#join-class", "funder")
    page.click("#join-demo")
    paid_by_the_cooperative(page, "Join the cooperative", chain,
                            chain.contracts["Membership"].address)
    expect(page.locator("#member-status")).to_have_attribute("data-class", "funder",
                                                             timeout=WAIT_MS)
    assert chain.w3.eth.get_balance(newcomer) == before
    assert "eth_sendTransaction" not in wallet.methods()
    # Unticked, the member pays again.
    page.uncheck("#gas-choice")
    expect(gas_card).to_have_attribute("data-relay", "false", timeout=WAIT_MS)


def test_a_member_out_of_free_actions_is_told_so_in_plain_words(
    cooperative: Cooperative, browser: Browser, chain: Chain
):
    # Governance lowers the quota to one relay per period: a new member's join uses it, and the
    # registration after it is refused by the relay before anything is sent.
    w3, forwarder = cooperative.w3, chain.contracts["Forwarder"]
    timelock = chain.contracts["TimelockController"].address
    limits = forwarder.functions.relayLimits().call()
    w3.provider.make_request("anvil_impersonateAccount", [timelock])  # type: ignore[arg-type]
    w3.provider.make_request("anvil_setBalance", [timelock, hex(10**20)])  # type: ignore[arg-type]
    send(w3, forwarder.functions.setRelayLimits(1, limits[1], limits[2]), timelock)
    try:
        fresh = Account.create()
        member = open_wallet(browser, cooperative, fresh.address,
                             key="0x" + bytes(fresh.key).hex())
        page = member.page
        page.click("#connect")
        expect(page.locator("#gas-quota")).to_have_attribute("data-left", "1", timeout=WAIT_MS)
        page.select_option("#join-class", "producer")
        page.click("#join-demo")
        paid_by_the_cooperative(page, "Join the cooperative", chain,
                                chain.contracts["Membership"].address)
        expect(page.locator("#gas-quota")).to_have_attribute("data-left", "0", timeout=WAIT_MS)
        expect(page.locator("#gas-quota")).to_contain_text("0 of 1 free actions left until")
        tab(member, "contribute")
        page.select_option("#pool-select", str(POOL))
        page.set_input_files("#contrib-file", files=[
            {"name": "more-trips.csv", "mimeType": "text/csv", "buffer": DATA + b"2"}])
        page.click("#upload")
        expect(page.locator("#register")).to_be_visible(timeout=WAIT_MS)
        page.click("#register")
        card = page.locator('.tx[data-tx-label="Register the contribution"]').first
        expect(card).to_have_attribute("data-tx-state", "failed", timeout=WAIT_MS)
        expect(card).to_have_attribute("data-error", "RelayQuotaExceeded")
        expect(card).to_contain_text("You have used all your free actions for now.")
        assert card.get_attribute("data-tx-hash") is None  # nothing was sent
        member.shot("28-out-of-free-actions")
    finally:
        send(w3, forwarder.functions.setRelayLimits(*limits), timelock)
        w3.provider.make_request("anvil_stopImpersonatingAccount", [timelock])  # type: ignore[arg-type]
