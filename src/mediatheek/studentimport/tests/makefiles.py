"""Student files that the tests write themselves: xlsx (XlsxWriter), ods (odfpy), xls (xlwt), csv, EDEXML."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import xlsxwriter

FIXTURES = Path(__file__).parent / "fixtures"

PARNASSYS_HEADER = ["Leerlingnummer", "Roepnaam", "Tussenvoegsel", "Achternaam", "Groep", "Jaargroep", "Geboortedatum"]


def parnassys_rows(students: list[tuple[Any, ...]]) -> list[list[Any]]:
    return [PARNASSYS_HEADER, *[list(student) for student in students]]


def xlsx(rows: list[list[Any]], *, title_rows: int = 0, date_cells: bool = True) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("Leerlingen")
    date_format = workbook.add_format({"num_format": "dd-mm-yyyy"})
    for index in range(title_rows):
        sheet.write(index, 0, "Leerlingenlijst OBS Alfa" if index == 0 else f"Afgedrukt op 01-09-2025 ({index})")
    for offset, row in enumerate(rows):
        for column, value in enumerate(row):
            if isinstance(value, dt.date) and date_cells:
                sheet.write_datetime(title_rows + offset, column, dt.datetime.combine(value, dt.time()), date_format)
            elif isinstance(value, dt.date):
                sheet.write_string(title_rows + offset, column, value.strftime("%d-%m-%Y"))
            elif value is None:
                continue
            else:
                sheet.write(title_rows + offset, column, value)
    workbook.close()
    return buffer.getvalue()


def ods(rows: list[list[Any]]) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="Leerlingen")
    for row in rows:
        table_row = TableRow()
        for value in row:
            if isinstance(value, int | float) and not isinstance(value, bool):
                cell = TableCell(valuetype="float", value=value)
                cell.addElement(P(text=str(value)))
            elif isinstance(value, dt.date):
                cell = TableCell(valuetype="date", datevalue=value.isoformat())
                cell.addElement(P(text=value.strftime("%d-%m-%Y")))
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text="" if value is None else str(value)))
            table_row.addElement(cell)
        table.addElement(table_row)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def xls(rows: list[list[Any]]) -> bytes:
    import xlwt

    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("Leerlingen")
    date_style = xlwt.easyxf(num_format_str="DD-MM-YYYY")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write(r, c, value, date_style)
            elif value is not None:
                sheet.write(r, c, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv(rows: list[list[Any]], *, separator: str = ";", encoding: str = "cp1252", bom: bool = False) -> bytes:
    lines = []
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, dt.date):
                value = value.strftime("%d-%m-%Y")
            text = "" if value is None else str(value)
            if separator in text or '"' in text:
                text = '"' + text.replace('"', '""') + '"'
            cells.append(text)
        lines.append(separator.join(cells))
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def edexml(
    pupils: list[dict[str, Any]],
    *,
    brin: str = "11AA",
    dependance: str = "00",
    peildatum: str | None = "2025-10-01",
    groups: dict[str, str] | None = None,
) -> bytes:
    """pupils: dicts with key, achternaam, voorvoegsel, roepnaam, geboortedatum, jaargroep, groep (key),
    uitstroomdatum, bsn ... (any element)."""
    groups = groups or {}
    parts = ['<?xml version="1.0" encoding="UTF-8"?>', "<EDEX>", "<school>", "<schooljaar>2025-2026</schooljaar>"]
    if peildatum:
        parts.append(f"<peildatum>{peildatum}</peildatum>")
    parts += [f"<brincode>{brin}</brincode>", f"<dependancecode>{dependance}</dependancecode>", "</school>"]
    parts.append("<groepen>")
    for key, name in groups.items():
        parts.append(f'<groep key="{key}"><naam>{escape(name)}</naam><jaargroep>{name[0]}</jaargroep></groep>')
    parts.append("</groepen><leerlingen>")
    for pupil in pupils:
        parts.append(f'<leerling key="{pupil["key"]}">')
        for name, value in pupil.items():
            if name == "key":
                continue
            if name == "groep":
                parts.append(f'<groep key="{value}"/>')
            else:
                parts.append(f"<{name}>{escape(str(value))}</{name}>")
        parts.append("</leerling>")
    parts.append("</leerlingen></EDEX>")
    return "\n".join(parts).encode("utf-8")


def zip_bomb() -> bytes:
    """An "xlsx" whose sheet unpacks to 400 MB of zeros (compressed to well under 1 MB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b"\0" * (1024 * 1024)
            for _ in range(400):
                member.write(block)
    return buffer.getvalue()


def entity_bomb() -> bytes:
    return b"""<?xml version="1.0"?>
<!DOCTYPE EDEX [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<EDEX><school><brincode>11AA</brincode><dependancecode>00</dependancecode></school>
<leerlingen><leerling key="1"><achternaam>&c;</achternaam></leerling></leerlingen></EDEX>"""


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()
