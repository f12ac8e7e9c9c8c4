"""From raw cells to clean student rows. Pure code.

Keys are strings (leading zeros kept, 12345.0 -> "12345"), names trimmed, dates from Excel dates and the Dutch
text forms, group names kept as the school writes them. Data minimisation: only the fields in `FIELDS` are
taken from a row; every other column is never looked at.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from mediatheek.studentimport.mapping import FIELDS

MAX_LENGTHS = {
    "student_number": 40,
    "first_name": 100,
    "name_prefix": 30,
    "last_name": 150,
    "group": 60,
    "card_number": 20,
    "email": 254,
}

FIELD_LABELS = {
    "student_number": "leerlingnummer",
    "first_name": "roepnaam",
    "name_prefix": "voorvoegsel",
    "last_name": "achternaam",
    "group": "groep",
    "year_level": "jaargroep",
    "birth_date": "geboortedatum",
    "card_number": "pasnummer",
    "email": "e-mail",
}


@dataclass(slots=True)
class StudentRow:
    """One usable row of the file, with only the allowed fields."""

    row: int
    student_number: str
    first_name: str = ""
    name_prefix: str = ""
    last_name: str = ""
    group: str = ""
    year_level: int | None = None
    birth_date: dt.date | None = None
    card_number: str = ""
    email: str = ""

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.name_prefix, self.last_name) if part)


@dataclass(slots=True)
class RowError:
    """A row that cannot be used. `student_number`/names say whom it names, so that student is left alone."""

    row: int
    message: str
    student_number: str = ""
    first_name: str = ""
    last_name: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "message": self.message}


class InvalidValue(ValueError):
    pass


def key_text(value: Any) -> str:
    """A key (student number, card number) as a string: 12345.0 -> "12345", " 00123 " -> "00123"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return ""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return " ".join(str(value).split())


def name_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


EXCEL_EPOCH = dt.date(1899, 12, 30)
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[ T].*)?$")
_YMD = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(value: Any) -> dt.date | None:
    """Excel dates, dd-mm-jjjj, d-m-jjjj, jjjj-mm-dd (also with / or .). Empty -> None; anything else raises."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # An Excel serial day number (a date cell read without its format).
        if 1 <= value < 2_958_466:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise InvalidValue(str(value))
    text = str(value).strip()
    if not text:
        return None
    for pattern, order in ((_DMY, "dmy"), (_YMD, "ymd"), (_COMPACT, "ymd")):
        match = pattern.match(text)
        if match:
            first, second, third = (int(part) for part in match.groups())
            year, month, day = (third, second, first) if order == "dmy" else (first, second, third)
            try:
                return dt.date(year, month, day)
            except ValueError:
                raise InvalidValue(text)
    raise InvalidValue(text)


_YEAR_LEVEL = re.compile(r"^\D*?(\d{1,2})\D*$")


def parse_year_level(value: Any) -> int | None:
    """5, 5.0, "5", "Groep 5", "jaargroep 5" -> 5; "S", "H" or empty -> None."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = int(value)
    else:
        match = _YEAR_LEVEL.match(str(value).strip())
        if not match:
            return None
        number = int(match[1])
    return number if 0 <= number <= 15 else None


def email_text(value: Any) -> str:
    text = name_text(value)
    return text if "@" in text and " " not in text else ""


def normalise_values(row: int, values: Mapping[str, Any]) -> StudentRow | RowError:
    """One row's raw values (field -> cell) to a StudentRow, or a RowError saying what is wrong."""
    key = key_text(values.get("student_number"))
    first = name_text(values.get("first_name"))
    last = name_text(values.get("last_name"))

    def error(message: str) -> RowError:
        return RowError(row=row, message=message, student_number=key, first_name=first, last_name=last)

    if not key:
        return error(_("Geen leerlingnummer."))
    if not last:
        return error(_("Geen achternaam (leerlingnummer %(key)s).") % {"key": key})
    try:
        birth_date = parse_date(values.get("birth_date"))
    except InvalidValue as invalid:
        return error(_("Onmogelijke geboortedatum '%(value)s'.") % {"value": invalid})
    student = StudentRow(
        row=row,
        student_number=key,
        first_name=first,
        name_prefix=name_text(values.get("name_prefix")),
        last_name=last,
        group=name_text(values.get("group")),
        year_level=parse_year_level(values.get("year_level")),
        birth_date=birth_date,
        card_number=key_text(values.get("card_number")),
        email=email_text(values.get("email")),
    )
    for name, limit in MAX_LENGTHS.items():
        if len(getattr(student, name)) > limit:
            return error(
                _("De %(field)s is te lang (meer dan %(max)s tekens).") % {"field": FIELD_LABELS[name], "max": limit}
            )
    return student


