"""mediatheek undo_import --school 12AB00: undo the school's last student import."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from mediatheek.core.errors import DomainError
from mediatheek.schools.models import School, normalise_school_code
from mediatheek.studentimport import services


class Command(BaseCommand):
    help = "Maak de laatste leerlingimport van een school ongedaan (nieuwe leerlingen weg, de rest hersteld)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, help="school code: BRIN + location number, e.g. 12AB00")

    def handle(self, *args: Any, **options: Any) -> None:
        code = normalise_school_code(options["school"])
        school = School.objects.filter(code=code).first()
        if school is None:
            raise CommandError(_("Onbekende school: %(code)s") % {"code": code})
        try:
            run = services.undo_last_import(school=school, by=None)
        except DomainError as error:
            raise CommandError(str(error.message))
        self.stdout.write(
            _("Ongedaan gemaakt: de import van %(file)s (%(when)s) voor %(code)s")
            % {
                "file": run.filename,
                "when": f"{timezone.localtime(run.created_at):%d-%m-%Y %H:%M}",
                "code": school.code,
            }
        )
