"""My data, on the member's Contribute tab, in Bahasa Indonesia and in English: a member uploads a
phone photo whose EXIF names a place (GPS), an author and a phone, and reads what was removed
before encryption; uploads another with the keep box ticked and reads that it was kept; a
curator opens the first (the API's content endpoint, signed in with SIWE) and rejects it in the
workbench with a template reason; the member then reads the reason in their own language, sees
the opening in their access log in plain words and their consent among the receipts, and
downloads everything the cooperative holds about them: a tar holding their files. Every screen
fits 390 px.

Screenshots go to test-artifacts/browser/80-mydata-*-{id,en}.png.
"""

from __future__ import annotations

import io
import json
import tarfile

from PIL import Image
from playwright.sync_api import Browser, FilePayload, expect

from buyer.api import BuyerApi
from tests.api.harness import ADDRESSES, CURATOR, KEYS, PRODUCER
from tests.browser.conftest import ARTIFACTS, Cooperative
from tests.browser.helpers import WAIT_MS, Wallet, assert_fits, open_wallet, speak, tab

POOL = 1
GPS = {1: "S", 2: (6.0, 54.0, 0.0), 3: "E", 4: (107.0, 36.0, 0.0)}
NOTES = {"id": "Wajah tetangga terlihat jelas.", "en": "A neighbour's face is clearly visible."}
SAYS = {
    "id": {"removed": "Dihapus sebelum dienkripsi", "location": "lokasi (", "author": "pembuat (",
           "kept": "tetap disimpan", "opened": "dibuka untuk ditinjau oleh kurator",
           "reason": "Ada data pribadi yang terlihat"},
    "en": {"removed": "Removed before encryption", "location": "location (", "author": "author (",
           "kept": "was kept", "opened": "opened for review by curator",
           "reason": "Personal data can be seen"},
}


def photo(shade: int) -> bytes:
    """A small JPEG whose EXIF names its place (GPS), its author and the phone, as a phone's."""
    image = Image.new("RGB", (32, 24), (120, shade, 40))
    exif = Image.Exif()
    exif[0x013B] = "Siti Aminah"  # Artist
    exif[0x0110] = "Pixel 7"  # Model
    exif[0x8825] = GPS  # the GPS IFD
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def upload(wallet: Wallet, name: str, data: bytes, keep: bool) -> str:
    page = wallet.page
    page.select_option("#pool-select", str(POOL))
    payload: FilePayload = {"name": name, "mimeType": "image/jpeg", "buffer": data}
    page.set_input_files("#contrib-file", files=[payload])
    page.locator("#keep-metadata").set_checked(keep)
    page.click("#upload")
    card = page.locator("#consent-card")
    expect(card).to_be_visible(timeout=WAIT_MS)
    contribution = card.get_attribute("data-contribution-id")
    assert contribution is not None
    return contribution


def consent(wallet: Wallet) -> None:
    wallet.page.click("#consent")
    expect(wallet.page.locator("#consented")).to_be_visible(timeout=WAIT_MS)


