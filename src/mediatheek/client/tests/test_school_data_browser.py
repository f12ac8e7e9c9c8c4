"""In the browser: the library deletes a school that still has books out (told how many, asked for an export), and
a school's coordinator reads their own school's audit log in words."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from mediatheek.accounts.models import Role
from mediatheek.core import audit
from mediatheek.schools.models import School
from mediatheek.testing import factories as f
from mediatheek.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


def _log_in(page, login):
    page.goto("/client/")
    page.get_by_label("Gebruikersnaam").fill(login)
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/client/")


def test_deleting_a_school_with_books_out_and_a_coordinator_reading_the_log(page, transactional_db, screenshot):
    alfa = f.SchoolFactory(code="11AA00", slug="alfa", name="OBS Alfa")
    beta = f.SchoolFactory(code="22BB00", slug="beta", name="CBS Beta")
    for n in range(3):
        f.LoanFactory(copy=f.CopyFactory(school=alfa), patron=f.PatronFactory(school=alfa, last_name=f"Alfa{n}"))
    f.staff(username="bieb", first_name="Bea", last_name="Bieb", may_import_students=False)
    f.school_user(Role.SCHOOL_ADMIN, beta, username="coordinator", first_name="Carla", last_name="Coster")
    jan = f.school_user(Role.VOLUNTEER, beta, username="jan", first_name="Jan", last_name="de Vries")
    group = f.GroupFactory(school=beta, name="Groep 5B")
    sanne = f.PatronFactory(school=beta, group=group, first_name="Sanne", name_prefix="de", last_name="Vries")
    audit.record("update", actor=jan, school=beta, obj=sanne, summary="lener gewijzigd")
    audit.record("update", actor=jan, school=alfa, summary="iets bij Alfa")

    _log_in(page, "bieb")
    page.goto(f"/client/scholen/{alfa.pk}/gegevens/")
    expect(page.get_by_test_id("loans-out")).to_contain_text("Er zijn nog 3 boeken uitgeleend (aan 3 leners)")
    expect(page.get_by_test_id("no-recent-export")).to_contain_text("geen volledige export")
    expect(page.get_by_test_id("what-remains")).to_contain_text("tot 30 dagen na de inlog")
    screenshot(page, "01-delete-warnings")

    page.get_by_label("Typ de schoolcode om te bevestigen").fill("11AA00")
    page.get_by_role("button", name="Definitief verwijderen").click()
    expect(page.get_by_role("alert").first).to_contain_text("geen export van de school gemaakt")
    assert School.objects.filter(pk=alfa.pk).exists()
    screenshot(page, "02-export-asked")

    page.get_by_label("Typ de schoolcode om te bevestigen").fill("11AA00")
    page.get_by_label(re.compile("Ik verwijder zonder recente export")).check()
    page.get_by_role("button", name="Definitief verwijderen").click()
    page.wait_for_url("**/client/scholen/")
    expect(page.locator(".message-success")).to_contain_text("zijn verwijderd en gecontroleerd")
    assert not School.objects.filter(pk=alfa.pk).exists()
    screenshot(page, "03-deleted")

    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/client/inloggen/**")
    _log_in(page, "coordinator")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Auditlog").click()
    page.wait_for_url("**/client/auditlog/")
    table = page.get_by_role("table")
    expect(table).to_contain_text("leerling Sanne de Vries (Groep 5B)")
    expect(table).to_contain_text("vrijwilliger Jan de Vries")
    expect(table).not_to_contain_text("iets bij Alfa")
    expect(table).not_to_contain_text("verwijderd en gecontroleerd")
    screenshot(page, "04-coordinator-log")

    page.get_by_label("Actie").select_option(label="ingelogd")
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_url("**/client/auditlog/?*")
    expect(page.get_by_text(re.compile(r"^1 gebeurtenis$"))).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("Carla Coster")
    expect(table).to_contain_text("127.0.0.1")
    screenshot(page, "05-coordinator-logins")
