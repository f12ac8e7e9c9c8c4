"""Reading catalogue records: MARC21 (binary), MARCXML, CSV and Excel/ODS, into plain dataclasses.

Pure parsing: no Django models here (the plan and apply steps live in importing.py). A file that cannot be read as
any of these formats raises `FileRefused`; a record that cannot be read becomes a `ReadRecord` with an error, and the
other records still count.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from mediatheek.catalog.text import AGE_CODE_SET, AVI_LEVEL_SET, InvalidISBN, fold, normalise_isbn
from mediatheek.core import sandbox
from mediatheek.core.errors import FileRefused
from mediatheek.core.spreadsheets import check_sheet_ranges

# The longest each text may be (the Title/Copy columns); longer values are cut, never refused.
MAX_LENGTHS = {
    "title": 300,
    "subtitle": 300,
    "authors": 300,
    "author_sort": 200,
    "publisher": 200,
    "series": 200,
    "series_number": 20,
    "subjects": 500,
    "keywords": 500,
    "awards": 300,
    "nur": 3,
    "language": 3,
    "barcode": 32,
    "shelf": 60,
}
TEXT_FIELDS = [
    "title",
    "subtitle",
    "authors",
    "author_sort",
    "publisher",
    "language",
    "summary",
    "series",
    "series_number",
    "avi_level",
    "age_code",
    "nur",
    "subjects",
    "keywords",
    "awards",
]


@dataclass
class RecordData:
    title: str = ""
    subtitle: str = ""
    authors: str = ""
    author_sort: str = ""
    isbn: str = ""
    publisher: str = ""
    year: int | None = None
    language: str = ""
    pages: int | None = None
    summary: str = ""
    series: str = ""
    series_number: str = ""
    avi_level: str = ""
    age_code: str = ""
    nur: str = ""
    subjects: str = ""
    keywords: str = ""
    awards: str = ""
    # holdings: the copy this record describes, when the file says
    barcode: str = ""
    shelf: str = ""
    price: Decimal | None = None

    def title_fields(self) -> dict[str, Any]:
        values: dict[str, Any] = {name: getattr(self, name) for name in TEXT_FIELDS}
        values.update(isbn=self.isbn, year=self.year, pages=self.pages)
        return values


@dataclass
class ReadRecord:
    number: int  # 1-based position in the file (a spreadsheet: its row number)
    data: RecordData | None
    error: str = ""


@dataclass
class ReadResult:
    format: str  # "marc", "marcxml", "csv", "xlsx"
    records: list[ReadRecord]
    columns: list[str] = field(default_factory=list)  # tabular files: the header as found
    mapping: dict[str, str] = field(default_factory=dict)  # tabular files: column header → field


# ---------------------------------------------------------------------------------------------- shared clean-up

_ISBD_TRAIL = re.compile(r"[\s/:;,=.]+$")
_YEAR = re.compile(r"(1[5-9]\d\d|20\d\d)")
_PAGES = re.compile(r"(\d{1,5})\s*(?:p\b|pp\b|pag|blz|s\.|pages)", re.IGNORECASE)
_ISBN_CANDIDATE = re.compile(r"[0-9][0-9Xx\- ]{8,16}[0-9Xx]")
_AVI = re.compile(r"\bAVI[\s:-]*(start|plus|[me]\s?\d)\b", re.IGNORECASE)


def clean(value: Any) -> str:
    if value is None:
        return ""
    # NUL never reaches the database: PostgreSQL refuses it in text (found by the fuzz run on PostgreSQL).
    return re.sub(r"\s+", " ", str(value).replace("\x00", "")).strip()


def strip_isbd(value: str) -> str:
    return _ISBD_TRAIL.sub("", clean(value)).strip()


def strip_name(value: str) -> str:
    """Trailing ISBD punctuation off a name, keeping the full stop after an initial ("Brown, Martin C.")."""
    value = clean(value).rstrip(" ,;:/=")
    if value.endswith(".") and not re.search(r"(?:^|[\s.])\w\.$", value):
        value = value[:-1]
    return value.strip()


def display_name(sort_name: str) -> str:
    """ "Loon, Paul van" → "Paul van Loon"; "Martinsson, Tobias, 1976-" → "Tobias Martinsson"."""
    parts = [part.strip() for part in strip_name(sort_name).split(",")]
    parts = [part for part in parts if part and not re.fullmatch(r"[\d\s.?-]+", part)]
    if len(parts) >= 2:
        return f"{parts[1]} {parts[0]}"
    return parts[0] if parts else ""


def sort_name(display: str) -> str:
    """ "Paul van Loon" → "Loon, Paul van" (Dutch prefixes go after the first name)."""
    display = clean(display)
    if not display or "," in display:
        return display
    words = display.split()
    if len(words) == 1:
        return display
    prefixes = {"van", "de", "der", "den", "het", "ter", "ten", "te", "'t", "in", "op", "von", "le", "la", "du"}
    index = len(words) - 1
    while index > 1 and words[index - 1].lower() in prefixes:
        index -= 1
    last = words[-1]
    first = " ".join(words[:index])
    prefix = " ".join(words[index:-1])
    return f"{last}, {first}" + (f" {prefix}" if prefix else "")


def parse_isbn(value: str) -> str:
    """The first ISBN in a text like "0471383147 (paper/cd-rom : alk. paper)" as ISBN-13; "" when there is none.

    Raises InvalidISBN when a number is there but is not a valid ISBN.
    """
    value = clean(value)
    if not value:
        return ""
    match = _ISBN_CANDIDATE.search(value)
    if not match:
        raise InvalidISBN(value)
    return normalise_isbn(match.group(0))


def parse_year(value: Any) -> int | None:
    if isinstance(value, int | float) and 1000 <= value <= 2100:
        return int(value)
    match = _YEAR.search(clean(value))
    return int(match.group(1)) if match else None


def parse_pages(value: Any) -> int | None:
    if isinstance(value, int | float) and 0 < value < 100000:
        return int(value)
    text = clean(value)
    if text.isascii() and text.isdigit() and 0 < int(text) < 100000:
        return int(text)
    match = _PAGES.search(text)
    return int(match.group(1)) if match else None


def parse_avi(value: Any) -> str:
    text = clean(value)
    if not text:
        return ""
    match = _AVI.search(text)
    raw = match.group(1) if match else text.upper().removeprefix("AVI").strip(" -:")
    raw = raw.replace(" ", "").upper()
    if raw in ("START", "S"):
        return "AVI-Start"
    if raw in ("PLUS", "P", "+"):
        return "AVI-Plus"
    return raw if raw in AVI_LEVEL_SET else ""


def parse_age_code(value: Any) -> str:
    text = clean(value).upper()
    return text if text in AGE_CODE_SET else ""


def parse_price(value: Any) -> Decimal | None:
    if isinstance(value, int | float):
        return Decimal(str(round(float(value), 2))) if 0 <= value < 100000 else None
    text = clean(value).replace("€", "").replace(" ", "")
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        price = Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None
    return price if 0 <= price < 100000 else None


def parse_language(value: Any) -> str:
    text = fold(clean(value))
    names = {
        "nederlands": "dut",
        "nl": "dut",
        "nld": "dut",
        "dutch": "dut",
        "engels": "eng",
        "english": "eng",
        "en": "eng",
        "duits": "ger",
        "deutsch": "ger",
        "de": "ger",
        "deu": "ger",
        "frans": "fre",
        "fr": "fre",
        "fra": "fre",
        "fries": "fry",
        "turks": "tur",
        "arabisch": "ara",
        "spaans": "spa",
        "es": "spa",
    }
    if text in names:
        return names[text]
    return text if re.fullmatch(r"[a-z]{3}", text) else ""


def finish(data: RecordData) -> RecordData:
    """Cut every text to its column's length and fill the sort name."""
    if data.authors and not data.author_sort:
        data.author_sort = sort_name(data.authors.split(";")[0])
    for name, limit in MAX_LENGTHS.items():
        value = getattr(data, name)
        if isinstance(value, str) and len(value) > limit:
            setattr(data, name, value[:limit].rstrip())
    return data


