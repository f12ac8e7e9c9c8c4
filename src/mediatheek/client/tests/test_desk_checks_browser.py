"""Issue #14 at the desk, in Chromium, with a keyboard that behaves like a scanner: a second copy of a title asks
first and the same scan again confirms; a book that was not lent is not "ingeleverd"; one book is "1 boek"; a closed
day added later offers to move the due dates on it."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mediatheek.accounts.models import Role
from mediatheek.circulation.models import Loan, LoanRule
from mediatheek.testing import factories as f

pytestmark = pytest.mark.browser


def scan(page, code):
    page.keyboard.type(code, delay=5)
    page.keyboard.press("Enter")


def log_in(page, username):
    page.goto("/client/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(f.TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_be_visible()


@pytest.fixture
def school(transactional_db):
    school = f.SchoolFactory(code="11AA00", name="OBS Alfa", slug="alfa")
    LoanRule.objects.create(school=school, loan_days=14, max_loans=4, max_renewals=1)
    return school


def test_a_second_copy_asks_and_scanning_it_again_lends_it(page, school, screenshot):
    f.school_user(Role.VOLUNTEER, school, username="balie-a")
    pupil = f.PatronFactory(school=school, first_name="Sanne", name_prefix="", last_name="de Lezer")
    title = f.TitleFactory(title="Dummie de mummie")
    first = f.CopyFactory(school=school, barcode="R000101", title=title)
    second = f.CopyFactory(school=school, barcode="R000102", title=title)
    log_in(page, "balie-a")
    page.goto(f"/client/balie/lener/{pupil.pk}/")
    expect(page.locator("#scan-code")).to_be_focused()
    expect(page.get_by_role("button", name="Alles verlengen")).to_have_count(0)  # nothing on loan yet
    scan(page, first.barcode)
    expect(page.locator(".scan-success")).to_contain_text("Uitgeleend: Dummie de mummie")
    expect(page.locator("#loan-count")).to_have_text("Te leen: 1 boek (maximaal 4)")
    expect(page.get_by_role("button", name="Alles verlengen")).to_be_visible()  # came along with the first loan
    scan(page, second.barcode)
    warning = page.locator(".scan-warning")
    expect(warning).to_contain_text("Sanne de Lezer heeft al een exemplaar van deze titel te leen.")
    expect(warning).to_contain_text("of scan het boek nog een keer")
    screenshot(page, "second-copy-asks")
    assert not Loan.objects.filter(copy=second).exists()
    expect(page.locator("#scan-code")).to_be_focused()
    scan(page, second.barcode)  # the same copy again: yes
    expect(page.locator(".scan-success")).to_contain_text("Uitgeleend: Dummie de mummie")
    expect(page.locator("#loan-count")).to_have_text("Te leen: 2 boeken (maximaal 4)")
    assert Loan.objects.open().filter(patron=pupil).count() == 2
    screenshot(page, "second-copy-lent")


def test_a_book_that_was_not_lent_is_not_called_returned(page, school, screenshot):
    f.school_user(Role.VOLUNTEER, school, username="balie-a")
    lent = f.CopyFactory(school=school, barcode="R000201", title=f.TitleFactory(title="De Gorgels"))
    f.LoanFactory(copy=lent, patron=f.PatronFactory(school=school))
    log_in(page, "balie-a")
    page.goto("/client/balie/inleveren/")
    expect(page.locator("#scan-code")).to_be_focused()
    scan(page, lent.barcode)
    expect(page.locator(".scan-success")).to_contain_text("Ingeleverd: De Gorgels")
    scan(page, lent.barcode)  # the same book again: it is back already
    feedback = page.locator(".scan-result")
    expect(feedback).to_contain_text("Dit boek was niet uitgeleend.")
    expect(feedback).not_to_contain_text("Ingeleverd")
    expect(page.locator(".scan-success")).to_have_count(0)
    expect(page.locator(".scan-info")).to_be_visible()
    expect(page.locator("#return-log tr:not(.empty-row)")).to_have_count(1)  # the book came back once
    screenshot(page, "not-lent")


def _weekday_ahead(days):
    day = timezone.localdate() + dt.timedelta(days=days)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def test_a_closed_day_added_later_moves_the_due_dates_on_it(page, school, screenshot):
    f.school_user(Role.SCHOOL_ADMIN, school, username="beheer-a")
    due = _weekday_ahead(10)
    loans = [f.LoanFactory(copy=f.CopyFactory(school=school), due_date=due) for _ in range(3)]
    log_in(page, "beheer-a")
    page.goto("/client/balie/regels/")
    expect(page.get_by_test_id("rules-legend")).to_contain_text("niet ingevuld")
    page.get_by_role("link", name="Sluitingsdagen toevoegen").click()
    page.get_by_label("Omschrijving").fill("Studiedag")
    page.get_by_label("Van").fill(due.isoformat())
    page.get_by_label("Tot en met").fill(due.isoformat())
    page.get_by_role("button", name="Opslaan").click()
    offer = page.get_by_test_id("due-on-closed-day")
    expect(offer).to_have_text(
        "3 boeken moeten op een sluitingsdag terug. Verplaats hun inleverdatum naar de eerstvolgende open dag?"
    )
    screenshot(page, "offer")
    page.get_by_role("button", name="Inleverdata verplaatsen").click()
    expect(page.get_by_text("3 inleverdata verplaatst.")).to_be_visible()
    screenshot(page, "moved")
    next_open = due + dt.timedelta(days=1)
    while next_open.weekday() >= 5:
        next_open += dt.timedelta(days=1)
    assert {Loan.objects.get(pk=loan.pk).due_date for loan in loans} == {next_open}
