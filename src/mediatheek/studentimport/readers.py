"""Reading a school's student file: xlsx/xls/ods (python-calamine), csv/txt, and EDEXML.

Pure code: no Django models. The format is detected from the content (the extension is only a hint), so a
renamed PDF or an empty file is refused with a message that says what to do. Every refusal is a `FileRefused`
whose `message` is translated (Dutch) and meant for the person who uploaded or imports the file.

Spreadsheets and CSV come out as a `Table` (raw cells, with the row number a spreadsheet program or text
editor shows); EDEXML comes out as an `EdexDocument` whose pupils already carry only the allowed fields.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import python_calamine
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django.utils.translation import gettext as _

from mediatheek.core.errors import FileRefused
from mediatheek.core.spreadsheets import check_zip_sizes

MAX_FILE_BYTES = 25 * 1024 * 1024
"""The largest file accepted. A school of 2,000 students exports well under 1 MB; 100,000 rows are ~5 MB."""

FORMATS = ("xlsx", "xls", "ods", "csv", "edexml")


@dataclass
class Table:
    """Raw rows of a spreadsheet or CSV file; `row_numbers[i]` is how a spreadsheet program (CSV: a text
    editor) numbers `rows[i]`."""

    format: str
    rows: list[list[Any]]
    row_numbers: list[int]


@dataclass
class EdexPupil:
    row: int  # the pupil's position among the file's pupils (1 = first), EDEXML has no row numbers
    values: dict[str, Any]


@dataclass
class EdexDocument:
    format: str
    brincode: str
    dependancecode: str
    reference_date: dt.date
    pupils: list[EdexPupil]
    left: int = 0  # pupils who have left the school (uitstroomdatum/jaargroep H): treated as absent
    groups: dict[str, str] = field(default_factory=dict)


# --- detection -------------------------------------------------------------------------------------------------

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

KNOWN_BINARY = {
    b"%PDF": "PDF",
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
    b"{\\rtf": "RTF",
    b"Rar!": "RAR",
    b"7z\xbc\xaf": "7-Zip",
    b"\x1f\x8b": "gzip",
}


def accepted_extensions() -> str:
    return ".xlsx, .xls, .ods, .csv, .txt, .xml (EDEXML)"


def detect_format(data: bytes, filename: str = "") -> str:
    """Tell the format from the bytes; raises FileRefused for anything that is not a student file we read."""
    if not data or not data.strip():
        raise FileRefused(_("Het bestand is leeg. Exporteer de leerlinglijst opnieuw en probeer het nog eens."))
    if len(data) > MAX_FILE_BYTES:
        raise FileRefused(
            _("Het bestand is te groot (%(size)s MB; maximaal %(max)s MB). Is dit echt een leerlinglijst?")
            % {"size": round(len(data) / 1024 / 1024, 1), "max": MAX_FILE_BYTES // 1024 // 1024}
        )
    if data.startswith(OLE_MAGIC):
        return "xls"
    if data.startswith(ZIP_MAGIC):
        return _zip_format(data)
    for magic, kind in KNOWN_BINARY.items():
        if data.startswith(magic):
            raise FileRefused(
                _(
                    "Dit is een %(kind)s-bestand, geen leerlinglijst. Lever de leerlingen aan als Excel, "
                    "OpenDocument, CSV of EDEXML (%(extensions)s)."
                )
                % {"kind": kind, "extensions": accepted_extensions()}
            )
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        lowered = head[:200].lower()
        if lowered.startswith(b"<!doctype html") or lowered.startswith(b"<html"):
            raise FileRefused(
                _(
                    "Dit is een webpagina (HTML), geen leerlinglijst. Exporteer de lijst als Excel (.xlsx), "
                    "CSV of EDEXML."
                )
            )
        return "edexml"
    if b"\x00" in data[:8192] and not _looks_like_utf16(data):
        raise FileRefused(
            _("Dit bestand kan niet gelezen worden als leerlinglijst. Gebruik %(extensions)s.")
            % {"extensions": accepted_extensions()}
        )
    return "csv"


def _looks_like_utf16(data: bytes) -> bool:
    return data.startswith((b"\xff\xfe", b"\xfe\xff"))


def _zip_format(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileRefused(_("Het bestand is beschadigd (geen geldig Excel- of OpenDocument-bestand)."))
    check_zip_sizes(infos)
    names = {info.filename for info in infos}
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return "xlsx"
    if "mimetype" in names:
        try:
            mimetype = archive.read("mimetype").strip()
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError):
            mimetype = b""
        if mimetype == ODS_MIMETYPE:
            return "ods"
        if mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
            raise FileRefused(_("Dit is een tekstdocument, geen spreadsheet. Exporteer de leerlinglijst als Excel."))
    if "word/document.xml" in names:
        raise FileRefused(_("Dit is een Word-document, geen spreadsheet. Exporteer de leerlinglijst als Excel."))
    raise FileRefused(
        _("Dit zip-bestand is geen spreadsheet. Gebruik %(extensions)s.") % {"extensions": accepted_extensions()}
    )


def _reraise_unless_calamine_failure(error: BaseException) -> None:
    """calamine's Rust code can panic on a damaged file (found by the fuzz tests): pyo3's PanicException
    is a BaseException, not an Exception. Treat it as a damaged file; let KeyboardInterrupt and the like through."""
    if not isinstance(error, Exception) and type(error).__name__ != "PanicException":
        raise error


def read_spreadsheet_sheets(data: bytes, file_format: str) -> Iterator[Table]:
    """The workbook's sheets, first to last, as tables (hidden sheets and empty ones skipped)."""
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise FileRefused(_("Het bestand is beveiligd met een wachtwoord. Sla het op zonder wachtwoord."))
    except BaseException as error:  # calamine raises several error types for a damaged workbook
        _reraise_unless_calamine_failure(error)
        raise FileRefused(_("Het bestand is beschadigd of geen geldig %(format)s-bestand.") % {"format": file_format})
    try:
        visible = [
            meta.name
            for meta in workbook.sheets_metadata
            if meta.visible == python_calamine.SheetVisibleEnum.Visible
            and meta.typ == python_calamine.SheetTypeEnum.WorkSheet
        ] or list(workbook.sheet_names)
    except BaseException as error:
        _reraise_unless_calamine_failure(error)
        raise FileRefused(_("Het bestand is beschadigd of geen geldig %(format)s-bestand.") % {"format": file_format})
    for name in visible:
        try:
            sheet = workbook.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
        except BaseException as error:
            _reraise_unless_calamine_failure(error)
            raise FileRefused(_("Het werkblad %(sheet)s kan niet gelezen worden.") % {"sheet": name})
        if not rows:
            continue
        # With skip_empty_area=False the rows start at A1, so row i is what a spreadsheet program calls i + 1.
        # NUL characters never reach the database (PostgreSQL refuses them in text; found by the fuzz run).
        # A cheap scan first: this runs over every cell of a 100,000-row file, and real files have no NULs.
        if any(isinstance(cell, str) and "\x00" in cell for row in rows for cell in row):
            rows = [[_without_nul(cell) for cell in row] for row in rows]
        yield Table(format=file_format, rows=rows, row_numbers=list(range(1, len(rows) + 1)))


