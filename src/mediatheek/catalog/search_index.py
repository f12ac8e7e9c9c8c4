"""The database side of catalogue search: the FTS5 table (SQLite) or the tsvector column + GIN index (PostgreSQL).

Both are built over `catalog_title.search_text`, which Python fills (folded, accent-free words; see text.py), so the
two databases find the same titles. Everything here is idempotent: migrations call it, and so does
`mediatheek reindex_catalogue` (which also repairs the SQLite triggers should a table rebuild have dropped them).
"""

from __future__ import annotations

from typing import Any

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


def install(connection: Any, *, rebuild: bool = False) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for statement in SQLITE_INSTALL:
                cursor.execute(statement)
            if rebuild:
                cursor.execute(SQLITE_REBUILD)
        elif connection.vendor == "postgresql":
            for statement in POSTGRES_INSTALL:
                cursor.execute(statement)


def uninstall(connection: Any) -> None:
    statements = {"sqlite": SQLITE_UNINSTALL, "postgresql": POSTGRES_UNINSTALL}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
