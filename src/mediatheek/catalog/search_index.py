"""The database side of catalogue search: the FTS5 table (SQLite) or the tsvector column + GIN index (PostgreSQL),
and in both the schools that hold each title, INSIDE the index, so "these words at this school" is one index
intersection instead of a walk over every match in the region with a copy probe per match.

Words: built over `catalog_title.search_text`, which Python fills (folded, accent-free words; see text.py), so the two
databases find the same titles.

Holdings, per title, kept current by triggers on catalog_copy (so every path that adds, withdraws, loses, moves, lends
or returns a copy is covered: services, bulk imports, hand-written SQL at the desk):
  SQLite      the FTS5 column `schools`: a token `s<school id>` for every school with a held copy (not withdrawn,
              not lost) and `a<school id>` for every school with a copy on the shelf; queried as
              `search_text : (words) AND schools : "s42"`. The rank (bm25) weighs the schools column 0.
  PostgreSQL  the text[] column `catalog_title.search_holdings` (`@s<school id>`, `@a<school id>`: an "@" can never
              be in a searched word), and the generated tsvector `search_document` = the words + those lexemes, with
              one GIN index; queried as `search_document @@ (words && '@s42')`: one index scan, in which GIN skips
              through the long lists of broad words with the school's short one. `search_vector` (words only)
              stays for the rank. Statement-level triggers: a bulk insert refreshes each touched title once; a
              lend or a return (one copy, one title) computes that title's holdings once and rewrites the title
              only when they changed.

Everything here is idempotent: migrations call it, and so does `mediatheek reindex_catalogue` (which also repairs the
triggers should a table rebuild have dropped them, and recomputes every title's holdings).
"""

# ruff: noqa: S608 - the SQL here is built from module constants only (no input reaches it)

from __future__ import annotations

from typing import Any

from mediatheek.catalog.models import HELD_STATUSES, ON_SHELF_STATUSES, sql_list

# The statuses of a held copy and of a copy on the shelf, from their one definition (catalog/models.py), as SQL lists.
HELD_SQL = sql_list(HELD_STATUSES)
ON_SHELF_SQL = sql_list(ON_SHELF_STATUSES)


def _sqlite_holdings(title_id: str) -> str:
    """SQL for the `schools` tokens of one title (title_id: an SQL expression)."""
    return (
        "(SELECT coalesce(group_concat(token, ' '), '') FROM ("
        f"SELECT 's' || school_id AS token FROM catalog_copy WHERE title_id = {title_id} AND status IN {HELD_SQL} "
        f"UNION SELECT 'a' || school_id FROM catalog_copy WHERE title_id = {title_id} AND status IN {ON_SHELF_SQL}))"
    )


def _sqlite_refresh(title_id: str, when: str = "") -> str:
    """Rewrite one title's `schools` tokens, only when they change (an FTS5 row rewrite is the costly part)."""
    holdings = _sqlite_holdings(title_id)
    condition = f" AND ({when})" if when else ""
    return (
        f"UPDATE catalog_title_fts SET schools = {holdings} "
        f"WHERE rowid = {title_id} AND schools IS NOT {holdings}{condition};"
    )


