"""Reserveringen in the client: the pick list and its scan, the hold shelf, putting back, a title's queue."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mediatheek.catalog.models import Copy
from mediatheek.circulation import services
from mediatheek.circulation.models import LoanRule, Reservation
from mediatheek.testing.factories import CopyFactory, GroupFactory, PatronFactory, ReservationFactory, TitleFactory
from mediatheek.testing.isolation import assert_refused

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def reserved(school_a):
    LoanRule.objects.create(school=school_a, loan_days=14, max_loans=5, hold_days=5)
    group = GroupFactory(school=school_a, name="Groep 5B")
    sanne = PatronFactory(
        school=school_a, group=group, first_name="Sanne", name_prefix="de", last_name="Vries", email="s@example.nl"
    )
    title = TitleFactory(title="Dolfje Weerwolfje", authors="Paul van Loon")
    copy = CopyFactory(school=school_a, title=title, barcode="D0001", shelf="A-3")
    return copy, ReservationFactory(school=school_a, title=title, patron=sanne)


def test_volunteer_sees_the_pick_list(client, volunteer_a, reserved):
    client.force_login(volunteer_a)
    body = client.get(reverse("client:reservations_pick")).content.decode()
    assert "Dolfje Weerwolfje" in body and "A-3" in body and "D0001" in body and "Sanne de Vries" in body
    assert "Groep 5B" in body and 'id="scan-code"' in body and "autofocus" in body and 'aria-live="assertive"' in body


def test_volunteer_scan_holds_and_says_for_whom(client, volunteer_a, reserved, django_capture_on_commit_callbacks):
    copy, reservation = reserved
    client.force_login(volunteer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("client:reservations_pick_scan"), {"code": "d0001"}, **HTMX)
    body = response.content.decode()
    assert "Leg apart voor Sanne de Vries (Groep 5B)" in body
    assert 'id="pick-list" class="pick-list" hx-swap-oob="true"' in body and "Er staat niets gereserveerds" in body
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.READY and len(mail.outbox) == 1


def test_scan_without_js_redirects_with_the_message(client, volunteer_a, reserved):
    client.force_login(volunteer_a)
    response = client.post(reverse("client:reservations_pick_scan"), {"code": "D0001"})
    assert response.status_code == 302 and response["Location"] == reverse("client:reservations_pick")
    assert "Leg apart voor Sanne de Vries" in client.get(response["Location"]).content.decode()


def test_scan_of_a_book_nobody_reserved_says_so(client, volunteer_a, school_a):
    copy = CopyFactory(school=school_a, title=TitleFactory(title="De Gorgels"))
    client.force_login(volunteer_a)
    body = client.post(reverse("client:reservations_pick_scan"), {"code": copy.barcode}, **HTMX).content.decode()
    assert "Niemand wacht op De Gorgels" in body
    copy.refresh_from_db()
    assert copy.status == Copy.Status.AVAILABLE


def test_scan_of_a_lent_copy_says_so(client, volunteer_a, reserved):
    copy, reservation = reserved
    Copy.objects.filter(pk=copy.pk).update(status=Copy.Status.LENT)
    client.force_login(volunteer_a)
    body = client.post(reverse("client:reservations_pick_scan"), {"code": "D0001"}, **HTMX).content.decode()
    assert "is uitgeleend" in body and "scan-error" in body
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.WAITING


@pytest.mark.parametrize("code", ["NOPE", "Q\x009", "x" * 5000, "²"])
def test_scan_of_an_unknown_or_bad_code_is_a_message(client, volunteer_a, reserved, code):
    client.force_login(volunteer_a)
    response = client.post(reverse("client:reservations_pick_scan"), {"code": code}, **HTMX)
    assert response.status_code == 200 and "Onbekend boeknummer" in response.content.decode()


def test_another_schools_barcode_is_unknown_here(client, admin_b, reserved, school_b):
    copy, reservation = reserved
    client.force_login(admin_b)
    body = client.post(reverse("client:reservations_pick_scan"), {"code": copy.barcode}, **HTMX).content.decode()
    assert "Onbekend boeknummer" in body
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.WAITING


def test_other_school_sees_none_of_the_lists(client, admin_b, reserved, volunteer_a):
    copy, reservation = reserved
    services.hold_from_shelf(copy=copy, school=copy.school, by=volunteer_a)
    client.force_login(admin_b)
    for name in ["client:reservations_pick", "client:reservations_hold_shelf", "client:reservations_put_back"]:
        assert "Sanne" not in client.get(reverse(name)).content.decode()
    assert_refused(client, admin_b, reverse("client:reservations_cancel", args=[reservation.pk]), secret="Sanne")
    assert_refused(
        client, admin_b, reverse("client:reservations_cancel", args=[reservation.pk]), method="post", secret="Sanne"
    )
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.READY


def test_hold_shelf_lists_what_lies_ready(client, volunteer_a, reserved):
    copy, _reservation = reserved
    services.hold_from_shelf(copy=copy, school=copy.school, by=volunteer_a)
    client.force_login(volunteer_a)
    body = client.get(reverse("client:reservations_hold_shelf")).content.decode()
    until = (timezone.localdate() + dt.timedelta(days=5)).year
    assert "Sanne de Vries" in body and "Groep 5B" in body and "D0001" in body and str(until) in body


def test_put_back_scan_puts_an_expired_hold_back_on_the_shelf(client, volunteer_a, reserved):
    copy, reservation = reserved
    services.hold_from_shelf(copy=copy, school=copy.school, by=volunteer_a)
    Reservation.objects.filter(pk=reservation.pk).update(hold_until=timezone.localdate() - dt.timedelta(days=2))
    client.force_login(volunteer_a)
    assert "D0001" in client.get(reverse("client:reservations_put_back")).content.decode()
    body = client.post(reverse("client:reservations_put_back_scan"), {"code": "D0001"}, **HTMX).content.decode()
    assert "Terug op de plank: A-3" in body and "Er hoeft niets teruggezet te worden." in body
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.EXPIRED


def test_put_back_scan_of_a_running_hold_says_leave_it(client, volunteer_a, reserved):
    copy, _reservation = reserved
    services.hold_from_shelf(copy=copy, school=copy.school, by=volunteer_a)
    client.force_login(volunteer_a)
    body = client.post(reverse("client:reservations_put_back_scan"), {"code": "D0001"}, **HTMX).content.decode()
    assert "Laat het liggen" in body


def test_title_page_shows_the_queue_with_cancel_for_the_coordinator(client, admin_a, reserved):
    copy, reservation = reserved
    client.force_login(admin_a)
    body = client.get(reverse("client:catalog_title", args=[copy.title_id])).content.decode()
    assert "Reserveringen van deze school" in body and "Sanne de Vries" in body
    assert reverse("client:reservations_cancel", args=[reservation.pk]) in body


def test_title_page_shows_volunteers_the_queue_without_cancel(client, volunteer_a, reserved):
    copy, reservation = reserved
    client.force_login(volunteer_a)
    body = client.get(reverse("client:catalog_title", args=[copy.title_id])).content.decode()
    assert "Sanne de Vries" in body and reverse("client:reservations_cancel", args=[reservation.pk]) not in body


def test_title_page_queue_is_the_schools_own(client, admin_b, reserved):
    copy, _reservation = reserved
    client.force_login(admin_b)
    body = client.get(reverse("client:catalog_title", args=[copy.title_id])).content.decode()
    assert "Niemand heeft deze titel gereserveerd." in body and "Sanne" not in body


def test_cancel_asks_first_then_cancels(client, admin_a, reserved):
    copy, reservation = reserved
    client.force_login(admin_a)
    url = reverse("client:reservations_cancel", args=[reservation.pk])
    body = client.get(url).content.decode()
    assert "De reservering van Sanne de Vries (Groep 5B) voor Dolfje Weerwolfje annuleren?" in body
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.WAITING  # asking changed nothing
    response = client.post(url, follow=True)
    assert "Reservering van Sanne de Vries (Groep 5B) geannuleerd" in response.content.decode()
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.CANCELLED


def test_volunteer_may_not_cancel(client, volunteer_a, reserved):
    _copy, reservation = reserved
    assert_refused(client, volunteer_a, reverse("client:reservations_cancel", args=[reservation.pk]), method="post")
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.WAITING


def test_cancel_of_a_closed_reservation_is_404(client, admin_a, reserved):
    _copy, reservation = reserved
    Reservation.objects.filter(pk=reservation.pk).update(status=Reservation.Status.CANCELLED)
    client.force_login(admin_a)
    assert client.post(reverse("client:reservations_cancel", args=[reservation.pk])).status_code == 404
