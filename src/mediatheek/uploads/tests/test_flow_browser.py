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
    page.get_by_role("button", name="Ongedaan maken").wait_for()
    screenshot(page, "09-wizard-resultaat")

    page.get_by_role("link", name="Naar de leners", exact=True).click()
    listing = page.locator("table tbody").inner_text()
    for name in ("Berg, Sanne van den", "Jansen, Daan", "Vries, Zoë de", "El Amrani, Mohamed"):
        assert name in listing
    screenshot(page, "10-leners")
    assert Patron.objects.filter(school=school, status=Patron.Status.ACTIVE).count() == 4

    # Undo: the last import of the school can be undone.
    page.go_back()
    page.get_by_role("button", name="Ongedaan maken").click()
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
    page.get_by_role("button", name="Ongedaan maken").wait_for()
    screenshot(page, "02-applied")
    assert Patron.objects.filter(school=school, status=Patron.Status.ACTIVE).count() == 4