def check(data: RecordData) -> str:
    """Why a record cannot be used ("" when it can)."""
    if not data.title:
        return _("geen titel")
    return ""


# ---------------------------------------------------------------------------------------------- MARC


def _subfields(record: Any, tags: str, codes: str) -> list[str]:
    values: list[str] = []
    for field_ in record.get_fields(*tags.split()):
        for code in codes:
            values.extend(clean(v) for v in field_.get_subfields(code) if clean(v))
    return values


def from_marc(record: Any) -> RecordData:
    data = RecordData()
    title_fields = record.get_fields("245")
    if title_fields:
        t = title_fields[0]
        main = " ".join(clean(v) for v in t.get_subfields("a", "n", "p"))
        data.title = strip_isbd(main)
        data.subtitle = strip_isbd(" ".join(t.get_subfields("b")))
    isbn_error = ""
    for candidate in _subfields(record, "020", "a"):
        try:
            data.isbn = parse_isbn(candidate)
            isbn_error = ""
            break
        except InvalidISBN:
            isbn_error = candidate
    if isbn_error and not data.isbn:
        raise InvalidISBN(isbn_error)
    main_authors = _subfields(record, "100", "a")
    corporate = [strip_name(name) for name in _subfields(record, "110 710", "a")]
    added = _subfields(record, "700", "a")
    if main_authors:
        data.author_sort = strip_name(main_authors[0])
    elif corporate:
        data.author_sort = corporate[0]
    names = [display_name(name) for name in main_authors + added] + corporate
    data.authors = "; ".join(dict.fromkeys(name for name in names if name))
    publishers = _subfields(record, "260 264", "b")
    data.publisher = strip_isbd(publishers[0]) if publishers else ""
    years = _subfields(record, "260 264", "c")
    data.year = parse_year(years[0]) if years else None
    control = record.get_fields("008")
    fixed = control[0].data if control else ""
    if data.year is None and len(fixed) >= 11:
        data.year = parse_year(fixed[7:11])
    languages = _subfields(record, "041", "a")
    data.language = parse_language(languages[0][:3]) if languages else ""
    if not data.language and len(fixed) >= 38:
        data.language = parse_language(fixed[35:38])
    extents = _subfields(record, "300", "a")
    data.pages = parse_pages(extents[0]) if extents else None
    data.summary = " ".join(_subfields(record, "520", "a"))
    series = record.get_fields("490", "800", "830")
    if series:
        data.series = strip_isbd(" ".join(series[0].get_subfields("a", "t")))
        data.series_number = strip_isbd(" ".join(series[0].get_subfields("v")))[:20]
    data.subjects = "; ".join(dict.fromkeys(strip_isbd(s) for s in _subfields(record, "600 610 650 651", "a")))
    data.keywords = "; ".join(dict.fromkeys(strip_isbd(s) for s in _subfields(record, "653 655", "a")))
    for field_ in record.get_fields("084"):
        scheme = clean(" ".join(field_.get_subfields("2"))).lower()
        codes = [clean(v) for v in field_.get_subfields("a")]
        if scheme == "nur" and codes and not data.nur:
            data.nur = codes[0][:3]
        elif scheme in ("siso", "pim") and codes:
            data.subjects = "; ".join(filter(None, [data.subjects, *codes]))
    for text in _subfields(record, "521 526 042 690", "a"):
        data.avi_level = data.avi_level or parse_avi(text)
        match = re.search(r"leeftijdscode[\s:]*([A-Z]{1,2})\b", text, re.IGNORECASE)
        if match:
            data.age_code = data.age_code or parse_age_code(match.group(1))
    data.awards = "; ".join(_subfields(record, "586", "a"))
    barcodes = _subfields(record, "952 852", "p")
    data.barcode = barcodes[0] if barcodes else ""
    shelves = _subfields(record, "952", "o") or _subfields(record, "852", "h")
    data.shelf = shelves[0] if shelves else ""
    prices = _subfields(record, "952", "g") or _subfields(record, "020", "c")
    data.price = parse_price(prices[0]) if prices else None
    return finish(data)


