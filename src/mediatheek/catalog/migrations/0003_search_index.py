"""Full-text search: fill `search_text` for existing titles, then build the index for this database's vendor.

Self-contained: the text folding is catalog/text.py's `search_text` (with `fold` and `words`) and the SQL is
catalog/search_index.py's as both were when this migration was written (commit f6b92e4), copied here.
"""

import contextlib
import re
import unicodedata
from typing import Any

from django.db import migrations
from stdnum import isbn as stdnum_isbn
from stdnum.exceptions import ValidationError as StdnumError

# Frozen: the SQL below is what catalog/search_index.py's install() ran when this migration was written
# (commit f6b92e4), copied as literals so that this migration never changes when that module does. Whitespace
# inside the strings is part of the stored schema (SQLite keeps a trigger's text as written, PostgreSQL a
# function's body).
SQLITE_INSTALL = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS catalog_title_fts USING fts5(
        search_text, content='catalog_title', content_rowid='id',
        tokenize="unicode61 remove_diacritics 2", prefix='2 3')""",
    """CREATE TRIGGER IF NOT EXISTS catalog_title_fts_ai AFTER INSERT ON catalog_title BEGIN
        INSERT INTO catalog_title_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS catalog_title_fts_ad AFTER DELETE ON catalog_title BEGIN
        INSERT INTO catalog_title_fts(catalog_title_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS catalog_title_fts_au AFTER UPDATE OF search_text ON catalog_title BEGIN
        INSERT INTO catalog_title_fts(catalog_title_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        INSERT INTO catalog_title_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
]

SQLITE_REBUILD = "INSERT INTO catalog_title_fts(catalog_title_fts) VALUES ('rebuild')"

SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS catalog_title_fts_ai",
    "DROP TRIGGER IF EXISTS catalog_title_fts_ad",
    "DROP TRIGGER IF EXISTS catalog_title_fts_au",
    "DROP TABLE IF EXISTS catalog_title_fts",
]

POSTGRES_INSTALL = [
    """ALTER TABLE catalog_title ADD COLUMN IF NOT EXISTS search_vector tsvector
        GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED""",
    "CREATE INDEX IF NOT EXISTS catalog_title_search_gin ON catalog_title USING gin (search_vector)",
]

POSTGRES_UNINSTALL = [
    "DROP INDEX IF EXISTS catalog_title_search_gin",
    "ALTER TABLE catalog_title DROP COLUMN IF EXISTS search_vector",
]

_WORD = re.compile(r"[a-z0-9]+")


def _fold(text: str) -> str:
    """Lower case without accents: "Zoë Ørsted" → "zoe orsted"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("ø", "o").replace("ß", "ss").replace("æ", "ae").replace("œ", "oe").replace("ł", "l")


def _words(text: str) -> list[str]:
    return _WORD.findall(_fold(text))


def _search_text(
    *,
    title: str,
    subtitle: str = "",
    authors: str = "",
    author_sort: str = "",
    series: str = "",
    subjects: str = "",
    keywords: str = "",
    isbn: str = "",
) -> str:
    """The folded text a title is found by (the full-text index is built over this one column)."""
    parts = [title, subtitle, authors, author_sort, series, subjects, keywords]
    tokens: list[str] = []
    for part in parts:
        tokens.extend(_words(part))
    if isbn:
        tokens.append(isbn)
        if isbn.startswith("978") and len(isbn) == 13:
            with contextlib.suppress(StdnumError):
                tokens.append(stdnum_isbn.to_isbn10(isbn).lower())
    seen: set[str] = set()
    unique = [t for t in tokens if not (t in seen or seen.add(t))]  # type: ignore[func-returns-value]
    return " ".join(unique)


def _execute(connection: Any, statements_by_vendor: dict[str, list[str]]) -> None:
    with connection.cursor() as cursor:
        for statement in statements_by_vendor.get(connection.vendor, []):
            cursor.execute(statement)


def forwards(apps: Any, schema_editor: Any) -> None:
    Title = apps.get_model("catalog", "Title")
    batch = []
    for title in Title.objects.all().iterator(chunk_size=2000):
        title.search_text = _search_text(
            title=title.title,
            subtitle=title.subtitle,
            authors=title.authors,
            author_sort=title.author_sort,
            series=title.series,
            subjects=title.subjects,
            keywords=title.keywords,
            isbn=title.isbn,
        )
        batch.append(title)
        if len(batch) >= 2000:
            Title.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        Title.objects.bulk_update(batch, ["search_text"])
    # install(rebuild=True) as it was then.
    _execute(schema_editor.connection, {"sqlite": [*SQLITE_INSTALL, SQLITE_REBUILD], "postgresql": POSTGRES_INSTALL})


def backwards(apps: Any, schema_editor: Any) -> None:
    _execute(schema_editor.connection, {"sqlite": SQLITE_UNINSTALL, "postgresql": POSTGRES_UNINSTALL})


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_catalogue_fields_stocktake")]

    operations = [migrations.RunPython(forwards, backwards)]
