from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from mediatheek.core.errors import DomainError
from mediatheek.schools.models import School
from mediatheek.schools.services import add_school


class Command(BaseCommand):
    help = 'Voeg een schoolvestiging toe: mediatheek add_school 12AB00 "OBS De Regenboog" [--slug regenboog]'

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="BRIN + vestigingsnummer, bv. 12AB00")
        parser.add_argument("name", help="naam van de school")
        parser.add_argument("--slug", default="", help="portaaladres /<slug>/ (standaard: uit de naam)")
        parser.add_argument("--contact-email", default="", help="contactpersoon van de bibliotheek voor deze school")
        parser.add_argument("--kind", choices=School.Kind.values, default=School.Kind.PRIMARY)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            school = add_school(
                code=options["code"],
                name=options["name"],
                slug=options["slug"],
                contact_email=options["contact_email"],
                kind=options["kind"],
            )
        except DomainError as error:
            raise CommandError(str(error))
        self.stdout.write(
            _("School %(code)s %(name)s toegevoegd: %(portal)s")
            % {"code": school.code, "name": school.name, "portal": school.portal_url}
        )
