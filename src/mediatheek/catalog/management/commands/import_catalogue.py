"""mediatheek import_catalogue FILE --school CODE [--dry-run] [--json] [--with-copies]

Exit status: 0 applied (or previewed with --dry-run), 2 the file as a whole was refused (nothing written).
With --json the only thing on stdout is one object:
{"applied": bool, "new": n, "matched": n, "rejected": [{"record": n, "message": "..."}], "copies": n}
(plus "error" when the file was refused).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from mediatheek.catalog.importing import apply_import, plan_import
from mediatheek.catalog.records import read_file
from mediatheek.core.errors import FileRefused
from mediatheek.schools.models import School

EXIT_REFUSED = 2


class Command(BaseCommand):
    help = "Import catalogue records (MARC21, MARCXML, CSV or Excel) for one school."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--school", required=True, help="school code, e.g. 12AB00")
        parser.add_argument("--dry-run", action="store_true", help="show the plan, write nothing")
        parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
        parser.add_argument(
            "--with-copies",
            action="store_true",
            help="add one copy per record at the school (barcode from 952$p/852$p, else a new one)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(code__iexact=options["school"].strip()).first()
        if school is None:
            raise CommandError(_("Onbekende school: %(code)s") % {"code": options["school"]})
        as_json = options["json"]
        path = Path(options["file"])
        try:
            content = path.read_bytes()
            read = read_file(content)
        except (OSError, FileRefused) as error:
            if isinstance(error, FileRefused):
                message = str(error)
            else:
                message = _("Bestand onleesbaar: %(error)s") % {"error": error}
            if as_json:
                payload = {"applied": False, "new": 0, "matched": 0, "rejected": [], "copies": 0, "error": message}
                self.stdout.write(json.dumps(payload, ensure_ascii=False))
            self.stderr.write(message)
            sys.exit(EXIT_REFUSED)
        plan = plan_import(read, school=school, with_copies=options["with_copies"])
        applied = False
        if not options["dry_run"]:
            apply_import(plan, school=school, by=None, filename=path.name)
            applied = True
        summary = plan.summary(applied=applied)
        if as_json:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        counts = {
            "new": summary["new"],
            "matched": summary["matched"],
            "rejected": len(summary["rejected"]),
            "copies": summary["copies"],
        }
        if applied:
            line = _(
                "Geïmporteerd: %(new)d nieuw, %(matched)d bekend (ISBN), %(rejected)d afgewezen, %(copies)d exemplaren."
            )
        else:
            line = _(
                "Voorbeeld (niets opgeslagen): %(new)d nieuw, %(matched)d bekend (ISBN), %(rejected)d afgewezen, "
                "%(copies)d exemplaren."
            )
        self.stdout.write(line % counts)
        for rejected in summary["rejected"]:
            self.stdout.write("  " + _("record %(record)d: %(message)s") % rejected)
