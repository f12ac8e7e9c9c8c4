"""Search: the schools that hold each title go inside the full-text index (see search_index.py).

SQLite: the FTS5 table gets a `schools` column (it becomes a table of its own instead of an external-content one,
so triggers on catalog_copy can rewrite one title's holdings without its old text); PostgreSQL: an int[] column
`search_holdings` with a GIN index. Both kept current by triggers on catalog_copy, and filled here once.
"""

from typing import Any

from django.db import migrations

# The index as migration 0003 made it, to go back to.
SQLITE_0003 = [
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
    "INSERT INTO catalog_title_fts(catalog_title_fts) VALUES ('rebuild')",
]
POSTGRES_0003 = [
    """ALTER TABLE catalog_title ADD COLUMN IF NOT EXISTS search_vector tsvector
        GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED""",
    "CREATE INDEX IF NOT EXISTS catalog_title_search_gin ON catalog_title USING gin (search_vector)",
]


def forwards(apps: Any, schema_editor: Any) -> None:
    from mediatheek.catalog import search_index

    search_index.install(schema_editor.connection, rebuild=True)


def backwards(apps: Any, schema_editor: Any) -> None:
    from mediatheek.catalog import search_index

    connection = schema_editor.connection
    search_index.uninstall(connection)
    statements = {"sqlite": SQLITE_0003, "postgresql": POSTGRES_0003}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_copy_school_titles_index")]

    operations = [migrations.RunPython(forwards, backwards)]
