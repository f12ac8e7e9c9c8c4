"""Apply the library's retention periods (AVG). Run daily from cron, see docs/operations.md."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import ngettext

from mediatheek.operations import retention


class Command(BaseCommand):
    help = (
        "Bewaartermijnen toepassen: oude uitleengeschiedenis anonimiseren, uitgeschreven leners na de "
        "bewaartermijn verwijderen, leerlingbestanden opruimen. Dagelijks draaien."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Alleen tellen, niets wijzigen.")

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        report = retention.run(dry_run=dry_run)
        for name, counts in report.per_library.items():
            loans = counts["loans_anonymised"]
            patrons = counts["patrons_deleted"] + counts["patrons_anonymised"]
            self.stdout.write(f"{name}: {_loans_line(loans, dry_run)}, {_patrons_line(patrons, dry_run)}")
        self.stdout.write(_login_records_line(report.login_records_removed, dry_run))
        if report.uploads_purged is not None:
            self.stdout.write(_files_line(report.uploads_purged, dry_run))


# Whole sentences per case, so that a translation can put the words in its own order.
def _loans_line(n: int, dry_run: bool) -> str:
    if dry_run:
        return ngettext(
            "%(n)d uitlening zou worden geanonimiseerd", "%(n)d uitleningen zouden worden geanonimiseerd", n
        ) % {"n": n}
    return ngettext("%(n)d uitlening geanonimiseerd", "%(n)d uitleningen geanonimiseerd", n) % {"n": n}


def _patrons_line(n: int, dry_run: bool) -> str:
    if dry_run:
        return ngettext(
            "%(n)d uitgeschreven lener zou worden verwijderd", "%(n)d uitgeschreven leners zouden worden verwijderd", n
        ) % {"n": n}
    return ngettext("%(n)d uitgeschreven lener verwijderd", "%(n)d uitgeschreven leners verwijderd", n) % {"n": n}


def _login_records_line(n: int, dry_run: bool) -> str:
    if dry_run:
        return ngettext(
            "%(n)d inlogregistratie zou worden verwijderd", "%(n)d inlogregistraties zouden worden verwijderd", n
        ) % {"n": n}
    return ngettext("%(n)d inlogregistratie verwijderd", "%(n)d inlogregistraties verwijderd", n) % {"n": n}


def _files_line(n: int, dry_run: bool) -> str:
    if dry_run:
        return ngettext(
            "%(n)d leerlingbestand zou worden opgeruimd", "%(n)d leerlingbestanden zouden worden opgeruimd", n
        ) % {"n": n}
    return ngettext("%(n)d leerlingbestand opgeruimd", "%(n)d leerlingbestanden opgeruimd", n) % {"n": n}