def _marc_record(number: int, record: Any) -> ReadRecord:
    try:
        data = from_marc(record)
    except InvalidISBN as error:
        return ReadRecord(number, None, _("ongeldig ISBN: %(isbn)s") % {"isbn": str(error)[:40]})
    except Exception as error:  # noqa: BLE001 - a record we cannot read is rejected, the others go on
        return ReadRecord(number, None, _("record onleesbaar: %(error)s") % {"error": str(error)[:120]})
    problem = check(data)
    return ReadRecord(number, None if problem else data, problem)


def read_marc(content: bytes) -> list[ReadRecord]:
    import pymarc

    reader = pymarc.MARCReader(
        io.BytesIO(content), to_unicode=True, force_utf8=False, utf8_handling="replace", permissive=True
    )
    records = []
    for number, record in enumerate(reader, start=1):
        if record is None:
            error = reader.current_exception
            records.append(
                ReadRecord(
                    number,
                    None,
                    _("record onleesbaar: %(error)s") % {"error": f"{type(error).__name__}: {error}"[:160]},
                )
            )
            continue
        records.append(_marc_record(number, record))
    return records


def read_marcxml(content: bytes) -> list[ReadRecord]:
    from xml.sax.handler import feature_namespaces

    from defusedxml.common import DefusedXmlException
    from defusedxml.sax import make_parser
    from pymarc.marcxml import XmlHandler

    handler = XmlHandler()
    parser = make_parser()
    parser.setContentHandler(handler)
    parser.setFeature(feature_namespaces, 1)
    try:
        parser.parse(io.BytesIO(content))
    except DefusedXmlException as error:
        raise FileRefused(_("Het XML-bestand bevat verboden onderdelen (DTD of entiteiten).")) from error
    except Exception as error:
        raise FileRefused(_("Het XML-bestand is onleesbaar: %(error)s") % {"error": str(error)[:160]}) from error
    if not handler.records:
        raise FileRefused(_("Het XML-bestand bevat geen MARC-records."))
    return [_marc_record(number, record) for number, record in enumerate(handler.records, start=1)]


