"""The frames as a new user meets them: each demo role logs in where it belongs and sees its own screens."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from mediatheek.operations.management.commands.seed_demo import DEMO_PASSWORD
from mediatheek.patrons.models import Patron

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo")


def client_login(page, login):
    page.goto("/client/")
    page.get_by_label("Gebruikersnaam").fill(login)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


@pytest.mark.parametrize(
    ("login", "sees", "does_not_see"),
    [
        ("bibliotheek", ["Scholen", "Accounts", "Leners"], []),
        ("regenboog-beheer", ["Accounts", "Leners"], ["Scholen"]),
        ("regenboog-balie", ["Leners"], ["Accounts", "Scholen"]),
    ],
)
def test_client_roles(page, demo, screenshot, login, sees, does_not_see):
    client_login(page, login)
    page.wait_for_url("**/client/")
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    for item in sees:
        expect(nav.get_by_role("link", name=item, exact=True)).to_have_count(1)
    for item in does_not_see:
        expect(nav.get_by_role("link", name=item, exact=True)).to_have_count(0)
    screenshot(page, f"{login}-home")
    nav.get_by_role("link", name="Leners", exact=True).click()
    page.wait_for_url("**/client/leners/")
    page.locator("table tbody tr").nth(10).wait_for()
    screenshot(page, f"{login}-leners")


def test_staff_switches_school_and_adds_an_uploader(page, demo, screenshot):
    client_login(page, "bibliotheek")
    page.get_by_label("School").select_option(label="Het Baken College (34CD01)")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Het Baken College"
    page.get_by_role("link", name="Accounts", exact=True).click()
    page.get_by_role("link", name="Account toevoegen").click()
    page.get_by_label("Rol").select_option("uploader")
    page.get_by_label("Gebruikersnaam of pasnummer").fill("900099")
    page.locator("#id_school").select_option(label="Het Baken College (34CD01)")
    page.get_by_role("button", name="Aanmaken").click()
    password = page.get_by_test_id("initial-password").inner_text()
    screenshot(page, "initial-password")
    assert len(password) == 14
    # The uploader's first login on the portal asks for a new password.
    page.goto("/baken/")
    page.get_by_role("link", name="Mijn Bibliotheek").click()
    page.get_by_label("Pasnummer").fill("900099")
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", name="Kies een nieuw wachtwoord")).to_be_visible()
    screenshot(page, "portal-first-login")


def test_portal_login_as_pupil_on_a_phone(browser, live_server, demo, screenshot):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740}, locale="nl-NL")
    page = context.new_page()
    pupil = Patron.objects.filter(account__isnull=False, kind="student").get()
    page.goto("/")
    screenshot(page, "school-list")
    page.get_by_role("link", name="OBS De Regenboog").click()
    mine = page.get_by_role("link", name="Mijn Bibliotheek")
    box = mine.bounding_box()
    assert box is not None and box["x"] < 40 and box["y"] < 40  # top left, as the manual says
    mine.click()
    page.get_by_label("Pasnummer").fill(pupil.card_number)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_text(f"Hallo {pupil.first_name}!")).to_be_visible()
    screenshot(page, "pupil-mijn-bibliotheek")
    context.close()
