"""Issue #14: the desk's wording and checks (plurals, a second copy of a title, "Alles verlengen", a return of a
book that was not lent) and closed days added after loans were lent."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mediatheek.circulation.models import Loan, LoanRule
from mediatheek.core.models import AuditEvent
from mediatheek.schools.models import ClosedDay
from mediatheek.testing.factories import CopyFactory, LoanFactory, PatronFactory, TitleFactory
from mediatheek.testing.isolation import assert_refused

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def pupil(school_a):
    LoanRule.objects.create(school=school_a, loan_days=14, max_loans=5, max_renewals=1)
    return PatronFactory(school=school_a, first_name="Sanne", name_prefix="", last_name="Lezer")


def test_one_book_is_singular(client, volunteer_a, pupil, school_a):
    client.force_login(volunteer_a)
    url = reverse("client:desk_patron_scan", args=[pupil.pk])
    body = client.post(url, {"code": CopyFactory(school=school_a).barcode}, **HTMX).content.decode()
    assert "Te leen: 1 boek (maximaal 5)" in body and "1 boeken" not in body


def test_a_second_copy_of_the_same_title_warns_and_scanning_it_again_lends(client, volunteer_a, pupil, school_a):
    title = TitleFactory(title="Dummie de mummie")
    LoanFactory(copy=CopyFactory(school=school_a, title=title), patron=pupil)
    second = CopyFactory(school=school_a, title=title)
    client.force_login(volunteer_a)
    url = reverse("client:desk_patron_scan", args=[pupil.pk])
    body = client.post(url, {"code": second.barcode}, **HTMX).content.decode()
    assert "scan-warning" in body and "Sanne Lezer heeft al een exemplaar van deze titel te leen" in body
    assert f'name="confirm" value="{second.barcode}"' in body
    assert not Loan.objects.filter(copy=second).exists()
    body = client.post(url, {"code": second.barcode, "confirm": second.barcode}, **HTMX).content.decode()
    assert "Uitgeleend: Dummie de mummie" in body and Loan.objects.open().filter(copy=second, patron=pupil).exists()


def test_renew_all_only_with_renewable_loans(client, volunteer_a, pupil, school_a):
    client.force_login(volunteer_a)
    screen = reverse("client:desk_patron", args=[pupil.pk])
    assert "Alles verlengen" not in client.get(screen).content.decode()  # nothing on loan
    loan = LoanFactory(copy=CopyFactory(school=school_a), patron=pupil, renewals=1)  # renewed as often as allowed
    assert "Alles verlengen" not in client.get(screen).content.decode()
    Loan.objects.filter(pk=loan.pk).update(renewals=0)
    assert "Alles verlengen" in client.get(screen).content.decode()


def test_the_first_loan_brings_renew_all_along(client, volunteer_a, pupil, school_a):
    client.force_login(volunteer_a)
    url = reverse("client:desk_patron_scan", args=[pupil.pk])
    body = client.post(url, {"code": CopyFactory(school=school_a).barcode}, **HTMX).content.decode()
    assert 'id="desk-renew-all" hx-swap-oob="true"' in body and "Alles verlengen" in body


def test_returning_a_book_that_was_not_lent_says_so_without_success(client, volunteer_a, school_a):
    copy = CopyFactory(school=school_a, title=TitleFactory(title="Kikker is verliefd"))
    client.force_login(volunteer_a)
    body = client.post(reverse("client:desk_return_scan"), {"code": copy.barcode}, **HTMX).content.decode()
    assert "Dit boek was niet uitgeleend." in body and "Kikker is verliefd" in body
    assert "Ingeleverd" not in body and "scan-success" not in body and "scan-info" in body
    assert "return-log" not in body  # not listed under "Zojuist ingeleverd"


def test_a_book_that_was_not_lent_in_the_card_field_is_not_called_returned(client, volunteer_a, school_a):
    copy = CopyFactory(school=school_a)
    client.force_login(volunteer_a)
    body = client.post(reverse("client:desk_scan"), {"code": copy.barcode}, **HTMX).content.decode()
    assert "Dit was een boek, geen pas." in body and "het is ingeleverd" not in body and "Ingeleverd" not in body


def test_the_rules_page_explains_the_dot(client, admin_a, school_a):
    LoanRule.objects.create(school=school_a, max_loans=3)
    client.force_login(admin_a)
    body = client.get(reverse("client:desk_rules")).content.decode()
    assert "= niet ingevuld in deze regel" in body


# --- Issue #14, item 10: a closed day added later -----------------------------------------------------------


def _next_weekday(days: int) -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=days)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def test_adding_a_closed_day_offers_to_move_the_loans_due_on_it(client, admin_a, pupil, school_a):
    due = _next_weekday(10)
    loans = [LoanFactory(copy=CopyFactory(school=school_a), patron=pupil, due_date=due) for _ in range(2)]
    client.force_login(admin_a)
    response = client.post(reverse("client:desk_closed_day_add"), {"name": "Studiedag", "start": due, "end": due})
    day = ClosedDay.objects.get(school=school_a)
    assert response["Location"] == reverse("client:desk_closed_day_due_dates", args=[day.pk])
    body = client.get(response["Location"]).content.decode()
    assert "2 boeken moeten op een sluitingsdag terug" in body
    assert all(Loan.objects.get(pk=loan.pk).due_date == due for loan in loans)  # a GET changes nothing
    response = client.post(reverse("client:desk_closed_day_due_dates", args=[day.pk]), follow=True)
    assert "2 inleverdata verplaatst." in response.content.decode()
    assert {Loan.objects.get(pk=loan.pk).due_date for loan in loans} == {
        _next_weekday((due - timezone.localdate()).days + 1)
    }
    assert AuditEvent.objects.filter(object_id=str(day.pk), detail__count=2).exists()


def test_one_loan_on_a_closed_day_is_singular(client, admin_a, pupil, school_a):
    due = _next_weekday(10)
    LoanFactory(copy=CopyFactory(school=school_a), patron=pupil, due_date=due)
    day = ClosedDay.objects.create(school=school_a, name="Studiedag", start=due, end=due)
    client.force_login(admin_a)
    body = client.get(reverse("client:desk_closed_day_due_dates", args=[day.pk])).content.decode()
    assert "1 boek moet op een sluitingsdag terug" in body


def test_without_loans_on_the_closed_day_it_goes_back_to_the_rules(client, admin_a, school_a):
    client.force_login(admin_a)
    due = _next_weekday(10)
    response = client.post(
        reverse("client:desk_closed_day_add"), {"name": "Studiedag", "start": due, "end": due}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("client:desk_rules")


def test_another_schools_closed_day_is_refused(client, admin_a, volunteer_a, school_b):
    due = _next_weekday(10)
    theirs = LoanFactory(copy=CopyFactory(school=school_b), due_date=due)
    day = ClosedDay.objects.create(school=school_b, name="Studiedag", start=due, end=due)
    url = reverse("client:desk_closed_day_due_dates", args=[day.pk])
    assert_refused(client, admin_a, url)
    assert_refused(client, admin_a, url, method="post")
    assert_refused(client, volunteer_a, url, method="post")
    theirs.refresh_from_db()
    assert theirs.due_date == due
