"""The wizard's column choice as request parameters: map_<field>=<column header> (empty = not read).

The choice travels in the query string from the columns step to the preview, and as hidden fields to apply, so
every step can be reloaded and nothing is kept on the server between them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from mediatheek.studentimport.mapping import FIELDS
from mediatheek.studentimport.queries import MAP_PREFIX

ColumnMapping = dict[str, str | None]


def mapping_from(data: Mapping[str, Any]) -> ColumnMapping | None:
    """The mapping the user chose; None when the request carries none (the engine detects the columns)."""
    if not any(key.startswith(MAP_PREFIX) for key in data):
        return None
    return {field: (data.get(MAP_PREFIX + field) or None) for field in FIELDS}


def mapping_query(mapping: Mapping[str, str | None] | None) -> str:
    if mapping is None:
        return ""
    return urlencode({MAP_PREFIX + field: mapping.get(field) or "" for field in FIELDS})


def mapping_hidden(mapping: Mapping[str, str | None] | None) -> list[tuple[str, str]]:
    if mapping is None:
        return []
    return [(MAP_PREFIX + field, mapping.get(field) or "") for field in FIELDS]


def with_mapping(url: str, mapping: Mapping[str, str | None] | None) -> str:
    """`url` with the mapping as its query string (the way back to a step, the choices kept)."""
    query = mapping_query(mapping)
    return f"{url}?{query}" if query else url
