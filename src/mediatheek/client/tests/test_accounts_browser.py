"""Accounts and sessions as the library meets them in a browser: switching a volunteer off and on, a new password
asked first and shown with whose it is, and the idle warning on a shared PC."""

import re

import pytest
from playwright.sync_api import expect

from mediatheek.accounts.models import Role, User
from mediatheek.testing import factories as f

pytestmark = pytest.mark.browser


@pytest.fixture
def people(transactional_db):
    school = f.SchoolFactory(code="11AA00", name="OBS De Regenboog", slug="regenboog")
    return {
        "school": school,
        "admin": f.school_user(Role.SCHOOL_ADMIN, school, username="regenboog-beheer", first_name="Mira"),
        "volunteer": f.school_user(Role.VOLUNTEER, school, username="balie-els", first_name="Els", last_name="de Boer"),
    }


def login(page, username, *, expect_home=True):
    page.goto("/client/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(f.TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    if expect_home:
        page.wait_for_url("**/client/")


def test_a_switched_off_volunteer_cannot_log_in_and_can_again_when_switched_on(
    page, browser, live_server, people, screenshot
):
    login(page, "regenboog-beheer")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Accounts", exact=True).click()
    page.wait_for_url("**/client/accounts/")
    expect(page.get_by_role("columnheader", name="Laatst ingelogd")).to_be_visible()
    page.get_by_role("link", name="Wijzigen balie-els").click()
    page.wait_for_url("**/accounts/*/")
    screenshot(page, "account-wijzigen")
    page.get_by_role("link", name="Uitzetten").click()
    expect(page.get_by_role("heading", name="Els de Boer uitzetten?")).to_be_visible()
    screenshot(page, "uitzetten-vraag")
    page.get_by_role("button", name="Uitzetten").click()
    expect(page.get_by_text("balie-els staat uit en kan niet meer inloggen.")).to_be_visible()
    expect(page.get_by_role("row", name="balie-els").get_by_text("uitgezet")).to_be_visible()
    screenshot(page, "uitgezet-in-de-lijst")

    desk = browser.new_context(base_url=live_server.url, locale="nl-NL").new_page()
    login(desk, "balie-els", expect_home=False)
    expect(desk.get_by_text("Gebruikersnaam of wachtwoord klopt niet.")).to_be_visible()
    screenshot(desk, "uitgezet-kan-niet-inloggen")

    page.get_by_role("link", name="Wijzigen balie-els").click()
    page.get_by_role("button", name="Weer aanzetten").click()
    expect(page.get_by_text("balie-els staat weer aan en kan weer inloggen.")).to_be_visible()
    login(desk, "balie-els")
    expect(desk.get_by_role("button", name="Uitloggen")).to_be_visible()
    desk.context.close()


def test_new_password_asks_first_then_shows_it_with_whose_it_is_and_where(page, people, screenshot):
    login(page, "regenboog-beheer")
    page.goto("/client/accounts/")
    page.get_by_role("link", name="Nieuw wachtwoord voor balie-els").click()
    expect(page.get_by_role("heading", name="Nieuw wachtwoord voor Els de Boer?")).to_be_visible()
    screenshot(page, "nieuw-wachtwoord-vraag")
    volunteer = User.objects.get(username="balie-els")
    assert volunteer.check_password(f.TEST_PASSWORD)  # asking changed nothing
    page.get_by_role("button", name="Nieuw wachtwoord maken").click()
    shown = page.get_by_test_id("shown-password")
    expect(shown).to_be_visible()
    expect(page.get_by_test_id("password-for")).to_contain_text("Els de Boer")
    expect(page.get_by_test_id("password-for")).to_contain_text("OBS De Regenboog")
    expect(page.get_by_test_id("login-address")).to_have_text("http://127.0.0.1:8000/client/")
    screenshot(page, "nieuw-wachtwoord-getoond")
    volunteer.refresh_from_db()
    assert volunteer.check_password(page.get_by_test_id("initial-password").inner_text())
    page.reload()
    expect(page.get_by_test_id("shown-password")).to_have_count(0)


def test_the_idle_warning_counts_down_and_blijf_ingelogd_keeps_the_session(page, people, settings, screenshot):
    settings.SESSION_IDLE_TIMEOUT = 8  # the warning comes 4 seconds before the log-out
    login(page, "regenboog-beheer")
    dialog = page.get_by_role("alertdialog", name="Ben je er nog?")
    expect(dialog).to_be_visible(timeout=10000)
    expect(dialog).to_contain_text("Je wordt over")
    stay = dialog.get_by_role("button", name="Blijf ingelogd")
    expect(stay).to_be_focused()
    screenshot(page, "idle-waarschuwing")
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    page.wait_for_timeout(5000)  # past the first deadline: the session was refreshed
    page.reload()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    # Left alone, the page logs out when the count reaches zero, and says why.
    expect(dialog).to_be_visible(timeout=10000)
    page.wait_for_url("**/client/inloggen/**", timeout=10000)
    expect(page.get_by_text("Je was een tijd niet actief; log opnieuw in.")).to_be_visible()
    screenshot(page, "idle-uitgelogd")


def test_escape_in_the_idle_warning_also_keeps_the_session(page, people, settings):
    settings.SESSION_IDLE_TIMEOUT = 8
    login(page, "regenboog-beheer")
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible(timeout=10000)
    expect(dialog.get_by_role("button", name="Blijf ingelogd")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(r"/client/$"))
    expect(dialog).to_be_hidden()
    page.wait_for_timeout(5000)
    page.reload()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
