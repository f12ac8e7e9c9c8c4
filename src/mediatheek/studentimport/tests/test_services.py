"""Preview, apply and undo against the database: each format, each outcome, guard, bad files, wrong school."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediatheek.core.errors import DomainError
from mediatheek.core.models import AuditEvent
from mediatheek.core.schoolyear import school_year_of
from mediatheek.patrons.cardnumbers import is_valid_card_number
from mediatheek.patrons.models import Group, Patron
from mediatheek.studentimport import services
from mediatheek.studentimport.models import ImportChange, ImportRun
from mediatheek.studentimport.services import FileRefused, MassDeregistrationBlocked
from mediatheek.studentimport.tests import makefiles
from mediatheek.testing import factories as f

pytestmark = pytest.mark.django_db

YEAR = school_year_of(timezone.localdate())

STUDENTS = [
    ("00123", "Sanne", "van den", "Berg", "Groep 5B", 5, dt.date(2016, 5, 17)),
    ("4567", "Daan", "", "Jansen", "Groep 6A", 6, dt.date(2015, 1, 31)),
    ("8901", "Zoë", "de", "Vries", "Groep 5B", 5, dt.date(2016, 12, 1)),
]


def xlsx(students: list[tuple[Any, ...]] = STUDENTS, title_rows: int = 2) -> bytes:
    return makefiles.xlsx(makefiles.parnassys_rows(students), title_rows=title_rows)


def apply(school: Any, data: bytes, name: str = "leerlingen.xlsx", **kwargs: Any) -> ImportRun:
    return services.apply_import(school=school, data=data, filename=name, by=None, **kwargs)


def students(school: Any) -> dict[str, Patron]:
    return {p.student_number: p for p in Patron.objects.for_school(school).select_related("group")}


def snapshot(school: Any) -> list[tuple[Any, ...]]:
    fields = ["id", "student_number", "first_name", "name_prefix", "last_name", "group_id", "year_level"]
    fields += ["birth_date", "card_number", "email", "status", "deregistered_on"]
    return list(Patron.objects.for_school(school).order_by("id").values_list(*fields))


def existing(school: Any, key: str, group: str = "Groep 5B", **values: Any) -> Patron:
    group_obj, _created = Group.objects.get_or_create(
        school=school, school_year=YEAR, name=group, defaults={"year_level": 5}
    )
    defaults = {"first_name": "Sanne", "name_prefix": "", "last_name": "Berg", "year_level": 5, "birth_date": None}
    defaults.update(values)
    return f.PatronFactory(school=school, student_number=key, group=group_obj, **defaults)


@pytest.mark.parametrize(
    ("maker", "name", "fmt"),
    [
        (lambda: xlsx(), "parnassys.xlsx", "xlsx"),
        (lambda: makefiles.ods(makefiles.parnassys_rows(STUDENTS)), "lijst.ods", "ods"),
        (lambda: makefiles.xls(makefiles.parnassys_rows(STUDENTS)), "lijst.xls", "xls"),
        (
            lambda: makefiles.csv(
                [["Stamnr", "Voornaam", "Tussenv.", "Achternaam", "Klas", "Leerjaar", "Geb. datum"]]
                + [list(s) for s in STUDENTS]
            ),
            "magister.csv",
            "csv",
        ),
    ],
)
def test_each_format_enrols_new_students(school_a: Any, maker: Any, name: str, fmt: str) -> None:
    run = apply(school_a, maker(), name)
    assert run.format == fmt
    assert run.counts["new"] == 3
    found = students(school_a)
    sanne = found["00123"]
    assert (sanne.first_name, sanne.name_prefix, sanne.last_name) == ("Sanne", "van den", "Berg")
    assert sanne.group.name == "Groep 5B" and sanne.group.school_year == YEAR
    assert sanne.birth_date == dt.date(2016, 5, 17)
    assert sanne.status == Patron.Status.ACTIVE and sanne.enrolled_on == timezone.localdate()
    assert is_valid_card_number(sanne.card_number)
    assert len({p.card_number for p in found.values()}) == 3
    assert Group.objects.for_school(school_a).count() == 2


def test_edexml_import(school_a: Any) -> None:
    pupils = [
        {"key": "1", "achternaam": "Berg", "roepnaam": "Sanne", "jaargroep": "5", "groep": "g5", "bsn": "123456782"},
        {"key": "2", "achternaam": "Jansen", "voornamen": "Daan Pieter", "jaargroep": "4"},
        {"key": "3", "achternaam": "Weg", "jaargroep": "H", "uitstroomdatum": "2025-07-01"},
    ]
    run = apply(school_a, makefiles.edexml(pupils, groups={"g5": "5B"}), "export.xml")
    found = students(school_a)
    assert set(found) == {"1", "2"}
    assert found["1"].group.name == "5B"
    assert found["2"].group.name == "Groep 4" and found["2"].first_name == "Daan"
    assert run.format == "edexml"


def test_real_edexml_sample(school_a: Any) -> None:
    school = f.SchoolFactory(code="99XX99", slug="cito")
    run = apply(school, makefiles.fixture("cito-lvs-1.03-sample.xml"), "cito.xml")
    assert run.counts["new"] == 398
    assert Patron.objects.for_school(school).count() == 398


def test_each_outcome_and_report(school_a: Any) -> None:
    stays = existing(
        school_a, "00123", group="Groep 5B", first_name="Sanne", name_prefix="van den", birth_date=dt.date(2016, 5, 17)
    )
    moves = existing(
        school_a, "4567", group="Groep 5A", first_name="Daan", last_name="Jansen", birth_date=dt.date(2015, 1, 31)
    )
    renamed = existing(
        school_a, "8901", first_name="Zoe", name_prefix="de", last_name="Vries", birth_date=dt.date(2016, 12, 1)
    )
    back = existing(school_a, "555", first_name="Fleur", last_name="Bakker", status=Patron.Status.DEREGISTERED)
    leaves = existing(school_a, "777", first_name="Mo", last_name="Öztürk")
    loan = f.LoanFactory(copy=f.CopyFactory(school=school_a), patron=leaves, school=school_a)
    teacher = existing(school_a, "T1", kind=Patron.Kind.TEACHER)
    rows = [
        *STUDENTS,
        ("555", "Fleur", "", "Bakker", "Groep 5B", 5, None),
        ("999", "Nieuw", "", "Kind", "Groep 1A", 1, None),
    ]
    data = xlsx(rows)

    preview = services.preview_import(school=school_a, data=data, filename="x.xlsx")
    assert preview.counts == {
        "new": 1,
        "reactivated": 1,
        "moved": 1,
        "updated": 1,
        "unchanged": 1,
        "deregistered": 1,
        "errors": 0,
    }
    assert not preview.guard_triggered
    assert preview.plan.moved[0].old_group == "Groep 5A" and preview.plan.moved[0].new_group == "Groep 6A"
    assert preview.plan.updated[0].changes == {"first_name": ("Zoe", "Zoë")}
    gone = preview.plan.deregistered[0]
    assert gone.student_number == "777"
    assert gone.open_loans[0].barcode == loan.copy.barcode
    assert preview.read.format == "xlsx"
    assert ImportRun.objects.count() == 0  # preview writes nothing

    run = apply(school_a, data)
    found = students(school_a)
    assert found["00123"].pk == stays.pk
    assert found["4567"].group.name == "Groep 6A" and found["4567"].year_level == 6
    assert found["8901"].first_name == "Zoë"
    assert found["555"].status == Patron.Status.ACTIVE and found["555"].pk == back.pk
    assert found["777"].status == Patron.Status.DEREGISTERED
    assert found["777"].deregistered_on == timezone.localdate()
    assert found["777"].loans.filter(returned_at__isnull=True).count() == 1  # kept with its open loan
    assert found["T1"].status == Patron.Status.ACTIVE and found["T1"].pk == teacher.pk
    assert run.counts == preview.counts
    outcomes = dict(ImportChange.objects.filter(run=run).values_list("student_number", "outcome"))
    assert outcomes == {"999": "new", "555": "reactivated", "4567": "moved", "8901": "updated", "777": "deregistered"}
    moved = run.changes.get(outcome="moved")
    assert moved.before and moved.after
    assert moved.before["group"] == "Groep 5A" and moved.after["group"] == "Groep 6A"
    new = run.changes.get(outcome="new")
    assert new.patron and new.after
    assert new.patron.student_number == "999" and new.after["card_number"] == new.patron.card_number
    assert run.new_patron_ids() == [new.patron_id]
    assert AuditEvent.objects.filter(action="import", school=school_a).count() == 1
    assert services.last_import(school_a) == run
    assert renamed.pk == found["8901"].pk and moves.pk == found["4567"].pk


def test_reimport_changes_nothing(school_a: Any) -> None:
    data = xlsx()
    apply(school_a, data)
    before = snapshot(school_a)
    second = apply(school_a, data)
    assert second.counts == {
        "new": 0,
        "reactivated": 0,
        "moved": 0,
        "updated": 0,
        "unchanged": 3,
        "deregistered": 0,
        "errors": 0,
    }
    assert snapshot(school_a) == before
    assert second.changes.count() == 0


def test_bad_row_never_deregisters_its_student(school_a: Any) -> None:
    existing(school_a, "00123")
    existing(school_a, "4567", first_name="Daan", last_name="Jansen")
    rows = [["Leerlingnummer", "Achternaam", "Roepnaam", "Geboortedatum"], ["00123", "Berg", "Sanne", ""]]
    rows.append(["4567", "Jansen", "Daan", "31-02-2015"])
    run = apply(school_a, makefiles.csv(rows), "x.csv")
    assert run.counts["deregistered"] == 0
    assert run.error_rows == [{"row": 3, "message": "Onmogelijke geboortedatum '31-02-2015'."}]
    assert students(school_a)["4567"].status == Patron.Status.ACTIVE


def test_guard_blocks_and_confirmation_applies(school_a: Any) -> None:
    for n in range(20):
        existing(school_a, str(1000 + n), last_name=f"Kind{n}")
    partial = xlsx([(str(1000 + n), "X", "", f"Kind{n}", "Groep 5B", 5, None) for n in range(5)])
    with pytest.raises(MassDeregistrationBlocked) as blocked:
        apply(school_a, partial)
    assert len(blocked.value.plan.deregistered) == 15
    assert ImportRun.objects.count() == 0
    assert Patron.objects.for_school(school_a).filter(status="active").count() == 20
    assert services.preview_import(school=school_a, data=partial, filename="x.xlsx").guard_triggered
    run = apply(school_a, partial, allow_mass_deregistration=True)
    assert run.deregistered == 15 and run.mass_deregistration_confirmed


def test_wrong_school_refused(school_a: Any) -> None:
    existing(school_a, "1")
    before = snapshot(school_a)
    with pytest.raises(FileRefused) as refused:
        apply(school_a, makefiles.edexml([{"key": "1", "achternaam": "Berg"}], brin="22BB"), "x.xml")
    assert "andere school" in str(refused.value.message)
    assert snapshot(school_a) == before and ImportRun.objects.count() == 0


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"%PDF-1.4 not a list",
        makefiles.xlsx([makefiles.PARNASSYS_HEADER]),
        makefiles.xlsx([["Titel", "Auteur"], ["Dolfje", "Van de Vendel"]]),
        makefiles.zip_bomb(),
        makefiles.entity_bomb(),
    ],
    ids=["empty", "pdf", "header-only", "not-a-student-list", "zip-bomb", "entity-bomb"],
)
def test_bad_files_refused_with_nothing_changed(school_a: Any, data: bytes) -> None:
    existing(school_a, "1")
    before = snapshot(school_a)
    with pytest.raises(FileRefused):
        apply(school_a, data, "leerlingen.xlsx")
    with pytest.raises(FileRefused):
        services.preview_import(school=school_a, data=data, filename="leerlingen.xlsx")
    assert snapshot(school_a) == before and ImportRun.objects.count() == 0


def test_over_size_limit_refused(school_a: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from mediatheek.studentimport import readers

    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 2000)
    with pytest.raises(FileRefused) as refused:
        apply(school_a, xlsx(STUDENTS * 50))
    assert "te groot" in str(refused.value.message)


def test_read_student_file_reports_columns_and_missing(school_a: Any) -> None:
    result = services.read_student_file(
        data=makefiles.xlsx([["Nr", "Familie"], ["1", "Berg"]]), filename="x.xlsx", school=school_a
    )
    assert result.columns == ["Nr", "Familie"] and result.missing == ["student_number", "last_name"]
    chosen = services.read_student_file(
        data=makefiles.xlsx([["Nr", "Familie"], ["1", "Berg"]]),
        filename="x.xlsx",
        school=school_a,
        mapping={"student_number": "Nr", "last_name": "Familie"},
    )
    assert chosen.rows[0].last_name == "Berg"


def test_card_number_from_file_and_taken_elsewhere(school_a: Any, school_b: Any) -> None:
    other = f.PatronFactory(school=school_b)
    rows = [
        ["Leerlingnummer", "Achternaam", "Pasnummer"],
        ["1", "Berg", "200000001x"],
        ["2", "Jansen", other.card_number],
    ]
    run = apply(school_a, makefiles.csv(rows), "x.csv")
    assert students(school_a)["1"].card_number == "200000001x"
    assert run.counts["errors"] == 1 and "andere lener" in run.error_rows[0]["message"]


def test_students_of_other_school_untouched(school_a: Any, school_b: Any) -> None:
    theirs = existing(school_b, "00123", last_name="Anders")
    apply(school_a, xlsx())
    theirs.refresh_from_db()
    assert theirs.school == school_b and theirs.last_name == "Anders" and theirs.status == "active"
    assert Patron.objects.for_school(school_a).count() == 3


def test_undo_restores_exactly(school_a: Any) -> None:
    old_group = Group.objects.create(school=school_a, school_year=YEAR - 1, name="Groep 4B", year_level=4)
    existing(school_a, "00123", group="Groep 5B", first_name="Sanne", name_prefix="van den")
    moved = f.PatronFactory(
        school=school_a, student_number="4567", group=old_group, last_name="Jansen", first_name="Daan"
    )
    back = existing(school_a, "8901", first_name="Zoe", name_prefix="de", last_name="Vries")
    back.status = Patron.Status.DEREGISTERED
    back.deregistered_on = dt.date(2024, 7, 1)
    back.save()
    existing(school_a, "777", last_name="Weg")
    before = snapshot(school_a)
    groups_before = set(Group.objects.values_list("id", flat=True))
    run = apply(school_a, xlsx([*STUDENTS, ("999", "Nieuw", "", "Kind", "Groep 1A", 1, None)]))
    assert run.counts["new"] == 1 and run.counts["deregistered"] == 1 and run.counts["reactivated"] == 1
    undone = services.undo_last_import(school=school_a, by=None)
    assert undone.pk == run.pk and undone.undone_at is not None
    assert snapshot(school_a) == before
    assert set(Group.objects.values_list("id", flat=True)) == groups_before
    assert moved.pk in {row[0] for row in before}
    assert services.last_import(school_a) is None
    assert AuditEvent.objects.filter(action="undo_import").count() == 1
    with pytest.raises(DomainError):
        services.undo_last_import(school=school_a, by=None)


def test_undo_keeps_new_students_that_have_loans(school_a: Any) -> None:
    apply(school_a, xlsx())
    sanne = students(school_a)["00123"]
    f.LoanFactory(copy=f.CopyFactory(school=school_a), patron=sanne, school=school_a)
    services.undo_last_import(school=school_a, by=None)
    remaining = students(school_a)
    assert set(remaining) == {"00123"}
    assert remaining["00123"].status == Patron.Status.DEREGISTERED


def test_undo_only_own_school(school_a: Any, school_b: Any) -> None:
    apply(school_a, xlsx())
    with pytest.raises(DomainError):
        services.undo_last_import(school=school_b, by=None)
    assert Patron.objects.for_school(school_a).count() == 3


keys = st.integers(min_value=1, max_value=12).map(lambda n: f"{n:03d}")
file_rows = st.lists(
    st.tuples(
        keys,
        st.sampled_from(["Berg", "Jansen", "Vries"]),
        st.sampled_from(["5A", "5B", ""]),
        st.one_of(st.none(), st.integers(1, 8)),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=file_rows, second=file_rows)
def test_property_apply_then_reimport_is_unchanged(school_a: Any, first: list[tuple], second: list[tuple]) -> None:
    Patron.objects.for_school(school_a).delete()
    header = ["Leerlingnummer", "Achternaam", "Groep", "Jaargroep"]
    for rows in (first, second):
        data = makefiles.csv([header, *[list(row) for row in rows]], encoding="utf-8")
        active_before = Patron.objects.for_school(school_a).filter(status="active").count()
        try:
            run = apply(school_a, data, "x.csv", allow_mass_deregistration=True)
        except FileRefused:
            continue  # every row an error (duplicate keys): refused as a whole
        c = run.counts
        assert c["new"] + c["reactivated"] + c["moved"] + c["updated"] + c["unchanged"] + c["errors"] == len(rows)
        assert c["moved"] + c["updated"] + c["unchanged"] + c["deregistered"] <= active_before
        again = services.preview_import(school=school_a, data=data, filename="x.csv")
        assert again.counts["unchanged"] == len(rows) - c["errors"]
        assert again.counts["errors"] == c["errors"]
        assert sum(again.counts.values()) == len(rows)
