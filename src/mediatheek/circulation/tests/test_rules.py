import datetime as dt
from decimal import Decimal

import pytest

from mediatheek.circulation import rules
from mediatheek.circulation.models import LoanRule
from mediatheek.patrons.models import Patron
from mediatheek.schools.models import ClosedDay
from mediatheek.testing.factories import GroupFactory, PatronFactory


def rule(pk: int, **kwargs):
    return LoanRule(pk=pk, school_id=1, **kwargs)


def pupil(level: int | None = 5, *, kind: str = "student", group_id: int | None = None) -> Patron:
    return Patron(kind=kind, year_level=level, group_id=group_id)


SCHOOL_RULES = [
    rule(1, loan_days=14, max_loans=2, max_renewals=1, hold_days=5),
    rule(2, year_level_from=1, year_level_to=2, max_loans=1),
    rule(3, year_level_from=7, year_level_to=8, max_loans=3),
    rule(4, patron_kind="teacher", loan_days=28, max_loans=20),
]


def test_school_wide_rule_applies_to_everyone():
    effective = rules.resolve_from(SCHOOL_RULES, patron=pupil(5))
    assert (effective.loan_days, effective.max_loans, effective.max_renewals, effective.hold_days) == (14, 2, 1, 5)


def test_year_level_overrides_only_what_it_fills_in():
    assert rules.resolve_from(SCHOOL_RULES, patron=pupil(1)).max_loans == 1
    eighth = rules.resolve_from(SCHOOL_RULES, patron=pupil(8))
    assert eighth.max_loans == 3 and eighth.loan_days == 14


def test_teacher_rule():
    teacher = rules.resolve_from(SCHOOL_RULES, patron=pupil(None, kind="teacher"))
    assert (teacher.loan_days, teacher.max_loans) == (28, 20)


def test_group_beats_year_level_and_age_code_beats_group():
    extra = [
        *SCHOOL_RULES,
        rule(5, group_id=9, max_loans=4, loan_days=7),
        rule(6, age_code="AJ", loan_days=3),
    ]
    in_group = pupil(7, group_id=9)
    assert rules.resolve_from(extra, patron=in_group).max_loans == 4
    assert rules.resolve_from(extra, patron=in_group).loan_days == 7
    assert rules.resolve_from(extra, patron=in_group, age_code="AJ").loan_days == 3
    assert rules.resolve_from(extra, patron=pupil(7), age_code="B").loan_days == 14


def test_narrower_year_range_wins():
    ranges = [
        rule(1, year_level_from=1, year_level_to=8, max_loans=2),
        rule(2, year_level_from=3, year_level_to=4, max_loans=5),
    ]
    assert rules.resolve_from(ranges, patron=pupil(3)).max_loans == 5
    assert rules.resolve_from(ranges, patron=pupil(6)).max_loans == 2


def test_max_loans_from_an_age_code_rule_counts_that_material():
    effective = rules.resolve_from([*SCHOOL_RULES, rule(7, age_code="AJ", max_loans=1)], patron=pupil(5), age_code="AJ")
    assert effective.max_loans_per_material and effective.age_code == "AJ" and effective.max_loans == 1


def test_defaults_without_rules_and_no_fines():
    effective = rules.resolve_from([], patron=pupil(5))
    assert effective.loan_days == rules.DEFAULTS["loan_days"]
    assert not effective.fines and effective.overdue_action == "confirm"


def test_fine_per_day():
    effective = rules.resolve_from([rule(1, fine_per_day=Decimal("0.10"))], patron=pupil(5))
    assert effective.fines and effective.fine_per_day == Decimal("0.10")


# A Monday in term time, and a calendar with an autumn break and the summer holiday.
MONDAY = dt.date(2027, 6, 7)
CALENDAR = rules.Calendar(
    [
        rules.Period(dt.date(2027, 6, 21), dt.date(2027, 6, 25)),  # a closed week
        rules.Period(dt.date(2027, 7, 10), dt.date(2027, 8, 22), is_summer_holiday=True),
    ]
)


def test_due_date_on_an_open_day():
    assert CALENDAR.due_date(MONDAY, 7) == rules.DueDate(dt.date(2027, 6, 14), capped=False)


def test_due_date_in_a_closed_week_moves_to_the_next_open_day():
    assert CALENDAR.due_date(MONDAY, 14).date == dt.date(2027, 6, 28)


def test_due_date_on_a_weekend_moves_to_monday():
    assert CALENDAR.due_date(MONDAY, 5).date == dt.date(2027, 6, 14)


def test_no_due_date_beyond_the_last_school_day_before_summer():
    due = CALENDAR.due_date(MONDAY, 35)
    # The summer holiday starts on Saturday 10 July: the last school day is Friday 9 July.
    assert due == rules.DueDate(dt.date(2027, 7, 9), capped=True)


def test_hard_end_is_the_next_summer_after_today():
    assert CALENDAR.hard_end(dt.date(2027, 8, 30)) is None
    assert CALENDAR.hard_end(MONDAY) == dt.date(2027, 7, 9)


@pytest.mark.django_db
def test_calendar_and_resolve_from_the_database(school_a):
    ClosedDay.objects.create(school=school_a, name="Meivakantie", start=dt.date(2027, 6, 14), end=dt.date(2027, 6, 18))
    LoanRule.objects.create(school=school_a, loan_days=7)
    group = GroupFactory(school=school_a, year_level=4)
    patron = PatronFactory(school=school_a, group=group)
    effective = rules.resolve(patron=patron)
    assert effective.loan_days == 7
    assert rules.due_date(school=school_a, rule=effective, today=MONDAY).date == dt.date(2027, 6, 21)
