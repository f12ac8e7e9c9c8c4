"""mediatheek restore FILE: replace the whole database with a backup made by `mediatheek backup`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from mediatheek.core.errors import DomainError
from mediatheek.operations import backup


class Command(BaseCommand):
    help = "Zet een backup terug: de hele database wordt vervangen. Stop de applicatie eerst."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Backupbestand van `mediatheek backup`.")
        parser.add_argument("--noinput", "--no-input", action="store_true", help="Niet om bevestiging vragen.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["noinput"]:
            answer = input(_("De hele database wordt vervangen door de backup. Typ 'ja' om door te gaan: "))
            if answer.strip().lower() != _("ja"):
                raise CommandError(_("Afgebroken; er is niets veranderd."))
        try:
            backup.restore(Path(options["file"]))
        except DomainError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(_("Backup teruggezet: %(file)s") % {"file": options["file"]})
