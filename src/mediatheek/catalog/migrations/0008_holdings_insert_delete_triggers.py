"""Search holdings on SQLite: the insert and delete triggers on catalog_copy in 0007's form (the title's `schools`
tokens rewritten only when they change), for every database.

Migration 0007 ran search_index.install() as it then was, which replaced the update trigger but kept the insert and
delete triggers that 0005 had made (`CREATE TRIGGER IF NOT EXISTS`); only a database created after 0007 was written
got the new ones, because there 0003 already ran the newest install(). Now that the migrations are frozen, this one
brings both kinds of database to the same triggers. They keep the same holdings as the old ones. PostgreSQL: nothing.
"""

from typing import Any

from django.db import migrations

# Frozen: search_index.py's SQL for these two triggers at commit fe4a95f (0007) and a4f8253 (0005), as literals.
SQLITE_TRIGGERS_0007 = [
    "DROP TRIGGER IF EXISTS catalog_copy_holdings_ai",
    "DROP TRIGGER IF EXISTS catalog_copy_holdings_ad",
    """CREATE TRIGGER IF NOT EXISTS catalog_copy_holdings_ai AFTER INSERT ON catalog_copy BEGIN
        UPDATE catalog_title_fts SET schools = (SELECT coalesce(group_concat(token, ' '), '') FROM (SELECT 's' || school_id AS token FROM catalog_copy WHERE title_id = new.title_id AND status IN ('available', 'lent', 'on_hold', 'damaged') UNION SELECT 'a' || school_id FROM catalog_copy WHERE title_id = new.title_id AND status IN ('available'))) WHERE rowid = new.title_id AND schools IS NOT (SELECT coalesce(group_concat(token, ' '), '') FROM (SELECT 's' || school_id AS token FROM catalog_copy WHERE title_id = new.title_id AND status IN ('available', 'lent', 'on_hold', 'damaged') UNION SELECT 'a' || school_id FROM catalog_copy WHERE title_id = new.title_id AND status IN ('available')));
    END""",
    """CREATE TRIGGER IF NOT EXISTS catalog_copy_holdings_ad AFTER DELETE ON catalog_copy BEGIN
        UPDATE catalog_title_fts SET schools = (SELECT coalesce(group_concat(token, ' '), '') FROM (SELECT 's' || school_id AS token FROM catalog_copy WHERE title_id = old.title_id AND status IN ('available', 'lent', 'on_hold', 'damaged') UNION SELECT 'a' || school_id FROM catalog_copy WHERE title_id = old.title_id AND status IN ('available'))) WHERE rowid = old.title_id AND schools IS NOT (SELECT coalesce(group_concat(token, ' '), '') FROM (SELECT 's' || school_id AS token FROM catalog_copy WHERE title_id = old.title_id AND status IN ('available', 'lent', 'on_hold', 'damaged') UNION SELECT 'a' || school_id FROM catalog_copy WHERE title_id = old.title_id AND status IN ('available')));
    END""",
]

SQLITE_TRIGGERS_0005 = [
    "DROP TRIGGER IF EXISTS catalog_copy_holdings_ai",
    "DROP TRIGGER IF EXISTS catalog_copy_holdings_ad",
    """CREATE TRIGGER IF NOT EXISTS catalog_copy_holdings_ai AFTER INSERT ON catalog_copy BEGIN
        UPDATE catalog_title_fts SET schools = (SELECT coalesce(group_concat(token, ' '), '') FROM (SELECT 's' || school_id AS token FROM catalog_copy WHERE title_id = new.title_id AND status IN ('available', 'lent', 'on_hold', 'damaged') UNION SELECT 'a' || school_id FROM catalog_copy WHERE title_id = new.title_id AND status IN ('available'))) WHERE rowid = new.title_id;
    END""",
    """CREATE TRIGGER IF NOT EXISTS catalog_copy_holdings_ad AFTER DELETE ON catalog_copy BEGIN
        UPDATE catalog_title_fts SET schools = (SELECT coalesce(group_concat(token, ' '), '') FROM (SELECT 's' || school_id AS token FROM catalog_copy WHERE title_id = old.title_id AND status IN ('available', 'lent', 'on_hold', 'damaged') UNION SELECT 'a' || school_id FROM catalog_copy WHERE title_id = old.title_id AND status IN ('available'))) WHERE rowid = old.title_id;
    END""",
]


def _sqlite(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        connection = schema_editor.connection
        if connection.vendor != "sqlite":
            return
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0007_holdings_one_title")]

    operations = [migrations.RunPython(_sqlite(SQLITE_TRIGGERS_0007), _sqlite(SQLITE_TRIGGERS_0005))]
