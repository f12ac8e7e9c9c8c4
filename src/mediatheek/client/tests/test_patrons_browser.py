"""In a real browser: the coordinator adds a pupil by hand and prints cards for the group and for a selection."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from mediatheek.accounts.models import Role, User
from mediatheek.conftest import ARTIFACTS
from mediatheek.patrons.models import Patron
from mediatheek.testing import factories as f
from mediatheek.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def regenboog(transactional_db: Any) -> dict[str, Any]:
    school = f.SchoolFactory(code="12AB00", name="OBS De Regenboog", slug="regenboog")
    group = f.GroupFactory(school=school, name="Groep 5B", year_level=5)
    for first, prefix, last in [("Sanne", "van den", "Berg"), ("Daan", "", "Jansen"), ("Zoë", "", "Öztürk")]:
        f.PatronFactory(school=school, group=group, first_name=first, name_prefix=prefix, last_name=last)
    f.school_user(Role.SCHOOL_ADMIN, school, username="regenboog-beheer")
    return {"school": school, "group": group}


def save_and_render(content: bytes, folder_name: str, name: str) -> None:
    """Keep the PDF with the screenshots and, where poppler is installed, page 1 as PNG to look at the layout."""
    folder = ARTIFACTS / folder_name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.pdf").write_bytes(content)
    if shutil.which("pdftoppm"):
        command = ["pdftoppm", "-r", "100", "-png", "-singlefile", "-f", "1", "-l", "1", f"{name}.pdf", name]
        subprocess.run(command, cwd=folder, check=True)


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_add_a_pupil_and_print_cards(page, regenboog, screenshot, request):
    page.goto("/client/")
    page.get_by_label("Gebruikersnaam").fill("regenboog-beheer")
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/client/")

    nav = page.get_by_role("navigation", name="Hoofdmenu")
    nav.get_by_role("link", name="Groepen", exact=True).click()
    screenshot(page, "1-groepen")
    page.get_by_role("link", name="Groep 5B", exact=True).click()
    expect(page.locator("table.patrons tbody tr")).to_have_count(3)

    # A pupil who is not in the import yet, by hand, in this group.
    page.get_by_role("link", name="Lener toevoegen").click()
    assert page.get_by_label("Groep:", exact=True).input_value() == str(regenboog["group"].pk)
    page.get_by_label("Roepnaam").fill("Noor")
    page.get_by_label("Achternaam").fill("Visser")
    page.get_by_label("Geboortedatum").fill("2017-04-12")
    screenshot(page, "2-lener-toevoegen")
    page.get_by_role("button", name="Inschrijven").click()
    page.wait_for_url("**/client/leners/*/")
    noor = Patron.objects.get(last_name="Visser")
    assert noor.group == regenboog["group"] and noor.school == regenboog["school"]
    assert noor.card_number in page.locator(".message-success").inner_text()
    screenshot(page, "3-lener-ingeschreven")

    # Cards for the whole group, from the group's list.
    page.get_by_role("link", name="Groep 5B").first.click()
    expect(page.locator("table.patrons tbody tr")).to_have_count(4)
    screenshot(page, "4-groep")
    href = page.get_by_role("link", name="Passen van deze groep (PDF)").get_attribute("href")
    response = page.request.get(href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    for patron in Patron.objects.filter(group=regenboog["group"]):
        assert patron.card_number in text
    assert "Noor Visser" in text and "OBS De Regenboog" in text
    save_and_render(response.body(), request.node.name, "5-passen-groep")

    # Cards for a selection: tick two pupils and print.
    page.get_by_label("Noor Visser kiezen").check()
    page.get_by_label("Daan Jansen kiezen").check()
    page.get_by_role("button", name="Passen van de gekozen leners (PDF)").click()
    page.wait_for_url("**/passen.pdf?patron=*")
    # Chromium shows the PDF in its viewer; fetch the same address with the same session to read it.
    selection = page.request.get(page.url)
    assert selection.ok and selection.headers["content-type"] == "application/pdf"
    text = pdf_text(selection.body())
    assert noor.card_number in text and "Daan Jansen" in text and "Sanne" not in text
    save_and_render(selection.body(), request.node.name, "6-passen-selectie")


def login(page: Any, username: str) -> None:
    page.goto("/client/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/client/")


def test_login_letters_overdue_list_and_the_volunteers_view(page, regenboog, screenshot, request, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    school, group = regenboog["school"], regenboog["group"]
    sanne = Patron.objects.get(first_name="Sanne")
    sanne.email = "ouders.berg@example.nl"
    sanne.save()
    copy = f.CopyFactory(school=school, title__title="Dolfje Weerwolfje")
    f.LoanFactory(copy=copy, patron=sanne, due_date=timezone.localdate() - dt.timedelta(days=9))
    f.school_user(Role.VOLUNTEER, school, username="regenboog-balie")

    login(page, "regenboog-beheer")
    page.goto(f"/client/leners/inlogbrieven/?group={group.pk}")
    screenshot(page, "1-inlogbrieven-bevestigen")
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    letters = page.request.post(
        page.url, form={"csrfmiddlewaretoken": token, "group": str(group.pk)}, headers={"Referer": page.url}
    )
    assert letters.ok and letters.headers["content-type"] == "application/pdf"
    text = pdf_text(letters.body())
    assert User.objects.filter(patron__group=group, role=Role.PATRON).count() == 3
    assert "Wachtwoord" in text and "/regenboog/" in text and sanne.card_number in text
    save_and_render(letters.body(), request.node.name, "2-inlogbrief")

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Te laat", exact=True).click()
    expect(page.locator("main")).to_contain_text("Dolfje Weerwolfje")
    page.get_by_role("button", name="Herinnering mailen").click()
    page.wait_for_load_state()
    assert "1 herinnering verstuurd" in page.locator(".messages, main").first.inner_text()
    assert [m.to for m in mail.outbox] == [["ouders.berg@example.nl"]]
    screenshot(page, "3-te-laat")
    overdue = page.request.get(page.get_by_role("link", name="Lijst voor de leerkracht (PDF)").get_attribute("href"))
    assert "Dolfje Weerwolfje" in pdf_text(overdue.body())
    save_and_render(overdue.body(), request.node.name, "4-te-laat-lijst")

    # The volunteer at the desk: names and groups, no printouts, no edits, no birth dates.
    page.get_by_role("button", name="Uitloggen").click()
    login(page, "regenboog-balie")
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    expect(nav.get_by_role("link", name="Te laat", exact=True)).to_have_count(0)
    nav.get_by_role("link", name="Groepen", exact=True).click()
    page.wait_for_url("**/client/groepen/")  # a count of 0 proves nothing on the page being left
    expect(page.get_by_role("link", name="Inlogbrieven")).to_have_count(0)
    page.get_by_role("link", name="Groep 5B", exact=True).click()
    page.wait_for_url(lambda url: "/client/leners/?groep=" in url)
    expect(page.get_by_role("link", name="Lener toevoegen")).to_have_count(0)
    expect(page.locator("input[type=checkbox]")).to_have_count(0)
    page.get_by_role("link", name="Berg, Sanne van den").click()
    body = page.locator("main").inner_text()
    assert "Dolfje Weerwolfje" in body and "Geboortedatum" not in body and "Wijzigen" not in body
    screenshot(page, "5-vrijwilliger-lener")
