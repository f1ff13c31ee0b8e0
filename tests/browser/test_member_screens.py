"""The members' screens in plain words, in Bahasa Indonesia and in English, on a phone (390 px).

A new member (a fresh key, no ether: every transaction relayed) joins after a vote opened and is
told why they have no voice credits for it; uploads a file (a progress bar shows it leave) and
leaves it without consent: the upload is listed, with its name, pool, date and size; after a
reload it is resumed from that list and registered; its row in My contributions shows the file
name, the pool's name, the date and the status in words. A second upload is deleted from the
list, after a confirmation dialog that is first cancelled. The registered file is revoked and
then erased, each after a dialog that says what it does and that it cannot be undone (cancelled
first: nothing happens). Amounts carry the token's symbol; no screen is wider than the phone;
screenshots in both languages go to test-artifacts/browser/60-member-*.png.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eth_account import Account
from playwright.sync_api import Browser, FilePayload, Page, expect

from api.chain import Chain
from lumbung.devchain import Coop
from tests.api.harness import STEWARD
from tests.browser.conftest import Cooperative
from tests.browser.helpers import (
    WAIT_MS,
    Wallet,
    last_tx_mined,
    no_overflow,
    open_wallet,
    tab,
)

POOL = 2
CATALOGUES = {lang: json.loads((Path(__file__).resolve().parents[2] / "dapp" / "src" / "i18n"
                               / f"{lang}.json").read_text()) for lang in ("en", "id")}
# About 0.4 MB: several upload progress events even on the loopback.
DATA = b"tanggal,petak,varietas,hasil_kg\n" + b"2026-11-30,A1,IR64,5120\n" * 16_000
MY_PREFIXES = ("member.", "contribute.", "earnings.", "batch.", "relay.", "status.")


def words(lang: str, key: str, **params: object) -> str:
    text = CATALOGUES[lang][key]
    for name, value in params.items():
        text = text.replace(f"{{{name}}}", str(value))
    return text


def fits(wallet: Wallet, screen: str) -> None:
    page = wallet.page
    page.evaluate("window.scrollTo(0, 0)")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), screen
    assert no_overflow(page) == [], screen


def untranslated(page: Page, section: str, lang: str) -> list[str]:
    """English sentences of the member screens' catalogue keys shown on the Indonesian page."""
    if lang == "en":
        return []
    text = page.locator(f"#{section}").inner_text()
    english = CATALOGUES["en"]
    found = []
    for key, value in english.items():
        plain = value.split("{")[0].strip()
        if (key.startswith(MY_PREFIXES) and len(plain) > 14 and plain != CATALOGUES["id"][key]
                and plain in text):
            found.append(plain)
    return found


def shot(wallet: Wallet, lang: str, name: str) -> None:
    wallet.shot(f"60-member-{lang}-{name}")


