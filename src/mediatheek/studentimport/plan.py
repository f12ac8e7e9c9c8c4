"""The plan: what an import would do to each student of the school. A pure function, no Django models.

`make_plan(rows, errors, current, ...)` compares the file's rows with the school's current students (plain
dataclasses) and gives every row and every student exactly one outcome:

- every usable row is new, reactivated, moved, updated or unchanged; every unusable row is an error;
- every active student of the school is moved, updated, unchanged, deregistered, or left alone because an
  error row names them (a bad row never deregisters its student).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from django.utils.translation import gettext as _

from mediatheek.studentimport.normalise import RowError, StudentRow

OUTCOMES = ("new", "reactivated", "moved", "updated", "unchanged", "deregistered")
COUNT_KEYS = (*OUTCOMES, "errors")

# The fields an import compares and writes, apart from the group.
COMPARED_FIELDS = ("first_name", "name_prefix", "last_name", "year_level", "birth_date", "card_number", "email")

GUARD_SHARE = 0.25
GUARD_MINIMUM = 10


def exceeds_guard(leaving: int, active: int) -> bool:
    """The import guard's rule: more than 25 % of the active students, and more than 10, would leave."""
    return leaving > GUARD_MINIMUM and leaving > GUARD_SHARE * active


def looks_partial(found: int, active: int) -> bool:
    """A file with `found` students for a school with `active` ones: would importing it trip the guard (every
    active student not in the file leaves)? Told to the school at once when it uploads."""
    return exceeds_guard(max(active - found, 0), active)


@dataclass(frozen=True, slots=True)
class OpenLoan:
    title: str
    barcode: str
    due_date: dt.date


@dataclass(slots=True)
class CurrentStudent:
    """A patron of the school as the plan sees it."""

    id: int
    student_number: str
    first_name: str = ""
    name_prefix: str = ""
    last_name: str = ""
    group: str = ""
    group_school_year: int | None = None
    year_level: int | None = None
    birth_date: dt.date | None = None
    card_number: str = ""
    email: str = ""
    active: bool = True
    is_student: bool = True
    group_id: int | None = None  # for the caller's bookkeeping; the plan compares group names

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.name_prefix, self.last_name) if part)


@dataclass(slots=True)
class PlannedChange:
    outcome: str
    student_number: str
    label: str = ""  # the name, for a student without a row (deregistered); see `name`
    row: int | None = None  # the file's row (None for a deregistered student)
    patron_id: int | None = None  # None for a new student
    old_group: str = ""
    new_group: str = ""
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field -> (old, new); "group" included
    student: StudentRow | None = None  # the row's values (new/reactivated/moved/updated/unchanged)
    open_loans: tuple[OpenLoan, ...] = ()  # deregistered students only

    @property
    def name(self) -> str:
        return self.student.full_name if self.student is not None else self.label


@dataclass
class Plan:
    school_year: int
    fields: frozenset[str]
    new: list[PlannedChange] = field(default_factory=list)
    reactivated: list[PlannedChange] = field(default_factory=list)
    moved: list[PlannedChange] = field(default_factory=list)
    updated: list[PlannedChange] = field(default_factory=list)
    unchanged: list[PlannedChange] = field(default_factory=list)
    deregistered: list[PlannedChange] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    active_before: int = 0  # active students of the school before the import
    protected: int = 0  # active students left alone because an error row names them
    without_key: int = 0  # active students without a student number: left alone

    @property
    def counts(self) -> dict[str, int]:
        counts = {outcome: len(getattr(self, outcome)) for outcome in OUTCOMES}
        counts["errors"] = len(self.errors)
        return counts

    @property
    def guard_triggered(self) -> bool:
        """More than 25 % of the active students (and more than 10) would be deregistered."""
        return exceeds_guard(len(self.deregistered), self.active_before)

    @property
    def changed(self) -> bool:
        return any(getattr(self, outcome) for outcome in OUTCOMES if outcome != "unchanged")

    def outcome_lists(self) -> dict[str, list[PlannedChange]]:
        return {outcome: getattr(self, outcome) for outcome in OUTCOMES}


def _name_key(first: str, last: str) -> tuple[str, str]:
    return (first.casefold(), last.casefold())


