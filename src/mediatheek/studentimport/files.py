"""From file bytes to a ReadResult: detect the format, read, find the header and columns, normalise. Pure code.

`read_file` raises `FileRefused` for a file that is refused as a whole; a file whose columns could not all be
recognised is not refused here: its ReadResult has `missing` set, so the wizard can let the user choose the
columns. `require_usable` refuses such a result (preview, apply, the command).

The file is an upload from outside: all of the reading (detection, the zip, calamine, csv, XML) runs in a forked
child under a memory and time limit (core.sandbox), so a file that makes a parser library abort or run away costs
one refused file, never the web worker. Only the normalised result travels back, as plain tuples.
"""

from __future__ import annotations

import datetime as dt
import marshal
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mediatheek.core import sandbox
from mediatheek.core.errors import FileRefused
from mediatheek.core.spreadsheets import check_sheet_ranges
from mediatheek.studentimport import mapping as mapping_module
from mediatheek.studentimport.mapping import FIELDS
from mediatheek.studentimport.normalise import (
    FIELD_LABELS,
    RowError,
    StudentRow,
    normalise_rows,
    normalise_table,
    year_level_group_name,
)
from mediatheek.studentimport.readers import (
    EdexDocument,
    Table,
    detect_format,
    read_csv,
    read_edexml,
    read_spreadsheet_sheets,
)

EDEX_MAPPING: dict[str, str | None] = {
    "student_number": "leerling@key",
    "first_name": "roepnaam",
    "name_prefix": "voorvoegsel",
    "last_name": "achternaam",
    "group": "groep",
    "year_level": "jaargroep",
    "birth_date": "geboortedatum",
    "card_number": None,
    "email": None,
}


@dataclass
class ReadResult:
    format: str
    columns: list[str]  # headers as written in the file; [] for EDEXML
    mapping: dict[str, str | None]  # field -> column header (or None), as detected or given
    rows: list[StudentRow] = field(default_factory=list)
    row_errors: list[RowError] = field(default_factory=list)
    header_row: int | None = None  # the header's row number as a spreadsheet program shows it
    missing: list[str] = field(default_factory=list)  # required fields without a column
    left_school: int = 0  # EDEXML pupils who have left (treated as absent)

    @property
    def fields(self) -> frozenset[str]:
        """The fields the file carries; only these are compared and written."""
        return frozenset(name for name in FIELDS if self.mapping.get(name))

    @property
    def usable(self) -> bool:
        return not self.missing


def read_file(
    data: bytes,
    filename: str,
    *,
    school_code: str,
    secondary: bool = False,
    mapping: Mapping[str, str | None] | None = None,
    today: dt.date | None = None,
) -> ReadResult:
    """Read and normalise an uploaded student file in the sandbox; FileRefused when it is refused as a whole."""
    # A child that crashes or runs out of memory or time raises sandbox.ParseAborted, itself a FileRefused.
    packed = sandbox.run_limited(
        _read_packed,
        data,
        filename,
        school_code=school_code,
        secondary=secondary,
        mapping=dict(mapping) if mapping is not None else None,
        today=today or dt.date.today(),
        passthrough=(FileRefused,),
    )
    return _unpack(packed)


def read_file_in_process(
    data: bytes,
    filename: str,
    *,
    school_code: str,
    secondary: bool = False,
    mapping: Mapping[str, str | None] | None = None,
    today: dt.date | None = None,
) -> ReadResult:
    """`read_file` without the sandbox: for the coverage-guided fuzzer, which must see the parsers' code run."""
    file_format = detect_format(data, filename)
    if file_format == "edexml":
        return _from_edexml(
            read_edexml(data, today=today or dt.date.today()), school_code=school_code, secondary=secondary
        )
    check_sheet_ranges(data, file_format)
    tables = [read_csv(data)] if file_format == "csv" else read_spreadsheet_sheets(data, file_format)
    first_table: Table | None = None
    for table in tables:
        first_table = first_table or table
        header = mapping_module.find_header(table.rows, mapping)
        if header is not None:
            return _from_table(table, header, mapping)
    if first_table is None:
        raise FileRefused(_("Het bestand bevat geen gegevens."))
    # No row looks like a header: offer the first non-empty row's cells as columns so the user can choose.
    for index, row in enumerate(first_table.rows):
        columns = [mapping_module.header_text(cell) for cell in row]
        if any(columns):
            header = mapping_module.HeaderMatch(index=index, columns=columns, mapping=dict.fromkeys(FIELDS))
            return _from_table(first_table, header, mapping)
    raise FileRefused(_("Het bestand bevat geen gegevens."))


