"""The reservations' round: the pick list, a scan that holds a copy from the shelf, the hold shelf, putting back."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from mediatheek.catalog.models import Copy
from mediatheek.circulation import queries, services
from mediatheek.circulation.models import LoanRule, Reservation
from mediatheek.core.errors import DomainError
from mediatheek.testing.factories import CopyFactory, GroupFactory, PatronFactory, ReservationFactory, TitleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(school_a):
    LoanRule.objects.create(school=school_a, loan_days=14, max_loans=5, hold_days=5)
    return school_a


@pytest.fixture
def sanne(school):
    group = GroupFactory(school=school, name="Groep 5B", year_level=5)
    return PatronFactory(
        school=school, group=group, first_name="Sanne", name_prefix="de", last_name="Vries", email="sanne@example.nl"
    )


@pytest.fixture
def reserved(school, sanne):
    """Sanne reserved "Dolfje Weerwolfje", which stands on the shelf at A-3."""
    title = TitleFactory(title="Dolfje Weerwolfje", authors="Paul van Loon")
    copy = CopyFactory(school=school, title=title, barcode="D0001", shelf="A-3")
    reservation = ReservationFactory(school=school, title=title, patron=sanne)
    return copy, reservation


def ago(days):
    return timezone.now() - dt.timedelta(days=days)


# --- The pick list --------------------------------------------------------------------------------------------------


def test_pick_list_names_book_shelf_barcode_and_pupil(school, reserved):
    (row,) = queries.pick_list(school)
    assert (row.title, row.authors) == ("Dolfje Weerwolfje", "Paul van Loon")
    assert (row.shelves, row.barcodes) == (("A-3",), ("D0001",))
    assert (row.who, row.group) == ("Sanne de Vries", "Groep 5B")


def test_pick_list_is_sorted_by_shelf_place(school, sanne):
    for shelf, name in [("C-1", "Cor"), ("A-2", "Anna"), ("", "Zonder plaats"), ("B-7", "Bas")]:
        title = TitleFactory(title=name)
        CopyFactory(school=school, title=title, shelf=shelf)
        ReservationFactory(school=school, title=title, patron=sanne)
    assert [row.title for row in queries.pick_list(school)] == ["Anna", "Bas", "Cor", "Zonder plaats"]


def test_pick_list_leaves_out_titles_without_a_copy_on_the_shelf(school, reserved):
    copy, _reservation = reserved
    Copy.objects.filter(pk=copy.pk).update(status=Copy.Status.LENT)
    assert queries.pick_list(school) == []


def test_pick_list_has_as_many_rows_as_copies_on_the_shelf(school, reserved, sanne):
    copy, _reservation = reserved
    for _ in range(2):
        ReservationFactory(school=school, title=copy.title, patron=PatronFactory(school=school))
    assert [row.who for row in queries.pick_list(school)] == ["Sanne de Vries"]


def test_pick_list_is_the_schools_own(school, school_b, reserved):
    assert queries.pick_list(school_b) == []


# --- One scan puts the copy on the hold shelf -------------------------------------------------------------------------


def test_scan_holds_the_copy_for_the_first_in_the_queue(school, reserved, volunteer_a):
    copy, reservation = reserved
    hold = services.hold_from_shelf(copy=copy, school=school, by=volunteer_a)
    reservation.refresh_from_db()
    copy.refresh_from_db()
    assert hold.new and hold.reservation == reservation
    assert reservation.status == Reservation.Status.READY and reservation.held_copy == copy
    assert reservation.hold_until is not None and reservation.hold_until >= timezone.localdate() + dt.timedelta(days=5)
    assert reservation.ready_at is not None
    assert copy.status == Copy.Status.ON_HOLD
    assert queries.pick_list(school) == []


def test_scan_mails_the_pupil_after_the_commit(school, reserved, volunteer_a, django_capture_on_commit_callbacks):
    copy, _reservation = reserved
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.hold_from_shelf(copy=copy, school=school, by=volunteer_a)
        assert mail.outbox == []  # not before the commit
    assert len(callbacks) == 1
    (message,) = mail.outbox
    assert message.to == ["sanne@example.nl"] and "Dolfje Weerwolfje" in message.subject


def test_scan_of_another_schools_copy_is_refused(school, school_b, reserved, volunteer_a):
    other = CopyFactory(school=school_b, title=reserved[0].title)
    with pytest.raises(DomainError):
        services.hold_from_shelf(copy=other, school=school, by=volunteer_a)
    assert services.find_copy(school, other.barcode) is None  # the scan field does not even find it
    other.refresh_from_db()
    assert other.status == Copy.Status.AVAILABLE


def test_scan_of_a_title_nobody_reserved_changes_nothing(school, volunteer_a):
    copy = CopyFactory(school=school)
    with pytest.raises(DomainError) as error:
        services.hold_from_shelf(copy=copy, school=school, by=volunteer_a)
    assert error.value.code == "not_reserved"
    copy.refresh_from_db()
    assert copy.status == Copy.Status.AVAILABLE


def test_scan_of_a_lent_copy_changes_nothing(school, reserved, volunteer_a):
    copy, reservation = reserved
    Copy.objects.filter(pk=copy.pk).update(status=Copy.Status.LENT)
    copy.refresh_from_db()
    with pytest.raises(DomainError) as error:
        services.hold_from_shelf(copy=copy, school=school, by=volunteer_a)
    assert error.value.code == "lent"
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.WAITING


def test_scanning_twice_says_again_for_whom(school, reserved, volunteer_a, django_capture_on_commit_callbacks):
    copy, reservation = reserved
    services.hold_from_shelf(copy=copy, school=school, by=volunteer_a)
    copy.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = services.hold_from_shelf(copy=copy, school=school, by=volunteer_a)
    assert not again.new and again.reservation == reservation and callbacks == []


def test_collecting_the_held_copy_at_the_desk_fulfils_the_reservation(school, reserved, sanne, volunteer_a):
    copy, reservation = reserved
    services.hold_from_shelf(copy=copy, school=school, by=volunteer_a)
    copy.refresh_from_db()
    services.check_out(copy=copy, patron=sanne, by=volunteer_a)
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.FULFILLED
    assert queries.hold_shelf(school) == []


# --- The hold shelf ---------------------------------------------------------------------------------------------------


def test_hold_shelf_lists_ready_reservations_with_dates(school, reserved, volunteer_a):
    copy, _reservation = reserved
    services.hold_from_shelf(copy=copy, school=school, by=volunteer_a)
    (row,) = queries.hold_shelf(school)
    assert (row.who, row.group, row.barcode, row.title) == ("Sanne de Vries", "Groep 5B", "D0001", "Dolfje Weerwolfje")
    assert row.ready_at is not None and row.hold_until is not None and not row.past_date


# --- Expired holds to put back ------------------------------------------------------------------------------------


def hold_expired(school, reserved, volunteer_a):
    copy, reservation = reserved
    services.hold_from_shelf(copy=copy, school=school, by=volunteer_a)
    Reservation.objects.filter(pk=reservation.pk).update(hold_until=timezone.localdate() - dt.timedelta(days=1))
    copy.refresh_from_db()
    return copy, reservation


def test_a_hold_past_its_date_is_listed_to_put_back(school, reserved, volunteer_a):
    hold_expired(school, reserved, volunteer_a)
    (row,) = queries.put_back_list(school)
    assert row.pending and row.barcode == "D0001" and row.who == "Sanne de Vries"


def test_expired_by_the_job_its_copy_is_on_the_shelf_and_still_listed(school, reserved, volunteer_a):
    copy, reservation = hold_expired(school, reserved, volunteer_a)
    assert services.expire_holds(school=school) == 1
    copy.refresh_from_db()
    assert copy.status == Copy.Status.AVAILABLE
    (row,) = queries.put_back_list(school)
    assert not row.pending and row.shelf == "A-3" and row.next_who == ""


def test_expired_by_the_job_with_a_next_in_line_the_list_says_for_whom(school, reserved, volunteer_a):
    copy, _reservation = hold_expired(school, reserved, volunteer_a)
    daan = PatronFactory(school=school, first_name="Daan", name_prefix="", last_name="Bakker", group=None)
    ReservationFactory(school=school, title=copy.title, patron=daan)
    services.expire_holds(school=school)
    copy.refresh_from_db()
    assert copy.status == Copy.Status.ON_HOLD
    (row,) = queries.put_back_list(school)
    assert row.next_who == "Daan Bakker"


def test_put_back_scan_expires_a_hold_past_its_date(school, reserved, volunteer_a):
    copy, reservation = hold_expired(school, reserved, volunteer_a)
    result = services.put_back(copy=copy, school=school, by=volunteer_a)
    reservation.refresh_from_db()
    copy.refresh_from_db()
    assert result.next_hold is None and result.ended == reservation
    assert reservation.status == Reservation.Status.EXPIRED and reservation.put_back_at is not None
    assert copy.status == Copy.Status.AVAILABLE
    assert queries.put_back_list(school) == []


def test_put_back_scan_passes_the_copy_to_the_next_in_the_queue(
    school, reserved, volunteer_a, django_capture_on_commit_callbacks
):
    copy, _reservation = hold_expired(school, reserved, volunteer_a)
    daan = PatronFactory(school=school, email="daan@example.nl")
    nxt = ReservationFactory(school=school, title=copy.title, patron=daan)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.put_back(copy=copy, school=school, by=volunteer_a)
    assert result.next_hold == nxt
    assert [message.to for message in mail.outbox] == [["daan@example.nl"]]


def test_put_back_scan_confirms_a_hold_the_job_expired(school, reserved, volunteer_a):
    copy, reservation = hold_expired(school, reserved, volunteer_a)
    services.expire_holds(school=school)
    copy.refresh_from_db()
    services.put_back(copy=copy, school=school, by=volunteer_a)
    reservation.refresh_from_db()
    assert reservation.put_back_at is not None and queries.put_back_list(school) == []


def test_a_cancelled_hold_is_listed_until_put_back(school, reserved, volunteer_a):
    copy, reservation = reserved
    services.hold_from_shelf(copy=copy, school=school, by=volunteer_a)
    services.cancel_reservation(reservation=reservation, by=volunteer_a)
    (row,) = queries.put_back_list(school)
    assert row.status == "geannuleerd"


def test_put_back_scan_of_a_hold_still_running_changes_nothing(school, reserved, volunteer_a):
    copy, reservation = reserved
    services.hold_from_shelf(copy=copy, school=school, by=volunteer_a)
    copy.refresh_from_db()
    with pytest.raises(DomainError) as error:
        services.put_back(copy=copy, school=school, by=volunteer_a)
    assert error.value.code == "still_held"
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.READY


def test_a_hold_lent_since_is_not_listed(school, reserved, volunteer_a):
    copy, reservation = hold_expired(school, reserved, volunteer_a)
    services.expire_holds(school=school)
    copy.refresh_from_db()
    services.check_out(copy=copy, patron=PatronFactory(school=school), by=volunteer_a)
    assert queries.put_back_list(school) == []


def test_put_back_list_is_the_schools_own(school, school_b, reserved, volunteer_a):
    hold_expired(school, reserved, volunteer_a)
    assert queries.put_back_list(school_b) == []


# --- A title's queue --------------------------------------------------------------------------------------------------


def test_title_queue_puts_the_held_one_first_then_the_waiting_in_order(school, reserved, volunteer_a):
    copy, _reservation = reserved
    later = PatronFactory(school=school, first_name="Daan", name_prefix="", last_name="Bakker")
    ReservationFactory(school=school, title=copy.title, patron=later)
    services.hold_from_shelf(copy=copy, school=school, by=volunteer_a)
    last = PatronFactory(school=school, first_name="Zoë", name_prefix="", last_name="Jansen")
    ReservationFactory(school=school, title=copy.title, patron=last)
    rows = queries.title_queue(copy.title, school)
    assert [(row.position, row.who) for row in rows] == [(0, "Sanne de Vries"), (1, "Daan Bakker"), (2, "Zoë Jansen")]
    assert rows[0].ready and rows[0].barcode == "D0001" and rows[0].hold_until is not None
    assert queries.title_queue(copy.title, PatronFactory().school) == []


def test_a_hold_whose_copy_went_missing_since_is_not_listed(school, reserved, volunteer_a):
    copy, _reservation = hold_expired(school, reserved, volunteer_a)
    services.expire_holds(school=school)
    Copy.objects.filter(pk=copy.pk).update(status=Copy.Status.LOST)
    assert queries.put_back_list(school) == []
