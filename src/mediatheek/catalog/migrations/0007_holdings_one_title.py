"""Search holdings: the update trigger on catalog_copy becomes cheaper per lend and return (see search_index.py).

PostgreSQL: when one title is touched (a lend or a return), the statement-level trigger computes its holdings once
instead of twice and rewrites the title only when they changed. SQLite: the trigger rewrites a title's `schools`
tokens only when they change, and the old title only when the copy moved to another title.

Self-contained: the SQL is catalog/search_index.py's, copied here as literals (see below). On SQLite it replaces the
update trigger only: the insert and delete triggers it creates `IF NOT EXISTS` stay 0005's; 0008 replaces them.
"""

from typing import Any

from django.db import migrations

# Frozen: the SQL below is what catalog/search_index.py's install() ran when this migration was written
# (commit fe4a95f), copied as literals so that this migration never changes when that module does. Whitespace
# inside the strings is part of the stored schema (SQLite keeps a trigger's text as written, PostgreSQL a
# function's body).
SQLITE_INSTALL = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS catalog_title_fts USING fts5(
        search_text, schools, tokenize="unicode61 remove_diacritics 2", prefix='2 3')""",
    "INSERT INTO catalog_title_fts(catalog_title_fts, rank) VALUES ('rank', 'bm25(1.0, 0.0)')",
    """CREATE TRIGGER IF NOT EXISTS catalog_title_fts_ai AFTER INSERT ON catalog_title BEGIN
        INSERT INTO catalog_title_fts(rowid, search_text, schools)
        VALUES (new.id, new.search_text, (SELECT coalesce(group_concat(token, ' '), '') FROM (SELECT 's' || school_id AS token FROM catalog_copy WHERE title_id = new.id AND status IN ('available', 'lent', 'on_hold', 'damaged') UNION SELECT 'a' || school_id FROM catalog_copy WHERE title_id = new.id AND status IN ('available'))));
    END""",
    """CREATE TRIGGER IF NOT EXISTS catalog_title_fts_ad AFTER DELETE ON catalog_title BEGIN
        DELETE FROM catalog_title_fts WHERE rowid = old.id;
    END""",
    """CREATE TRIGGER IF NOT EXISTS catalog_title_fts_au AFTER UPDATE OF search_text ON catalog_title
        WHEN new.search_text IS NOT old.search_text BEGIN
        UPDATE catalog_title_fts SET search_text = new.search_text WHERE rowid = new.id;
    END""",
    """CREATE TRIGGER IF NOT EXISTS catalog_copy_holdings_ai AFTER INSERT ON catalog_copy BEGIN
        UPDATE catalog_title_fts SET schools = (SELECT coalesce(group_concat(token, ' '), '') FROM (SELECT 's' || school_id AS token FROM catalog_copy WHERE title_id = new.title_id AND status IN ('available', 'lent', 'on_hold', 'damaged') UNION SELECT 'a' || school_id FROM catalog_copy WHERE title_id = new.title_id AND status IN ('available'))) WHERE rowid = new.title_id AND schools IS NOT (SELECT coalesce(group_concat(token, ' '), '') FROM (SELECT 's' || school_id AS token FROM catalog_copy WHERE title_id = new.title_id AND status IN ('available', 'lent', 'on_hold', 'damaged') UNION SELECT 'a' || school_id FROM catalog_copy WHERE title_id = new.title_id AND status IN ('available')));
    END""",
    """CREATE TRIGGER IF NOT EXISTS catalog_copy_holdings_ad AFTER DELETE ON catalog_copy BEGIN
        UPDATE catalog_title_fts SET schools = (SELECT coalesce(group_concat(token, ' '), '') FROM (SELECT 's' || school_id AS token FROM catalog_copy WHERE title_id = old.title_id AND status IN ('available', 'lent', 'on_hold', 'damaged') UNION SELECT 'a' || school_id FROM catalog_copy WHERE title_id = old.title_id AND status IN ('available'))) WHERE rowid = old.title_id AND schools IS NOT (SELECT coalesce(group_concat(token, ' '), '') FROM (SELECT 's' || school_id AS token FROM catalog_copy WHERE title_id = old.title_id AND status IN ('available', 'lent', 'on_hold', 'damaged') UNION SELECT 'a' || school_id FROM catalog_copy WHERE title_id = old.title_id AND status IN ('available')));
    END""",
    "DROP TRIGGER IF EXISTS catalog_copy_holdings_au",
    """CREATE TRIGGER catalog_copy_holdings_au AFTER UPDATE OF title_id, school_id, status
        ON catalog_copy WHEN new.title_id IS NOT old.title_id OR new.school_id IS NOT old.school_id
        OR new.status IS NOT old.status BEGIN
        UPDATE catalog_title_fts SET schools = (SELECT coalesce(group_concat(token, ' '), '') FROM (SELECT 's' || school_id AS token FROM catalog_copy WHERE title_id = new.title_id AND status IN ('available', 'lent', 'on_hold', 'damaged') UNION SELECT 'a' || school_id FROM catalog_copy WHERE title_id = new.title_id AND status IN ('available'))) WHERE rowid = new.title_id AND schools IS NOT (SELECT coalesce(group_concat(token, ' '), '') FROM (SELECT 's' || school_id AS token FROM catalog_copy WHERE title_id = new.title_id AND status IN ('available', 'lent', 'on_hold', 'damaged') UNION SELECT 'a' || school_id FROM catalog_copy WHERE title_id = new.title_id AND status IN ('available')));
        UPDATE catalog_title_fts SET schools = (SELECT coalesce(group_concat(token, ' '), '') FROM (SELECT 's' || school_id AS token FROM catalog_copy WHERE title_id = old.title_id AND status IN ('available', 'lent', 'on_hold', 'damaged') UNION SELECT 'a' || school_id FROM catalog_copy WHERE title_id = old.title_id AND status IN ('available'))) WHERE rowid = old.title_id AND schools IS NOT (SELECT coalesce(group_concat(token, ' '), '') FROM (SELECT 's' || school_id AS token FROM catalog_copy WHERE title_id = old.title_id AND status IN ('available', 'lent', 'on_hold', 'damaged') UNION SELECT 'a' || school_id FROM catalog_copy WHERE title_id = old.title_id AND status IN ('available'))) AND (old.title_id IS NOT new.title_id);
    END""",
]

SQLITE_REBUILD = [
    "DELETE FROM catalog_title_fts",
    """INSERT INTO catalog_title_fts(rowid, search_text, schools)
        SELECT t.id, t.search_text, coalesce(h.tokens, '') FROM catalog_title t LEFT JOIN (
            SELECT title_id, group_concat(token, ' ') AS tokens FROM (
                SELECT DISTINCT title_id, 's' || school_id AS token FROM catalog_copy WHERE status IN ('available', 'lent', 'on_hold', 'damaged')
                UNION SELECT DISTINCT title_id, 'a' || school_id FROM catalog_copy WHERE status IN ('available')
            ) GROUP BY title_id
        ) h ON h.title_id = t.id""",
    "INSERT INTO catalog_title_fts(catalog_title_fts) VALUES ('optimize')",
]

SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS catalog_copy_holdings_ai",
    "DROP TRIGGER IF EXISTS catalog_copy_holdings_ad",
    "DROP TRIGGER IF EXISTS catalog_copy_holdings_au",
    "DROP TRIGGER IF EXISTS catalog_title_fts_ai",
    "DROP TRIGGER IF EXISTS catalog_title_fts_ad",
    "DROP TRIGGER IF EXISTS catalog_title_fts_au",
    "DROP TABLE IF EXISTS catalog_title_fts",
]

POSTGRES_UPGRADE_0005 = [
    "DROP INDEX IF EXISTS catalog_title_holdings_gin",
    "ALTER TABLE catalog_title DROP COLUMN IF EXISTS search_holdings",
]

POSTGRES_INSTALL = [
    """ALTER TABLE catalog_title ADD COLUMN IF NOT EXISTS search_vector tsvector
        GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED""",
    "DROP INDEX IF EXISTS catalog_title_search_gin",
    "ALTER TABLE catalog_title ADD COLUMN IF NOT EXISTS search_holdings text[] NOT NULL DEFAULT '{}'",
    """ALTER TABLE catalog_title ADD COLUMN IF NOT EXISTS search_document tsvector
        GENERATED ALWAYS AS (
            to_tsvector('simple'::regconfig, search_text) || array_to_tsvector(search_holdings)
        ) STORED""",
    "CREATE INDEX IF NOT EXISTS catalog_title_document_gin ON catalog_title USING gin (search_document)",
    """CREATE OR REPLACE FUNCTION catalog_title_refresh_holdings(ids bigint[]) RETURNS void
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM 1 FROM catalog_title WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
            UPDATE catalog_title t SET search_holdings = 
    coalesce((SELECT array_agg(v ORDER BY v) FROM (
        SELECT '@s' || school_id AS v FROM catalog_copy c WHERE c.title_id = t.id AND c.status IN ('available', 'lent', 'on_hold', 'damaged')
        UNION SELECT '@a' || school_id FROM catalog_copy c WHERE c.title_id = t.id AND c.status IN ('available')
    ) s), '{}')
            WHERE t.id = ANY(ids) AND t.search_holdings IS DISTINCT FROM 
    coalesce((SELECT array_agg(v ORDER BY v) FROM (
        SELECT '@s' || school_id AS v FROM catalog_copy c WHERE c.title_id = t.id AND c.status IN ('available', 'lent', 'on_hold', 'damaged')
        UNION SELECT '@a' || school_id FROM catalog_copy c WHERE c.title_id = t.id AND c.status IN ('available')
    ) s), '{}');
        END $$""",
    """CREATE OR REPLACE FUNCTION catalog_title_refresh_one(one_title bigint) RETURNS void
        LANGUAGE plpgsql AS $$
        DECLARE holdings text[];
        BEGIN
            PERFORM 1 FROM catalog_title WHERE id = one_title FOR NO KEY UPDATE;
            SELECT coalesce(array_agg(v ORDER BY v), '{}') INTO holdings FROM (
                SELECT '@s' || school_id AS v FROM catalog_copy WHERE title_id = one_title AND status IN ('available', 'lent', 'on_hold', 'damaged')
                UNION SELECT '@a' || school_id FROM catalog_copy WHERE title_id = one_title AND status IN ('available')
            ) s;
            UPDATE catalog_title SET search_holdings = holdings
            WHERE id = one_title AND search_holdings IS DISTINCT FROM holdings;
        END $$""",
    """CREATE OR REPLACE FUNCTION catalog_copy_holdings_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE ids bigint[];
        BEGIN
            IF TG_OP = 'INSERT' THEN
                PERFORM catalog_title_refresh_holdings(ARRAY(SELECT DISTINCT title_id FROM new_rows));
            ELSIF TG_OP = 'DELETE' THEN
                PERFORM catalog_title_refresh_holdings(ARRAY(SELECT DISTINCT title_id FROM old_rows));
            ELSE
                SELECT array_agg(DISTINCT title_id ORDER BY title_id) INTO ids FROM (
                    SELECT n.title_id FROM new_rows n JOIN old_rows o ON o.id = n.id
                    WHERE n.title_id <> o.title_id OR n.school_id <> o.school_id OR n.status <> o.status
                    UNION ALL SELECT o.title_id FROM new_rows n JOIN old_rows o ON o.id = n.id
                    WHERE n.title_id <> o.title_id OR n.school_id <> o.school_id OR n.status <> o.status
                ) changed;
                IF cardinality(ids) = 1 THEN
                    PERFORM catalog_title_refresh_one(ids[1]);
                ELSIF ids IS NOT NULL THEN
                    PERFORM catalog_title_refresh_holdings(ids);
                END IF;
            END IF;
            RETURN NULL;
        END $$""",
    "DROP TRIGGER IF EXISTS catalog_copy_holdings_ai ON catalog_copy",
    """CREATE TRIGGER catalog_copy_holdings_ai AFTER INSERT ON catalog_copy REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION catalog_copy_holdings_trigger()""",
    "DROP TRIGGER IF EXISTS catalog_copy_holdings_ad ON catalog_copy",
    """CREATE TRIGGER catalog_copy_holdings_ad AFTER DELETE ON catalog_copy REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION catalog_copy_holdings_trigger()""",
    "DROP TRIGGER IF EXISTS catalog_copy_holdings_au ON catalog_copy",
    """CREATE TRIGGER catalog_copy_holdings_au AFTER UPDATE ON catalog_copy
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION catalog_copy_holdings_trigger()""",
    "DROP FUNCTION IF EXISTS catalog_copy_holdings_row_trigger()",
]

POSTGRES_REBUILD = [
    """UPDATE catalog_title t SET search_holdings = h.holdings FROM (
            SELECT title_id, array_agg(v ORDER BY v) AS holdings FROM (
                SELECT DISTINCT title_id, '@s' || school_id AS v FROM catalog_copy WHERE status IN ('available', 'lent', 'on_hold', 'damaged')
                UNION SELECT DISTINCT title_id, '@a' || school_id FROM catalog_copy WHERE status IN ('available')
            ) s GROUP BY title_id
        ) h WHERE h.title_id = t.id AND t.search_holdings IS DISTINCT FROM h.holdings""",
    """UPDATE catalog_title t SET search_holdings = '{}' WHERE search_holdings <> '{}' AND NOT EXISTS (
        SELECT 1 FROM catalog_copy c WHERE c.title_id = t.id AND c.status IN ('available', 'lent', 'on_hold', 'damaged'))""",
]


def _install(connection: Any, *, rebuild: bool) -> None:
    """install() as it was then: create what is missing; `rebuild` also refills the index from the tables."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'catalog_title_fts'")
            row = cursor.fetchone()
            if row and "schools" not in row[0]:
                # The first version (migration 0003): an external-content table over the words only.
                for statement in SQLITE_UNINSTALL:
                    cursor.execute(statement)
                row = None
            for statement in SQLITE_INSTALL:
                cursor.execute(statement)
            if rebuild or row is None:
                for statement in SQLITE_REBUILD:
                    cursor.execute(statement)
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT udt_name FROM information_schema.columns WHERE table_name = 'catalog_title' "
                "AND column_name = 'search_holdings' AND table_schema = current_schema()"
            )
            row = cursor.fetchone()
            if row and row[0] != "_text":
                for statement in POSTGRES_UPGRADE_0005:
                    cursor.execute(statement)
                row = None
            new_column = row is None
            for statement in POSTGRES_INSTALL:
                cursor.execute(statement)
            if rebuild or new_column:
                for statement in POSTGRES_REBUILD:
                    cursor.execute(statement)


def forwards(apps: Any, schema_editor: Any) -> None:
    _install(schema_editor.connection, rebuild=False)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_search_document")]

    # Backwards: the new triggers keep the same holdings as the old ones; 0005's backwards removes them all.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
