"""Safety checks on spreadsheet files before any library unpacks or loads them: zip bombs and claimed ranges.

Pure code shared by every reader of an uploaded spreadsheet (the student import and the catalogue import): a tiny
xlsx with one cell at XFD1048576 makes python-calamine allocate the whole claimed rectangle and abort the process.
"""

from __future__ import annotations

import io
import lzma
import re
import zipfile
import zlib

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django.utils.translation import gettext as _

from mediatheek.core.errors import FileRefused

MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024
"""The most an xlsx/ods may unpack to (the sum of its parts), checked before anything is read."""

MAX_ZIP_ENTRIES = 2000


def check_zip_sizes(infos: list[zipfile.ZipInfo]) -> None:
    """Zip-bomb protection, before anything is unpacked: the parts may not unpack to more than the limit, and
    no part may claim to be smaller than its compressed form (a lying header is how a bomb hides its size)."""
    if len(infos) > MAX_ZIP_ENTRIES:
        raise FileRefused(_("Het bestand bevat te veel onderdelen; het wordt niet gelezen."))
    total = 0
    for info in infos:
        if info.file_size + 1024 < info.compress_size:
            raise FileRefused(_("Het bestand is beschadigd (onderdeel met onjuiste grootte); het wordt niet gelezen."))
        total += info.file_size
    if total > MAX_UNCOMPRESSED_BYTES:
        raise FileRefused(
            _("Het bestand pakt uit tot meer dan %(max)s MB; het wordt niet gelezen (mogelijk een zip-bom).")
            % {"max": MAX_UNCOMPRESSED_BYTES // 1024 // 1024}
        )


# --- spreadsheets ----------------------------------------------------------------------------------------------

MAX_SHEET_ROWS = 1_000_000
"""Row numbers from this one on are refused before a spreadsheet is loaded. Excel stops at 1,048,576; the largest
real list (100,000 students, a library's catalogue) is a tenth of this. A row number of seven digits is what the
check below can find at C speed in a 40 MB sheet, so the limit is where it is."""

MAX_SHEET_COLUMNS = 702
"""Columns beyond ZZ (a three-letter column such as XFD) are refused; exports use fewer than 60 columns."""

MAX_SHEET_CELLS = 10_000_000
"""The most cells a sheet's rectangle may claim (where it is known before loading: an xlsx's `dimension`, an ods's
repeated rows and cells). calamine keeps the whole rectangle in memory (about 32 bytes a cell, more in Python);
100,000 students by 8 columns are 800,000 cells."""

_SCAN_CHUNK = 1 << 20
_SCAN_OVERLAP = 64
# Letters to "A" (but the attribute name r stays r), digits to "0", quotes and whitespace to one form: after this
# translation a cell reference too large to allow is a fixed string, found by bytes.find (a regular expression
# costs ten times as much per cell, and a sheet of 100,000 rows has 800,000 of them).
_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqstuvwxyz"
_REF_SHAPES = bytes.maketrans(_LETTERS + b"0123456789'\t\r\n", b"A" * len(_LETTERS) + b"0" * 10 + b'"   ')
_TOO_FAR = (b' r="AAA', b' r="0000000', b' r="A0000000', b' r="AA0000000')  # column > ZZ, row >= 1,000,000
_DIMENSION = re.compile(rb"""<(?:[\w.-]+:)?dimension\s+ref\s*=\s*["']([^"']{1,40})["']""")
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,7})\$?([0-9]{1,12})")
_WORKSHEET_TARGET = re.compile(rb"""Target\s*=\s*["']([^"']+)["']""")


def _sheet_too_large(where: str = "") -> FileRefused:
    return FileRefused(
        _(
            "Het werkblad is te groot: het loopt tot cel %(cell)s, terwijl een lijst hoogstens %(rows)s rijen en "
            "%(columns)s kolommen mag hebben. Verwijder wat er onder of naast de lijst staat, of sla alleen de "
            "lijst opnieuw op als .xlsx of .csv en probeer het nog eens."
        )
        % {
            "cell": where or "?",
            "rows": f"{MAX_SHEET_ROWS - 1:,}".replace(",", "."),
            "columns": MAX_SHEET_COLUMNS,
        }
    )


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _check_reference(ref: str) -> None:
    """Refuse a cell reference (or the end of a range "A1:XFD1048576") beyond the limits."""
    for part in ref.split(":"):
        match = _CELL_REF.fullmatch(part.strip())
        if match is None:
            continue
        columns, rows = _column_number(match[1]), int(match[2])
        if columns > MAX_SHEET_COLUMNS or rows >= MAX_SHEET_ROWS:
            raise _sheet_too_large(part.strip().upper())
    corners = [_CELL_REF.fullmatch(part.strip()) for part in ref.split(":")]
    if len(corners) == 2 and all(corners):
        (first, last) = corners
        assert first is not None and last is not None
        width = abs(_column_number(last[1]) - _column_number(first[1])) + 1
        height = abs(int(last[2]) - int(first[2])) + 1
        if width * height > MAX_SHEET_CELLS:
            raise _sheet_too_large(last[0].upper())


