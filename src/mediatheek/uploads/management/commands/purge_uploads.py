"""Remove raw student files past their retention. Run daily (see docs/operations.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mediatheek.uploads.services import purge_orphans, purge_uploads


class Command(BaseCommand):
    help = (
        "Verwijdert geüploade leerlingbestanden die over hun bewaartermijn zijn "
        "(N dagen na import, M dagen zonder import; per bibliotheek ingesteld)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Alleen tonen wat verwijderd zou worden.")

    def handle(self, *args: Any, **options: Any) -> None:
        removed = purge_uploads(dry_run=options["dry_run"])
        verb = "would remove" if options["dry_run"] else "removed"
        for upload in removed:
            self.stdout.write(f"{verb} upload {upload.pk}: {upload.school.code} {upload.filename}")
        orphans = purge_orphans(dry_run=options["dry_run"])
        for name in orphans:
            self.stdout.write(f"{verb} orphaned file {name}")
        self.stdout.write(f"{len(removed) + len(orphans)} file(s) {verb}.")
