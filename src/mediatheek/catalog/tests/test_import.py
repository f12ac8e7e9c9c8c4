from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pymarc
import pytest
from django.core.management import call_command

from mediatheek.catalog.importing import apply_import, plan_import
from mediatheek.catalog.models import Copy, Title
from mediatheek.catalog.records import parse_avi, read_file, sort_name
from mediatheek.catalog.search import search_titles
from mediatheek.core.errors import FileRefused
from mediatheek.core.models import AuditEvent
from mediatheek.testing.factories import CopyFactory, TitleFactory

FIXTURES = Path(__file__).parent / "fixtures"
ISBN_A = "9789045117263"  # valid
ISBN_B = "9789025113674"


def marc_record(title: str, *, isbn: str = "", author: str = "", barcode: str = "", tag: str = "952") -> Any:
    record = pymarc.Record(force_utf8=True)
    if isbn:
        record.add_field(pymarc.Field(tag="020", indicators=[" ", " "], subfields=[pymarc.Subfield("a", isbn)]))
    if author:
        record.add_field(pymarc.Field(tag="100", indicators=["1", " "], subfields=[pymarc.Subfield("a", author)]))
    record.add_field(
        pymarc.Field(
            tag="245",
            indicators=["1", "0"],
            subfields=[pymarc.Subfield("a", title + " :"), pymarc.Subfield("b", "een verhaal /")],
        )
    )
    record.add_field(pymarc.Field(tag="521", indicators=[" ", " "], subfields=[pymarc.Subfield("a", "AVI E6")]))
    record.add_field(
        pymarc.Field(
            tag="084", indicators=[" ", " "], subfields=[pymarc.Subfield("a", "283"), pymarc.Subfield("2", "nur")]
        )
    )
    if barcode:
        record.add_field(pymarc.Field(tag=tag, indicators=[" ", " "], subfields=[pymarc.Subfield("p", barcode)]))
    return record


def marc_bytes(*records: Any) -> bytes:
    return b"".join(record.as_marc() for record in records)


def marcxml_bytes(*records: Any) -> bytes:
    return (
        b"<?xml version='1.0' encoding='UTF-8'?>" + pymarc.record_to_xml(records[0], namespace=True)
        if len(records) == 1
        else (
            b'<collection xmlns="http://www.loc.gov/MARC21/slim">'
            + b"".join(pymarc.record_to_xml(r) for r in records)
            + b"</collection>"
        )
    )


# ------------------------------------------------------------------------------ reading


def test_reads_marc_written_by_pymarc() -> None:
    read = read_file(marc_bytes(marc_record("Het zakmes", isbn="90-451-1726-6", author="Kuijer, Guus", barcode="X1")))
    assert read.format == "marc"
    data = read.records[0].data
    assert data is not None
    assert (data.title, data.subtitle, data.isbn) == ("Het zakmes", "een verhaal", ISBN_A)
    assert (data.authors, data.author_sort, data.avi_level, data.nur, data.barcode) == (
        "Guus Kuijer",
        "Kuijer, Guus",
        "E6",
        "283",
        "X1",
    )


def test_reads_marcxml() -> None:
    read = read_file(marcxml_bytes(marc_record("Één", isbn=ISBN_A), marc_record("Twee")))
    assert read.format == "marcxml"
    assert [r.data.title for r in read.records if r.data] == ["Één", "Twee"]


def test_marcxml_with_entities_is_refused() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><collection>&a;</collection>'
    with pytest.raises(FileRefused):
        read_file(bomb)


@pytest.mark.parametrize(
    ("name", "expected_title"),
    [
        ("one.dat", "ActivePerl with ASP and ADO"),
        ("marc8.dat", "Escape from loneliness"),
        ("utf8_with_leader_flag.dat", "Escape from loneliness"),
    ],
)
def test_reads_loc_records_marc8_and_utf8(name: str, expected_title: str) -> None:
    read = read_file((FIXTURES / name).read_bytes())
    assert read.records[0].data is not None
    assert read.records[0].data.title == expected_title


def test_loc_isbn_with_qualifier_is_normalised() -> None:
    data = read_file((FIXTURES / "one.dat").read_bytes()).records[0].data
    assert data is not None
    assert data.isbn == "9780471383147"  # from "0471383147 (paper/cd-rom : alk. paper)"
    assert data.author_sort == "Martinsson, Tobias"


