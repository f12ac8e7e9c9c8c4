"""Reading every format, header detection, synonyms, normalisation, and refusing bad files. No database."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediatheek.core import spreadsheets
from mediatheek.core.errors import FileRefused
from mediatheek.studentimport import readers
from mediatheek.studentimport.files import read_file, require_usable
from mediatheek.studentimport.mapping import detect_mapping, normalise_header
from mediatheek.studentimport.normalise import (
    key_text,
    normalise_rows,
    normalise_table,
    parse_date,
    parse_year_level,
    rows_from_table,
)
from mediatheek.studentimport.tests import makefiles

STUDENTS = [
    ("00123", "Sanne", "van den", "Berg", "Groep 5B", 5, dt.date(2016, 5, 17)),
    (4567, "Daan", "", "Jansen", "Groep 6A", 6, dt.date(2015, 1, 31)),
    ("8901", "Zoë", "de", "Vries", "Groep 5B", 5, dt.date(2016, 12, 1)),
]


def read(data: bytes, name: str = "leerlingen", **kwargs: object) -> object:
    return read_file(data, name, school_code="11AA00", **kwargs)


def check_students(result: object) -> None:
    rows = result.rows
    assert [row.student_number for row in rows] == ["00123", "4567", "8901"]
    first = rows[0]
    assert (first.first_name, first.name_prefix, first.last_name) == ("Sanne", "van den", "Berg")
    assert first.group == "Groep 5B"
    assert first.year_level == 5
    assert first.birth_date == dt.date(2016, 5, 17)
    assert rows[2].first_name == "Zoë"


def test_parnassys_xlsx_with_title_rows() -> None:
    result = read(makefiles.xlsx(makefiles.parnassys_rows(STUDENTS), title_rows=3), "export.xlsx")
    assert result.format == "xlsx"
    assert result.header_row == 4
    assert result.columns == makefiles.PARNASSYS_HEADER
    assert result.mapping["student_number"] == "Leerlingnummer"
    assert result.mapping["card_number"] is None
    check_students(result)
    assert result.rows[0].row == 5  # as a spreadsheet program numbers it


def test_magister_cp1252_semicolon_csv() -> None:
    rows = [["Stamnr", "Voornaam", "Tussenv.", "Achternaam", "Klas", "Leerjaar", "Geb. datum"]]
    rows += [list(student) for student in STUDENTS]
    result = read(makefiles.csv(rows, separator=";", encoding="cp1252"), "magister.csv")
    assert result.format == "csv"
    check_students(result)
    assert result.rows[0].row == 2


@pytest.mark.parametrize("separator", [",", "\t", "|"])
def test_csv_separators_and_utf8_bom(separator: str) -> None:
    rows = makefiles.parnassys_rows(STUDENTS)
    result = read(makefiles.csv(rows, separator=separator, encoding="utf-8", bom=True), "x.txt")
    check_students(result)


def test_csv_line_numbers_count_quoted_newlines() -> None:
    data = b'Leerlingnummer;Achternaam;Roepnaam\n1;"Berg\nvan";Sanne\n2;;Daan\n'
    result = read(data, "x.csv")
    assert [error.row for error in result.row_errors] == [4]


def test_ods() -> None:
    result = read(makefiles.ods(makefiles.parnassys_rows(STUDENTS)), "lijst.ods")
    assert result.format == "ods"
    check_students(result)


def test_xls() -> None:
    result = read(makefiles.xls(makefiles.parnassys_rows(STUDENTS)), "lijst.xls")
    assert result.format == "xls"
    check_students(result)


def test_detection_by_content_not_extension() -> None:
    result = read(makefiles.xlsx(makefiles.parnassys_rows(STUDENTS)), "lijst.csv")
    assert result.format == "xlsx"


def test_wise_template_headers() -> None:
    header = ["LEERLINGNUMMER", "EXTERN_NR", "ROEPNAAM", "VOORLETTERS", "NAAMTUS", "NAAM", "GROEP", "KLAS_CODE"]
    header += ["GROEPSNAAM", "KLAS_NAAM", "JAARGROEP", "LEERJAAR", "LENERNUMMER"]
    mapping = detect_mapping(header)
    assert mapping == {
        "student_number": "LEERLINGNUMMER",
        "first_name": "ROEPNAAM",
        "name_prefix": "NAAMTUS",
        "last_name": "NAAM",
        "group": "GROEP",
        "year_level": "JAARGROEP",
        "birth_date": None,
        "card_number": "LENERNUMMER",
        "email": None,
    }
    assert detect_mapping(["EXTERN_NR", "NAAM", "KLAS_NAAM", "LEERJAAR"])["student_number"] == "EXTERN_NR"
    assert detect_mapping(["EXTERN_NR", "NAAM", "KLAS_NAAM", "LEERJAAR"])["group"] == "KLAS_NAAM"


def test_voorletters_only_without_roepnaam() -> None:
    assert detect_mapping(["id", "voorletters", "achternaam"])["first_name"] == "voorletters"
    assert detect_mapping(["id", "voorletters", "Voornaam (roep)", "achternaam"])["first_name"] == "Voornaam (roep)"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Geb.datum", "gebdatum"),
        ("E-mailadres", "emailadres"),
        ("klas_code", "klascode"),
        (" Leerling Nr ", "leerlingnr"),
    ],
)
def test_header_normalisation(header: str, expected: str) -> None:
    assert normalise_header(header) == expected


def test_caller_overrides_mapping() -> None:
    rows = [["Nummer", "Familie", "Voornaam", "Lokaal"], ["1", "Berg", "Sanne", "5B"]]
    plain = read(makefiles.xlsx(rows))
    assert plain.missing == ["student_number", "last_name"]
    with pytest.raises(FileRefused):
        require_usable(plain)
    chosen = read(makefiles.xlsx(rows), mapping={"student_number": "Nummer", "last_name": "Familie", "group": "Lokaal"})
    assert chosen.missing == []
    assert chosen.rows[0].group == "5B"
    assert chosen.rows[0].first_name == "Sanne"
    removed = read(
        makefiles.xlsx(rows), mapping={"student_number": "Nummer", "last_name": "Familie", "first_name": None}
    )
    assert removed.rows[0].first_name == ""
    assert "first_name" not in removed.fields


def test_only_allowed_fields_survive() -> None:
    rows = [
        ["Leerlingnummer", "Achternaam", "BSN", "Adres", "Geslacht"],
        ["1", "Berg", "123456782", "Dorpsstraat 1", "V"],
    ]
    result = read(makefiles.xlsx(rows))
    text = repr(result.rows) + repr(result.row_errors)
    assert "123456782" not in text
    assert "Dorpsstraat" not in text
    assert result.fields == frozenset({"student_number", "last_name"})


def test_keys_as_strings() -> None:
    assert key_text(12345.0) == "12345"
    assert key_text(" 00123 ") == "00123"
    assert key_text(42) == "42"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("17-05-2016", dt.date(2016, 5, 17)),
        ("7-5-2016", dt.date(2016, 5, 7)),
        ("2016-05-17", dt.date(2016, 5, 17)),
        ("2016-05-17T00:00:00", dt.date(2016, 5, 17)),
        (42507.0, dt.date(2016, 5, 17)),
        (dt.datetime(2016, 5, 17, 0, 0), dt.date(2016, 5, 17)),
        ("", None),
    ],
)
def test_dates(value: object, expected: dt.date | None) -> None:
    assert parse_date(value) == expected


def test_impossible_date_is_a_row_error() -> None:
    rows = [["Leerlingnummer", "Achternaam", "Geboortedatum"], ["1", "Berg", "31-02-2016"], ["2", "Jansen", "1-1-2016"]]
    result = read(makefiles.csv(rows))
    assert [row.student_number for row in result.rows] == ["2"]
    assert result.row_errors[0].row == 2
    assert "31-02-2016" in result.row_errors[0].message
    assert result.row_errors[0].student_number == "1"


def test_year_levels() -> None:
    assert parse_year_level("Groep 5") == 5
    assert parse_year_level(6.0) == 6
    assert parse_year_level("H") is None


def test_edexml_21_sample() -> None:
    result = read_file(makefiles.fixture("edexml-2.1-voorbeeld.xml"), "x.xml", school_code="99ZZ00")
    assert result.format == "edexml"
    assert result.columns == []
    by_key = {row.student_number: row for row in result.rows}
    assert set(by_key) == {"00001", "00002"}  # 12345 left the school (jaargroep H)
    assert by_key["00001"].group == "4B"
    assert by_key["00002"].first_name == "Ismaël"  # first of voornamen
    assert by_key["00002"].group == "Groep 4"  # no group: named after the year level
    assert "133456785" not in repr(result)  # BSN never read
    assert result.left_school == 1


def test_edexml_cito_sample_with_leavers() -> None:
    result = read_file(makefiles.fixture("cito-lvs-1.03-sample.xml"), "x.xml", school_code="99XX99")
    assert len(result.rows) == 398
    assert result.left_school == 2
    assert any(row.birth_date is None for row in result.rows)


def test_edexml_secondary_group_name() -> None:
    data = makefiles.edexml([{"key": "1", "achternaam": "Berg", "jaargroep": "2"}])
    result = read_file(data, "x.xml", school_code="11AA00", secondary=True)
    assert result.rows[0].group == "Leerjaar 2"


def test_edexml_namespaced_root() -> None:
    data = (
        b'<?xml version="1.0"?><leerlinggegevens xmlns="urn:edex"><school><brincode>11AA</brincode>'
        b"<dependancecode>00</dependancecode></school><leerlingen><leerling key='7'><achternaam>Berg</achternaam>"
        b"<voorletters-1>S</voorletters-1></leerling></leerlingen></leerlinggegevens>"
    )
    result = read(data)
    assert result.rows[0].student_number == "7"
    assert result.rows[0].first_name == "S"


def test_edexml_leaver_by_peildatum() -> None:
    pupils = [
        {"key": "1", "achternaam": "Weg", "uitstroomdatum": "2025-07-18"},
        {"key": "2", "achternaam": "Blijft", "uitstroomdatum": "2026-07-18"},
    ]
    result = read(makefiles.edexml(pupils, peildatum="2025-10-01"))
    assert [row.student_number for row in result.rows] == ["2"]


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "leeg"),
        (b"   \n", "leeg"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\0\0\0", "PNG"),
        (b"<html><body>Leerlingen</body></html>", "HTML"),
        (b"PK\x03\x04garbage", "beschadigd"),
        (b"<?xml version='1.0'?><rss></rss>", "geen EDEXML"),
        (b"<EDEX><school>", "beschadigd"),
    ],
)
def test_bad_files_are_refused(data: bytes, fragment: str) -> None:
    with pytest.raises(FileRefused) as refused:
        read(data, "leerlingen.xlsx")
    assert fragment in str(refused.value)


def test_zip_bomb_refused_before_reading() -> None:
    with pytest.raises(FileRefused) as refused:
        read(makefiles.zip_bomb(), "bom.xlsx")
    assert "zip-bom" in str(refused.value)


def test_entity_bomb_refused() -> None:
    with pytest.raises(FileRefused) as refused:
        read(makefiles.entity_bomb(), "bom.xml")
    assert "DTD" in str(refused.value)


def test_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 1000)
    with pytest.raises(FileRefused) as refused:
        read(b"Leerlingnummer;Achternaam\n" + b"1;Berg\n" * 200, "x.csv")
    assert "te groot" in str(refused.value)


def test_header_only_is_refused() -> None:
    result = read(makefiles.xlsx([makefiles.PARNASSYS_HEADER]))
    with pytest.raises(FileRefused) as refused:
        require_usable(result)
    assert "geen leerlingen" in str(refused.value)


def test_wrong_school_edexml_refused() -> None:
    with pytest.raises(FileRefused) as refused:
        read(makefiles.edexml([{"key": "1", "achternaam": "Berg"}], brin="99ZZ"))
    assert "andere school" in str(refused.value)


def test_flemish_edexml_without_brin_refused() -> None:
    with pytest.raises(FileRefused) as refused:
        read(makefiles.fixture("edexml-2.1-voorbeeld-vlaanderen.xml"))
    assert "BRIN" in str(refused.value)


cells = st.one_of(
    st.none(),
    st.text(alphabet=" ab0É-\t", max_size=6),
    st.integers(min_value=-3, max_value=50).map(float),
    st.sampled_from([dt.date(2016, 5, 17), dt.datetime(2015, 1, 2, 0, 0), "31-02-2016", "1-2-2016", "x" * 45]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(cells, min_size=0, max_size=8), max_size=8), st.booleans())
def test_fast_table_path_equals_generic_path(rows: list[list[object]], with_card: bool) -> None:
    indexes = {"student_number": 0, "first_name": 1, "name_prefix": 2, "last_name": 3, "group": 4}
    indexes |= {"year_level": 5, "birth_date": 6}
    if with_card:
        indexes["card_number"] = 7
    numbers = list(range(1, len(rows) + 1))
    fast = normalise_table(rows, numbers, 0, indexes)
    generic = normalise_rows(rows_from_table(rows, numbers, 0, indexes))
    assert fast == generic


def test_xml_with_unknown_encoding_is_refused() -> None:
    with pytest.raises(FileRefused) as refused:
        read(b'<?xml version="1.0" encoding="klingon"?><EDEX></EDEX>', "x.xml")
    assert "beschadigd" in str(refused.value)


# --- ranges claimed before loading (issue #12, item 1) -----------------------------------------------------------


def test_the_range_check_passes_real_files_and_libreoffice_trailing_repeats() -> None:
    from mediatheek.security.tests.test_parsers_under_attack import range_bomb_xlsx, repeat_bomb_ods

    spreadsheets.check_sheet_ranges(makefiles.xlsx(makefiles.parnassys_rows(STUDENTS), title_rows=3), "xlsx")
    spreadsheets.check_sheet_ranges(range_bomb_xlsx("ZZ999999", dimension="A1:H100003"), "xlsx")  # the edge is allowed
    spreadsheets.check_sheet_ranges(repeat_bomb_ods(rows=3, columns=2), "ods")  # ends with 1,048,000 empty rows
    result = read(repeat_bomb_ods(rows=3, columns=2), "l.ods")
    assert [row.student_number for row in result.rows] == ["1", "1", "1"]


@pytest.mark.parametrize(
    ("cell", "dimension", "shown"),
    [
        ("XFD20000", None, "XFD20000"),
        ("AAA1", None, "AAA1"),
        ("B1000000", None, "1000000"),
        ("B2", "A1:XFD1048576", "XFD1048576"),
        ("B2", "A1:ZZ20000", "ZZ20000"),  # within both limits, but 14 million cells
    ],
)
def test_the_range_check_refuses_a_claim_beyond_the_limits(cell: str, dimension: str | None, shown: str) -> None:
    from mediatheek.security.tests.test_parsers_under_attack import range_bomb_xlsx

    with pytest.raises(FileRefused) as refused:
        spreadsheets.check_sheet_ranges(range_bomb_xlsx(cell, dimension=dimension), "xlsx")
    assert shown in str(refused.value) and "te groot" in str(refused.value)


def test_the_range_check_refuses_an_ods_whose_repeats_claim_too_much() -> None:
    from mediatheek.security.tests.test_parsers_under_attack import repeat_bomb_ods

    for rows, columns in ((1_000_000, 1), (1, 703), (20_000, 600)):
        with pytest.raises(FileRefused):
            spreadsheets.check_sheet_ranges(repeat_bomb_ods(rows=rows, columns=columns), "ods")


def test_the_range_check_refuses_a_damaged_compressed_sheet_cleanly() -> None:
    """Found by the coverage-guided fuzzer: a broken deflate stream raised zlib.error out of the check."""
    import io
    import zipfile

    from mediatheek.security.tests.test_parsers_under_attack import range_bomb_xlsx

    data = bytearray(range_bomb_xlsx("B2"))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + 5 : start + 40] = b"\xff" * 35
    with pytest.raises(FileRefused):
        spreadsheets.check_sheet_ranges(bytes(data), "xlsx")
