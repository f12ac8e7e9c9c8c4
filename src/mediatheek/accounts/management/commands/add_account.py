from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from mediatheek.accounts.management.commands._password_file import read_password_file
from mediatheek.accounts.models import Role
from mediatheek.accounts.services import create_account
from mediatheek.core.errors import DomainError
from mediatheek.schools.models import School, normalise_school_code

COMMAND_ROLES = [Role.STAFF, Role.SCHOOL_ADMIN, Role.VOLUNTEER, Role.UPLOADER]


class Command(BaseCommand):
    help = (
        "Voeg een account toe: mediatheek add_account {staff|school_admin|volunteer|uploader} --login LOGIN "
        "[--school 12AB00] [--password-file BESTAND]. Het wachtwoord komt uit het bestand of wordt gevraagd, "
        "nooit van de opdrachtregel."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", choices=[str(role) for role in COMMAND_ROLES])
        parser.add_argument("--login", required=True, help="gebruikersnaam; voor een uploadaccount het pasnummer")
        parser.add_argument("--school", default="", help="schoolcode; verplicht voor elke rol behalve staff")
        parser.add_argument("--password-file", default="", help="bestand met het wachtwoord op de eerste regel")

    def handle(self, *args: Any, **options: Any) -> None:
        role = options["role"]
        school = None
        if options["school"]:
            code = normalise_school_code(options["school"])
            school = School.objects.filter(code=code).first()
            if school is None:
                raise CommandError(_("Onbekende school: %(code)s") % {"code": code})
        elif role != Role.STAFF:
            raise CommandError(_("--school is verplicht voor een account met de rol %(role)s") % {"role": role})
        password = self._password(options["password_file"])
        try:
            user, _generated = create_account(role=role, login=options["login"], school=school, password=password)
        except DomainError as error:
            raise CommandError(str(error))
        message = (
            _("Account %(login)s (%(role)s, %(school)s) aangemaakt.")
            if school
            else _("Account %(login)s (%(role)s) aangemaakt.")
        )
        self.stdout.write(
            message % {"login": user.username, "role": user.get_role_display(), "school": school.code if school else ""}
        )

    def _password(self, password_file: str) -> str:
        if password_file:
            return read_password_file(password_file)
        try:
            first = getpass.getpass(_("Wachtwoord: "))
            second = getpass.getpass(_("Wachtwoord (nogmaals): "))
        except EOFError:
            raise CommandError(
                _("Geen wachtwoord gegeven: gebruik --password-file of typ het wanneer het gevraagd wordt.")
            )
        if first != second:
            raise CommandError(_("De wachtwoorden verschillen."))
        if not first:
            raise CommandError(_("Een leeg wachtwoord kan niet."))
        return first
