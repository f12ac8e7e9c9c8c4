"""The plan as a pure function: each outcome, the guard, error rows never deregistering, counts adding up."""

from __future__ import annotations

import dataclasses
import datetime as dt
from itertools import count

from hypothesis import given, settings
from hypothesis import strategies as st

from mediatheek.studentimport.normalise import RowError, StudentRow
from mediatheek.studentimport.plan import CurrentStudent, OpenLoan, Plan, make_plan

YEAR = 2025
ALL_FIELDS = frozenset(
    {"student_number", "first_name", "name_prefix", "last_name", "group", "year_level", "birth_date", "card_number"}
)


def student(key: str, group: str = "5B", **values: object) -> CurrentStudent:
    defaults: dict[str, object] = {
        "first_name": "Sanne",
        "last_name": "Berg",
        "group_school_year": YEAR,
        "year_level": 5,
        "card_number": f"2{key:0>9}",
    }
    defaults.update(values)
    return CurrentStudent(id=int(key), student_number=key, group=group, **defaults)


def row(key: str, group: str = "5B", line: int = 2, **values: object) -> StudentRow:
    defaults: dict[str, object] = {"first_name": "Sanne", "last_name": "Berg", "year_level": 5, "card_number": ""}
    defaults.update(values)
    return StudentRow(row=line, student_number=key, group=group, **defaults)


def plan(
    rows: list[StudentRow], current: list[CurrentStudent], errors: list[RowError] | None = None, **kw: object
) -> Plan:
    return make_plan(rows, errors or [], current, school_year=YEAR, fields=ALL_FIELDS, **kw)


def test_each_outcome() -> None:
    current = [
        student("1"),
        student("2"),
        student("3"),
        student("4", active=False),
        student("5"),
    ]
    rows = [
        row("1"),  # unchanged
        row("2", group="6A", year_level=6),  # moved
        row("3", last_name="Bergh"),  # updated
        row("4"),  # reactivated
        row("9", group="1A"),  # new
    ]
    result = plan(rows, current, open_loans={5: [OpenLoan("Dolfje Weerwolfje", "B001", dt.date(2025, 9, 1))]})
    assert result.counts == {
        "new": 1,
        "reactivated": 1,
        "moved": 1,
        "updated": 1,
        "unchanged": 1,
        "deregistered": 1,
        "errors": 0,
    }
    moved = result.moved[0]
    assert (moved.old_group, moved.new_group) == ("5B", "6A")
    assert moved.changes == {"year_level": (5, 6), "group": ("5B", "6A")}
    assert result.updated[0].changes == {"last_name": ("Berg", "Bergh")}
    gone = result.deregistered[0]
    assert gone.student_number == "5"
    assert gone.open_loans[0].barcode == "B001"
    assert result.new[0].patron_id is None


def test_group_of_last_school_year_is_a_move() -> None:
    result = plan([row("1", group="5B")], [student("1", group="5B", group_school_year=YEAR - 1)])
    assert len(result.moved) == 1


def test_field_not_in_file_is_never_changed() -> None:
    result = make_plan(
        [row("1", group="", last_name="Berg")],
        [],
        [student("1", email="a@b.nl")],
        school_year=YEAR,
        fields={"student_number", "last_name", "first_name"},
    )
    assert len(result.unchanged) == 1


def test_empty_card_number_never_removes_a_card() -> None:
    result = plan([row("1", card_number="")], [student("1")])
    assert len(result.unchanged) == 1


def test_error_row_protects_its_student() -> None:
    current = [student("1"), student("2")]
    errors = [RowError(row=3, message="Onmogelijke geboortedatum", student_number="2")]
    result = plan([row("1")], current, errors)
    assert result.deregistered == []
    assert result.protected == 1
    assert result.counts["errors"] == 1


def test_error_row_without_key_protects_by_name() -> None:
    current = [student("1"), student("2", first_name="Daan", last_name="Jansen")]
    errors = [RowError(row=3, message="Geen leerlingnummer.", first_name="Daan", last_name="Jansen")]
    result = plan([row("1")], current, errors)
    assert result.deregistered == []


def test_duplicate_key_rows_are_errors_and_protect() -> None:
    current = [student("1"), student("2")]
    result = plan([row("1"), row("2", line=3), row("2", line=4, last_name="Anders")], current)
    assert [error.row for error in result.errors] == [3, 4]
    assert result.deregistered == []
    assert len(result.unchanged) == 1


def test_card_number_of_another_patron_is_a_row_error() -> None:
    result = plan([row("1", card_number="200000001")], [], foreign_card_numbers=frozenset({"200000001"}))
    assert result.new == []
    assert "andere lener" in result.errors[0].message