def test_broken_records_are_rejected_with_number_and_reason() -> None:
    read = read_file((FIXTURES / "bad_records.mrc").read_bytes())
    good = [r.number for r in read.records if r.data is not None]
    bad = [r for r in read.records if r.data is None]
    assert good == [1, 8]
    assert [r.number for r in bad] == [2, 3, 4, 5, 6, 7, 9]
    assert all(r.error for r in bad)


def test_invalid_isbn_rejects_the_record() -> None:
    read = read_file(marc_bytes(marc_record("Goed", isbn=ISBN_A), marc_record("Fout", isbn="9789045117264")))
    assert read.records[0].data is not None
    assert read.records[1].data is None
    assert "ISBN" in read.records[1].error


def test_csv_with_dutch_headers_and_semicolons() -> None:
    content = (
        "Titellijst leverancier\n"
        "Titel;Auteur;ISBN;AVI-niveau;Leeftijdscode;Jaar;Barcode;Prijs\n"
        f"Kikker is verliefd;Max Velthuijs;{ISBN_A};;AP;1989;B001;12,50\n"
        ";Zonder titel;;;;;;\n"
        "Dolfje;Paul van Loon;978-90-451-1726-4;AVI M5;a;2001;B002;\n"
    ).encode("cp1252")
    read = read_file(content)
    assert read.format == "csv"
    first, second, third = read.records
    assert first.number == 3 and first.data is not None
    assert (first.data.age_code, first.data.year, first.data.barcode, str(first.data.price)) == (
        "AP",
        1989,
        "B001",
        "12.50",
    )
    assert first.data.author_sort == "Velthuijs, Max"
    assert second.data is None and "titel" in second.error
    assert third.data is None and "ISBN" in third.error


