"""Mijn Bibliotheek: a pupil's loans, renewing, reservations, reading log and wish list; a teacher's class."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mediatheek.catalog.models import Copy
from mediatheek.circulation.models import Reservation
from mediatheek.patrons.models import Patron
from mediatheek.reading.models import ReadingLogEntry, ReadingTip, WishListItem
from mediatheek.testing.factories import (
    CopyFactory,
    GroupFactory,
    LoanFactory,
    PatronFactory,
    ReservationFactory,
    TitleFactory,
    patron_login,
)
from mediatheek.testing.isolation import assert_refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def pupil(school_a):
    return PatronFactory(school=school_a, first_name="Sanne", last_name="Berg")


@pytest.fixture
def pupil_b(school_b):
    return PatronFactory(school=school_b, first_name="Bram", last_name="Bakker")


@pytest.fixture
def loan(pupil):
    copy = CopyFactory(school=pupil.school, title=TitleFactory(title="Dolfje Weerwolfje"), status=Copy.Status.LENT)
    return LoanFactory(copy=copy, patron=pupil, due_date=timezone.localdate() + dt.timedelta(days=5))


@pytest.fixture
def loan_b(pupil_b):
    copy = CopyFactory(school=pupil_b.school, title=TitleFactory(title="Geheim van Beta"), status=Copy.Status.LENT)
    return LoanFactory(copy=copy, patron=pupil_b)


def test_mine_start_page_lists_the_pupils_books(client, pupil, loan):
    client.force_login(patron_login(pupil))
    body = client.get("/alfa/mijn/").content.decode()
    assert "Hallo Sanne" in body and "Dolfje Weerwolfje" in body and "Inleveren vóór" in body
    assert "Leeslog" in body and "Verlanglijst" in body and "Docentmenu" not in body


def test_loans_page_shows_due_dates_and_overdue(client, pupil, loan):
    late = LoanFactory(
        copy=CopyFactory(school=pupil.school, title=TitleFactory(title="Te laat boek"), status=Copy.Status.LENT),
        patron=pupil,
        due_date=timezone.localdate() - dt.timedelta(days=2),
    )
    client.force_login(patron_login(pupil))
    body = client.get("/alfa/mijn/boeken/").content.decode()
    assert "Dolfje Weerwolfje" in body and "Te laat!" in body and late.copy.title.title in body


def test_renew_uses_the_circulation_rules(client, pupil, loan):
    client.force_login(patron_login(pupil))
    response = client.post(f"/alfa/mijn/boeken/{loan.pk}/verlengen/", follow=True)
    loan.refresh_from_db()
    body = response.content.decode()
    assert response.status_code == 200
    assert loan.renewals == 1 or "message-error" in body  # the rules decide; the page shows their answer


def test_renew_refused_when_someone_waits(client, pupil, loan):
    ReservationFactory(school=pupil.school, title=loan.copy.title)
    client.force_login(patron_login(pupil))
    body = client.post(f"/alfa/mijn/boeken/{loan.pk}/verlengen/", follow=True).content.decode()
    loan.refresh_from_db()
    assert loan.renewals == 0 and "message-error" in body


def test_reserve_from_title_page_and_cancel(client, pupil):
    title = TitleFactory(title="Gruffalo")
    CopyFactory(school=pupil.school, title=title, status=Copy.Status.LENT)
    client.force_login(patron_login(pupil))
    assert "Reserveren" in client.get(f"/alfa/titel/{title.pk}/").content.decode()
    response = client.post(f"/alfa/titel/{title.pk}/reserveren/", follow=True)
    body = response.content.decode()
    reservation = Reservation.objects.get(patron=pupil, title=title)
    assert "Gruffalo" in body and reservation.school == pupil.school
    client.post(f"/alfa/mijn/reserveringen/{reservation.pk}/annuleren/")
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.CANCELLED


def test_wish_list_add_and_remove(client, pupil):
    title = TitleFactory(title="Wens boek")
    client.force_login(patron_login(pupil))
    client.post(f"/alfa/titel/{title.pk}/verlanglijst/")
    assert "Wens boek" in client.get("/alfa/mijn/verlanglijst/").content.decode()
    client.post(f"/alfa/titel/{title.pk}/verlanglijst/weg/")
    assert not WishListItem.objects.filter(patron=pupil).exists()


def test_reading_log_has_every_borrowed_book_and_takes_stars_and_keywords(client, pupil, loan):
    old = LoanFactory(
        copy=CopyFactory(school=pupil.school, title=TitleFactory(title="Oud boek")),
        patron=pupil,
        returned_at=timezone.now(),
    )
    client.force_login(patron_login(pupil))
    body = client.get("/alfa/mijn/leeslog/").content.decode()
    assert "Dolfje Weerwolfje" in body and "Oud boek" in body
    client.post(f"/alfa/titel/{old.copy.title_id}/leeslog/", {"stars": "4", "keywords": "Spannend, draken ,"})
    entry = ReadingLogEntry.objects.get(patron=pupil, title=old.copy.title)
    assert entry.stars == 4 and entry.keywords == "spannend, draken"
    body = client.get("/alfa/mijn/leeslog/").content.decode()
    assert "★★★★☆" in body and "spannend" in body


def test_rating_outside_one_to_five_is_refused(client, pupil, loan):
    client.force_login(patron_login(pupil))
    body = client.post(f"/alfa/titel/{loan.copy.title_id}/leeslog/", {"stars": "9"}, follow=True).content.decode()
    assert "1 tot 5" in body and not ReadingLogEntry.objects.exists()


def test_teacher_sees_own_group_loans_overdue_and_reads(client, school_a):
    group = GroupFactory(school=school_a, name="Groep 5A", year_level=5)
    other = GroupFactory(school=school_a, name="Groep 6B", year_level=6)
    teacher = PatronFactory(school=school_a, kind=Patron.Kind.TEACHER, group=group, first_name="Juf")
    mine = PatronFactory(school=school_a, group=group, first_name="Fleur", last_name="Vries")
    theirs = PatronFactory(school=school_a, group=other, first_name="Mohamed", last_name="Öztürk")
    LoanFactory(
        copy=CopyFactory(school=school_a, title=TitleFactory(title="Klassenboek")),
        patron=mine,
        due_date=timezone.localdate() - dt.timedelta(days=3),
    )
    LoanFactory(copy=CopyFactory(school=school_a, title=TitleFactory(title="Ander klas boek")), patron=theirs)
    client.force_login(patron_login(teacher))
    assert "Docentmenu" in client.get("/alfa/mijn/").content.decode()
    body = client.get("/alfa/mijn/klas/").content.decode()
    assert "Groep 5A" in body and "Fleur" in body and "Klassenboek" in body and "1 te laat" in body
    assert "Mohamed" not in body and "Ander klas boek" not in body


def test_pupil_cannot_open_the_docentmenu(client, pupil):
    client.force_login(patron_login(pupil))
    assert client.get("/alfa/mijn/klas/").status_code == 403


def test_anonymous_is_sent_to_login(client, school_a):
    response = client.get("/alfa/mijn/boeken/")
    assert response.status_code == 302 and "/alfa/inloggen/" in response["Location"]


# --- cross-school ------------------------------------------------------------------------------------------


def test_pupil_of_a_cannot_renew_b_loan(client, pupil, loan_b):
    assert_refused(client, patron_login(pupil), f"/alfa/mijn/boeken/{loan_b.pk}/verlengen/", method="post")
    loan_b.refresh_from_db()
    assert loan_b.renewals == 0


def test_pupil_of_a_cannot_use_b_portal_pages(client, pupil, loan_b):
    user = patron_login(pupil)
    for url in [
        "/beta/mijn/",
        "/beta/mijn/boeken/",
        "/beta/mijn/leeslog/",
        "/beta/mijn/verlanglijst/",
        "/beta/mijn/reserveringen/",
        "/beta/mijn/klas/",
    ]:
        assert_refused(client, user, url, secret="Geheim van Beta")


def test_pupil_of_a_cannot_cancel_b_reservation(client, pupil, pupil_b):
    reservation = ReservationFactory(school=pupil_b.school, patron=pupil_b)
    assert_refused(client, patron_login(pupil), f"/alfa/mijn/reserveringen/{reservation.pk}/annuleren/", method="post")
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.WAITING


def test_pupil_of_a_lists_never_show_b_data(client, pupil, pupil_b, loan_b):
    WishListItem.objects.create(school=pupil_b.school, patron=pupil_b, title=TitleFactory(title="Wens van Bram"))
    ReadingTip.objects.create(school=pupil_b.school, heading="Tip van Beta")
    client.force_login(patron_login(pupil))
    pages = [
        "/alfa/mijn/",
        "/alfa/mijn/boeken/",
        "/alfa/mijn/leeslog/",
        "/alfa/mijn/verlanglijst/",
        "/alfa/",
        "/alfa/leestips/",
        f"/alfa/titel/{loan_b.copy.title_id}/",
    ]
    for url in pages:
        body = client.get(url).content.decode()
        for secret in ["Bram", "Wens van Bram", "Tip van Beta", loan_b.copy.barcode]:
            assert secret not in body, f"{secret} on {url}"


def test_teacher_of_a_never_sees_b_pupils(client, school_a, pupil_b, loan_b):
    teacher = PatronFactory(school=school_a, kind=Patron.Kind.TEACHER)
    user = patron_login(teacher)
    client.force_login(user)
    body = client.get("/alfa/mijn/klas/").content.decode()
    assert "Bram" not in body and "Geheim van Beta" not in body
    assert_refused(client, user, "/beta/mijn/klas/", secret="Bram")


# --- The reservation limit (issue #12, item 3) ---------------------------------------------------------------


def _lent_title(school, name):
    title = TitleFactory(title=name)
    CopyFactory(school=school, title=title, status=Copy.Status.LENT)
    return title


def test_the_fourth_reservation_is_refused_with_a_clear_message(client, pupil):
    client.force_login(patron_login(pupil))
    for index in range(3):
        response = client.post(f"/alfa/titel/{_lent_title(pupil.school, f'Boek {index}').pk}/reserveren/")
        assert response.status_code == 302
    fourth = _lent_title(pupil.school, "Het vierde boek")
    response = client.post(f"/alfa/titel/{fourth.pk}/reserveren/", follow=True)
    body = response.content.decode()
    assert response.status_code == 200 and "message-error" in body
    assert "Je hebt al 3 reserveringen. Dat is het maximum; haal eerst een gereserveerd boek op of" in body
    assert not Reservation.objects.filter(title=fourth).exists()
    assert Reservation.objects.filter(patron=pupil).count() == 3
    body = client.get("/alfa/mijn/reserveringen/").content.decode()
    assert "Je mag 3 boeken tegelijk reserveren." in body


def test_a_ready_reservation_counts_on_the_portal(client, pupil):
    for index in range(2):
        ReservationFactory(school=pupil.school, patron=pupil, title=_lent_title(pupil.school, f"Wacht {index}"))
    held = CopyFactory(school=pupil.school, status=Copy.Status.ON_HOLD)
    ReservationFactory(
        school=pupil.school,
        patron=pupil,
        title=held.title,
        status=Reservation.Status.READY,
        held_copy=held,
        hold_until=timezone.localdate() + dt.timedelta(days=2),
    )
    client.force_login(patron_login(pupil))
    title = _lent_title(pupil.school, "Nog een")
    body = client.post(f"/alfa/titel/{title.pk}/reserveren/", follow=True).content.decode()
    assert "Je hebt al 3 reserveringen" in body and not Reservation.objects.filter(title=title).exists()


def test_a_cancelled_or_collected_reservation_makes_room(client, pupil):
    for index, status in enumerate([Reservation.Status.CANCELLED, Reservation.Status.FULFILLED]):
        ReservationFactory(
            school=pupil.school, patron=pupil, title=_lent_title(pupil.school, f"Oud {index}"), status=status
        )
    for index in range(2):
        ReservationFactory(school=pupil.school, patron=pupil, title=_lent_title(pupil.school, f"Wacht {index}"))
    client.force_login(patron_login(pupil))
    title = _lent_title(pupil.school, "Past nog")
    client.post(f"/alfa/titel/{title.pk}/reserveren/")
    assert Reservation.objects.filter(title=title, patron=pupil, status=Reservation.Status.WAITING).exists()
    one_too_many = _lent_title(pupil.school, "Past niet meer")
    body = client.post(f"/alfa/titel/{one_too_many.pk}/reserveren/", follow=True).content.decode()
    assert "Je hebt al 3 reserveringen" in body and not Reservation.objects.filter(title=one_too_many).exists()
