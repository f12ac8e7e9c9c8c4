"""Adding copies at the desk PC with a barcode scanner only (the code, then Enter), in a real browser: the cursor
stays in the barcode field, every scan lands even when the next one comes before the answer, each is confirmed, and
the school's own barcode series is used for a copy without a label."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from mediatheek.accounts.models import Role
from mediatheek.catalog.models import Copy
from mediatheek.testing import factories as f
from mediatheek.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser
KNOWN_ISBN = "9789045117263"
BARCODE_FIELD = "Scan de barcode van het exemplaar"


@pytest.fixture
def regenboog(transactional_db: Any) -> dict[str, Any]:
    school = f.SchoolFactory(code="12AB00", name="OBS De Regenboog", slug="regenboog")
    known = f.TitleFactory(title="Het zakmes", authors="Guus Kuijer", isbn=KNOWN_ISBN)
    f.CopyFactory(title=known, school=f.SchoolFactory(code="34CD01", slug="baken"), barcode="B000001")
    f.school_user(Role.SCHOOL_ADMIN, school, username="regenboog-beheer")
    return {"school": school, "known": known}


def login(page: Any) -> None:
    page.goto("/client/")
    page.get_by_label("Gebruikersnaam").fill("regenboog-beheer")
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/client/")


def scan(page: Any, code: str) -> None:
    """What a scanner does: type the code fast into whatever has the focus, then Enter."""
    page.keyboard.type(code, delay=5)
    page.keyboard.press("Enter")


def test_scanning_copies_keeps_the_focus_and_lands_every_scan(
    page: Any, regenboog: dict[str, Any], screenshot: Any
) -> None:
    school, known = regenboog["school"], regenboog["known"]
    login(page)
    page.goto("/client/catalogus/invoer/")
    expect(page.get_by_label("Scan of typ het ISBN")).to_be_focused()
    scan(page, "90-451-1726-6")
    page.wait_for_url(f"**/catalogus/titels/{known.pk}/")
    barcode_field = page.get_by_label(BARCODE_FIELD)
    expect(barcode_field).to_be_focused()  # the title is known: straight on to its copies

    # Three copies, the second and third each 150 ms after the one before: no answer is waited for.
    scan(page, "R000101")
    page.wait_for_timeout(150)
    scan(page, "R000102")
    page.wait_for_timeout(150)
    scan(page, "R000103")
    added = page.locator("#copies-added tr:not(.empty-row)")
    expect(added).to_have_count(3)
    for barcode in ("R000101", "R000102", "R000103"):
        expect(added.filter(has_text=barcode)).to_contain_text("Het zakmes")
    expect(page.locator("#copy-scan-result")).to_contain_text("Toegevoegd: Het zakmes R000103")
    expect(barcode_field).to_be_focused()
    expect(barcode_field).to_have_value("")
    assert sorted(Copy.objects.for_school(school).filter(title=known).values_list("barcode", flat=True)) == [
        "R000101",
        "R000102",
        "R000103",
    ]
    screenshot(page, "1-drie-exemplaren")

    # A label scanned twice: said in plain Dutch, nothing added, the cursor stays for the next scan.
    scan(page, "R000102")
    expect(page.locator("#copy-scan-result")).to_contain_text("Barcode R000102 is al in gebruik voor Het zakmes")
    expect(barcode_field).to_be_focused()
    # The book's own ISBN instead of the copy's label.
    scan(page, KNOWN_ISBN)
    expect(page.locator("#copy-scan-result")).to_contain_text("is het ISBN van het boek")
    expect(barcode_field).to_be_focused()
    expect(added).to_have_count(3)
    assert Copy.objects.for_school(school).count() == 3
    screenshot(page, "2-fout-gescand")

    # The list stays after a reload, and the next scan goes on from there.
    page.reload()
    expect(page.locator("#copies-added tr:not(.empty-row)")).to_have_count(3)
    expect(page.get_by_label(BARCODE_FIELD)).to_be_focused()
    # A click on the page took the focus away: the next scan still goes to the barcode field, as at the desk.
    page.get_by_role("heading", name="Zojuist toegevoegd").click()
    scan(page, "R000104")
    expect(page.locator("#copies-added tr:not(.empty-row)")).to_have_count(4)
    expect(page.get_by_label(BARCODE_FIELD)).to_be_focused()
    assert Copy.objects.filter(barcode="R000104", title=known).exists()


def test_a_new_title_starts_at_the_first_empty_required_field(page: Any, regenboog: dict[str, Any]) -> None:
    login(page)
    page.goto("/client/catalogus/invoer/")
    scan(page, "9789025113674")
    page.wait_for_url("**/catalogus/titels/nieuw/*")
    expect(page.get_by_label("Titel:", exact=True)).to_be_focused()  # the ISBN is in already
    page.keyboard.type("Dolfje Weerwolfje")
    page.get_by_role("button", name="Titel toevoegen").click()
    page.wait_for_url("**/catalogus/titels/*/")
    expect(page.get_by_label(BARCODE_FIELD)).to_be_focused()


def test_the_schools_own_series_gives_the_next_copy_its_barcode(
    page: Any, regenboog: dict[str, Any], screenshot: Any
) -> None:
    school, known = regenboog["school"], regenboog["known"]
    f.CopyFactory(title=known, school=school, barcode="R000123")  # a label already on a book: skipped
    login(page)
    page.goto("/client/catalogus/")
    page.get_by_role("navigation", name="Catalogus").get_by_role("link", name="Barcodes").click()
    page.wait_for_url("**/catalogus/barcodes/")
    expect(page.locator(".barcode-now")).to_contain_text("12AB00-00001")
    page.get_by_label("Voorvoegsel").fill("R")
    page.get_by_label("Aantal cijfers").fill("6")
    page.get_by_label("Volgend nummer").fill("123")
    page.get_by_role("button", name="Reeks bewaren").click()
    expect(page.locator(".messages")).to_contain_text("Barcodereeks bewaard")
    expect(page.locator(".barcode-now")).to_contain_text("R000124")
    screenshot(page, "1-eigen-reeks")

    # A copy without a label: Enter on the empty field gives it the series' next barcode.
    page.goto(f"/client/catalogus/titels/{known.pk}/")
    expect(page.get_by_label(BARCODE_FIELD)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#copy-scan-result")).to_contain_text("R000124")
    expect(page.locator("#copies-added")).to_contain_text("R000124")
    screenshot(page, "2-nieuw-exemplaar-in-reeks")
    assert Copy.objects.filter(school=school, barcode="R000124", title=known).exists()