def test_my_data_on_the_contribute_tab(cooperative: Cooperative, browser: Browser) -> None:
    member = open_wallet(browser, cooperative, ADDRESSES[PRODUCER])
    member.page.click("#connect")
    curator = open_wallet(browser, cooperative, ADDRESSES[CURATOR])
    curator.page.click("#connect")
    page, cpage = member.page, curator.page
    curator_api = BuyerApi(cooperative.api_url)
    curator_api.sign_in(KEYS[CURATOR])
    kept: dict[str, bytes] = {}
    try:
        for n, lang in enumerate(("id", "en")):
            says = SAYS[lang]
            speak(member, lang)
            tab(member, "contribute")
            why = page.locator("#keep-metadata-why")
            expect(why).to_be_visible()
            assert not page.locator("#keep-metadata").is_checked()

            # Stripped: the answer's counts, in words.
            stripped = upload(member, f"sawah-{lang}.jpg", photo(100 + n), keep=False)
            result = page.locator("#metadata-result")
            expect(result).to_contain_text(says["removed"], timeout=WAIT_MS)
            expect(result).to_contain_text(says["location"])
            expect(result).to_contain_text(says["author"])
            text = result.inner_text()  # place first, as a member worries about it most
            assert text.index(says["location"]) < text.index(says["author"]), text
            assert "location:" in (result.get_attribute("data-removed") or "")
            assert_fits(page)
            member.shot(f"80-mydata-stripped-{lang}")
            consent(member)

            # Kept: the box ticked, the file stored as it is.
            original = photo(150 + n)
            keeper = upload(member, f"kebun-{lang}.jpg", original, keep=True)
            expect(result).to_contain_text(says["kept"], timeout=WAIT_MS)
            expect(result).to_have_attribute("data-kept", "true")
            kept[keeper] = original
            assert_fits(page)
            member.shot(f"80-mydata-kept-{lang}")
            consent(member)

            # The curator opens the stripped photo (the access the log records), then rejects
            # it in the workbench with a template reason and a note.
            opened = curator_api.http.get(f"/curation/contributions/{stripped}/content")
            assert opened.status_code == 200, opened.text
            assert b"Siti Aminah" not in opened.content
            speak(curator, lang)
            expect(cpage.locator("[data-tab=curation]")).to_be_visible(timeout=WAIT_MS)
            tab(curator, "curation")
            card = cpage.locator(f'.review[data-contribution-id="{stripped}"]')
            sign_in = cpage.locator("#curation-sign-in")
            expect(sign_in.or_(card).first).to_be_visible(timeout=WAIT_MS)
            if sign_in.is_visible():
                sign_in.click()
            expect(card).to_be_visible(timeout=WAIT_MS)
            card.locator(".review-code").select_option("personal_data_visible")
            card.locator(".review-reason").fill(NOTES[lang])
            card.locator(".reject").click()
            expect(cpage.locator('#curation-message [data-verdict="rejected"]')).to_be_visible(
                timeout=WAIT_MS)

            # The member reads why in their language, and who opened the file.
            tab(member, "contribute")
            row = page.locator(f'#my-contributions tr[data-contribution-id="{stripped}"]')
            expect(row).to_have_attribute("data-status", "reviewed", timeout=WAIT_MS)
            words = row.locator(".stage-words")
            expect(words).to_contain_text(says["reason"], timeout=WAIT_MS)
            expect(words).to_contain_text(NOTES[lang])
            expect(words).not_to_contain_text("personal_data_visible")
            sign = page.locator("#mydata-sign-in")
            if sign.is_visible():
                sign.click()
            access = page.locator(f'#mydata-access li[data-contribution-id="{stripped}"]')
            expect(access.first).to_contain_text(says["opened"], timeout=WAIT_MS)
            expect(access.first).to_contain_text(ADDRESSES[CURATOR][:6])
            consents = page.locator(f'#mydata-receipts li[data-kind="consent"]'
                                    f'[data-contribution-id="{keeper}"]')
            expect(consents).to_have_count(1, timeout=WAIT_MS)
            assert_fits(page)
            row.scroll_into_view_if_needed()
            member.shot(f"80-mydata-reason-{lang}")
            page.locator("#mydata").scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / f"80-mydata-receipts-{lang}.png"))

        # The receipts as JSON-LD, and everything held about the member as a tar.
        with page.expect_download() as receipts_info:
            page.click("#mydata-download-receipts")
        document = json.loads(open(receipts_info.value.path(), "rb").read())
        kinds = {r["kind"] for r in document["receipts"]}
        assert {"consent", "review-opening"} <= kinds
        with page.expect_download(timeout=WAIT_MS) as export_info:
            page.click("#mydata-export")
        expect(page.locator("#mydata-export-done")).to_be_visible(timeout=WAIT_MS)
        with tarfile.open(export_info.value.path()) as tar:
            names = tar.getnames()
            for contribution, data in kept.items():
                prefix = f"contributions/{contribution}"
                member_file = next(n for n in names if n.startswith(prefix))
                extracted = tar.extractfile(member_file)
                assert extracted is not None and extracted.read() == data
            assert "receipts.jsonld" in names
        assert_fits(page)
        member.shot("80-mydata-export-en")
    finally:
        curator_api.close()

