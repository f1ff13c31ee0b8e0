"""The curators' workbench in the browser, in Bahasa Indonesia and in English: a member uploads a
photo and a note and signs their consents; the curator opens both in the page (the photo shown,
the note's text shown), reads the pool's rubric, accepts the photo with a weight and rejects the
note with a template reason and a note; the member then reads the reason in their Contribute tab
and sees in their access log that the curator opened the files. The second pass uploads the same
photo again, which the workbench flags as the same file by the same member. Every screen fits
390 px.

Screenshots go to test-artifacts/browser/50-workbench-*-{id,en}.png.
"""

from __future__ import annotations

import struct
import zlib

from playwright.sync_api import Browser, expect

from buyer.api import BuyerApi
from lumbung.rubrics import STARTER_METADATA
from tests.api.harness import ADDRESSES, CURATOR, KEYS, PRODUCER
from tests.browser.conftest import Cooperative
from tests.browser.helpers import WAIT_MS, Wallet, assert_fits, open_wallet, speak, tab

POOL = 1  # "Rice-field photos": its rubric is the first starter pool's
WEIGHT = 40
NOTES = {"id": "Sawah ini difoto terlalu gelap.", "en": "This field was photographed too dark."}
REJECT_NOTES = {
    "id": "Wajah tetangga terlihat jelas.", "en": "A neighbour's face is clearly visible.",
}
SAYS = {
    "id": {"accepted": "diterima", "rejected": "ditolak", "rubric": "Arti bobot",
           "same": "dari anggota yang sama"},
    "en": {"accepted": "accepted", "rejected": "rejected", "rubric": "What a weight means",
           "same": "by the same member"},
}
def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A small valid PNG of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * height))
            + chunk(b"IEND", b""))


PHOTO = png(48, 32, (60, 140, 60))


def upload_and_consent(wallet: Wallet, name: str, mime: str, data: bytes) -> str:
    page = wallet.page
    page.select_option("#pool-select", str(POOL))
    page.set_input_files("#contrib-file", files=[{"name": name, "mimeType": mime, "buffer": data}])
    page.click("#upload")
    card = page.locator("#consent-card")
    expect(card).to_be_visible(timeout=WAIT_MS)
    contribution = card.get_attribute("data-contribution-id")
    assert contribution is not None
    page.click("#consent")
    expect(page.locator("#consented")).to_be_visible(timeout=WAIT_MS)
    return contribution


