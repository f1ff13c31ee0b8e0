"""What the browser tests share: a phone-sized wallet page, its tabs and transaction cards, the
chain's clock, and a buyer who buys a pool through the order API.

A wallet is Anvil's (an unlocked account: Anvil signs and sends) or a fresh key's (the test signs
in Python what the page asks it to sign, and the wallet refuses to send: it holds no ether).
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.messages import encode_defunct, encode_typed_data
from playwright.sync_api import Browser, Page, expect

from api.chain import Chain
from api.db import make_engine, make_sessionmaker, transaction
from api.services.buyers import create_buyer
from lumbung.devchain import Role
from lumbung.protocol import ANVIL_CHAIN_ID
from tests.api.harness import ADDRESSES
from tests.browser.conftest import ARTIFACTS, Cooperative

PROVIDER = Path(__file__).with_name("provider.js").read_text()
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
WAIT_MS = 45_000
GAS_RELAYER = ADDRESSES[Role.GAS_RELAYER]
LOCALES = {"en": "en-US", "id": "id-ID"}


@dataclass
class Wallet:
    page: Page
    account: str

    def shot(self, name: str, wide: bool = False) -> None:
        """A full-page screenshot at the phone's 390 px, or with ``wide`` at a laptop's width."""
        if wide:
            self.page.set_viewport_size(LAPTOP)
        self.page.evaluate("window.scrollTo(0, 0)")  # the sticky tab bar stays on top
        try:
            self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        finally:
            if wide:
                self.page.set_viewport_size(PHONE)

    def methods(self) -> list[str]:
        """Every EIP-1193 method the page asked the wallet for, in order."""
        return list(self.page.evaluate("window.__walletLog"))


def sign_for(key: str, method: str, params: list[Any]) -> str:
    """What a wallet holding `key` answers to personal_sign or eth_signTypedData_v4."""
    if method == "personal_sign":
        signed = Account.sign_message(encode_defunct(hexstr=params[0]), key)
    elif method == "eth_signTypedData_v4":
        signed = Account.sign_message(encode_typed_data(full_message=json.loads(params[1])), key)
    else:
        raise ValueError(f"the test wallet does not sign {method}")
    return "0x" + bytes(signed.signature).hex()


def open_wallet(
    browser: Browser, coop: Cooperative, account: str, chain_id: int = ANVIL_CHAIN_ID,
    key: str | None = None, lang: str = "en",
) -> Wallet:
    """The dApp in a phone-sized page whose wallet is `account`: Anvil's unlocked account, or,
    with `key`, a wallet that signs with that key here and sends nothing itself. The browser's
    language is `lang` ("en" or "id"), which the dApp follows until the visitor switches."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True,
                                  has_touch=True, locale=LOCALES[lang])
    wallet = {"rpcUrl": coop.anvil.rpc_url, "account": account, "startChainId": hex(chain_id),
              "signsHere": key is not None}
    if key is not None:
        context.expose_function("__lumbungTestSign",
                                lambda method, params: sign_for(key, method, params))
    context.add_init_script(script=f"window.__LUMBUNG_TEST_WALLET__ = {json.dumps(wallet)};")
    context.add_init_script(script=PROVIDER)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(coop.api_url + "/")
    expect(page.locator("body")).to_have_attribute("data-ready", "true", timeout=WAIT_MS)
    assert not errors, errors
    return Wallet(page, account)


def no_overflow(page: Page) -> list[str]:
    """What sticks out of the phone's viewport (nothing, on a screen that fits 390 px): the page's
    own scroll width, and every shown element whose right edge passes the viewport's, except
    inside a box that scrolls or clips sideways (the tab bar, a table's .table-wrap) and the
    transaction cards (fixed in a corner)."""
    found: list[str] = page.evaluate("""() => {
      const width = window.innerWidth;
      const scrolls = (el) => {
        for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
          if (["auto", "scroll", "hidden"].includes(getComputedStyle(up).overflowX)) return true;
        }
        return false;
      };
      const wide = [];
      const page = document.documentElement.scrollWidth;
      if (page > width) wide.push(`page ${page}`);
      for (const el of document.querySelectorAll("body *")) {
        if (!el.getClientRects().length || el.closest("[hidden], .txs")) continue;
        const box = el.getBoundingClientRect();
        if (!box.width || box.right <= width + 0.5 || scrolls(el)) continue;
        wide.push(`${el.tagName.toLowerCase()}#${el.id}.${el.className} ${Math.round(box.right)}`);
      }
      return wide;
    }""")
    return found


