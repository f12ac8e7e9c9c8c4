"""In the browser: a coordinator who forgot the password asks for a link, sets a new password with it, logs in,
and finds the link refused the second time; a teacher gives a pupil a new password on the portal."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from mediatheek.accounts.models import Role
from mediatheek.patrons.models import Patron
from mediatheek.testing import factories as f

pytestmark = pytest.mark.browser
NEW_PASSWORD = "zomer-boeken-2027"  # noqa: S105 - tests only


def test_a_reset_link_works_once(page, transactional_db, screenshot):
    school = f.SchoolFactory(code="11AA00", slug="alfa", name="OBS Alfa")
    f.school_user(Role.SCHOOL_ADMIN, school, username="coordinator", email="coord@alfa.example")

    page.goto("/client/inloggen/")
    page.get_by_role("link", name="Wachtwoord vergeten?").click()
    page.wait_for_url("**/client/wachtwoord-vergeten/")
    page.get_by_label("Gebruikersnaam of e-mailadres").fill("coord@alfa.example")
    screenshot(page, "01-request")
    page.get_by_role("button", name="Stuur een link").click()
    expect(page.get_by_test_id("reset-sent")).to_contain_text(
        "Als dit account een e-mailadres heeft, is er een link gestuurd"
    )
    screenshot(page, "02-sent")

    assert [message.to for message in mail.outbox] == [["coord@alfa.example"]]
    match = re.search(r"http://[^/\s]+(/client/wachtwoord-vergeten/\S+/)", mail.outbox[0].body)
    assert match is not None
    link = match.group(1)
    page.goto(link)
    page.wait_for_url("**/nieuw-wachtwoord/")
    page.get_by_label("Nieuw wachtwoord:", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nieuw wachtwoord (nog een keer)").fill(NEW_PASSWORD)
    screenshot(page, "03-new-password")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_url("**/client/inloggen/")
    expect(page.locator(".message-success")).to_contain_text("Je wachtwoord is gewijzigd")

    page.get_by_label("Gebruikersnaam").fill("coordinator")
    page.get_by_label("Wachtwoord").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/client/")
    expect(page.get_by_role("link", name="Wachtwoord wijzigen")).to_be_visible()
    screenshot(page, "04-logged-in")

    page.goto(link)
    expect(page.get_by_role("heading", name="Deze link werkt niet (meer)")).to_be_visible()
    screenshot(page, "05-second-use-refused")


def test_a_teacher_gives_a_pupil_a_new_password(page, transactional_db, screenshot):
    school = f.SchoolFactory(code="11AA00", slug="alfa", name="OBS Alfa")
    group = f.GroupFactory(school=school, name="Groep 5B")
    teacher = f.PatronFactory(school=school, kind=Patron.Kind.TEACHER, group=group, first_name="Meester")
    pupil = f.PatronFactory(school=school, group=group, first_name="Sanne", name_prefix="", last_name="Berg")
    f.patron_login(teacher)
    f.patron_login(pupil)

    page.goto("/alfa/inloggen/")
    expect(page.get_by_text("Vraag het aan de juf/meester of de mediathecaris.")).to_be_visible()
    screenshot(page, "01-portal-login")
    page.get_by_label("Pasnummer").fill(teacher.card_number)
    page.get_by_label("Wachtwoord").fill(f.TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/alfa/mijn/")
    page.goto("/alfa/mijn/klas/")
    page.get_by_role("link", name="Nieuw wachtwoord voor Sanne Berg").click()
    expect(page.get_by_role("heading", name="Nieuw wachtwoord voor Sanne Berg?")).to_be_visible()
    screenshot(page, "02-confirm")
    page.get_by_role("button", name="Toon nieuw wachtwoord").click()
    password = page.get_by_test_id("new-password")
    expect(password).to_be_visible()
    new_password = password.inner_text()
    screenshot(page, "03-shown-once")

    page.get_by_role("button", name="Uitloggen").click()
    page.goto("/alfa/inloggen/")
    page.get_by_label("Pasnummer").fill(pupil.card_number)
    page.get_by_label("Wachtwoord").fill(new_password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(r".*/alfa/mijn/.*"))
