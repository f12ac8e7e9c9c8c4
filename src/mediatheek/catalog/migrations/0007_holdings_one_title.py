"""Search holdings: the update trigger on catalog_copy becomes cheaper per lend and return (see search_index.py).

PostgreSQL: when one title is touched (a lend or a return), the statement-level trigger computes its holdings once
instead of twice and rewrites the title only when they changed. SQLite: the trigger rewrites a title's `schools`
tokens only when they change, and the old title only when the copy moved to another title.
"""

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    from mediatheek.catalog import search_index

    search_index.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_search_document")]

    # Backwards: the new triggers keep the same holdings as the old ones; 0005's backwards removes them all.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
