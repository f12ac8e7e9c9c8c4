"""mediatheek backup [FILE]: a consistent copy of the database (SQLite online backup; pg_dump for PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from mediatheek.core.errors import DomainError
from mediatheek.operations import backup


class Command(BaseCommand):
    help = "Maakt een backup van de database (standaard in MEDIATHEEK_DATA_DIR/backups/)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="Doelbestand.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path = backup.backup(Path(options["file"]) if options["file"] else None)
        except DomainError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(_("Backup gemaakt: %(path)s") % {"path": path})
