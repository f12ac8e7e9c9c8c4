"""The import writes its rows two ways: COPY on PostgreSQL (fast for a big file) and executemany elsewhere
(`_Writer.insert`). The same file applied through each must leave identical rows. The comparison needs PostgreSQL
(the only database with COPY); on SQLite the executemany path is what every other import test runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connections

from mediatheek.patrons.cardnumbers import is_valid_card_number
from mediatheek.patrons.models import Patron
from mediatheek.studentimport import services
from mediatheek.studentimport.models import ImportChange, ImportRun
from mediatheek.studentimport.tests.test_services import STUDENTS, existing, xlsx
from mediatheek.testing import factories as f

pytestmark = pytest.mark.django_db

ROWS = [
    *STUDENTS,
    ("555", "Fleur", "", "Bakker", "Groep 5B", 5, None),
    ("999", "Nieuw", "", "Kind", "Groep 1A", 1, None),
    ("1000", "Émile", "ten", "Brink", "Groep 8C", 8, dt.date(2012, 2, 29)),
]


def prepare(school: Any) -> None:
    """One student of each outcome before the file: unchanged, moved, updated, reactivated, deregistered."""
    existing(school, "00123", first_name="Sanne", name_prefix="van den", birth_date=dt.date(2016, 5, 17))
    existing(school, "4567", group="Groep 5A", first_name="Daan", last_name="Jansen", birth_date=dt.date(2015, 1, 31))
    existing(school, "8901", first_name="Zoe", name_prefix="de", last_name="Vries", birth_date=dt.date(2016, 12, 1))
    existing(school, "555", first_name="Fleur", last_name="Bakker", status=Patron.Status.DEREGISTERED)
    leaves = existing(school, "777", first_name="Mo", last_name="Öztürk")
    f.LoanFactory(copy=f.CopyFactory(school=school), patron=leaves, school=school)


def patron_rows(school: Any) -> list[tuple[Any, ...]]:
    fields = ["student_number", "first_name", "name_prefix", "last_name", "group__name", "group__school_year"]
    fields += ["year_level", "birth_date", "email", "status", "kind", "deregistered_on", "enrolled_on"]
    rows = Patron.objects.for_school(school).order_by("student_number").values_list(*fields, "card_number")
    assert all(is_valid_card_number(row[-1]) for row in rows)
    return [row[:-1] for row in rows]  # card numbers come from one library-wide sequence: each run its own


def change_rows(run: ImportRun) -> list[tuple[Any, ...]]:
    def without_card(value: Any) -> Any:
        # Card numbers and group ids differ between the two schools' runs by nature; the rest must not.
        return (
            {k: v for k, v in value.items() if k not in ("card_number", "group_id")}
            if isinstance(value, dict)
            else value
        )

    changes = ImportChange.objects.filter(run=run).order_by("student_number", "outcome")
    return [
        (c.outcome, c.student_number, c.name, c.row, without_card(c.before), without_card(c.after), c.patron_id is None)
        for c in changes
    ]


@pytest.mark.postgres
def test_copy_and_executemany_write_the_same_rows(
    school_a: Any, school_b: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connections["default"].vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's; on SQLite every import test runs the executemany path")
    statements: list[str] = []
    real_executemany = services._Writer.executemany

    def spy(self: Any, sql: str, params: list[Any]) -> None:
        statements.append(sql.split(" ", 1)[0])
        real_executemany(self, sql, params)

    monkeypatch.setattr(services._Writer, "executemany", spy)
    prepare(school_a)
    prepare(school_b)
    data = xlsx(ROWS)

    with_copy = services.apply_import(school=school_a, data=data, filename="x.xlsx", by=None)
    assert "INSERT" not in statements  # COPY wrote the new students and the change rows

    real_insert = services._Writer.insert

    def insert_with_executemany(self: Any, model: Any, names: list[str], params: list[Any]) -> None:
        # The same method, told it is not on PostgreSQL: it takes its executemany branch.
        with monkeypatch.context() as patch:
            patch.setattr(connections["default"], "vendor", "sqlite")
            real_insert(self, model, names, params)

    monkeypatch.setattr(services._Writer, "insert", insert_with_executemany)
    statements.clear()
    with_executemany = services.apply_import(school=school_b, data=data, filename="x.xlsx", by=None)
    assert statements.count("INSERT") == 2  # the new students, and the change rows

    assert patron_rows(school_a) == patron_rows(school_b)
    assert change_rows(with_copy) == change_rows(with_executemany)
    counts = ["new", "reactivated", "moved", "updated", "unchanged", "deregistered"]
    assert [getattr(with_copy, name) for name in counts] == [getattr(with_executemany, name) for name in counts]
    assert with_copy.new == 2 and with_copy.deregistered == 1