def rows_from_table(
    rows: list[list[Any]], row_numbers: list[int], start: int, indexes: Mapping[str, int]
) -> Iterable[tuple[int, dict[str, Any]]]:
    """The data rows under the header (index `start` on), as (row number, field -> cell) for the mapped fields
    only. Completely empty rows are skipped."""
    wanted = [(name, index) for name, index in indexes.items() if name in FIELDS]
    for position in range(start, len(rows)):
        cells = rows[position]
        width = len(cells)
        values = {name: cells[index] for name, index in wanted if index < width}
        if all(value is None or (isinstance(value, str) and not value.strip()) for value in values.values()):
            continue
        yield row_numbers[position], values


def _blank(value: Any) -> bool:
    return value is None or (value.__class__ is str and not value.strip())


_TEXT_FIELDS = ("student_number", "first_name", "name_prefix", "last_name", "group")
_TEXT_LIMITS = tuple(MAX_LENGTHS[name] for name in _TEXT_FIELDS)


def normalise_table(
    rows: list[list[Any]], row_numbers: list[int], start: int, indexes: Mapping[str, int]
) -> tuple[list[StudentRow], list[RowError]]:
    """What `normalise_rows(rows_from_table(...))` does, with a fast path for big files: rows whose cells are
    the usual types (text keys and names, date cells, numeric year levels) are handled inline; anything else
    goes through `normalise_values`."""
    students: list[StudentRow] = []
    errors: list[RowError] = []
    order = [name for name in FIELDS if name in indexes]
    positions = [indexes[name] for name in order]
    width_needed = max(positions, default=-1) + 1
    # Positions of the five text fields (-1: not in the file); the fast path needs no card number or e-mail.
    text_at = [indexes.get(name, -1) for name in _TEXT_FIELDS]
    year_at = indexes.get("year_level", -1)
    birth_at = indexes.get("birth_date", -1)
    fast = "card_number" not in indexes and "email" not in indexes
    str_, float_, date_, datetime_ = str, float, dt.date, dt.datetime
    k_max, f_max, p_max, l_max, g_max = _TEXT_LIMITS
    for position in range(start, len(rows)):
        cells = rows[position]
        if len(cells) < width_needed:
            cells = [*cells, *([""] * (width_needed - len(cells)))]
        if fast:
            texts = []
            for index in text_at:
                if index < 0:
                    texts.append("")
                    continue
                value = cells[index]
                if value.__class__ is not str_:
                    break
                texts.append(" ".join(value.split()))
            else:
                key, first, prefix, last, group = texts
                birth = cells[birth_at] if birth_at >= 0 else None
                year = cells[year_at] if year_at >= 0 else None
                birth_class = birth.__class__
                if (
                    key
                    and last
                    and (birth is None or birth == "" or birth_class is date_ or birth_class is datetime_)
                    and (year is None or year == "" or year.__class__ is float_)
                    and len(key) <= k_max
                    and len(first) <= f_max
                    and len(prefix) <= p_max
                    and len(last) <= l_max
                    and len(group) <= g_max
                ):
                    if birth_class is datetime_:
                        birth = birth.date()  # type: ignore[union-attr]
                    students.append(
                        StudentRow(
                            row_numbers[position],
                            key,
                            first,
                            prefix,
                            last,
                            group,
                            parse_year_level(year) if year.__class__ is float_ else None,
                            birth or None,
                        )
                    )
                    continue
        if all(_blank(cells[index]) for index in positions):
            continue
        result = normalise_values(row_numbers[position], {name: cells[indexes[name]] for name in order})
        if isinstance(result, RowError):
            errors.append(result)
        else:
            students.append(result)
    return students, errors


def normalise_rows(records: Iterable[tuple[int, Mapping[str, Any]]]) -> tuple[list[StudentRow], list[RowError]]:
    students: list[StudentRow] = []
    errors: list[RowError] = []
    for row, values in records:
        result = normalise_values(row, values)
        if isinstance(result, RowError):
            errors.append(result)
        else:
            students.append(result)
    return students, errors


def year_level_group_name(year_level: int, secondary: bool) -> str:
    """The group a pupil with a year level but no group is put in: "Groep 4", or "Leerjaar 1" (secondary)."""
    return f"Leerjaar {year_level}" if secondary else f"Groep {year_level}"