def test_teacher_key_is_a_row_error_and_teachers_are_never_deregistered() -> None:
    teacher = student("7", is_student=False)
    result = plan([row("7")], [teacher])
    assert result.errors and result.new == []
    assert plan([], [teacher]).deregistered == []


def test_student_without_key_is_left_alone_but_counts_for_the_guard() -> None:
    current = [student("1"), CurrentStudent(id=99, student_number="", last_name="Handmatig")]
    result = plan([row("1")], current)
    assert result.deregistered == [] and result.without_key == 1 and result.active_before == 2


def test_guard() -> None:
    current = [student(str(n)) for n in range(1, 41)]
    keep = [row(str(n)) for n in range(1, 30)]  # 11 of 40 leave: 27.5 % and more than 10
    assert plan(keep, current).guard_triggered
    keep = [row(str(n)) for n in range(1, 31)]  # 10 leave: not more than 10
    assert not plan(keep, current).guard_triggered
    many = [student(str(n)) for n in range(1, 201)]
    assert not plan([row(str(n)) for n in range(1, 170)], many).guard_triggered  # 31 of 200 = 15.5 %


# --- property-based ---------------------------------------------------------------------------------------------

names = st.sampled_from(["Berg", "Jansen", "de Vries", "Öztürk", "Bakker"])
groups = st.sampled_from(["", "5B", "6A", "Groep 7"])
keys = st.integers(min_value=1, max_value=30).map(str)

rows_strategy = st.lists(
    st.builds(
        lambda key, last, group, year: (key, last, group, year),
        keys,
        names,
        groups,
        st.one_of(st.none(), st.integers(1, 8)),
    ),
    max_size=25,
)
current_strategy = st.lists(
    st.tuples(keys, names, groups, st.booleans(), st.booleans()),
    max_size=25,
    unique_by=lambda item: item[0],
)


def apply_in_memory(result: Plan, current: list[CurrentStudent]) -> list[CurrentStudent]:
    """What apply does, on the dataclasses: the reference for the property below."""
    by_id = {patron.id: patron for patron in current}
    ids = count(1000)
    for change in result.new + result.reactivated + result.moved + result.updated:
        values = change.student
        assert values is not None
        patron = by_id.get(change.patron_id) if change.patron_id else None
        if patron is None:
            patron = CurrentStudent(id=next(ids), student_number=values.student_number)
            by_id[patron.id] = patron
        for name in ("first_name", "name_prefix", "last_name", "year_level", "birth_date", "email"):
            setattr(patron, name, getattr(values, name))
        if values.card_number:
            patron.card_number = values.card_number
        patron.group = values.group
        patron.group_school_year = YEAR
        patron.active = True
    for change in result.deregistered:
        assert change.patron_id is not None
        by_id[change.patron_id].active = False
    return [dataclasses.replace(patron) for patron in by_id.values()]


@settings(max_examples=200, deadline=None)
@given(rows_strategy, current_strategy)
def test_counts_add_up_and_reimport_is_unchanged(raw_rows: list[tuple], raw_current: list[tuple]) -> None:
    rows = [
        StudentRow(row=line, student_number=key, last_name=last, group=group, year_level=year)
        for line, (key, last, group, year) in enumerate(raw_rows, start=2)
    ]
    current = [
        CurrentStudent(
            id=int(key),
            student_number=key,
            last_name=last,
            group=group,
            group_school_year=YEAR if same_year else YEAR - 1,
            active=active,
        )
        for key, last, group, active, same_year in raw_current
    ]
    fields = frozenset({"student_number", "last_name", "group", "year_level"})
    first = make_plan(rows, [], current, school_year=YEAR, fields=fields)
    counts = first.counts
    # Every row has exactly one outcome.
    assert counts["new"] + counts["reactivated"] + counts["moved"] + counts["updated"] + counts["unchanged"] + counts[
        "errors"
    ] == len(rows)
    # Every active student has exactly one outcome (or is protected by an error row).
    active = sum(1 for patron in current if patron.active)
    assert (
        counts["moved"]
        + counts["updated"]
        + counts["unchanged"]
        + counts["deregistered"]
        + first.protected
        + first.without_key
        == active
    )
    # Applying the plan and planning the same rows again: only "unchanged" (and the same error rows).
    second = make_plan(rows, [], apply_in_memory(first, current), school_year=YEAR, fields=fields)
    assert second.counts == {
        "new": 0,
        "reactivated": 0,
        "moved": 0,
        "updated": 0,
        "unchanged": counts["new"] + counts["reactivated"] + counts["moved"] + counts["updated"] + counts["unchanged"],
        "deregistered": 0,
        "errors": counts["errors"],
    }
