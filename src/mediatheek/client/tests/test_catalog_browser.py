"""In a real browser, as a new coordinator would: enter a box of books by scanning, print their labels, run a
stocktake, and import a supplier's MARC file."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from mediatheek.accounts.models import Role
from mediatheek.catalog.models import Copy, Title
from mediatheek.testing import factories as f
from mediatheek.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser
FIXTURES = Path(__file__).resolve().parents[2] / "catalog" / "tests" / "fixtures"
KNOWN_ISBN = "9789045117263"


@pytest.fixture
def regenboog(transactional_db: Any, settings: Any, tmp_path: Path) -> dict[str, Any]:
    settings.CATALOG_IMPORT_DIR = tmp_path / "imports"
    school = f.SchoolFactory(code="12AB00", name="OBS De Regenboog", slug="regenboog")
    other = f.SchoolFactory(code="34CD01", name="Het Baken", slug="baken")
    known = f.TitleFactory(title="Het zakmes", authors="Guus Kuijer", author_sort="Kuijer, Guus", isbn=KNOWN_ISBN)
    f.CopyFactory(title=known, school=other, barcode="B000001")
    old = f.TitleFactory(title="Oud boek op de plank", author_sort="Loon, Paul van", age_code="B", avi_level="")
    f.CopyFactory(title=old, school=school, barcode="R000900", shelf="B")
    f.CopyFactory(title=old, school=school, barcode="R000901", shelf="B")
    Copy.objects.filter(title=old).update(created_at=timezone.now() - dt.timedelta(days=400))
    f.school_user(Role.SCHOOL_ADMIN, school, username="regenboog-beheer")
    return {"school": school, "known": known}


def login(page: Any) -> None:
    page.goto("/client/")
    page.get_by_label("Gebruikersnaam").fill("regenboog-beheer")
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/client/")


def scan(page: Any, label: str, code: str) -> None:
    """A barcode scanner types the code and Enter."""
    field = page.get_by_label(label)
    field.fill(code)
    field.press("Enter")
    page.wait_for_load_state()


def test_box_of_books_labels_stocktake_and_import(page: Any, regenboog: dict[str, Any], screenshot: Any) -> None:
    school = regenboog["school"]
    login(page)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Catalogus").click()
    page.get_by_role("link", name="Boeken invoeren").click()
    screenshot(page, "1-invoeren")

    # A book another school already has: its title is filled in, only the copies remain.
    scan(page, "Scan of typ het ISBN", "90-451-1726-6")
    page.wait_for_url("**/catalogus/titels/*/")
    assert "Het zakmes staat al in de catalogus" in page.locator(".messages").inner_text()
    page.get_by_label("Plaats").fill("B")
    scan(page, "Scan de barcode van het exemplaar", "R000101")
    scan(page, "Scan de barcode van het exemplaar", "R000102")
    expect(page.locator("#copy-scan-result")).to_contain_text("Toegevoegd: Het zakmes R000102")
    scan(page, "Scan de barcode van het exemplaar", "R000102")
    expect(page.locator("#copy-scan-result")).to_contain_text("al in gebruik")
    screenshot(page, "2-exemplaren-gescand")
    assert Copy.objects.for_school(school).filter(title=regenboog["known"]).count() == 2

    # A new book: the form, with the scanned ISBN already in it.
    page.get_by_role("link", name="Boeken invoeren").click()
    scan(page, "Scan of typ het ISBN", "9789025113674")
    page.wait_for_url("**/catalogus/titels/nieuw/*")
    assert page.get_by_label("ISBN").input_value() == "9789025113674"
    page.get_by_label("Titel:", exact=True).fill("Dolfje Weerwolfje")
    page.get_by_label("Auteurs").fill("Paul van Loon")
    page.get_by_label("AVI-niveau").select_option("M5")
    page.get_by_label("Leeftijdscode").select_option("A")
    screenshot(page, "3-nieuwe-titel")
    page.get_by_role("button", name="Titel toevoegen").click()
    page.wait_for_url("**/catalogus/titels/*/")
    page.get_by_label("Plaats").fill("A")
    scan(page, "Scan de barcode van het exemplaar", "R000103")
    expect(page.locator("#copies-added")).to_contain_text("R000103")
    assert Title.objects.get(isbn="9789025113674").author_sort == "Loon, Paul van"

    # Labels for everything added today.
    page.get_by_role("link", name="Etiketten", exact=True).click()
    page.get_by_label("Of: alles toegevoegd vanaf").fill(timezone.localdate().isoformat())
    page.get_by_label("Soort etiket").select_option("both")
    screenshot(page, "4-etiketten")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="PDF maken").click()
    pdf = Path(download_info.value.path()).read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    for barcode in ("R000101", "R000102", "R000103"):
        assert barcode in text
    assert "M5" in text and "LOO" in text and "R000900" not in text

    # A stocktake of shelf B: one old copy is on the shelf, the other is missing.
    page.get_by_role("link", name="Inventarisatie", exact=True).click()
    page.get_by_label("Plaats (kast)").fill("B")
    page.get_by_role("button", name="Inventarisatie beginnen").click()
    page.wait_for_url("**/inventarisatie/*/")
    for code in ("R000900", "R000101", "R000102", "R000103"):
        scan(page, "Scan een exemplaar", code)
    assert "hoort op plaats A" in page.locator(".messages").inner_text()
    screenshot(page, "5-inventarisatie")
    assert "R000901" in page.locator("main table").first.inner_text()
    page.get_by_role("button", name="ontbrekend exemplaar als vermist melden").click()
    assert Copy.objects.get(barcode="R000901").status == Copy.Status.LOST
    screenshot(page, "6-vermist")

    # The supplier's MARC file: preview, then import, with a copy per record.
    page.get_by_role("link", name="Importeren").click()
    page.get_by_label("Bestand").set_input_files(str(FIXTURES / "test.dat"))
    page.get_by_label("Per record één exemplaar toevoegen aan deze school").check()
    page.get_by_role("button", name="Bekijken").click()
    page.wait_for_url("**/import/voorbeeld/")
    assert "Programming Perl" in page.locator("main").inner_text()
    screenshot(page, "7-import-voorbeeld")
    page.get_by_role("button", name="Importeren").click()
    page.wait_for_url("**/catalogus/*")
    assert "Import klaar: 10 nieuwe titels" in page.locator(".messages").inner_text()
    screenshot(page, "8-import-klaar")
    assert Copy.objects.for_school(school).count() == 2 + 3 + 10

    # And the imported titles are found at once, accent-insensitive and while typing.
    page.get_by_label("Zoek op titel, auteur, ISBN, reeks of onderwerp, of scan een barcode").fill("perl progr")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.locator("table.catalog-results")).to_contain_text("Programming Perl")
    screenshot(page, "9-zoeken")
