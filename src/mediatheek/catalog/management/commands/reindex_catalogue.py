"""Rebuild the catalogue's full-text index (after a bulk load that bypassed the models, or a restore)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from mediatheek.catalog.search import reindex_all


class Command(BaseCommand):
    help = "Recompute the search text of every title and rebuild the full-text index."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        count = reindex_all()
        self.stdout.write(f"{count} titels geïndexeerd in {time.perf_counter() - started:.1f} s.")
