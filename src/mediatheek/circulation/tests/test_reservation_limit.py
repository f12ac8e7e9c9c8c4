"""A patron's open reservations (waiting or ready) are limited by their loan rule (issue #12, item 3): one pupil
reserving 57 titles blocked every other borrower's renewals of them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from mediatheek.catalog.models import Copy
from mediatheek.circulation import rules, services
from mediatheek.circulation.models import LoanRule, Reservation
from mediatheek.core.models import AuditEvent
from mediatheek.core.params import id_or_none
from mediatheek.patrons.models import Patron
from mediatheek.schools.models import School
from mediatheek.testing.factories import CopyFactory, GroupFactory, PatronFactory, TitleFactory

pytestmark = pytest.mark.django_db


def lent_title(school: Any) -> Any:
    """A title the school holds, its only copy lent out: a reservation waits."""
    title = TitleFactory()
    CopyFactory(school=school, title=title, status=Copy.Status.LENT)
    return title


def reserve_titles(patron: Patron, count: int, by: Any = None) -> list[Reservation]:
    return [services.place_reservation(title=lent_title(patron.school), patron=patron, by=by) for _ in range(count)]


@pytest.fixture
def pupil(school_a: Any) -> Patron:
    return PatronFactory(school=school_a, group=GroupFactory(school=school_a, year_level=5))


# --- The rule ----------------------------------------------------------------------------------------------------


def test_the_default_limit_is_three() -> None:
    assert rules.DEFAULTS["max_reservations"] == 3
    assert rules.resolve_from([], patron=Patron(kind="student", year_level=5)).max_reservations == 3


def test_the_most_specific_rule_sets_the_reservation_limit() -> None:
    school_rules = [
        LoanRule(pk=1, school_id=1, loan_days=14, max_reservations=2),
        LoanRule(pk=2, school_id=1, patron_kind="teacher", max_reservations=10),
        LoanRule(pk=3, school_id=1, year_level_from=7, year_level_to=8, max_reservations=4),
        LoanRule(pk=4, school_id=1, year_level_from=1, year_level_to=2, max_loans=1),  # says nothing about it
    ]
    resolve = rules.resolve_from
    assert resolve(school_rules, patron=Patron(kind="student", year_level=5)).max_reservations == 2
    assert resolve(school_rules, patron=Patron(kind="student", year_level=1)).max_reservations == 2
    assert resolve(school_rules, patron=Patron(kind="student", year_level=8)).max_reservations == 4
    assert resolve(school_rules, patron=Patron(kind="teacher", year_level=None)).max_reservations == 10


def test_the_desk_cache_carries_the_limit_and_a_change_reaches_it(school_a: Any, staff_user: Any) -> None:
    """rules.for_desk keeps the school's rules per process; the new setting is loaded with them (sql.loan_rules)
    and a change to it gives the school a new rules_version, like every other rule change."""
    today = timezone.localdate()
    patron = PatronFactory(school=school_a)
    rule = services.save_loan_rule(rule=LoanRule(school=school_a, max_reservations=1), by=staff_user)
    before = School.objects.get(pk=school_a.pk)
    setup = rules.for_desk(before, today)
    assert rules.resolve(patron=patron, rules=setup.rules).max_reservations == 1
    rule.max_reservations = 5
    services.save_loan_rule(rule=rule, by=staff_user)
    after = School.objects.get(pk=school_a.pk)
    assert after.rules_version != before.rules_version
    assert rules.resolve(patron=patron, rules=rules.for_desk(after, today).rules).max_reservations == 5


# --- Placing a reservation -------------------------------------------------------------------------------------------


def test_the_fourth_reservation_is_refused_with_the_limit_and_nothing_is_written(pupil: Patron) -> None:
    reserve_titles(pupil, 3)
    title = lent_title(pupil.school)
    with pytest.raises(services.ReservationLimitReached) as refused:
        services.place_reservation(title=title, patron=pupil, by=None)
    assert refused.value.code == "reservation_limit"
    assert (refused.value.count, refused.value.limit) == (3, 3)
    assert "al 3 reserveringen" in str(refused.value) and "maximaal 3" in str(refused.value)
    assert "annuleer een reservering" in str(refused.value)
    assert refused.value.for_patron().startswith("Je hebt al 3 reserveringen. Dat is het maximum")
    assert not Reservation.objects.filter(title=title).exists()
    assert Reservation.objects.filter(patron=pupil).count() == 3


def test_a_school_rule_and_a_more_specific_rule_set_the_limit(school_a: Any, pupil: Patron) -> None:
    LoanRule.objects.create(school=school_a, max_reservations=1)
    LoanRule.objects.create(school=school_a, patron_kind=Patron.Kind.TEACHER, max_reservations=4)
    reserve_titles(pupil, 1)
    with pytest.raises(services.ReservationLimitReached):
        reserve_titles(pupil, 1)
    teacher = PatronFactory(school=school_a, kind=Patron.Kind.TEACHER)
    reserve_titles(teacher, 4)
    with pytest.raises(services.ReservationLimitReached):
        reserve_titles(teacher, 1)


def test_a_ready_reservation_counts(pupil: Patron) -> None:
    first, _second, _third = reserve_titles(pupil, 3)
    held = Copy.objects.filter(title=first.title).get()
    Reservation.objects.filter(pk=first.pk).update(
        status=Reservation.Status.READY, held_copy=held, hold_until=timezone.localdate() + dt.timedelta(days=3)
    )
    with pytest.raises(services.ReservationLimitReached):
        reserve_titles(pupil, 1)


@pytest.mark.parametrize(
    "closed", [Reservation.Status.CANCELLED, Reservation.Status.FULFILLED, Reservation.Status.EXPIRED]
)
def test_a_closed_reservation_does_not_count(pupil: Patron, closed: str) -> None:
    first, *_rest = reserve_titles(pupil, 3)
    Reservation.objects.filter(pk=first.pk).update(status=closed, closed_at=timezone.now())
    assert reserve_titles(pupil, 1)[0].status == Reservation.Status.WAITING  # its place is free again
    with pytest.raises(services.ReservationLimitReached):  # and then taken
        reserve_titles(pupil, 1)


def test_cancelling_makes_room_again(pupil: Patron) -> None:
    first, *_rest = reserve_titles(pupil, 3)
    services.cancel_reservation(reservation=first, by=None)
    reserve_titles(pupil, 1)
    with pytest.raises(services.ReservationLimitReached):
        reserve_titles(pupil, 1)


def test_only_the_patrons_own_reservations_count(school_a: Any, pupil: Patron) -> None:
    reserve_titles(PatronFactory(school=school_a), 3)
    assert len(reserve_titles(pupil, 3)) == 3
    with pytest.raises(services.ReservationLimitReached):
        reserve_titles(pupil, 1)


def test_a_limit_of_zero_means_no_reservations(school_a: Any, pupil: Patron) -> None:
    LoanRule.objects.create(school=school_a, max_reservations=0)
    with pytest.raises(services.ReservationLimitReached) as refused:
        reserve_titles(pupil, 1)
    assert "mag geen boeken reserveren" in str(refused.value)
    assert refused.value.for_patron() == "Je mag geen boeken reserveren."
    assert not Reservation.objects.filter(patron=pupil).exists()


def test_cancelling_is_audited_with_who_did_it(pupil: Patron, admin_a: Any) -> None:
    reservation = reserve_titles(pupil, 1)[0]
    services.cancel_reservation(reservation=reservation, by=admin_a)
    event = AuditEvent.objects.get(object_type="circulation.reservation", object_id=str(reservation.pk))
    assert event.actor == admin_a and event.school_id == pupil.school_id
    assert "geannuleerd" in event.summary and pupil.full_name not in event.summary  # ids, no pupil's name


def test_ids_beyond_the_database_range_find_nothing(school_a: Any, pupil: Patron) -> None:
    """The desk's hand-written patron look-up: SQLite raises OverflowError on a Python int beyond 64 bits."""
    assert services.find_patron_and_copy(school_a, 99999999999999999999, "X1") == (None, None)
    assert services.find_patron_and_copy(school_a, pupil.pk, "") == (pupil, None)
    assert id_or_none("12") == 12
    for bad in ("", "abc", "1.5", "-3", "0", "\x00", "12\x00", "٣", "99999999999999999999", " ", None, 2**63):
        assert id_or_none(bad) is None, repr(bad)
