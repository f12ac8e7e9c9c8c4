"""Apply the library's retention periods (AVG). Run daily from cron, see docs/operations.md."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mediatheek.operations import retention


class Command(BaseCommand):
    help = (
        "Bewaartermijnen toepassen: oude uitleengeschiedenis anonimiseren, uitgeschreven leners na de "
        "bewaartermijn verwijderen, leerlingbestanden opruimen. Dagelijks draaien."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Alleen tellen, niets wijzigen.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = retention.run(dry_run=options["dry_run"])
        prefix = "would " if options["dry_run"] else ""
        for name, counts in report.per_library.items():
            self.stdout.write(
                f"{name}: {prefix}anonymise {counts['loans_anonymised']} loan(s), "
                f"{prefix}remove {counts['patrons_deleted'] + counts['patrons_anonymised']} deregistered patron(s)"
            )
        self.stdout.write(f"{prefix}remove {report.login_records_removed} login record(s)")
        if report.uploads_purged is not None:
            self.stdout.write(f"{prefix}purge {report.uploads_purged} student file(s)")
