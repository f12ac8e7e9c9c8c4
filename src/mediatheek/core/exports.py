"""CSV and Excel exports. Every cell goes through `safe_cell`, so a spreadsheet never runs a formula from our data."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

import xlsxwriter
from django.http import HttpResponse

# A cell starting with one of these is read as a formula (or DDE) by Excel and LibreOffice.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Neutralise text that a spreadsheet would execute by prefixing a quote; numbers and dates stay as they are."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | dt.date):
        return value
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    # BOM: Excel opens UTF-8 with accents correctly only with it.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(sheets: dict[str, tuple[Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """One workbook, a sheet per entry: {name: (header, rows)}. Strings are written as strings, never formulas."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "dd-mm-yyyy"})
    for name, (header, rows) in sheets.items():
        sheet = workbook.add_worksheet(name[:31])
        sheet.write_row(0, 0, [str(safe_cell(cell)) for cell in header], bold)
        for row_index, row in enumerate(rows, start=1):
            for column, cell in enumerate(row):
                value = safe_cell(cell)
                if isinstance(value, dt.datetime):
                    sheet.write_string(row_index, column, value.strftime("%d-%m-%Y %H:%M"))
                elif isinstance(value, dt.date):
                    sheet.write_datetime(row_index, column, dt.datetime.combine(value, dt.time()), date_format)
                elif isinstance(value, bool):
                    sheet.write_boolean(row_index, column, value)
                elif isinstance(value, int | float):
                    sheet.write_number(row_index, column, value)
                else:
                    sheet.write_string(row_index, column, value)
        sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