SQLITE_TABLE = """CREATE VIRTUAL TABLE IF NOT EXISTS catalog_title_fts USING fts5(
        search_text, schools, tokenize="unicode61 remove_diacritics 2", prefix='2 3')"""
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS catalog_title_fts_ai AFTER INSERT ON catalog_title BEGIN
        INSERT INTO catalog_title_fts(rowid, search_text, schools)
        VALUES (new.id, new.search_text, {_sqlite_holdings("new.id")});
    END""",
    """CREATE TRIGGER IF NOT EXISTS catalog_title_fts_ad AFTER DELETE ON catalog_title BEGIN
        DELETE FROM catalog_title_fts WHERE rowid = old.id;
    END""",
    """CREATE TRIGGER IF NOT EXISTS catalog_title_fts_au AFTER UPDATE OF search_text ON catalog_title
        WHEN new.search_text IS NOT old.search_text BEGIN
        UPDATE catalog_title_fts SET search_text = new.search_text WHERE rowid = new.id;
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS catalog_copy_holdings_ai AFTER INSERT ON catalog_copy BEGIN
        {_sqlite_refresh("new.title_id")}
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS catalog_copy_holdings_ad AFTER DELETE ON catalog_copy BEGIN
        {_sqlite_refresh("old.title_id")}
    END""",
    # Replaced, not kept (IF NOT EXISTS would keep an older version): the old title only when the copy moved.
    "DROP TRIGGER IF EXISTS catalog_copy_holdings_au",
    f"""CREATE TRIGGER catalog_copy_holdings_au AFTER UPDATE OF title_id, school_id, status
        ON catalog_copy WHEN new.title_id IS NOT old.title_id OR new.school_id IS NOT old.school_id
        OR new.status IS NOT old.status BEGIN
        {_sqlite_refresh("new.title_id")}
        {_sqlite_refresh("old.title_id", when="old.title_id IS NOT new.title_id")}
    END""",
]
SQLITE_INSTALL = [
    SQLITE_TABLE,
    # bm25 over the words only: the school tokens must not move the ranking.
    "INSERT INTO catalog_title_fts(catalog_title_fts, rank) VALUES ('rank', 'bm25(1.0, 0.0)')",
    *SQLITE_TRIGGERS,
]
SQLITE_REBUILD = [
    "DELETE FROM catalog_title_fts",
    f"""INSERT INTO catalog_title_fts(rowid, search_text, schools)
        SELECT t.id, t.search_text, coalesce(h.tokens, '') FROM catalog_title t LEFT JOIN (
            SELECT title_id, group_concat(token, ' ') AS tokens FROM (
                SELECT DISTINCT title_id, 's' || school_id AS token FROM catalog_copy WHERE status IN {HELD_SQL}
                UNION SELECT DISTINCT title_id, 'a' || school_id FROM catalog_copy WHERE status IN {ON_SHELF_SQL}
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

POSTGRES_HOLDINGS = f"""
    coalesce((SELECT array_agg(v ORDER BY v) FROM (
        SELECT '@s' || school_id AS v FROM catalog_copy c WHERE c.title_id = t.id AND c.status IN {HELD_SQL}
        UNION SELECT '@a' || school_id FROM catalog_copy c WHERE c.title_id = t.id AND c.status IN {ON_SHELF_SQL}
    ) s), '{{}}')"""
POSTGRES_INSTALL = [
    # Words only: the rank is computed over this one (so the school lexemes do not move it).
    """ALTER TABLE catalog_title ADD COLUMN IF NOT EXISTS search_vector tsvector
        GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED""",
    "DROP INDEX IF EXISTS catalog_title_search_gin",  # migration 0003's: the document's index serves every search
    "ALTER TABLE catalog_title ADD COLUMN IF NOT EXISTS search_holdings text[] NOT NULL DEFAULT '{}'",
    # Words and school lexemes in one tsvector with one GIN index: "words & '@s42'" is one index scan, in which GIN
    # skips through the long posting lists of broad words using the school's short one.
    """ALTER TABLE catalog_title ADD COLUMN IF NOT EXISTS search_document tsvector
        GENERATED ALWAYS AS (
            to_tsvector('simple'::regconfig, search_text) || array_to_tsvector(search_holdings)
        ) STORED""",
    "CREATE INDEX IF NOT EXISTS catalog_title_document_gin ON catalog_title USING gin (search_document)",
    # Lock the titles first (in id order), then read the copies in a new statement: a concurrent transaction that
    # added a copy of the same title has committed by then, so its copy is counted.
    f"""CREATE OR REPLACE FUNCTION catalog_title_refresh_holdings(ids bigint[]) RETURNS void
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM 1 FROM catalog_title WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
            UPDATE catalog_title t SET search_holdings = {POSTGRES_HOLDINGS}
            WHERE t.id = ANY(ids) AND t.search_holdings IS DISTINCT FROM {POSTGRES_HOLDINGS};
        END $$""",
    # One title, the desk's case (a lend or a return changes one copy's status): the holdings computed once,
    # the title row rewritten only when they changed. Lock first, then read the copies (as above).
    f"""CREATE OR REPLACE FUNCTION catalog_title_refresh_one(one_title bigint) RETURNS void
        LANGUAGE plpgsql AS $$
        DECLARE holdings text[];
        BEGIN
            PERFORM 1 FROM catalog_title WHERE id = one_title FOR NO KEY UPDATE;
            SELECT coalesce(array_agg(v ORDER BY v), '{{}}') INTO holdings FROM (
                SELECT '@s' || school_id AS v FROM catalog_copy WHERE title_id = one_title AND status IN {HELD_SQL}
                UNION SELECT '@a' || school_id FROM catalog_copy WHERE title_id = one_title AND status IN {ON_SHELF_SQL}
            ) s;
            UPDATE catalog_title SET search_holdings = holdings
            WHERE id = one_title AND search_holdings IS DISTINCT FROM holdings;
        END $$""",
    # Per statement: a bulk insert, delete or update refreshes each touched title once, and only after the statement
    # has locked all its copies (a per-row trigger would lock titles while the statement still waits for copies,
    # and could deadlock with a desk scan). An update touches only the titles whose status, school or title
    # changed; one title, the desk's case, takes the lean path.
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
    # This stop's first version of migration 0007 had a per-row trigger function; the trigger above replaced it.
    "DROP FUNCTION IF EXISTS catalog_copy_holdings_row_trigger()",
]
# The holdings as the first version of migration 0005 kept them (bigint[], GIN of its own): replaced.
POSTGRES_UPGRADE_0005 = [
    "DROP INDEX IF EXISTS catalog_title_holdings_gin",
    "ALTER TABLE catalog_title DROP COLUMN IF EXISTS search_holdings",
]
POSTGRES_REBUILD = [
    f"""UPDATE catalog_title t SET search_holdings = h.holdings FROM (
            SELECT title_id, array_agg(v ORDER BY v) AS holdings FROM (
                SELECT DISTINCT title_id, '@s' || school_id AS v FROM catalog_copy WHERE status IN {HELD_SQL}
                UNION SELECT DISTINCT title_id, '@a' || school_id FROM catalog_copy WHERE status IN {ON_SHELF_SQL}
            ) s GROUP BY title_id
        ) h WHERE h.title_id = t.id AND t.search_holdings IS DISTINCT FROM h.holdings""",
    f"""UPDATE catalog_title t SET search_holdings = '{{}}' WHERE search_holdings <> '{{}}' AND NOT EXISTS (
        SELECT 1 FROM catalog_copy c WHERE c.title_id = t.id AND c.status IN {HELD_SQL})""",
]
POSTGRES_UNINSTALL = [
    "DROP TRIGGER IF EXISTS catalog_copy_holdings_ai ON catalog_copy",
    "DROP TRIGGER IF EXISTS catalog_copy_holdings_ad ON catalog_copy",
    "DROP TRIGGER IF EXISTS catalog_copy_holdings_au ON catalog_copy",
    "DROP FUNCTION IF EXISTS catalog_copy_holdings_trigger()",
    "DROP FUNCTION IF EXISTS catalog_title_refresh_one(bigint)",
    "DROP FUNCTION IF EXISTS catalog_title_refresh_holdings(bigint[])",
    "DROP INDEX IF EXISTS catalog_title_document_gin",
    "ALTER TABLE catalog_title DROP COLUMN IF EXISTS search_document",
    "DROP INDEX IF EXISTS catalog_title_holdings_gin",
    "ALTER TABLE catalog_title DROP COLUMN IF EXISTS search_holdings",
    "DROP INDEX IF EXISTS catalog_title_search_gin",
    "ALTER TABLE catalog_title DROP COLUMN IF EXISTS search_vector",
]


def install(connection: Any, *, rebuild: bool = False) -> None:
    """Create what is missing. `rebuild`: also refill the index (words and holdings) from the tables."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'catalog_title_fts'",
            )
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


def uninstall(connection: Any) -> None:
    statements = {"sqlite": SQLITE_UNINSTALL, "postgresql": POSTGRES_UNINSTALL}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
