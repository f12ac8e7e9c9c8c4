"""Which column holds which field: header row detection (title rows above it are common) and synonyms.

Pure code. Headers match case-insensitively, ignoring spaces, dots, dashes, underscores and brackets. A caller
(the staff wizard) can override the detected mapping: field -> column header as written in the file, or None.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

FIELDS = [
    "student_number",
    "first_name",
    "name_prefix",
    "last_name",
    "group",
    "year_level",
    "birth_date",
    "card_number",
    "email",
]
REQUIRED_FIELDS = ("student_number", "last_name")

# In order of preference: when a file has both "Roepnaam" and "Voorletters", roepnaam wins.
SYNONYMS: dict[str, list[str]] = {
    "student_number": [
        "leerlingnummer",
        "leerlingnr",
        "llnr",
        "leerlingid",
        "stamnummer",
        "stamnr",
        "externnr",
        "externnummer",
        "lenerscode",
        "key",
        "id",
    ],
    "first_name": ["roepnaam", "voornaam", "voornaamroep", "roepnaamleerling", "voornamen", "voorletters"],
    "name_prefix": [
        "voorvoegsel",
        "voorvoegsels",
        "tussenvoegsel",
        "tussenvoegsels",
        "naamtus",
        "tussenv",
        "voorv",
    ],
    "last_name": ["achternaam", "naam", "familienaam", "achternaamleerling", "geslachtsnaam"],
    "group": [
        "groep",
        "groepsnaam",
        "groepcode",
        "groepnaam",
        "klas",
        "klasnaam",
        "klascode",
        "stamklas",
        "stamgroep",
        "basisgroep",
    ],
    "year_level": ["jaargroep", "leerjaar"],
    "birth_date": ["geboortedatum", "gebdatum", "geboren", "geboortedag"],
    "card_number": ["pasnummer", "lenernummer", "barcode", "pasnr"],
    "email": ["email", "emailadres", "mail", "emailadresleerling"],
}

_STRIP = re.compile(r"[\s._\-()\[\]]+")


def normalise_header(value: Any) -> str:
    if value is None:
        return ""
    return _STRIP.sub("", str(value)).lower()


_LOOKUP: dict[str, tuple[str, int]] = {
    normalise_header(synonym): (field_name, rank)
    for field_name, synonyms in SYNONYMS.items()
    for rank, synonym in enumerate(synonyms)
}

HEADER_SEARCH_ROWS = 30


@dataclass
class HeaderMatch:
    index: int  # index of the header row in the table's rows
    columns: list[str]  # the headers as written in the file
    mapping: dict[str, str | None]  # field -> column header


def header_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def detect_mapping(columns: list[str]) -> dict[str, str | None]:
    """Field -> header, from the synonyms; the first-listed synonym wins when several columns match."""
    best: dict[str, tuple[int, str]] = {}
    for column in columns:
        hit = _LOOKUP.get(normalise_header(column))
        if hit is None:
            continue
        field_name, rank = hit
        if field_name not in best or rank < best[field_name][0]:
            best[field_name] = (rank, column)
    return {name: (best[name][1] if name in best else None) for name in FIELDS}


def find_header(rows: list[list[Any]], override: Mapping[str, str | None] | None = None) -> HeaderMatch | None:
    """The header row: among the first rows, the one whose cells name the most known fields (or the given
    mapping's columns). Title rows ("Leerlingenlijst 2025-2026") above it are skipped."""
    wanted = {normalise_header(column) for column in (override or {}).values() if column}
    best_index, best_score = -1, 0
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        normalised = {normalise_header(header_text(cell)) for cell in row} - {""}
        fields = {_LOOKUP[name][0] for name in normalised if name in _LOOKUP}
        score = len(fields) + len(normalised & wanted)
        if score > best_score:
            best_index, best_score = index, score
    if best_index < 0 or best_score < 2:
        return None
    columns = [header_text(cell) for cell in rows[best_index]]
    return HeaderMatch(index=best_index, columns=columns, mapping=detect_mapping(columns))


def apply_override(
    detected: dict[str, str | None], columns: list[str], override: Mapping[str, str | None] | None
) -> dict[str, str | None]:
    """The detected mapping with the caller's choices on top; a header that is not in the file counts as None."""
    mapping = dict(detected)
    if override:
        present = set(columns)
        for name, column in override.items():
            if name in FIELDS:
                mapping[name] = column if column in present else None
    return mapping


def column_indexes(columns: list[str], mapping: Mapping[str, str | None]) -> dict[str, int]:
    """Field -> index of its column (the first column with that header)."""
    indexes: dict[str, int] = {}
    for name in FIELDS:
        column = mapping.get(name)
        if column:
            try:
                indexes[name] = columns.index(column)
            except ValueError:
                continue
    return indexes


def missing_fields(mapping: Mapping[str, str | None]) -> list[str]:
    return [name for name in REQUIRED_FIELDS if not mapping.get(name)]
