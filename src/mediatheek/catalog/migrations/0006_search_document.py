"""Search on PostgreSQL: words and holding schools in one tsvector (`search_document`) with one GIN index, replacing
0005's bigint[] holdings with their own index and 0003's index on `search_vector` (see search_index.py). SQLite:
nothing changes (install() only checks the index is there)."""

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    from mediatheek.catalog import search_index

    search_index.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_search_holdings")]

    # Backwards: 0005's own backwards removes the whole index and puts 0003's back.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
