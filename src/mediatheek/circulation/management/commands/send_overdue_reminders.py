"""Mail every overdue patron with an e-mail address a reminder. Meant for a daily cron job (docs/operations.md)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mediatheek.circulation.services import send_overdue_reminders
from mediatheek.schools.models import School, normalise_school_code


class Command(BaseCommand):
    help = "Stuur een herinnering aan leners met boeken die te laat zijn (alleen leners met een e-mailadres)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", help="Alleen deze school (code, bv. 12AB00); zonder: alle actieve scholen.")
        parser.add_argument(
            "--interval-days",
            type=int,
            default=7,
            help="Geen nieuwe herinnering aan wie er de afgelopen N dagen al een kreeg (standaard 7).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Alleen tellen, niets versturen.")
        parser.add_argument("--json", action="store_true", help="Schrijf het resultaat als één JSON-object.")

    def handle(self, *args: Any, **options: Any) -> None:
        schools = School.objects.filter(active=True).order_by("code")
        if options["school"]:
            schools = School.objects.filter(code=normalise_school_code(options["school"]))
            if not schools.exists():
                raise CommandError(_("Onbekende school: %(code)s") % {"code": options["school"]})
        if options["interval_days"] < 0:
            raise CommandError(_("--interval-days kan niet negatief zijn."))
        report: dict[str, dict[str, int]] = {}
        failed = 0
        for school in schools:
            result = send_overdue_reminders(
                school=school, interval_days=options["interval_days"], dry_run=options["dry_run"], by="cron"
            )
            report[school.code] = {
                "sent": len(result.sent),
                "skipped_recent": len(result.skipped_recent),
                "without_email": len(result.without_email),
                "failed": len(result.failed),
            }
            failed += len(result.failed)
        if options["json"]:
            self.stdout.write(json.dumps({"dry_run": options["dry_run"], "schools": report}))
        else:
            line = (
                _("%(code)s: %(sent)d zou worden verstuurd, %(recent)d al herinnerd, %(without)d zonder e-mail")
                if options["dry_run"]
                else _(
                    "%(code)s: %(sent)d verstuurd, %(recent)d al herinnerd, %(without)d zonder e-mail, "
                    "%(failed)d mislukt"
                )
            )
            for code, counts in report.items():
                self.stdout.write(
                    line
                    % {
                        "code": code,
                        "sent": counts["sent"],
                        "recent": counts["skipped_recent"],
                        "without": counts["without_email"],
                        "failed": counts["failed"],
                    }
                )
        if failed:
            raise CommandError(
                ngettext(
                    "%(n)d herinnering kon niet worden verstuurd.",
                    "%(n)d herinneringen konden niet worden verstuurd.",
                    failed,
                )
                % {"n": failed},
                returncode=1,
            )
