"""A volunteer's morning with the scanner alone: the pick list, the hold shelf, the desk."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from mediatheek.accounts.models import Role
from mediatheek.circulation import services
from mediatheek.circulation.models import Loan, LoanRule, Reservation
from mediatheek.testing import factories as f

pytestmark = pytest.mark.browser


@pytest.fixture
def morning(transactional_db):
    school = f.SchoolFactory(code="11AA00", name="OBS Alfa", slug="alfa")
    f.school_user(Role.VOLUNTEER, school, username="balie-a", first_name="Vera")
    LoanRule.objects.create(school=school, loan_days=14, max_loans=4, hold_days=5)
    group = f.GroupFactory(school=school, name="Groep 5B", year_level=5)
    sanne = f.PatronFactory(
        school=school, group=group, first_name="Sanne", name_prefix="de", last_name="Vries", email="sanne@example.nl"
    )
    daan = f.PatronFactory(school=school, group=group, first_name="Daan", name_prefix="", last_name="Bakker")
    dolfje = f.CopyFactory(
        school=school,
        barcode="R000101",
        shelf="A-3",
        title=f.TitleFactory(title="Dolfje Weerwolfje", authors="Paul van Loon"),
    )
    gorgels = f.CopyFactory(
        school=school, barcode="R000102", shelf="B-1", title=f.TitleFactory(title="De Gorgels", authors="Jochem Myjer")
    )
    reservation = f.ReservationFactory(school=school, title=dolfje.title, patron=sanne)
    f.ReservationFactory(school=school, title=gorgels.title, patron=daan)
    return {"sanne": sanne, "dolfje": dolfje, "reservation": reservation}


@pytest.fixture
def admin_a_alfa(morning):
    return f.school_user(Role.SCHOOL_ADMIN, morning["dolfje"].school, username="coordinator-a")


def scan(page, code):
    """What a scanner does: type the code fast into whatever has the focus, then Enter."""
    page.keyboard.type(code, delay=5)
    page.keyboard.press("Enter")


def test_a_volunteers_morning_of_reservations_with_the_scanner_alone(page, morning, screenshot):
    sanne, dolfje, reservation = morning["sanne"], morning["dolfje"], morning["reservation"]
    page.goto("/client/")
    page.get_by_label("Gebruikersnaam").fill("balie-a")
    page.get_by_label("Wachtwoord").fill(f.TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Reserveringen").click()
    page.wait_for_url("**/client/reserveringen/")

    # The pick list: by shelf place, with the barcodes and for whom; the focus waits in the scan field.
    rows = page.locator("#pick-list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("A-3")
    expect(rows.first).to_contain_text("Dolfje Weerwolfje")
    expect(rows.first).to_contain_text("R000101")
    expect(rows.first).to_contain_text("Sanne de Vries")
    expect(rows.nth(1)).to_contain_text("B-1")
    expect(page.locator("#scan-code")).to_be_focused()
    screenshot(page, "01-ophaallijst")

    # The book from shelf A-3, scanned: held for Sanne, said aloud, and off the pick list.
    scan(page, dolfje.barcode)
    expect(page.locator(".scan-hold")).to_contain_text("Leg apart voor Sanne de Vries (Groep 5B)")
    expect(page.locator("#desk-announcer")).to_contain_text("Leg apart voor Sanne de Vries (Groep 5B)")
    expect(rows).to_have_count(1)
    expect(page.locator("#scan-code")).to_be_focused()
    screenshot(page, "02-apart-gelegd")
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.READY
    assert [message.to for message in mail.outbox] == [["sanne@example.nl"]]

    # A book nobody reserved: a plain message, nothing changes.
    scan(page, "R999999")
    expect(page.locator(".scan-feedback")).to_contain_text("Onbekend boeknummer: R999999")

    # The hold shelf shows it, for whom and until when.
    page.get_by_role("navigation", name="Reserveringen").get_by_role("link", name="Klaargelegd").click()
    page.wait_for_url("**/reserveringen/klaargelegd/")
    held = page.locator("#hold-shelf tbody tr")
    expect(held).to_have_count(1)
    expect(held.first).to_contain_text("Sanne de Vries")
    expect(held.first).to_contain_text("Groep 5B")
    expect(held.first).to_contain_text("R000101")
    screenshot(page, "03-klaargelegd")

    # At the desk: Sanne's card, then the held copy: lent, and the reservation is collected.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Uitlenen", exact=True).click()
    page.wait_for_url("**/client/balie/")
    expect(page.locator("#scan-code")).to_be_focused()
    scan(page, sanne.card_number)
    page.wait_for_url(f"**/balie/lener/{sanne.pk}/")
    expect(page.locator("#desk-attention")).to_contain_text("Reservering ligt klaar: Dolfje Weerwolfje")
    expect(page.locator("#scan-code")).to_be_focused()
    scan(page, dolfje.barcode)
    expect(page.locator(".scan-success")).to_contain_text("Dolfje Weerwolfje")
    expect(page.locator("#desk-loans tr").filter(has_text=dolfje.barcode)).to_have_count(1)
    screenshot(page, "04-opgehaald")
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.FULFILLED
    assert Loan.objects.filter(copy=dolfje, patron=sanne, returned_at__isnull=True).exists()

    # The hold shelf is empty again.
    page.goto("/client/reserveringen/klaargelegd/")
    expect(page.get_by_text("Er ligt niets klaar.")).to_be_visible()


def test_a_coordinator_cancels_from_the_queue_and_the_book_is_put_back(page, morning, screenshot, admin_a_alfa):
    dolfje, reservation = morning["dolfje"], morning["reservation"]
    waiting = f.ReservationFactory(
        school=dolfje.school, title=dolfje.title, patron=f.PatronFactory(school=dolfje.school)
    )
    services.hold_from_shelf(copy=dolfje, school=dolfje.school, by=None)
    page.goto("/client/")
    page.get_by_label("Gebruikersnaam").fill(admin_a_alfa.username)
    page.get_by_label("Wachtwoord").fill(f.TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/client/")
    page.goto(f"/client/catalogus/titels/{dolfje.title_id}/")
    queue = page.locator("#reserveringen tbody tr")
    expect(queue).to_have_count(2)
    expect(queue.first).to_contain_text("Sanne de Vries")
    expect(queue.first).to_contain_text("ligt klaar")
    expect(queue.nth(1)).to_contain_text("wacht")
    screenshot(page, "01-wachtrij")

    # Cancelling asks first; the copy held for Sanne passes to the next in the queue.
    queue.first.get_by_role("link", name="Annuleren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reservering annuleren")
    screenshot(page, "02-annuleren-vraagt")
    page.get_by_role("button", name="Ja, annuleren").click()
    expect(page.locator("#reserveringen tbody tr")).to_have_count(1)
    waiting.refresh_from_db()
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.CANCELLED and waiting.status == Reservation.Status.READY

    # Terugzetten: the slip with Sanne's name comes off; the scan says for whom the book lies now.
    page.goto("/client/reserveringen/terugzetten/")
    rows = page.locator("#put-back-list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("apart leggen voor")
    screenshot(page, "03-terugzetten")
    scan(page, dolfje.barcode)
    expect(page.locator(".scan-hold")).to_contain_text("Leg apart voor")
    expect(rows).to_have_count(0)
    expect(page.locator("#scan-code")).to_be_focused()
    screenshot(page, "04-teruggezet")