def test_excel_file_with_mapping() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Boek", "Schrijver", "EAN", "Kast"])
    sheet.append(["De Griezelbus 1", "Paul van Loon", int(ISBN_A), "B-kast"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(FileRefused):
        read_file(buffer.getvalue())  # "Boek" is not a known title column
    read = read_file(buffer.getvalue(), {"Boek": "title", "Schrijver": "authors", "EAN": "isbn", "Kast": "shelf"})
    data = read.records[0].data
    assert data is not None
    assert (data.title, data.isbn, data.shelf, data.author_sort) == (
        "De Griezelbus 1",
        ISBN_A,
        "B-kast",
        "Loon, Paul van",
    )


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02 binary junk \x00", b"just some text without columns\n"])
def test_unreadable_files_are_refused(content: bytes) -> None:
    with pytest.raises(FileRefused):
        read_file(content)


def test_helpers() -> None:
    assert sort_name("Paul van Loon") == "Loon, Paul van"
    assert sort_name("Annie M.G. Schmidt") == "Schmidt, Annie M.G."
    assert parse_avi("AVI-Start") == "AVI-Start"
    assert parse_avi("avi e6") == "E6"
    assert parse_avi("plus") == "AVI-Plus"
    assert parse_avi("Z9") == ""


# ------------------------------------------------------------------------------ plan and apply


@pytest.mark.django_db
def test_plan_new_matched_rejected_and_apply(school_a: Any) -> None:
    existing = TitleFactory(title="Al bekend", isbn=ISBN_B, subtitle="")
    content = marc_bytes(
        marc_record("Nieuw boek", isbn=ISBN_A, author="Loon, Paul van"),
        marc_record("Al bekend (leverancier)", isbn=ISBN_B),
        marc_record("Kapot", isbn="123"),
        marc_record("Nieuw boek (2e exemplaar)", isbn=ISBN_A),
    )
    plan = plan_import(read_file(content), school=school_a)
    assert (plan.new, plan.matched, [r.number for r in plan.rejected]) == (1, 2, [3])
    assert Title.objects.count() == 1  # the plan wrote nothing
    apply_import(plan, school=school_a)
    assert Title.objects.count() == 2
    existing.refresh_from_db()
    assert existing.title == "Al bekend"  # a matched title keeps its data...
    assert existing.subtitle == "een verhaal"  # ...and gets its empty fields filled
    assert search_titles("nieuw boek").total == 1
    assert AuditEvent.objects.filter(action="catalog.import", school=school_a).exists()


@pytest.mark.django_db
def test_with_copies_uses_holdings_barcode_or_generates(school_a: Any, school_b: Any) -> None:
    CopyFactory(barcode="TAKEN", school=school_b)
    content = marc_bytes(
        marc_record("Een", isbn=ISBN_A, barcode="BC-952"),
        marc_record("Twee", barcode="BC-852", tag="852"),
        marc_record("Drie"),
        marc_record("Vier", barcode="TAKEN"),
    )
    plan = plan_import(read_file(content), school=school_a, with_copies=True)
    assert [r.number for r in plan.rejected] == [4]
    assert plan.copies == 3
    apply_import(plan, school=school_a)
    barcodes = set(Copy.objects.for_school(school_a).values_list("barcode", flat=True))
    assert {"BC-952", "BC-852"} <= barcodes
    assert len(barcodes) == 3
    assert any(b.startswith(f"{school_a.code}-") for b in barcodes)


@pytest.mark.django_db
def test_importing_the_same_holdings_twice_adds_nothing(school_a: Any) -> None:
    content = marc_bytes(marc_record("Een", isbn=ISBN_A, barcode="BC1"))
    apply_import(plan_import(read_file(content), school=school_a, with_copies=True), school=school_a)
    plan = plan_import(read_file(content), school=school_a, with_copies=True)
    assert (plan.new, plan.matched, plan.copies, plan.rejected) == (0, 1, 0, [])


# ------------------------------------------------------------------------------ the command contract


def run(capsys: Any, *args: str) -> tuple[int, Any, str]:
    code = 0
    try:
        call_command("import_catalogue", *args)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.django_db
def test_command_json_contract(tmp_path: Path, school_a: Any, capsys: Any) -> None:
    code, out, _err = run(
        capsys, str(FIXTURES / "bad_records.mrc"), "--school", school_a.code, "--json", "--with-copies"
    )
    assert code == 0
    payload = json.loads(out)
    assert set(payload) == {"applied", "new", "matched", "rejected", "copies"}
    assert payload["applied"] is True
    assert payload["new"] == 2
    assert payload["copies"] == 2
    assert [r["record"] for r in payload["rejected"]] == [2, 3, 4, 5, 6, 7, 9]
    assert all(isinstance(r["message"], str) and r["message"] for r in payload["rejected"])
    assert Copy.objects.for_school(school_a).count() == 2


@pytest.mark.django_db
def test_command_dry_run_writes_nothing(school_a: Any, capsys: Any) -> None:
    code, out, _err = run(capsys, str(FIXTURES / "test.dat"), "--school", school_a.code, "--json", "--dry-run")
    assert code == 0
    assert json.loads(out) == {"applied": False, "new": 10, "matched": 0, "rejected": [], "copies": 0}
    assert Title.objects.count() == 0


@pytest.mark.django_db
def test_command_marcxml_and_csv(tmp_path: Path, school_a: Any, capsys: Any) -> None:
    code, out, _err = run(capsys, str(FIXTURES / "batch.xml"), "--school", school_a.code, "--json")
    assert code == 0 and json.loads(out)["new"] == 2
    path = tmp_path / "titels.csv"
    path.write_text(f"titel,auteur,isbn\nSpijt!,Carry Slee,{ISBN_A}\n", encoding="utf-8")
    code, out, _err = run(capsys, str(path), "--school", school_a.code, "--json")
    assert code == 0 and json.loads(out)["new"] == 1


@pytest.mark.django_db
def test_command_refuses_a_file_that_is_not_a_catalogue(tmp_path: Path, school_a: Any, capsys: Any) -> None:
    path = tmp_path / "foto.bin"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    code, out, err = run(capsys, str(path), "--school", school_a.code, "--json")
    assert code == 2
    payload = json.loads(out)
    assert payload["applied"] is False and payload["error"]
    assert err.strip()
    code, out, err = run(capsys, str(tmp_path / "missing.mrc"), "--school", school_a.code)
    assert code == 2 and out == "" and err.strip()
    assert Title.objects.count() == 0
