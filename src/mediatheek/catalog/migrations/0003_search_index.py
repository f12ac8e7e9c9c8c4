"""Full-text search: fill `search_text` for existing titles, then build the index for this database's vendor."""

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    from mediatheek.catalog import search_index
    from mediatheek.catalog.text import search_text

    Title = apps.get_model("catalog", "Title")
    batch = []
    for title in Title.objects.all().iterator(chunk_size=2000):
        title.search_text = search_text(
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
    search_index.install(schema_editor.connection, rebuild=True)


def backwards(apps: Any, schema_editor: Any) -> None:
    from mediatheek.catalog import search_index

    search_index.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_catalogue_fields_stocktake")]

    operations = [migrations.RunPython(forwards, backwards)]