def make_plan(
    rows: Iterable[StudentRow],
    errors: Iterable[RowError],
    current: Iterable[CurrentStudent],
    *,
    school_year: int,
    fields: Iterable[str],
    open_loans: Mapping[int, list[OpenLoan]] | None = None,
    foreign_card_numbers: frozenset[str] = frozenset(),
) -> Plan:
    """Compare the rows with the school's current patrons.

    `fields` are the fields the file carries (a field the file does not have is never changed);
    `foreign_card_numbers` are card numbers in the file that belong to some other patron of the library.
    """
    fields_present = frozenset(fields)
    compared = tuple(name for name in COMPARED_FIELDS if name in fields_present and name != "card_number")
    compare_card = "card_number" in fields_present
    get_compared = attrgetter(*compared) if compared else (lambda _obj: ())
    compare_group = "group" in fields_present
    plan = Plan(school_year=school_year, fields=fields_present)
    error_rows = list(errors)
    loans = open_loans or {}

    by_key: dict[str, CurrentStudent] = {}
    for patron in current:
        if patron.active and patron.is_student:
            plan.active_before += 1
            if not patron.student_number:
                plan.without_key += 1  # added by hand without a number: never matched, never deregistered
        if patron.student_number:
            by_key[patron.student_number] = patron

    # A key on several rows, or a card number twice in the file: every such row is an error.
    rows = list(rows)
    dup_keys = {key for key, n in Counter(row.student_number for row in rows).items() if n > 1}
    dup_cards = {card for card, n in Counter(row.card_number for row in rows if row.card_number).items() if n > 1}
    teacher_keys = {key for key, patron in by_key.items() if not patron.is_student}
    usable: list[StudentRow] = rows
    if dup_keys or dup_cards or foreign_card_numbers or teacher_keys:
        usable = []
        for row in rows:
            message = ""
            if row.student_number in dup_keys:
                message = _("Leerlingnummer %(key)s staat op meer dan één regel.") % {"key": row.student_number}
            elif row.card_number in dup_cards:
                message = _("Pasnummer %(card)s staat op meer dan één regel.") % {"card": row.card_number}
            elif row.card_number in foreign_card_numbers:
                message = _("Pasnummer %(card)s is al van een andere lener.") % {"card": row.card_number}
            elif row.student_number in teacher_keys:
                message = _("Leerlingnummer %(key)s hoort bij een leerkracht.") % {"key": row.student_number}
            if message:
                error_rows.append(
                    RowError(
                        row=row.row,
                        message=message,
                        student_number=row.student_number,
                        first_name=row.first_name,
                        last_name=row.last_name,
                    )
                )
            else:
                usable.append(row)
    error_rows.sort(key=lambda error: error.row)
    plan.errors = error_rows

    seen = {row.student_number for row in usable}
    new_append = plan.new.append
    lists = plan.outcome_lists()
    for row in usable:
        found = by_key.get(row.student_number)
        if found is None:
            # Positional (outcome, key, label, row, patron_id, old_group, new_group, changes, student): a file
            # of 100,000 new students makes this the hot path.
            new_append(
                PlannedChange(
                    "new", row.student_number, "", row.row, None, "", row.group if compare_group else "", {}, row
                )
            )
            continue
        patron = found
        changes: dict[str, tuple[Any, Any]] = {}
        if get_compared(row) != get_compared(patron) or (
            compare_card and row.card_number and row.card_number != patron.card_number
        ):
            for name in compared:
                new_value = getattr(row, name)
                old_value = getattr(patron, name)
                if old_value != new_value:
                    changes[name] = (old_value, new_value)
            if compare_card and row.card_number and row.card_number != patron.card_number:
                # An empty card number in the file never takes a card away.
                changes["card_number"] = (patron.card_number, row.card_number)
        old_group = patron.group
        new_group = row.group if compare_group else old_group
        group_changed = compare_group and (
            new_group != old_group or (bool(new_group) and patron.group_school_year != school_year)
        )
        if group_changed:
            changes["group"] = (old_group, new_group)
        if not patron.active:
            outcome = "reactivated"
        elif group_changed:
            outcome = "moved"
        elif changes:
            outcome = "updated"
        else:
            outcome = "unchanged"
        lists[outcome].append(
            PlannedChange(outcome, row.student_number, "", row.row, patron.id, old_group, new_group, changes, row)
        )

    # Students an error row names are left exactly as they were: by key, or (no key) by name.
    protected_keys = {error.student_number for error in error_rows if error.student_number}
    unnamed = Counter(
        _name_key(error.first_name, error.last_name)
        for error in error_rows
        if not error.student_number and error.last_name
    )
    for key, patron in by_key.items():
        if key in seen or not patron.active or not patron.is_student:
            continue
        if key in protected_keys:
            plan.protected += 1
            continue
        name_key = _name_key(patron.first_name, patron.last_name)
        if unnamed.get(name_key):
            plan.protected += 1
            continue
        last_only = _name_key("", patron.last_name)
        if unnamed.get(last_only):
            plan.protected += 1
            continue
        plan.deregistered.append(
            PlannedChange(
                outcome="deregistered",
                student_number=key,
                label=patron.full_name,
                patron_id=patron.id,
                old_group=patron.group,
                open_loans=tuple(loans.get(patron.id, ())),
            )
        )
    return plan