def assert_fits(page: Page, where: str = "") -> None:
    """Nothing on the screen is wider than the phone's viewport (see :func:`no_overflow`)."""
    wide = no_overflow(page)
    assert not wide, f"{where}: wider than the 390 px screen: {wide[:8]}"


def speak(wallet: Wallet, lang: str) -> None:
    """Switches the page's language with its own ID/EN buttons."""
    wallet.page.click(f"[data-lang={lang}]")
    expect(wallet.page.locator("html")).to_have_attribute("lang", lang)


def tab(wallet: Wallet, name: str) -> None:
    wallet.page.click(f"[data-tab={name}]")
    expect(wallet.page.locator(f"#{name}")).to_be_visible()


def last_tx_mined(page: Page, label: str) -> str:
    """Waits until the newest transaction card labelled `label` reads mined; returns its hash."""
    card = page.locator(f'.tx[data-tx-label="{label}"]').first
    try:
        expect(card).to_have_attribute("data-tx-state", "mined", timeout=WAIT_MS)
    except AssertionError:
        error, tx_hash = card.get_attribute("data-error"), card.get_attribute("data-tx-hash")
        raise AssertionError(
            f"{label!r} was not mined: {error}: {card.inner_text()} (transaction {tx_hash})"
        ) from None
    return str(card.get_attribute("data-tx-hash"))


def paid_by_the_cooperative(page: Page, label: str, chain: Chain, to: str) -> str:
    """The newest card labelled `label` was relayed: mined, sent by the gas relayer to `to`,
    and it says what the cooperative paid, to the wei of its receipt. Returns its hash."""
    tx_hash = last_tx_mined(page, label)
    card = page.locator(f'.tx[data-tx-label="{label}"]').first
    expect(card).to_have_attribute("data-relayed", "true")
    expect(card.locator(".paid")).to_contain_text("The cooperative paid")
    expect(card.locator(".paid")).to_contain_text(" ETH for this.")
    tx = chain.w3.eth.get_transaction(tx_hash)
    receipt = chain.w3.eth.get_transaction_receipt(tx_hash)
    assert (tx["from"], tx["to"]) == (GAS_RELAYER, to), (label, tx)
    assert int(card.get_attribute("data-cost-wei") or "0") == (
        receipt["gasUsed"] * receipt["effectiveGasPrice"])
    return tx_hash


def advance(coop: Cooperative, seconds: int) -> None:
    w3 = coop.w3
    w3.provider.make_request("evm_increaseTime", [seconds])  # type: ignore[arg-type]
    w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]


def wait_until(predicate: Any, what: str, timeout: float = 45) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def buy(coop: Cooperative, pool_id: int, price: int, buyer_name: str) -> bytes:
    """A new buyer orders `pool_id` for research through the API, the admin records the bank
    payment, the worker settles it on-chain; returns the delivery (a tar of the pool's files)."""
    engine = make_engine(coop.database_url)
    try:
        with transaction(make_sessionmaker(engine)) as session:
            api_key = create_buyer(session, buyer_name).api_key
    finally:
        engine.dispose()
    with coop.http() as http:
        buyer = {"X-API-Key": api_key}
        order = http.post("/v1/orders", json={"pool_id": pool_id, "purpose": "research"},
                          headers={**buyer, "Idempotency-Key": str(uuid.uuid4())})
        assert order.status_code == 201, order.text
        order_id = order.json()["id"]
        assert order.json()["price"] == str(price)
        paid = http.post(f"/v1/orders/{order_id}/payment",
                         json={"payment_ref": f"bank-{uuid.uuid4().hex[:8]}"},
                         headers={"Authorization": f"Bearer {coop.admin_token}"})
        assert paid.status_code == 200, paid.text
        settled = wait_until(
            lambda: (o := http.get(f"/v1/orders/{order_id}", headers=buyer).json())["status"]
            == "settled" and o, "the worker to settle the order")
        purchase = f"/v1/purchases/{settled['purchase_id']}"
        wait_until(lambda: http.get(purchase, headers=buyer).status_code == 200,
                   "the indexer to record the purchase")
        delivery = http.get(f"{purchase}/delivery", headers=buyer)
        assert delivery.status_code == 200, delivery.text
        return delivery.content