def choose_file(page: Page, name: str) -> None:
    page.select_option("#pool-select", str(POOL))
    page.set_input_files("#contrib-file",
                         files=[FilePayload(name=name, mimeType="text/csv", buffer=DATA)])


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_member_uses_the_screens_in_plain_words_on_a_phone(
    cooperative: Cooperative, browser: Browser, chain: Chain, lang: str
):
    c, w3 = chain.contracts, cooperative.w3
    coop = Coop(w3, c)
    pool_name = next(p["name"] for p in cooperative.http().get("/v1/pools").json()
                     if p["id"] == POOL)
    symbol = cooperative.http().get("/v1/config").json()["payment_token"]["symbol"]

    # 0. A vote opens before the newcomer joins.
    market = c["DataMarket"]
    calldata = market.functions.setPrice(POOL, 7 * 10**6)._encode_transaction_data()
    coop.propose(STEWARD, [(market.address, bytes.fromhex(calldata[2:]))],
                 f"A price for pool {POOL} ({lang})")
    coop.advance(61)  # past the voting delay: its snapshot is taken

    account = Account.create()
    member = open_wallet(browser, cooperative, account.address,
                         key="0x" + bytes(account.key).hex(), lang=lang)
    page = member.page
    expect(page.locator("html")).to_have_attribute("lang", lang)
    page.click("#connect")
    expect(page.locator("#gas-card")).to_have_attribute("data-relay", "true", timeout=WAIT_MS)
    expect(page.locator("#member-status")).to_have_attribute("data-active", "false",
                                                             timeout=WAIT_MS)
    expect(page.locator("#membership h2")).to_have_text(words(lang, "member.title"))
    expect(page.locator("#join-class option[value=producer]")).to_have_text(
        words(lang, "member.class.producer"))
    shot(member, lang, "01-membership-join")
    fits(member, "membership, before joining")

    # 1. Joins, relayed; the credits note explains the 0 credits for the vote opened before.
    page.select_option("#join-class", "producer")
    page.click("#join-demo")
    last_tx_mined(page, words(lang, "member.tx.join"))
    expect(page.locator("#member-status")).to_have_attribute("data-active", "true",
                                                             timeout=WAIT_MS)
    expect(page.locator("#member-status .member-class")).to_have_text(
        words(lang, "member.class.producer"))
    note = page.locator("#member-credits-note")
    expect(note).to_be_visible(timeout=WAIT_MS)
    expect(note).to_contain_text(words(lang, "member.creditsTitle"))
    expect(page.locator("#balance")).to_contain_text(symbol)
    shot(member, lang, "02-membership-member")
    fits(member, "membership, a member")
    assert untranslated(page, "membership", lang) == []

    # 2. Uploads a file: the progress bar fills; the consent is left for later.
    tab(member, "contribute")
    expect(page.locator("#pool-info")).to_contain_text(symbol)
    first = f"panen-{lang}.csv"
    choose_file(page, first)
    page.click("#upload")
    expect(page.locator("#consent-card")).to_be_visible(timeout=WAIT_MS)
    bar = page.locator("#upload-progress")
    expect(bar).to_be_visible()
    expect(bar).to_have_attribute("data-percent", "100")
    expect(page.locator("#consent-card .file-name")).to_have_text(first)
    contribution = page.locator("#consent-card").get_attribute("data-contribution-id")
    waiting = page.locator(f'#unregistered-uploads [data-contribution-id="{contribution}"]')
    expect(waiting).to_be_visible(timeout=WAIT_MS)
    expect(waiting).to_contain_text(first)
    expect(waiting).to_contain_text(pool_name)
    expect(waiting).to_contain_text("MB")
    expect(page.locator("#upload-limit")).to_contain_text("MB", timeout=WAIT_MS)
    shot(member, lang, "03-uploaded")
    fits(member, "contribute, uploaded")

    # 3. After a reload, resumes it from the list and registers it on-chain (relayed).
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-ready", "true", timeout=WAIT_MS)
    page.click("#connect")
    tab(member, "contribute")
    expect(waiting).to_have_attribute("data-status", "uploaded", timeout=WAIT_MS)
    shot(member, lang, "04-waiting-for-consent")
    fits(member, "contribute, an upload waiting")
    waiting.locator(".sign-consent").click()
    expect(page.locator("#consent-card")).to_have_attribute("data-contribution-id",
                                                            str(contribution))
    expect(page.locator("#consent-what")).to_contain_text(f'"{pool_name}"')
    page.click("#register")
    last_tx_mined(page, words(lang, "contribute.tx.register"))
    row = page.locator(f'#my-contributions tr[data-contribution-id="{contribution}"]')
    expect(row).to_have_attribute("data-status", "pending", timeout=WAIT_MS)
    expect(waiting).to_have_count(0)
    expect(row.locator(".file-name")).to_have_text(first)
    expect(row.locator(".pool")).to_have_text(pool_name)
    expect(row.locator(".upload-date")).to_contain_text("2026")
    expect(row.locator(".stage .pill")).to_have_text(words(lang, "contribute.stage.pending"))
    expect(row.locator(".stage-words")).to_have_text(words(lang, "batch.stage.pending"))
    shot(member, lang, "05-registered")
    fits(member, "contribute, a contribution")

    # 4. A second upload is deleted from the list: cancelled first, then confirmed.
    second = f"salah-{lang}.csv"
    choose_file(page, second)
    page.click("#upload")
    expect(page.locator("#consent-card .file-name")).to_have_text(second, timeout=WAIT_MS)
    other = page.locator("#consent-card").get_attribute("data-contribution-id")
    gone = page.locator(f'#unregistered-uploads [data-contribution-id="{other}"]')
    expect(gone).to_be_visible(timeout=WAIT_MS)
    gone.locator(".delete-upload").click()
    dialog = page.locator('dialog[data-confirm="erase"]')
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(words(lang, "contribute.noUndo"))
    expect(dialog).to_contain_text(second)
    shot(member, lang, "06-delete-dialog")
    fits(member, "the delete dialog")
    dialog.locator(".confirm-cancel").click()
    expect(dialog).to_have_count(0)
    page.wait_for_timeout(3500)  # a refresh later, it is still there
    expect(gone).to_be_visible()
    gone.locator(".delete-upload").click()
    dialog.locator(".confirm-yes").click()
    expect(page.locator("#contrib-action-message")).to_contain_text(
        words(lang, "contribute.deleted", name=second), timeout=WAIT_MS)
    expect(gone).to_have_count(0, timeout=WAIT_MS)

    # 5. Revokes the registered file: cancelled first (no transaction), then confirmed.
    row.locator(".revoke").click()
    dialog = page.locator('dialog[data-confirm="revoke"]')
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(words(lang, "batch.revokeWarn"))
    shot(member, lang, "07-revoke-dialog")
    fits(member, "the revoke dialog")
    dialog.locator(".confirm-cancel").click()
    expect(dialog).to_have_count(0)
    revoke_label = words(lang, "contribute.tx.revoke")
    expect(page.locator(f'.tx[data-tx-label="{revoke_label}"]')).to_have_count(0)
    expect(row).to_have_attribute("data-status", "pending")
    row.locator(".revoke").click()
    dialog.locator(".confirm-yes").click()
    last_tx_mined(page, revoke_label)
    expect(row).to_have_attribute("data-status", "revoked", timeout=WAIT_MS)

    # 6. Erases it: the dialog again, cancelled, then confirmed.
    row.locator(".erase").click()
    dialog = page.locator('dialog[data-confirm="erase"]')
    expect(dialog).to_contain_text(words(lang, "contribute.noUndo"))
    dialog.locator(".confirm-cancel").click()
    expect(row).to_have_attribute("data-erased", "false")
    row.locator(".erase").click()
    dialog.locator(".confirm-yes").click()
    expect(page.locator("#contrib-action-message")).to_contain_text(
        words(lang, "contribute.erased", name=first), timeout=WAIT_MS)
    expect(row).to_have_attribute("data-erased", "true", timeout=WAIT_MS)
    expect(row.locator(".file-name")).to_have_text(words(lang, "contribute.erasedFile"))
    shot(member, lang, "08-revoked-erased")
    fits(member, "contribute, revoked and erased")
    assert untranslated(page, "contribute", lang) == []

    # 7. Earnings, in the token's units with its symbol.
    tab(member, "earnings")
    expect(page.locator("#claimable-total")).to_contain_text(symbol, timeout=WAIT_MS)
    expect(page.locator("#earnings h2")).to_have_text(words(lang, "earnings.title"))
    shot(member, lang, "09-earnings")
    fits(member, "earnings")
    assert untranslated(page, "earnings", lang) == []

    # 8. The page's own switch changes the language, and back.
    switch_to = "en" if lang == "id" else "id"
    page.click(f"[data-lang={switch_to}]")
    expect(page.locator("#earnings h2")).to_have_text(words(switch_to, "earnings.title"))
    page.click(f"[data-lang={lang}]")
    expect(page.locator("#earnings h2")).to_have_text(words(lang, "earnings.title"))