# --- CSV -------------------------------------------------------------------------------------------------------

SEPARATORS = (";", ",", "\t", "|")


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 (what Excel on Windows writes)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if _looks_like_utf16(data):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def detect_separator(lines: list[str]) -> str:
    """The separator that splits the first lines most consistently (title lines above the header allowed)."""
    best, best_score = ";", (-1, -1)
    sample = [line for line in lines if line.strip()][:30]
    for sep in SEPARATORS:
        counts = [line.count(sep) for line in sample]
        positive = [count for count in counts if count > 0]
        if not positive:
            continue
        mode = max(set(positive), key=positive.count)
        score = (positive.count(mode), mode)
        if score > best_score:
            best, best_score = sep, score
    return best


def _without_nul(cell: Any) -> Any:
    """NUL characters never reach the database (PostgreSQL refuses them in text; found by the fuzz run)."""
    return cell.replace("\x00", "") if isinstance(cell, str) and "\x00" in cell else cell


def read_csv(data: bytes) -> Table:
    text = decode_text(data).replace("\x00", "")
    lines = text.splitlines()
    separator = detect_separator(lines[:50])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    rows: list[list[Any]] = []
    numbers: list[int] = []
    line = 1
    try:
        for row in reader:
            rows.append(row)
            numbers.append(line)
            line = reader.line_num + 1
    except csv.Error:
        raise FileRefused(_("Het CSV-bestand is beschadigd rond regel %(line)s.") % {"line": line})
    return Table(format="csv", rows=rows, row_numbers=numbers)


