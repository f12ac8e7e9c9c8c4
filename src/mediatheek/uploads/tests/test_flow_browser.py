"""The whole flow of issue 8 in a real browser, with a real SMTP server: the school uploads on its portal, the
library is mailed, a librarian previews, applies and undoes the import in the client. Screenshots of every step."""

from __future__ import annotations

import socket
import time
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect

from mediatheek.accounts.models import Role
from mediatheek.core import exports
from mediatheek.patrons.models import Patron
from mediatheek.testing import factories as f
from mediatheek.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser

STUDENTS = [
    ["100234", "Sanne", "van den", "Berg", "Groep 5B", 5, "14-03-2017"],
    ["100235", "Daan", "", "Jansen", "Groep 5B", 5, "02-11-2016"],
    ["100241", "Zoë", "de", "Vries", "Groep 3A", 3, "23-01-2019"],
    ["100250", "Mohamed", "", "El Amrani", "Groep 8", 8, "30-06-2014"],
]
HEADER = ["Leerlingnummer", "Roepnaam", "Voorvoegsel", "Achternaam", "Groep", "Jaargroep", "Geboortedatum"]


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        message = message_from_bytes(envelope.content)
        message["X-Rcpt-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Message]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server(settings: Any) -> Any:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


def body_of(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(message.get_content_charset() or "utf-8")


def test_school_uploads_library_is_told_and_imports(
    page: Any, live_server: Any, smtp_server: Inbox, screenshot: Any, settings: Any, tmp_path: Path
) -> None:
    settings.BASE_URL = live_server.url
    school = f.SchoolFactory(
        code="11AA00", name="OBS De Regenboog", slug="regenboog", contact_email="contact-regenboog@bieb.example"
    )
    f.school_user(Role.UPLOADER, school, username="700123")
    f.staff(username="bieb-import", first_name="Iris", last_name="Import", may_import_students=True)

    wrong = tmp_path / "namen.csv"
    wrong.write_text("Naam;Klas\nSanne;5B\n", encoding="utf-8")
    good = tmp_path / "OBS De Regenboog 11AA00.xlsx"
    good.write_bytes(exports.xlsx_bytes({"Leerlingen": (HEADER, STUDENTS)}))

    # --- the school, on its portal, exactly as the manual says -----------------------------------------------
    page.goto("/regenboog/")
    screenshot(page, "01-portal")
    page.get_by_role("link", name="Mijn Bibliotheek").first.click()
    page.get_by_label("Pasnummer").fill("700123")
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    screenshot(page, "02-login")
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("link", name="Upload leerlingbestand").click()
    page.wait_for_url("**/regenboog/mijn/upload/")
    screenshot(page, "03-upload-page")

    # A file that is not a student list is refused at once, with what to fix.
    page.get_by_label("Bestand kiezen").set_input_files(str(wrong))
    page.get_by_role("button", name="Verstuur").click()
    error = page.locator(".field-error")
    error.wait_for()
    assert "Leerlingnummer" in error.inner_text()
    screenshot(page, "04-refused")

    page.get_by_label("Bestand kiezen").set_input_files(str(good))
    page.get_by_role("button", name="Verstuur").click()
    page.get_by_role("heading", name="Upload geslaagd").wait_for()
    assert "OBS De Regenboog 11AA00.xlsx" in page.locator("main").inner_text()
    screenshot(page, "05-upload-geslaagd")

    # --- the library is told, through a real SMTP server -------------------------------------------------------
    messages = smtp_server.wait_for(1)
    assert len(messages) == 1
    mail = messages[0]
    assert mail["X-Rcpt-To"] == "contact-regenboog@bieb.example"
    assert "OBS De Regenboog" in str(mail["Subject"])
    text = body_of(mail)
    assert "OBS De Regenboog 11AA00.xlsx" in text
    assert f"{live_server.url}/client/leerlingbestanden/" in text

    # The school logs out (a portal session opening /client/ loops between the client's login and its views).
    page.get_by_role("button", name="Uitloggen").click()

    # --- the librarian follows the link from the mail ----------------------------------------------------------
    page.goto(f"{live_server.url}/client/leerlingbestanden/")
    page.get_by_label("Gebruikersnaam").fill("bieb-import")
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: urlparse(url).path == "/client/leerlingbestanden/")
    assert "OBS De Regenboog 11AA00.xlsx" in page.locator("table.uploads").inner_text()
    screenshot(page, "06-client-leerlingbestanden")

    page.locator("table.uploads").get_by_role("link", name="Importeren").first.click()
    page.get_by_label("Leerlingnummer").wait_for()
    screenshot(page, "07-wizard-kolommen")
    page.get_by_role("button", name="Volgende: voorbeeld bekijken").click()
    page.get_by_role("heading", name="Samenvatting").wait_for()
    assert "El Amrani" in page.locator("main").inner_text()
    screenshot(page, "08-wizard-voorbeeld")
    page.get_by_role("button", name="Importeren", exact=True).click()
    page.get_by_role("link", name="Ongedaan maken").wait_for()
    screenshot(page, "09-wizard-resultaat")

    page.get_by_role("link", name="Naar de leners", exact=True).click()
    listing = page.locator("table tbody").inner_text()
    for name in ("Berg, Sanne van den", "Jansen, Daan", "Vries, Zoë de", "El Amrani, Mohamed"):
        assert name in listing
    screenshot(page, "10-leners")
    assert Patron.objects.filter(school=school, status=Patron.Status.ACTIVE).count() == 4

    # Undo: the last import of the school can be undone.
    page.go_back()
    page.get_by_role("link", name="Ongedaan maken").click()
    page.get_by_role("button", name="Ja, ongedaan maken").click()
    page.get_by_text("De import is ongedaan gemaakt.").wait_for()
    screenshot(page, "11-ongedaan")
    assert not Patron.objects.filter(school=school, status=Patron.Status.ACTIVE).exists()


def test_guard_asks_for_confirmation_in_the_wizard(page: Any, live_server: Any, screenshot: Any) -> None:
    from mediatheek.uploads.tests.helpers import make_upload

    school = f.SchoolFactory(code="11AA00", name="OBS De Regenboog", slug="regenboog")
    for n in range(20):
        f.PatronFactory(school=school, student_number=f"9{n:03d}")
    make_upload(school, data=exports.xlsx_bytes({"Leerlingen": (HEADER, STUDENTS)}), filename="alleen-groep-5.xlsx")
    f.staff(username="bieb-import", may_import_students=True)

    page.goto("/client/leerlingbestanden/")
    page.get_by_label("Gebruikersnaam").fill("bieb-import")
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.locator("table.uploads").get_by_role("link", name="Importeren").first.click()
    page.get_by_role("button", name="Volgende: voorbeeld bekijken").click()
    apply_button = page.get_by_role("button", name="Importeren", exact=True)
    page.get_by_role("heading", name="Let op: veel leerlingen worden uitgeschreven").wait_for()
    assert apply_button.is_disabled()
    screenshot(page, "01-guard")
    page.get_by_label("Ik heb de lijst gecontroleerd").check()
    assert apply_button.is_enabled()
    apply_button.click()
    page.get_by_role("link", name="Ongedaan maken").wait_for()
    screenshot(page, "02-applied")
    assert Patron.objects.filter(school=school, status=Patron.Status.ACTIVE).count() == 4


# --- issue 14: the leavers' books, the undo that asks first, the partial file, the phone --------------------------


def _client_login(page: Any, path: str) -> None:
    page.goto(path)
    page.get_by_label("Gebruikersnaam").fill("bieb-import")
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def _portal_login(page: Any, slug: str, card: str) -> None:
    page.goto(f"/{slug}/mijn/upload/")
    page.get_by_label("Pasnummer").fill(card)
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"**/{slug}/mijn/upload/")


