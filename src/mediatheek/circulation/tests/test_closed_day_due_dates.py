"""A closed day added after loans were lent: their due dates on it move, by the lend's own due-date rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mediatheek.circulation import rules, services
from mediatheek.circulation.models import Loan
from mediatheek.core.models import AuditEvent
from mediatheek.schools.models import ClosedDay
from mediatheek.testing.factories import CopyFactory, LoanFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 3, 1)  # a Monday
WEDNESDAY = dt.date(2027, 3, 10)


def loan_due(school: Any, due: dt.date, **kwargs: Any) -> Loan:
    return LoanFactory(copy=CopyFactory(school=school), due_date=due, **kwargs)


def closed(school: Any, start: dt.date, end: dt.date | None = None, **kwargs: Any) -> ClosedDay:
    return ClosedDay.objects.create(school=school, name="Studiedag", start=start, end=end or start, **kwargs)


def test_loans_due_on_a_closed_day_are_counted_from_today_on(school_a: Any, school_b: Any) -> None:
    day = closed(school_a, dt.date(2027, 2, 26), WEDNESDAY)
    on_it = [loan_due(school_a, WEDNESDAY), loan_due(school_a, TODAY)]
    loan_due(school_a, dt.date(2027, 2, 26))  # before today: already late, stays late
    loan_due(school_a, WEDNESDAY + dt.timedelta(days=1))  # after the closed days
    loan_due(school_b, WEDNESDAY)  # another school
    returned = loan_due(school_a, WEDNESDAY)
    Loan.objects.filter(pk=returned.pk).update(returned_at=dt.datetime(2027, 3, 1, 10, tzinfo=dt.UTC))
    found = services.loans_due_on_closed_day(day, today=TODAY)
    assert sorted(found.values_list("pk", flat=True)) == sorted(loan.pk for loan in on_it)


def test_moving_gives_the_next_open_day_in_one_audited_step(school_a: Any, staff_user: Any) -> None:
    day = closed(school_a, WEDNESDAY, dt.date(2027, 3, 12))  # Wednesday to Friday: next open day is Monday
    loan = loan_due(school_a, WEDNESDAY)
    other = loan_due(school_a, dt.date(2027, 3, 11))
    assert services.move_due_dates_off_closed_day(closed_day=day, by=staff_user, today=TODAY) == 2
    loan.refresh_from_db()
    other.refresh_from_db()
    assert loan.due_date == other.due_date == dt.date(2027, 3, 15)
    event = AuditEvent.objects.get(object_id=str(day.pk), detail__count=2)
    assert event.actor == staff_user and event.school == school_a
    assert sorted(event.detail["loans"]) == sorted([loan.pk, other.pk])


def test_moving_is_the_lends_rule_never_past_the_summer_holiday(school_a: Any, staff_user: Any) -> None:
    summer = closed(school_a, dt.date(2027, 7, 10), dt.date(2027, 8, 22), is_summer_holiday=True)
    loan = loan_due(school_a, dt.date(2027, 7, 14))  # lent before the holiday was known
    services.move_due_dates_off_closed_day(closed_day=summer, by=staff_user, today=TODAY)
    loan.refresh_from_db()
    calendar = rules.Calendar.for_school(school_a, around=TODAY)
    assert loan.due_date == calendar.hard_end(TODAY) == dt.date(2027, 7, 9)
    assert calendar.due_on_or_after(dt.date(2027, 7, 14), today=TODAY) == rules.DueDate(loan.due_date, capped=True)


def test_moving_touches_only_the_schools_loans(school_a: Any, school_b: Any, staff_user: Any) -> None:
    day = closed(school_a, WEDNESDAY)
    theirs = loan_due(school_b, WEDNESDAY)
    services.move_due_dates_off_closed_day(closed_day=day, by=staff_user, today=TODAY)
    theirs.refresh_from_db()
    assert theirs.due_date == WEDNESDAY


def test_a_lend_and_a_move_agree_on_the_due_date(school_a: Any) -> None:
    """One definition: the lend's due date for a day is the move's date for that day."""
    closed(school_a, WEDNESDAY, dt.date(2027, 3, 12))
    calendar = rules.Calendar.for_school(school_a, around=TODAY)
    assert calendar.due_date(TODAY, 9) == calendar.due_on_or_after(WEDNESDAY, today=TODAY)
