"""Loan rules are data: the effective rule for a patron and a copy, most specific first (Koha's circulation rules).

A `LoanRule` row has criteria (patron kind, year level range, group, age code) and settings (loan days, maximum
loans, maximum renewals, hold days, maximum open reservations, fine per day, what to do with overdue books). Empty
criteria match everything, empty settings say "ask a more general rule". For each setting the most specific
matching row that fills it in wins; ordering by specificity: age code (material) > group > year level > patron
kind > the school-wide row.

Due dates fall on an open day: a day in a closed period (schools.ClosedDay) or a weekend moves to the next open
day; no due date goes beyond the last open day before the (next) summer holiday.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from mediatheek.circulation.models import LoanRule, OverdueAction

if TYPE_CHECKING:
    from mediatheek.patrons.models import Patron
    from mediatheek.schools.models import School

# Used when a school has no rule that fills a setting in.
DEFAULTS = {
    "loan_days": 21,
    "max_loans": 5,
    "max_renewals": 2,
    "hold_days": 7,
    # Open reservations (waiting or ready) per patron. Without a limit one pupil reserved 57 titles and blocked
    # every other borrower's renewals of them. The same default for teachers: a rule for teachers can say more.
    "max_reservations": 3,
    "fine_per_day": None,
    "overdue_action": OverdueAction.CONFIRM.value,
}
SETTINGS = tuple(DEFAULTS)


@dataclass(frozen=True)
class EffectiveRule:
    loan_days: int
    max_loans: int
    max_renewals: int
    hold_days: int
    max_reservations: int
    fine_per_day: Decimal | None
    overdue_action: str
    # True when max_loans came from a rule for one age code: the limit then counts loans of that age code only.
    max_loans_per_material: bool = False
    age_code: str = ""

    @property
    def fines(self) -> bool:
        return bool(self.fine_per_day)


def specificity(rule: LoanRule) -> tuple[int, int, int]:
    """Higher is more specific. Narrower year level ranges beat wider ones; a later row breaks a tie."""
    score = 0
    if rule.age_code:
        score += 8
    if rule.group_id:
        score += 4
    if rule.year_level_from is not None or rule.year_level_to is not None:
        score += 2
    if rule.patron_kind:
        score += 1
    low = rule.year_level_from if rule.year_level_from is not None else 0
    high = rule.year_level_to if rule.year_level_to is not None else 99
    return score, -(high - low), rule.pk or 0


def matches(rule: LoanRule, *, patron: Patron, age_code: str | None) -> bool:
    if rule.patron_kind and rule.patron_kind != patron.kind:
        return False
    if rule.group_id and rule.group_id != patron.group_id:
        return False
    if rule.year_level_from is not None or rule.year_level_to is not None:
        level = patron.year_level if patron.year_level is not None else getattr(patron.group, "year_level", None)
        if level is None:
            return False
        if rule.year_level_from is not None and level < rule.year_level_from:
            return False
        if rule.year_level_to is not None and level > rule.year_level_to:
            return False
    return not (rule.age_code and rule.age_code != (age_code or ""))


def resolve_from(rules: Iterable[LoanRule], *, patron: Patron, age_code: str | None = None) -> EffectiveRule:
    """The effective rule from a list of rule rows (pure: no queries)."""
    ordered = sorted(
        (rule for rule in rules if matches(rule, patron=patron, age_code=age_code)), key=specificity, reverse=True
    )
    values: dict[str, object] = {}
    per_material = False
    for name in SETTINGS:
        for rule in ordered:
            value = getattr(rule, name)
            if value is not None and value != "":
                values[name] = value
                if name == "max_loans" and rule.age_code:
                    per_material = True
                break
        else:
            values[name] = DEFAULTS[name]
    fine = values["fine_per_day"]
    return EffectiveRule(
        loan_days=int(values["loan_days"]),  # type: ignore[call-overload]
        max_loans=int(values["max_loans"]),  # type: ignore[call-overload]
        max_renewals=int(values["max_renewals"]),  # type: ignore[call-overload]
        hold_days=int(values["hold_days"]),  # type: ignore[call-overload]
        max_reservations=int(values["max_reservations"]),  # type: ignore[call-overload]
        fine_per_day=Decimal(str(fine)) if fine else None,
        overdue_action=str(values["overdue_action"]),
        max_loans_per_material=per_material,
        age_code=(age_code or "") if per_material else "",
    )


def _school_id(school: School | int) -> int:
    return school if isinstance(school, int) else school.pk


def school_rules(school: School | int) -> list[LoanRule]:
    from mediatheek.circulation import sql

    return sql.loan_rules(_school_id(school))


@dataclass(frozen=True)
class DeskSetup:
    """What a check-out needs of the school besides the copy and the patron."""

    rules: list[LoanRule]
    calendar: Calendar

    @classmethod
    def load(cls, school_id: int, today: dt.date) -> DeskSetup:
        return cls(rules=school_rules(school_id), calendar=Calendar.for_school(school_id, around=today))


# Per process (a gunicorn worker): school id -> (rules_version, day, setup). Read-only once built.
_desk_setups: dict[int, tuple[int, dt.date, DeskSetup]] = {}


def for_desk(school: School, today: dt.date) -> DeskSetup:
    """The school's rules and calendar, kept until they change: `school.rules_version`, read with the school at
    the start of the request, changes with every rule or closed day (circulation.signals). A scan then needs no
    query for either."""
    cached = _desk_setups.get(school.pk)
    if cached is not None and cached[0] == school.rules_version and cached[1] == today:
        return cached[2]
    setup = DeskSetup.load(school.pk, today)
    _desk_setups[school.pk] = (school.rules_version, today, setup)
    return setup


def resolve(*, patron: Patron, age_code: str | None = None, rules: Sequence[LoanRule] | None = None) -> EffectiveRule:
    """The effective rule for this patron (and, for a copy, its title's age code)."""
    if rules is None:
        rules = school_rules(patron.school_id)
    return resolve_from(rules, patron=patron, age_code=age_code)


# --- Calendar: open days, due dates -------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    is_summer_holiday: bool = False


class Calendar:
    """The school's closed periods; answers "is this an open day" and "what is the due date"."""

    def __init__(self, periods: Iterable[Period], *, weekends_closed: bool = True) -> None:
        self.periods = sorted(periods, key=lambda period: period.start)
        self.weekends_closed = weekends_closed

    @classmethod
    def for_school(cls, school: School | int, *, around: dt.date | None = None) -> Calendar:
        from mediatheek.circulation import sql

        since = until = None
        if around is not None:
            # Only the periods that can matter for a due date in the coming two years.
            since, until = around - dt.timedelta(days=7), around + dt.timedelta(days=730)
        return cls(
            Period(start, end, summer) for start, end, summer in sql.closed_periods(_school_id(school), since, until)
        )

    def closed_period(self, day: dt.date) -> Period | None:
        for period in self.periods:
            if period.start <= day <= period.end:
                return period
        return None

    def is_open(self, day: dt.date) -> bool:
        if self.weekends_closed and day.weekday() >= 5:
            return False
        return self.closed_period(day) is None

    def next_open_day(self, day: dt.date) -> dt.date:
        """`day` itself when open, else the first open day after it."""
        for _step in range(800):
            period = self.closed_period(day)
            if period is not None:
                day = period.end + dt.timedelta(days=1)
            elif self.weekends_closed and day.weekday() >= 5:
                day += dt.timedelta(days=7 - day.weekday())
            else:
                return day
        return day

    def previous_open_day(self, day: dt.date) -> dt.date:
        for _step in range(800):
            period = self.closed_period(day)
            if period is not None:
                day = period.start - dt.timedelta(days=1)
            elif self.weekends_closed and day.weekday() >= 5:
                day -= dt.timedelta(days=day.weekday() - 4)
            else:
                return day
        return day

    def hard_end(self, today: dt.date) -> dt.date | None:
        """The last open day before the next summer holiday that starts after `today` (None: no summer holiday)."""
        for period in self.periods:
            if period.is_summer_holiday and period.start > today:
                return max(today, self.previous_open_day(period.start - dt.timedelta(days=1)))
        return None

    def due_date(self, today: dt.date, days: int) -> DueDate:
        return self.due_on_or_after(today + dt.timedelta(days=max(days, 0)), today=today)

    def due_on_or_after(self, day: dt.date, *, today: dt.date) -> DueDate:
        """The due date for a book meant to come back on `day`: that day when it is open, else the next open day,
        but never after the last open day before the summer holiday (as seen on `today`). A lend asks it for
        today + the loan period; a closed day added later asks it for the due dates that fall on it."""
        due = self.next_open_day(day)
        end = self.hard_end(today)
        if end is not None and due > end:
            return DueDate(end, capped=True)
        return DueDate(due, capped=False)


@dataclass(frozen=True)
class DueDate:
    date: dt.date
    capped: bool  # True: cut back to the last school day before the summer holiday


def due_date(*, school: School | int, rule: EffectiveRule, today: dt.date, calendar: Calendar | None = None) -> DueDate:
    calendar = calendar or Calendar.for_school(school, around=today)
    return calendar.due_date(today, rule.loan_days)


def hold_until(
    *, school: School | int, rule: EffectiveRule, today: dt.date, calendar: Calendar | None = None
) -> dt.date:
    """The last day a returned copy stays on hold: hold_days days from today, moved to the next open day."""
    calendar = calendar or Calendar.for_school(school, around=today)
    return calendar.next_open_day(today + dt.timedelta(days=max(rule.hold_days, 1)))
