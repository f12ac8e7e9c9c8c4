"""Remove raw student files past their retention. Run daily (see docs/operations.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
        dry_run = options["dry_run"]
        upload_line = _("zou verwijderen: %(school)s %(file)s") if dry_run else _("verwijderd: %(school)s %(file)s")
        for upload in removed:
            self.stdout.write(upload_line % {"school": upload.school.code, "file": upload.filename})
        orphans = purge_orphans(dry_run=dry_run)
        orphan_line = _("zou verwijderen: los bestand %(file)s") if dry_run else _("verwijderd: los bestand %(file)s")
        for name in orphans:
            self.stdout.write(orphan_line % {"file": name})
        # The count comes first: `mediatheek retention` reads it from this last line.
        total = len(removed) + len(orphans)
        if dry_run:
            self.stdout.write(
                ngettext("%(n)d bestand zou worden verwijderd.", "%(n)d bestanden zouden worden verwijderd.", total)
                % {"n": total}
            )
        else:
            self.stdout.write(
                ngettext("%(n)d bestand verwijderd.", "%(n)d bestanden verwijderd.", total) % {"n": total}
            )