# --- EDEXML ----------------------------------------------------------------------------------------------------

EDEX_ROOTS = {"EDEX", "leerlinggegevens"}


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(element: Any, name: str) -> Any:
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _text(element: Any, name: str) -> str:
    child = _child(element, name)
    return (child.text or "").strip() if child is not None else ""


def _iso_date(value: str) -> dt.date | None:
    match = re.match(r"^(\d{4})-(\d{2})-(\d{2})", value.strip())
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def read_edexml(data: bytes, *, today: dt.date) -> EdexDocument:
    """Parse EDEXML by element name, with a parser that refuses DTDs and entities."""
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise FileRefused(_("Het XML-bestand bevat een DTD of entiteiten; dat wordt om veiligheidsredenen geweigerd."))
    except (SafeET.ParseError, LookupError, ValueError, UnicodeError):  # LookupError: an unknown encoding
        raise FileRefused(_("Het XML-bestand is beschadigd en kan niet gelezen worden."))
    if _local(root.tag) not in EDEX_ROOTS:
        raise FileRefused(_("Dit XML-bestand is geen EDEXML-leerlingbestand."))
    school = _child(root, "school")
    brincode = _text(school, "brincode").upper() if school is not None else ""
    dependancecode = _text(school, "dependancecode") if school is not None else ""
    reference = None
    if school is not None:
        reference = _iso_date(_text(school, "peildatum")) or _iso_date(_text(school, "aanmaakdatum"))
    reference = reference or today

    groups: dict[str, tuple[str, str]] = {}
    groups_element = _child(root, "groepen")
    if groups_element is not None:
        for group in groups_element:
            if _local(group.tag) == "groep":
                groups[group.get("key", "")] = (_text(group, "naam"), _text(group, "jaargroep"))

    pupils: list[EdexPupil] = []
    left = 0
    pupils_element = _child(root, "leerlingen")
    position = 0
    for pupil in pupils_element if pupils_element is not None else []:
        if _local(pupil.tag) != "leerling":
            continue
        position += 1
        year = _text(pupil, "jaargroep")
        gone = _iso_date(_text(pupil, "uitstroomdatum"))
        if year.upper() == "H" or (gone is not None and gone <= reference):
            left += 1
            continue
        first = _text(pupil, "roepnaam")
        if not first:
            given = _text(pupil, "voornamen").split()
            first = given[0] if given else _text(pupil, "voorletters-1")
        group_element = _child(pupil, "groep")
        group_name = ""
        if group_element is not None:
            name, group_year = groups.get(group_element.get("key", ""), ("", ""))
            group_name = name
            year = year or group_year
        # Only the allowed fields are taken; BSN, address, gender, country, weight... are never read.
        pupils.append(
            EdexPupil(
                row=position,
                values={
                    "student_number": pupil.get("key", ""),
                    "first_name": first,
                    "name_prefix": _text(pupil, "voorvoegsel"),
                    "last_name": _text(pupil, "achternaam"),
                    "group": group_name,
                    "year_level": year,
                    "birth_date": _text(pupil, "geboortedatum"),
                },
            )
        )
    return EdexDocument(
        format="edexml",
        brincode=brincode,
        dependancecode=dependancecode,
        reference_date=reference,
        pupils=pupils,
        left=left,
        groups={key: name for key, (name, _year) in groups.items()},
    )
