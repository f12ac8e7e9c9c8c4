"""Search holdings: the update trigger on catalog_copy becomes cheaper per lend and return (see search_index.py).

PostgreSQL: a row-level trigger that fires only for a change of status, title or school and computes one title's
holdings once, instead of a statement-level trigger with transition tables. SQLite: the trigger rewrites a title's
`schools` tokens only when they change, and the old title only when the copy moved to another title.
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