def test_a_curator_reviews_in_the_workbench_and_the_member_reads_why(
    cooperative: Cooperative, browser: Browser
) -> None:
    member = open_wallet(browser, cooperative, ADDRESSES[PRODUCER])
    member.page.click("#connect")
    curator = open_wallet(browser, cooperative, ADDRESSES[CURATOR])
    curator.page.click("#connect")
    cpage, page = curator.page, member.page
    first_photo = None
    for lang in ("id", "en"):
        says = SAYS[lang]
        speak(member, lang)
        tab(member, "contribute")
        photo = upload_and_consent(member, f"sawah-{lang}.png", "image/png", PHOTO)
        note_text = f"{NOTES[lang]}\n{lang}".encode()
        note = upload_and_consent(member, f"catatan-{lang}.txt", "text/plain", note_text)

        # The curator opens both in the page, with the pool's rubric beside them.
        speak(curator, lang)
        expect(cpage.locator("[data-tab=curation]")).to_be_visible(timeout=WAIT_MS)
        tab(curator, "curation")
        photo_card = cpage.locator(f'.review[data-contribution-id="{photo}"]')
        sign_in = cpage.locator("#curation-sign-in")
        expect(sign_in.or_(photo_card).first).to_be_visible(timeout=WAIT_MS)
        if sign_in.is_visible():
            sign_in.click()
        expect(photo_card).to_be_visible(timeout=WAIT_MS)
        rubric = photo_card.locator(".workbench-rubric")
        expect(rubric).to_contain_text(says["rubric"])
        expect(rubric.locator("li")).to_have_count(3)
        rubric_text = STARTER_METADATA[0].split('"' + lang + '":"')[2].split('"')[0]
        expect(rubric.locator('li[data-weight="30"]')).to_contain_text(rubric_text)
        if first_photo is None:
            expect(photo_card.locator(".workbench-duplicate")).to_have_count(0)
        else:  # the same photo again: flagged as the member's own earlier upload
            flag = photo_card.locator(f'.workbench-duplicate[data-duplicate-of="{first_photo}"]')
            expect(flag).to_have_attribute("data-same-contributor", "true")
            expect(flag).to_contain_text(says["same"])
        photo_card.locator(".workbench-open").click()
        image = photo_card.locator(".workbench-image")
        expect(image).to_be_visible(timeout=WAIT_MS)
        cpage.wait_for_function(
            "(el) => el.complete && el.naturalWidth === 48", arg=image.element_handle())
        note_card = cpage.locator(f'.review[data-contribution-id="{note}"]')
        note_card.locator(".workbench-open").click()
        expect(note_card.locator(".workbench-text")).to_contain_text(NOTES[lang], timeout=WAIT_MS)
        assert_fits(cpage)
        photo_card.scroll_into_view_if_needed()
        curator.shot(f"50-workbench-queue-{lang}")

        # Accept the photo with a weight; reject the note with a template reason and a note.
        photo_card.locator(".review-weight").fill(str(WEIGHT))
        photo_card.locator(".accept").click()
        message = cpage.locator("#curation-message")
        expect(message.locator('[data-verdict="accepted"]')).to_contain_text(
            says["accepted"], timeout=WAIT_MS)
        note_card.locator(".review-code").select_option("personal_data_visible")
        note_card.locator(".review-reason").fill(REJECT_NOTES[lang])
        note_card.locator(".reject").click()
        expect(message.locator('[data-verdict="rejected"]')).to_contain_text(
            says["rejected"], timeout=WAIT_MS)
        history = cpage.locator("#workbench-reviews")
        expect(history.locator(f'tr[data-contribution-id="{note}"]')).to_contain_text(
            REJECT_NOTES[lang], timeout=WAIT_MS)
        expect(history.locator(f'tr[data-contribution-id="{photo}"]')).to_have_attribute(
            "data-verdict", "accepted")
        expect(cpage.locator("#workbench-pay")).to_be_visible()
        assert_fits(cpage)
        cpage.locator("#workbench-history").scroll_into_view_if_needed()
        curator.shot(f"50-workbench-history-{lang}")

        # The member reads why, in the Contribute tab (the stage's words carry the reason).
        tab(member, "contribute")
        row = page.locator(f'#my-contributions tr[data-contribution-id="{note}"]')
        expect(row).to_have_attribute("data-status", "reviewed", timeout=WAIT_MS)
        expect(row.locator(".stage-words")).to_contain_text(REJECT_NOTES[lang], timeout=WAIT_MS)
        assert_fits(page)
        row.scroll_into_view_if_needed()
        member.shot(f"50-workbench-member-{lang}")
        first_photo = first_photo or photo

    # Through the API the dApp reads: the template's code, the note, and who opened what.
    api = BuyerApi(cooperative.api_url)
    try:
        api.sign_in(KEYS[PRODUCER])
        stage = api.http.get(f"/contributions/{note}/stage").json()
        assert stage["review"]["reason_code"] == "personal_data_visible"
        assert stage["review"]["reason_note"] == REJECT_NOTES["en"]
        log = api.http.get(f"/members/{ADDRESSES[PRODUCER]}/access-log").json()["accesses"]
        opened = {a["contribution_id"] for a in log if a["curator"] == ADDRESSES[CURATOR]}
        assert {photo, note, first_photo} <= opened
    finally:
        api.close()
