"""Remind schools without an import in the current school year to upload their student file. Run daily."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mediatheek.uploads.services import send_upload_reminders


class Command(BaseCommand):
    help = (
        "Mailt elke school zonder leerlingimport in het huidige schooljaar een herinnering met het adres van "
        "het portaal; hoogstens één keer per schooljaar."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Alleen tonen wie een herinnering zou krijgen.")
        parser.add_argument("--date", type=dt.date.fromisoformat, help="Doe alsof het vandaag deze datum is.")

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_upload_reminders(today=options["date"], dry_run=options["dry_run"])
        for school, recipients in sent:
            if recipients:
                verb = "would remind" if options["dry_run"] else "reminded"
                self.stdout.write(f"{verb} {school.code} {school.name}: {', '.join(recipients)}")
            else:
                self.stderr.write(f"no address for {school.code} {school.name}: set an uploader's e-mail")
        self.stdout.write(f"{sum(1 for _, r in sent if r)} reminder(s).")