# ---------------------------------------------------------------------------------------------- CSV / Excel

COLUMN_SYNONYMS: dict[str, list[str]] = {
    "title": ["titel", "title", "hoofdtitel", "boektitel"],
    "subtitle": ["ondertitel", "subtitle", "subtitel"],
    "authors": ["auteur", "auteurs", "author", "authors", "schrijver", "schrijvers", "maker", "makers"],
    "author_sort": ["sorteernaam", "auteursorteernaam", "authorsort", "hoofdauteur"],
    "isbn": ["isbn", "isbn13", "isbn10", "ean"],
    "publisher": ["uitgever", "publisher", "uitgeverij"],
    "year": ["jaar", "jaarvanuitgave", "uitgavejaar", "year", "verschenen"],
    "language": ["taal", "language"],
    "pages": ["paginas", "pagina's", "pages", "aantalpaginas", "omvang"],
    "summary": ["samenvatting", "summary", "annotatie", "beschrijving", "flaptekst"],
    "series": ["reeks", "serie", "series"],
    "series_number": ["deel", "deelnummer", "reeksnummer", "seriesnumber", "nummer"],
    "avi_level": ["avi", "aviniveau", "avilevel"],
    "age_code": ["leeftijdscode", "leeftijd", "agecode", "doelgroep"],
    "nur": ["nur", "nurcode", "genre"],
    "subjects": ["onderwerpen", "onderwerp", "siso", "pim", "subjects", "subject"],
    "keywords": ["trefwoorden", "trefwoord", "keywords"],
    "awards": ["prijzen", "prijs (award)", "awards", "bekroning", "bekroningen"],
    "barcode": ["barcode", "exemplaarnummer", "streepjescode", "exemplaarbarcode", "exemplaar"],
    "shelf": ["plaats", "kast", "plaatsing", "shelf", "locatie"],
    "price": ["prijs", "price", "aanschafprijs"],
}
FIELD_CHOICES = list(COLUMN_SYNONYMS)


def header_key(text: Any) -> str:
    return re.sub(r"[\s._\-'’()]+", "", fold(clean(text)))


_SYNONYM_INDEX = {header_key(s): name for name, synonyms in COLUMN_SYNONYMS.items() for s in synonyms}


def guess_mapping(columns: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for column in columns:
        name = _SYNONYM_INDEX.get(header_key(column))
        if name and name not in used:
            mapping[column] = name
            used.add(name)
    return mapping


def _decode(content: bytes) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _csv_rows(content: bytes) -> list[list[Any]]:
    text = _decode(content)
    if "\x00" in text:
        raise FileRefused(_("Dit bestand is geen MARC-, CSV- of Excel-bestand."))
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=";,\t|")
    except csv.Error:

        class Fallback(csv.excel):
            delimiter = max(";,\t|", key=sample.count)

        dialect = Fallback
    try:
        return list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as error:  # found by the fuzz tests: a lone CR in an unquoted field
        raise FileRefused(_("Het CSV-bestand is beschadigd: %(error)s") % {"error": str(error)[:160]}) from error


def _sheet_rows(content: bytes) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = workbook.get_sheet_by_index(0)
        return [list(row) for row in sheet.to_python(skip_empty_area=False)]
    except BaseException as error:
        # calamine's Rust code can panic on a damaged file: a PanicException, which is no Exception.
        if not isinstance(error, Exception) and type(error).__name__ != "PanicException":
            raise
        raise FileRefused(_("Het spreadsheet is onleesbaar: %(error)s") % {"error": str(error)[:160]}) from error


def _header_index(rows: list[list[Any]]) -> int:
    """The header row: the first of the first 10 rows with a recognised title column."""
    for index, row in enumerate(rows[:10]):
        if "title" in guess_mapping([clean(cell) for cell in row]).values():
            return index
    raise FileRefused(_("Geen kolom met de titel gevonden; dit lijkt geen titellijst."))


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean(value)