def check_sheet_ranges(data: bytes, file_format: str) -> None:
    """Refuse a spreadsheet whose sheets claim a range too large to load, before any library loads it.

    A reader allocates the rectangle from A1 to the furthest cell; one cell at XFD1048576 in a 1.6 KB file claims
    17 billion cells. This finds such claims cheaply: an xlsx's `dimension` and the cell and row references in its
    sheet XML (streamed from the zip, a chunk at a time), an ods's repeated rows and cells. What slips through
    (cells without references, .xls) is stopped by the sandbox the readers run in (core.sandbox).
    """
    if file_format not in ("xlsx", "ods"):
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        if file_format == "xlsx":
            for name in _worksheet_parts(archive):
                _check_xlsx_sheet(archive, name)
        else:
            _check_ods_content(archive)
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError, KeyError, NotImplementedError):
        raise FileRefused(_("Het bestand is beschadigd (geen geldig Excel- of OpenDocument-bestand)."))
    except (zlib.error, lzma.LZMAError):  # a damaged compressed part (found by the coverage-guided fuzzer)
        raise FileRefused(_("Het bestand is beschadigd (geen geldig Excel- of OpenDocument-bestand)."))
    except (SafeET.ParseError, DefusedXmlException, LookupError, UnicodeError):
        raise FileRefused(_("Het bestand is beschadigd (geen geldig Excel- of OpenDocument-bestand)."))


def _worksheet_parts(archive: zipfile.ZipFile) -> list[str]:
    """Every part a reader may load as a worksheet: the workbook's relationships' targets, and xl/worksheets/."""
    names = set(archive.namelist())
    parts = {name for name in names if name.startswith("xl/worksheets/") and name.endswith(".xml")}
    if "xl/_rels/workbook.xml.rels" in names:
        with archive.open("xl/_rels/workbook.xml.rels") as rels:
            text = rels.read(_SCAN_CHUNK)
        for target in _WORKSHEET_TARGET.findall(text):
            path = target.decode("utf-8", "replace").lstrip("/")
            path = path if path.startswith("xl/") else f"xl/{path}"
            if path in names and not path.endswith((".rels", "sharedStrings.xml", "styles.xml")):
                parts.add(path)
    return sorted(parts)


def _check_xlsx_sheet(archive: zipfile.ZipFile, name: str) -> None:
    read = 0
    tail = b""
    with archive.open(name) as part:
        first = True
        while True:
            chunk = part.read(_SCAN_CHUNK)
            if not chunk:
                return
            read += len(chunk)
            if read > MAX_UNCOMPRESSED_BYTES:  # a part larger than its header said (a lying zip)
                raise FileRefused(
                    _("Het bestand is beschadigd (onderdeel met onjuiste grootte); het wordt niet gelezen.")
                )
            window = tail + chunk
            if first:
                first = False
                dimension = _DIMENSION.search(window[:65536])
                if dimension:
                    _check_reference(dimension[1].decode("ascii", "replace"))
            shapes = window.translate(_REF_SHAPES)
            for needle in _TOO_FAR:
                at = shapes.find(needle)
                if at >= 0:
                    ref = window[at + 4 : at + 4 + 24].split(b'"', 1)[0].split(b"'", 1)[0]
                    ref = ref if ref[:1].isalpha() else b"A" + ref  # a row element's number: its first cell
                    raise _sheet_too_large(ref.decode("ascii", "replace").upper())
            tail = window[-_SCAN_OVERLAP:]


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def _check_ods_content(archive: zipfile.ZipFile) -> None:
    """Walk content.xml as a stream and refuse a table whose used rectangle (counting repeats) is too large.

    LibreOffice ends every sheet with a row repeated a million times holding one empty cell repeated a thousand
    times; empty cells and rows extend nothing, so only cells with a value or text count."""
    table, row, cell, covered = (
        _ODS_TABLE + "table",
        _ODS_TABLE + "table-row",
        _ODS_TABLE + "table-cell",
        (_ODS_TABLE + "covered-table-cell"),
    )
    rows_repeated, columns_repeated = _ODS_TABLE + "number-rows-repeated", _ODS_TABLE + "number-columns-repeated"
    value_type = _ODS_OFFICE + "value-type"
    if "content.xml" not in archive.namelist():
        return
    row_at = column_at = width = height = 0
    row_repeat = 1
    row_used = False
    with archive.open("content.xml") as content:
        for event, element in SafeET.iterparse(content, events=("start", "end"), forbid_dtd=True):
            tag = element.tag
            if event == "start":
                if tag == table:
                    row_at = width = height = 0
                elif tag == row:
                    column_at, row_used = 0, False
                    row_repeat = _repeat(element.get(rows_repeated))
                continue
            if tag in (cell, covered):
                repeat = _repeat(element.get(columns_repeated))
                if element.get(value_type) or len(element):
                    width = max(width, column_at + repeat)
                    row_used = True
                column_at += repeat
                element.clear()
            elif tag == row:
                if row_used:
                    height = max(height, row_at + row_repeat)
                row_at += row_repeat
                element.clear()
            else:
                continue
            if width > MAX_SHEET_COLUMNS or height >= MAX_SHEET_ROWS or width * height > MAX_SHEET_CELLS:
                raise _sheet_too_large(f"{_column_letters(max(width, 1))}{max(height, 1)}")


def _repeat(value: str | None) -> int:
    if not value:
        return 1
    if len(value) > 9 or not (value.isascii() and value.isdigit()):
        raise ValueError("repeat")
    return max(int(value), 1)


def _column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
