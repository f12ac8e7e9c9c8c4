"""mediatheek import_students FILE --school 12AB00 [--dry-run] [--json] [--allow-mass-deregistration]

Exit status: 0 applied (or previewed with --dry-run), 2 the file was refused, 3 blocked by the guard (more than
25 % of the active students would be deregistered). Nothing is written unless it exits 0 without --dry-run.
With --json the only thing on stdout is one JSON object.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from mediatheek.schools.models import School, normalise_school_code
from mediatheek.studentimport import services
from mediatheek.studentimport.plan import OUTCOMES

# The plan's outcomes as the report names them.
OUTCOME_WORDS = {
    "new": _lazy("nieuw"),
    "reactivated": _lazy("weer ingeschreven"),
    "moved": _lazy("andere groep"),
    "updated": _lazy("gewijzigd"),
    "unchanged": _lazy("ongewijzigd"),
    "deregistered": _lazy("uitgeschreven"),
}
EXIT_REFUSED = 2
EXIT_GUARD = 3


class Command(BaseCommand):
    help = (
        "Import a school's student file (xlsx, xls, ods, csv/txt, EDEXML). Exit 0 applied or previewed, "
        "2 file refused, 3 blocked by the mass-deregistration guard."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the student file")
        parser.add_argument("--school", required=True, help="school code: BRIN + location number, e.g. 12AB00")
        parser.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
        parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
        parser.add_argument(
            "--allow-mass-deregistration",
            action="store_true",
            help="apply even when more than 25%% of the active students would be deregistered",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code = normalise_school_code(options["school"])
        school = School.objects.filter(code=code).first()
        if school is None:
            raise CommandError(_("Onbekende school: %(code)s") % {"code": code})
        path = Path(options["file"])
        as_json = options["json"]
        try:
            data = path.read_bytes()
        except OSError as error:
            self._refused(f"{path}: {error.strerror}", as_json)
        allow = options["allow_mass_deregistration"]
        try:
            if options["dry_run"]:
                preview = services.preview_import(school=school, data=data, filename=path.name)
                if preview.guard_triggered and not allow:
                    raise services.MassDeregistrationBlocked(preview.plan, preview)
                self._report(preview.counts, preview.errors, applied=False, as_json=as_json)
                return
            run = services.apply_import(
                school=school, data=data, filename=path.name, by=None, allow_mass_deregistration=allow
            )
        except services.FileRefused as refused:
            self._refused(str(refused.message), as_json)
        except services.MassDeregistrationBlocked as blocked:
            errors = [error.as_dict() for error in blocked.plan.errors]
            self._report(blocked.plan.counts, errors, applied=False, as_json=as_json, error=str(blocked.message))
            if not as_json:
                self.stderr.write(str(blocked.message))
                self.stderr.write(_("Gebruik --allow-mass-deregistration om de import toch uit te voeren."))
            raise SystemExit(EXIT_GUARD)
        self._report(run.counts, list(run.error_rows), applied=True, as_json=as_json)

    def _refused(self, message: str, as_json: bool) -> NoReturn:
        if as_json:
            self.stdout.write(json.dumps(_payload({}, [], applied=False, error=message), ensure_ascii=False))
        else:
            self.stderr.write(message)
        raise SystemExit(EXIT_REFUSED)

    def _report(
        self,
        counts: dict[str, int],
        errors: list[dict[str, Any]],
        *,
        applied: bool,
        as_json: bool,
        error: str | None = None,
    ) -> None:
        if as_json:
            self.stdout.write(json.dumps(_payload(counts, errors, applied=applied, error=error), ensure_ascii=False))
            return
        verb = _("Uitgevoerd") if applied else _("Niet uitgevoerd (voorbeeld)")
        summary = ", ".join(f"{OUTCOME_WORDS[outcome]} {counts.get(outcome, 0)}" for outcome in OUTCOMES)
        self.stdout.write(
            _("%(verb)s: %(summary)s, fouten %(errors)d") % {"verb": verb, "summary": summary, "errors": len(errors)}
        )
        for item in errors:
            self.stdout.write("  " + _("regel %(row)s: %(message)s") % {"row": item["row"], "message": item["message"]})


def _payload(
    counts: dict[str, int], errors: list[dict[str, Any]], *, applied: bool, error: str | None = None
) -> dict[str, Any]:
    payload: dict[str, Any] = {"applied": applied}
    for outcome in OUTCOMES:
        payload[outcome] = counts.get(outcome, 0)
    payload["errors"] = [{"row": item["row"], "message": str(item["message"])} for item in errors]
    if error is not None:
        payload["error"] = error
    return payload
