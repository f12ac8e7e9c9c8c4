"""At the desk as a volunteer, with only a keyboard that behaves like a scanner (the code, then Enter)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mediatheek.accounts.models import Role
from mediatheek.circulation.models import Loan, LoanRule
from mediatheek.testing import factories as f

pytestmark = pytest.mark.browser


@pytest.fixture
def desk_data(transactional_db):
    school = f.SchoolFactory(code="11AA00", name="OBS Alfa", slug="alfa")
    volunteer = f.school_user(Role.VOLUNTEER, school, username="balie-a", first_name="Vera")
    LoanRule.objects.create(school=school, loan_days=14, max_loans=4, max_renewals=1, hold_days=5)
    group = f.GroupFactory(school=school, name="Groep 6B", year_level=6)
    pupil = f.PatronFactory(school=school, group=group, first_name="Sanne", name_prefix="", last_name="de Lezer")
    late = f.PatronFactory(school=school, group=group, first_name="Daan", name_prefix="", last_name="Laatkomer")
    titles = ["Dolfje Weerwolfje", "De Gorgels", "Kikker en zijn vriendjes", "Pluk van de Petteflet"]
    copies = [
        f.CopyFactory(school=school, barcode=f"R00010{index}", title=f.TitleFactory(title=title))
        for index, title in enumerate(titles)
    ]
    # Sanne borrowed a book ten days ago (due in four days): that one she renews today.
    earlier = f.CopyFactory(school=school, barcode="R000300", title=f.TitleFactory(title="Het geheim van de smid"))
    f.LoanFactory(
        copy=earlier,
        patron=pupil,
        checked_out_at=timezone.now() - dt.timedelta(days=10),
        due_date=timezone.localdate() + dt.timedelta(days=4),
    )
    overdue = f.CopyFactory(school=school, barcode="R000200", title=f.TitleFactory(title="Het raadsel van de wolf"))
    f.LoanFactory(copy=overdue, patron=late, due_date=timezone.localdate() - dt.timedelta(days=6))
    return {"volunteer": volunteer, "pupil": pupil, "late": late, "copies": copies, "earlier": earlier}


def scan(page, code):
    """What a scanner does: type the code fast into whatever has the focus, then Enter."""
    page.keyboard.type(code, delay=5)
    page.keyboard.press("Enter")


def focus_in_scan_field(page):
    """The focus is (or lands within a moment) in the scan field."""
    expect(page.locator("#scan-code")).to_be_focused(timeout=5000)  # Playwright's own world: no eval under CSP
    return True


def test_a_busy_desk_with_only_the_scanner(page, desk_data, screenshot):
    pupil, copies = desk_data["pupil"], desk_data["copies"]
    page.goto("/client/")
    page.get_by_label("Gebruikersnaam").fill("balie-a")
    page.get_by_label("Wachtwoord").fill(f.TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Uitlenen", exact=True).click()
    assert focus_in_scan_field(page)
    screenshot(page, "01-uitlenen-start")

    # The card, then three books: each is lent at once, the focus stays in the scan field.
    scan(page, pupil.card_number)
    page.wait_for_url(f"**/balie/lener/{pupil.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Sanne de Lezer"
    assert focus_in_scan_field(page)
    for number, copy in enumerate(copies[:3], start=1):
        scan(page, copy.barcode)
        page.locator(".scan-success").filter(has_text=copy.title.title).wait_for()
        expect(page.locator("#desk-loans tr").filter(has_text=copy.barcode)).to_have_count(1)
        expect(page.locator("#desk-announcer")).to_contain_text(f"Uitgeleend: {copy.title.title}")  # screen readers
        assert focus_in_scan_field(page)
        assert page.locator("#loan-count").inner_text().startswith(f"Te leen: {number + 1} boeken")
    # The fourth book reached the limit: the badge above the scan field says so at once, without a reload.
    expect(page.locator("#desk-attention")).to_contain_text("Sanne de Lezer heeft al 4 boeken te leen; meer mag niet")
    screenshot(page, "02-drie-boeken-uitgeleend")
    assert Loan.objects.filter(patron=pupil, returned_at__isnull=True).count() == 4

    # A fourth is one too many for this pupil.
    scan(page, copies[3].barcode)
    page.locator(".scan-error").filter(has_text="meer mag niet").wait_for()
    assert focus_in_scan_field(page)
    screenshot(page, "03-maximum-bereikt")

    # Renew the earlier book from the patron's screen.
    earlier = desk_data["earlier"]
    page.locator("#desk-loans tr").filter(has_text=earlier.barcode).get_by_role("button", name="Verlengen").click()
    page.locator(".scan-success").filter(has_text="Verlengd").wait_for()
    expect(page.locator("#desk-loans tr").filter(has_text=earlier.barcode).get_by_text("1×")).to_have_count(1)
    assert focus_in_scan_field(page)
    screenshot(page, "04-verlengd")

    # Return one on the Inleveren screen: borrower and "on time" at once.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Inleveren", exact=True).click()
    assert focus_in_scan_field(page)
    scan(page, copies[1].barcode)
    page.locator(".scan-success").filter(has_text="Sanne de Lezer").wait_for()
    assert "Op tijd" in page.locator(".scan-result").inner_text()
    expect(page.locator("#return-log tr").filter(has_text=copies[1].barcode)).to_have_count(1)
    assert focus_in_scan_field(page)
    screenshot(page, "05-ingeleverd")

    # The next pupil has a book that is overdue: the card scanned on the Inleveren screen opens the desk screen.
    scan(page, desk_data["late"].card_number)
    page.wait_for_url(f"**/balie/lener/{desk_data['late'].pk}/")
    assert "1 boek te laat" in page.locator(".desk-attention").inner_text()
    assert page.locator("#desk-loans .badge-error").inner_text() == "te laat"
    assert focus_in_scan_field(page)
    scan(page, copies[3].barcode)
    page.locator(".scan-warning").filter(has_text="Toch uitlenen?").wait_for()
    screenshot(page, "06-te-laat-bevestigen")
    scan(page, copies[3].barcode)  # scanning the same book again confirms
    page.locator(".scan-success").filter(has_text="Pluk van de Petteflet").wait_for()
    screenshot(page, "07-toch-uitgeleend")
    assert Loan.objects.get(copy=copies[3], returned_at__isnull=True).patron == desk_data["late"]


def test_the_coordinator_sets_rules_reserves_and_sees_the_hold(page, desk_data, screenshot):
    school = desk_data["pupil"].school
    f.school_user(Role.SCHOOL_ADMIN, school, username="beheer-a")
    page.goto("/client/")
    page.get_by_label("Gebruikersnaam").fill("beheer-a")
    page.get_by_label("Wachtwoord").fill(f.TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()

    # Loan rules: groep 1-2 may borrow one book.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Uitleenregels").click()
    page.get_by_role("link", name="Regel toevoegen").click()
    page.get_by_label("Vanaf jaargroep").fill("1")
    page.get_by_label("Tot en met jaargroep").fill("2")
    page.get_by_label("Maximum aantal boeken").fill("1")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("cell", name="jaargroep 1–2", exact=True)).to_have_count(1)
    # The summer holiday: no due date after the last school day before it.
    page.get_by_role("link", name="Sluitingsdagen toevoegen").click()
    start = timezone.localdate() + dt.timedelta(days=200)
    page.get_by_label("Omschrijving").fill("Zomervakantie")
    page.get_by_label("Van").fill(start.isoformat())
    page.get_by_label("Tot en met").fill((start + dt.timedelta(days=42)).isoformat())
    page.get_by_label("Zomervakantie").check()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("cell", name="Zomervakantie", exact=True)).to_have_count(1)
    screenshot(page, "01-uitleenregels")

    # Reserve a lent title for Daan; when Sanne brings it back, the desk says to put it aside for Daan.
    sanne, daan, book = desk_data["pupil"], desk_data["late"], desk_data["earlier"]
    page.goto(f"/client/balie/lener/{daan.pk}/")
    page.get_by_role("link", name="Een titel reserveren").click()
    page.get_by_label("Boeknummer, ISBN, titel of auteur").fill("smid")
    page.get_by_label("Boeknummer, ISBN, titel of auteur").press("Enter")
    page.get_by_role("button", name="Reserveren Het geheim van de smid").click()
    page.get_by_text("Gereserveerd: Het geheim van de smid").wait_for()
    screenshot(page, "02-gereserveerd")
    # Sanne cannot renew it now that someone waits for it.
    page.goto(f"/client/balie/lener/{sanne.pk}/")
    assert focus_in_scan_field(page)
    page.locator("#desk-loans tr").filter(has_text=book.barcode).get_by_role("button", name="Verlengen").click()
    page.locator(".scan-error").filter(has_text="gereserveerd").wait_for()
    screenshot(page, "03-niet-verlengen-gereserveerd")
    # Returned from the card field of Uitlenen (a book, not a card): put aside for Daan.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Uitlenen", exact=True).click()
    assert focus_in_scan_field(page)
    scan(page, book.barcode)
    page.locator(".scan-hold").filter(has_text="Apart leggen voor Daan Laatkomer").wait_for()
    assert "geen pas" in page.locator(".scan-result").inner_text()
    screenshot(page, "04-apart-leggen")
    page.goto(f"/client/balie/lener/{daan.pk}/")
    assert "ligt klaar" in page.locator(".desk-reservations").inner_text()
    screenshot(page, "05-ligt-klaar")
