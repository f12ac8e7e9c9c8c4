"""The desk keeps a school's loan rules and calendar per process (rules.for_desk) until the school's
`rules_version` changes; every change to a rule or a closed day changes it (circulation.signals)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mediatheek.circulation import services
from mediatheek.circulation.models import LoanRule
from mediatheek.schools.models import ClosedDay, School
from mediatheek.testing.factories import CopyFactory, PatronFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 30)


def fresh(school: Any) -> School:
    """The school as the next request loads it."""
    return School.objects.get(pk=school.pk)


def lend(school: Any, today: dt.date = MONDAY) -> dt.date:
    copy = CopyFactory(school=school)
    loan = services.check_out(
        copy=copy, patron=PatronFactory(school=school), by=None, today=today, school=fresh(school)
    )
    return loan.due_date


def test_every_rule_and_closed_day_change_gives_a_new_version(school_a: Any, staff_user: Any) -> None:
    versions = [fresh(school_a).rules_version]
    rule = services.save_loan_rule(rule=LoanRule(school=school_a, loan_days=14), by=staff_user)
    versions.append(fresh(school_a).rules_version)
    closed = services.save_closed_day(
        closed_day=ClosedDay(school=school_a, name="Studiedag", start=MONDAY, end=MONDAY), by=staff_user
    )
    versions.append(fresh(school_a).rules_version)
    services.delete_closed_day(closed_day=closed, by=staff_user)
    versions.append(fresh(school_a).rules_version)
    services.delete_loan_rule(rule=rule, by=staff_user)
    versions.append(fresh(school_a).rules_version)
    assert len(set(versions)) == len(versions)


def test_the_desk_lends_with_a_changed_rule_at_once(school_a: Any, staff_user: Any) -> None:
    rule = services.save_loan_rule(rule=LoanRule(school=school_a, loan_days=14), by=staff_user)
    assert lend(school_a) == MONDAY + dt.timedelta(days=14)
    assert lend(school_a) == MONDAY + dt.timedelta(days=14)  # from the cache
    rule.loan_days = 21
    services.save_loan_rule(rule=rule, by=staff_user)
    assert lend(school_a) == MONDAY + dt.timedelta(days=21)


def test_the_desk_moves_a_due_date_past_a_new_closed_day(school_a: Any, staff_user: Any) -> None:
    services.save_loan_rule(rule=LoanRule(school=school_a, loan_days=14), by=staff_user)
    due = lend(school_a)
    ClosedDay.objects.create(school=school_a, name="Studiedag", start=due, end=due)  # not through the service
    assert lend(school_a) == due + dt.timedelta(days=1)


def test_another_schools_rules_are_not_mixed_in(school_a: Any, school_b: Any, staff_user: Any) -> None:
    services.save_loan_rule(rule=LoanRule(school=school_a, loan_days=14), by=staff_user)
    services.save_loan_rule(rule=LoanRule(school=school_b, loan_days=28), by=staff_user)
    assert lend(school_a) == MONDAY + dt.timedelta(days=14)
    assert lend(school_b) == MONDAY + dt.timedelta(days=28)
    assert lend(school_a) == MONDAY + dt.timedelta(days=14)