def read_table(rows: list[list[Any]], mapping: dict[str, str] | None, *, row_offset: int = 1) -> ReadResult:
    """Rows of a spreadsheet or CSV; record numbers are row numbers as a spreadsheet shows them."""
    header_at = _header_index(rows) if mapping is None else _find_header(rows, mapping)
    columns = [_cell_text(cell) for cell in rows[header_at]]
    mapping = guess_mapping(columns) if mapping is None else {k: v for k, v in mapping.items() if v in FIELD_CHOICES}
    if "title" not in mapping.values():
        raise FileRefused(_("Geen kolom voor de titel gekozen."))
    index_of = {name: columns.index(column) for column, name in mapping.items() if column in columns}
    records = []
    for offset, row in enumerate(rows[header_at + 1 :], start=header_at + 1 + row_offset):
        if not any(_cell_text(cell) for cell in row):
            continue

        def cell(name: str, row: list[Any] = row) -> Any:
            position = index_of.get(name)
            return row[position] if position is not None and position < len(row) else None

        data = RecordData()
        for name in ("title", "subtitle", "authors", "author_sort", "publisher", "summary", "series"):
            setattr(data, name, _cell_text(cell(name)))
        for name in ("series_number", "nur", "subjects", "keywords", "awards", "barcode", "shelf"):
            setattr(data, name, _cell_text(cell(name)))
        try:
            data.isbn = parse_isbn(_cell_text(cell("isbn")))
        except InvalidISBN:
            records.append(ReadRecord(offset, None, _("ongeldig ISBN: %(isbn)s") % {"isbn": _cell_text(cell("isbn"))}))
            continue
        data.year = parse_year(cell("year"))
        data.pages = parse_pages(cell("pages"))
        data.language = parse_language(cell("language")) or "dut"
        data.avi_level = parse_avi(cell("avi_level"))
        data.age_code = parse_age_code(cell("age_code"))
        data.price = parse_price(cell("price"))
        finish(data)
        problem = check(data)
        records.append(ReadRecord(offset, None if problem else data, problem))
    return ReadResult(format="table", records=records, columns=columns, mapping=mapping)


def _find_header(rows: list[list[Any]], mapping: dict[str, str]) -> int:
    wanted = set(mapping)
    for index, row in enumerate(rows[:10]):
        if wanted & {_cell_text(cell) for cell in row}:
            return index
    raise FileRefused(_("De gekozen kolommen staan niet in het bestand."))


# ---------------------------------------------------------------------------------------------- detection


def detect(content: bytes) -> str:
    head = content[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return "marcxml"
    if content[:4] == b"PK\x03\x04" or content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "spreadsheet"
    if len(content) >= 24 and content[:5].isdigit() and content[12:17].isdigit():
        return "marc"
    return "csv"


def read_file(content: bytes, mapping: dict[str, str] | None = None) -> ReadResult:
    """Read any supported file; FileRefused when it is none of them or holds no records.

    The file is an upload: it is read in a forked child under a memory and time limit (core.sandbox), so a file
    that makes pymarc, the XML parser or calamine run away or abort costs one refused file, never the worker."""
    # A child that crashes or runs out of memory or time raises sandbox.ParseAborted, itself a FileRefused.
    return sandbox.run_limited(read_file_in_process, content, mapping, passthrough=(FileRefused,))


def read_file_in_process(content: bytes, mapping: dict[str, str] | None = None) -> ReadResult:
    """`read_file` without the sandbox (the coverage-guided fuzzer must see the parsers run)."""
    if not content.strip():
        raise FileRefused(_("Het bestand is leeg."))
    kind = detect(content)
    if kind == "marc":
        result = ReadResult(format="marc", records=read_marc(content))
    elif kind == "marcxml":
        result = ReadResult(format="marcxml", records=read_marcxml(content))
    elif kind == "spreadsheet":
        _check_sheet_ranges(content)
        result = read_table(_sheet_rows(content), mapping)
        result.format = "xlsx"
    else:
        result = read_table(_csv_rows(content), mapping)
        result.format = "csv"
    if not result.records:
        raise FileRefused(_("Het bestand bevat geen records."))
    return result


def _check_sheet_ranges(content: bytes) -> None:
    """Refuse a spreadsheet that claims a range too large to load, before calamine loads it (the same check as
    the student import's: one cell at XFD1048576 in a tiny file would claim 17 billion cells)."""
    if content[:4] != b"PK\x03\x04":
        return  # .xls: no cheap check; the sandbox stops it
    check_sheet_ranges(content, "xlsx")  # raises FileRefused
    check_sheet_ranges(content, "ods")
