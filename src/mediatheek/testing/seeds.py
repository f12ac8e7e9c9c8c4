"""Valid sample files (made here, or the real EDEXML samples in ../shared) for mutation-based fuzzing."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from mediatheek.core.exports import xlsx_bytes

ROOT = Path(__file__).resolve().parents[3]
EDEXML_SAMPLES = ROOT / "src" / "mediatheek" / "studentimport" / "tests" / "fixtures"
CATALOG_FIXTURES = ROOT / "src" / "mediatheek" / "catalog" / "tests" / "fixtures"

STUDENT_HEADER = ["Leerlingnummer", "Roepnaam", "Voorvoegsel", "Achternaam", "Groep", "Jaargroep", "Geboortedatum"]
STUDENT_ROWS = [
    ["100234", "Sanne", "van den", "Berg", "Groep 5B", 5, dt.date(2017, 3, 14)],
    ["100235", "Daan", "", "Jansen", "Groep 5B", 5, dt.date(2016, 11, 2)],
    ["100241", "Zoë", "de", "Vries", "Groep 3A", 3, dt.date(2019, 1, 23)],
]


def student_csv() -> bytes:
    lines = [";".join(STUDENT_HEADER)]
    for row in STUDENT_ROWS:
        lines.append(";".join(v.strftime("%d-%m-%Y") if isinstance(v, dt.date) else str(v) for v in row))
    return ("\n".join(lines) + "\n").encode("utf-8")


def student_xlsx() -> bytes:
    return xlsx_bytes({"Leerlingen": (STUDENT_HEADER, STUDENT_ROWS)})


def student_xls() -> bytes | None:
    try:
        import xlwt
    except ImportError:
        return None
    book = xlwt.Workbook()
    sheet = book.add_sheet("Leerlingen")
    for c, heading in enumerate(STUDENT_HEADER):
        sheet.write(0, c, heading)
    for r, row in enumerate(STUDENT_ROWS, start=1):
        for c, cell in enumerate(row):
            sheet.write(r, c, cell.strftime("%d-%m-%Y") if isinstance(cell, dt.date) else cell)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def edexml_samples() -> list[bytes]:
    # The real sample exports, kept in the repository with the import's tests.
    return [path.read_bytes() for path in sorted(EDEXML_SAMPLES.glob("*.xml"))][:3]


def student_seeds() -> list[tuple[str, bytes]]:
    seeds = [("leerlingen.csv", student_csv()), ("leerlingen.xlsx", student_xlsx())]
    xls = student_xls()
    if xls:
        seeds.append(("leerlingen.xls", xls))
    seeds += [(f"edex{n}.xml", data) for n, data in enumerate(edexml_samples())]
    return seeds


def marc_record() -> bytes:
    from pymarc import Field, Record, Subfield

    record = Record()
    record.add_field(Field(tag="020", indicators=[" ", " "], subfields=[Subfield("a", "9789025870000")]))
    record.add_field(Field(tag="100", indicators=["1", " "], subfields=[Subfield("a", "Loon, Paul van")]))
    record.add_field(Field(tag="245", indicators=["1", "0"], subfields=[Subfield("a", "Dolfje Weerwolfje")]))
    return record.as_marc()


def catalogue_seeds() -> list[bytes]:
    seeds = [
        marc_record() * 2,
        b"titel;auteur;isbn\nDolfje Weerwolfje;Paul van Loon;9789025870000\n",
        xlsx_bytes({"Titels": (["Titel", "Auteur", "ISBN"], [["De Gruffalo", "Julia Donaldson", "9789047703631"]])}),
    ]
    for name in ("batch.xml", "one.dat"):
        path = CATALOG_FIXTURES / name
        if path.exists():
            seeds.append(path.read_bytes()[:20000])
    return seeds


def mutate(data: bytes, edits: list[tuple[int, int, int]]) -> bytes:
    """Apply (kind, position, value) edits: 0 flip a byte, 1 delete a byte, 2 insert a byte, 3 truncate."""
    buffer = bytearray(data)
    for kind, position, value in edits:
        if not buffer:
            break
        at = position % len(buffer)
        if kind == 0:
            buffer[at] = value
        elif kind == 1:
            del buffer[at]
        elif kind == 2:
            buffer.insert(at, value)
        else:
            del buffer[at:]
    return bytes(buffer)