def _import_in_the_wizard(page: Any) -> None:
    page.locator("table.uploads").get_by_role("link", name="Importeren").first.click()
    page.get_by_role("button", name="Volgende: voorbeeld bekijken").click()
    page.get_by_role("button", name="Importeren", exact=True).click()
    page.get_by_role("heading", name="Leerlingimport voor OBS De Regenboog").wait_for()
    page.wait_for_url("**/client/leerlingimports/*/")


def test_result_page_lists_the_leavers_books_and_prints_them_per_group(
    page: Any, live_server: Any, screenshot: Any
) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    from mediatheek.uploads.tests.helpers import make_upload

    school = f.SchoolFactory(code="11AA00", name="OBS De Regenboog", slug="regenboog")
    group = f.GroupFactory(school=school, name="Groep 8", year_level=8)
    leaver = f.PatronFactory(
        school=school, student_number="100999", first_name="Bram", name_prefix="", last_name="Weg", group=group
    )
    copy = f.CopyFactory(school=school, title__title="Dolfje Weerwolfje", barcode="T0042")
    f.LoanFactory(copy=copy, patron=leaver)
    make_upload(school, data=exports.xlsx_bytes({"Leerlingen": (HEADER, STUDENTS)}), filename="regenboog.xlsx")
    f.staff(username="bieb-import", may_import_students=True)

    _client_login(page, "/client/leerlingbestanden/")
    _import_in_the_wizard(page)
    section = page.locator("section.leaver-books")
    expect(section.get_by_role("heading", name="Nog in te leveren")).to_be_visible()
    row = section.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Weg, Bram")
    expect(row).to_contain_text("Groep 8")
    expect(row).to_contain_text("Dolfje Weerwolfje")
    expect(row).to_contain_text("T0042")
    expect(section.get_by_role("link", name="Mail de school")).to_be_visible()
    screenshot(page, "01-resultaat-nog-in-te-leveren")

    link = section.get_by_role("link", name="Lijst per groep afdrukken (PDF)")
    response = page.request.get(live_server.url + str(link.get_attribute("href")))
    assert response.headers["content-type"] == "application/pdf"
    text = PdfReader(BytesIO(response.body())).pages[0].extract_text()
    assert "Nog in te leveren: Groep 8" in text and "Weg, Bram" in text and "Dolfje Weerwolfje" in text

    section.get_by_role("link", name="Mail de school").click()
    expect(page.get_by_role("button", name="Mail versturen")).to_be_visible()
    screenshot(page, "02-mail-de-school-vraagt-eerst")