# What crosses the pipe from the sandbox: the rows column by column, as marshal data (dates as day numbers).
# Pickling 100,000 dataclasses costs more than reading the file; marshal of plain lists is about ten times cheaper.
_ROW_FIELDS = [item.name for item in fields(StudentRow)]
_ERROR_FIELDS = [item.name for item in fields(RowError)]


def _read_packed(data: bytes, filename: str, **kwargs: Any) -> bytes:
    result = read_file_in_process(data, filename, **kwargs)
    rows = [[getattr(row, name) for row in result.rows] for name in _ROW_FIELDS]
    born = _ROW_FIELDS.index("birth_date")
    rows[born] = [day.toordinal() if day is not None else None for day in rows[born]]
    errors = [[getattr(error, name) for error in result.row_errors] for name in _ERROR_FIELDS]
    head = (result.format, result.columns, result.mapping, result.header_row, result.missing, result.left_school)
    return marshal.dumps((head, rows, errors))


def _unpack(packed: bytes) -> ReadResult:
    head, rows, errors = marshal.loads(packed)  # noqa: S302 - written by _read_packed in our own child
    file_format, columns, chosen, header_row, missing, left_school = head
    born = _ROW_FIELDS.index("birth_date")
    rows[born] = [dt.date.fromordinal(day) if day is not None else None for day in rows[born]]
    return ReadResult(
        format=file_format,
        columns=columns,
        mapping=chosen,
        rows=list(map(StudentRow, *rows)),
        row_errors=list(map(RowError, *errors)),
        header_row=header_row,
        missing=missing,
        left_school=left_school,
    )


def _from_table(
    table: Table, header: mapping_module.HeaderMatch, override: Mapping[str, str | None] | None
) -> ReadResult:
    chosen = mapping_module.apply_override(header.mapping, header.columns, override)
    result = ReadResult(
        format=table.format,
        columns=header.columns,
        mapping=chosen,
        header_row=table.row_numbers[header.index],
        missing=mapping_module.missing_fields(chosen),
    )
    if result.missing:
        return result
    indexes = mapping_module.column_indexes(header.columns, chosen)
    result.rows, result.row_errors = normalise_table(table.rows, table.row_numbers, header.index + 1, indexes)
    return result


def _from_edexml(document: EdexDocument, *, school_code: str, secondary: bool) -> ReadResult:
    file_code = f"{document.brincode}{document.dependancecode}".upper()
    if not document.brincode:
        raise FileRefused(
            _("Dit EDEXML-bestand heeft geen BRIN-code; het kan niet aan school %(school)s gekoppeld worden.")
            % {"school": school_code}
        )
    if file_code != school_code.upper():
        raise FileRefused(
            _(
                "Dit bestand is van een andere school (BRIN %(brin)s, vestiging %(dep)s), niet van %(school)s. "
                "Controleer of u het goede bestand hebt gekozen."
            )
            % {"brin": document.brincode, "dep": document.dependancecode or "-", "school": school_code}
        )
    rows, errors = normalise_rows((pupil.row, pupil.values) for pupil in document.pupils)
    for row in rows:
        if not row.group and row.year_level is not None:
            row.group = year_level_group_name(row.year_level, secondary)
    return ReadResult(
        format="edexml",
        columns=[],
        mapping=dict(EDEX_MAPPING),
        rows=rows,
        row_errors=errors,
        left_school=document.left,
    )


def require_usable(result: ReadResult) -> None:
    """Refuse a result that is not a usable student list (no key or last-name column, no rows)."""
    if result.missing:
        names = ", ".join(FIELD_LABELS[name] for name in result.missing)
        raise FileRefused(
            _(
                "Dit lijkt geen leerlinglijst: er is geen kolom gevonden voor %(fields)s. Kies de kolommen zelf of "
                "controleer of de eerste regels de kolomkoppen bevatten."
            )
            % {"fields": names}
        )
    if not result.rows:
        if result.row_errors:
            raise FileRefused(
                ngettext(
                    "Geen enkele regel in het bestand is bruikbaar (%(count)s regel met fouten).",
                    "Geen enkele regel in het bestand is bruikbaar (%(count)s regels met fouten).",
                    len(result.row_errors),
                )
                % {"count": len(result.row_errors)}
            )
        raise FileRefused(_("Het bestand bevat geen leerlingen (alleen kopregels of lege regels)."))