def test_undo_asks_first_in_numbers_cancel_changes_nothing_confirm_undoes(
    page: Any, live_server: Any, screenshot: Any
) -> None:
    from mediatheek.studentimport.models import ImportRun
    from mediatheek.uploads.tests.helpers import make_upload

    school = f.SchoolFactory(code="11AA00", name="OBS De Regenboog", slug="regenboog")
    group = f.GroupFactory(school=school, name="Groep 4B", year_level=4)
    f.PatronFactory(school=school, student_number="100234", first_name="Sanne", last_name="Berg", group=group)
    f.PatronFactory(school=school, student_number="100999", first_name="Bram", last_name="Weg", group=group)
    make_upload(school, data=exports.xlsx_bytes({"Leerlingen": (HEADER, STUDENTS)}), filename="regenboog.xlsx")
    f.staff(username="bieb-import", may_import_students=True)

    _client_login(page, "/client/leerlingbestanden/")
    _import_in_the_wizard(page)
    result_url = page.url
    page.get_by_role("link", name="Ongedaan maken").click()
    question = page.locator("[data-undo-question]")
    expect(question).to_contain_text("Dit maakt de import van")
    expect(question).to_contain_text("3 nieuwe leerlingen worden verwijderd")
    expect(question).to_contain_text("1 uitgeschreven leerling weer ingeschreven")
    expect(question).to_contain_text("1 leerling terug naar de vorige groep")
    screenshot(page, "01-vraag")

    page.get_by_role("link", name="Annuleren").click()
    page.wait_for_url(result_url)
    assert ImportRun.objects.get().undone_at is None
    assert Patron.objects.filter(school=school, status=Patron.Status.ACTIVE).count() == 4

    page.get_by_role("link", name="Ongedaan maken").click()
    page.get_by_role("button", name="Ja, ongedaan maken").click()
    expect(page.get_by_text("De import is ongedaan gemaakt.")).to_be_visible()
    screenshot(page, "02-ongedaan")
    assert ImportRun.objects.get().undone_at is not None
    active = Patron.objects.filter(school=school, status=Patron.Status.ACTIVE)
    assert sorted(active.values_list("student_number", flat=True)) == ["100234", "100999"]


def test_a_small_file_at_a_big_school_is_called_partial_on_a_phone(
    page: Any, live_server: Any, screenshot: Any, tmp_path: Path
) -> None:
    from mediatheek.uploads.tests.helpers import make_upload

    school = f.SchoolFactory(code="11AA00", name="OBS De Regenboog", slug="regenboog")
    for n in range(160):
        f.PatronFactory(school=school, student_number=f"9{n:04d}")
    f.school_user(Role.UPLOADER, school, username="700123")
    long_name = "Leerlingenoverzicht_export_ParnasSys_OBS_De_Regenboog_11AA00_2026-09-01_definitief_versie3.xlsx"
    make_upload(school, filename=long_name)
    rows = [[f"1{n:05d}", "Kind", "", f"Achternaam{n}", "Groep 5B", 5, "14-03-2017"] for n in range(60)]
    part = tmp_path / "Groep 5B.xlsx"
    part.write_bytes(exports.xlsx_bytes({"Leerlingen": (HEADER, rows)}))

    page.set_viewport_size({"width": 390, "height": 844})
    _portal_login(page, "regenboog", "700123")
    expect(page.get_by_text(long_name)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "01-upload-390px")

    page.get_by_label("Bestand kiezen").set_input_files(str(part))
    page.get_by_role("button", name="Verstuur").click()
    expect(page.get_by_role("heading", name="Upload geslaagd")).to_be_visible()
    expect(page.locator("[data-student-count]")).to_have_text("60")
    warning = page.locator("[data-partial-warning]")
    expect(warning).to_contain_text("Je stuurde 60 leerlingen; de school heeft er nu 160. Is dit de hele school?")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "02-upload-geslaagd-deel-van-de-school")
