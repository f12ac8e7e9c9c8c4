from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mediatheek.accounts.management.commands._password_file import read_password_file
from mediatheek.accounts.models import Role
from mediatheek.accounts.services import create_account
from mediatheek.core.errors import DomainError
from mediatheek.schools.models import School, normalise_school_code

COMMAND_ROLES = [Role.STAFF, Role.SCHOOL_ADMIN, Role.VOLUNTEER, Role.UPLOADER]


class Command(BaseCommand):
    help = (
        "Add a login: mediatheek add_account {staff|school_admin|volunteer|uploader} --login LOGIN "
        "[--school 12AB00] [--password-file FILE]. The password is read from the file or asked for, "
        "never taken from the command line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", choices=[str(role) for role in COMMAND_ROLES])
        parser.add_argument("--login", required=True, help="user name; for an uploader the card number (Pasnummer)")
        parser.add_argument("--school", default="", help="school code; required for every role but staff")
        parser.add_argument("--password-file", default="", help="file whose first line is the password")

    def handle(self, *args: Any, **options: Any) -> None:
        role = options["role"]
        school = None
        if options["school"]:
            code = normalise_school_code(options["school"])
            school = School.objects.filter(code=code).first()
            if school is None:
                raise CommandError(f"Unknown school: {code}")
        elif role != Role.STAFF:
            raise CommandError(f"--school is required for a {role} account")
        password = self._password(options["password_file"])
        try:
            user, _generated = create_account(role=role, login=options["login"], school=school, password=password)
        except DomainError as error:
            raise CommandError(str(error))
        where = f" ({school.code})" if school else ""
        self.stdout.write(f"{user.role} {user.username}{where} created")

    def _password(self, password_file: str) -> str:
        if password_file:
            return read_password_file(password_file)
        try:
            first = getpass.getpass("Password: ")
            second = getpass.getpass("Password (again): ")
        except EOFError:
            raise CommandError("No password given: use --password-file or type it when asked.")
        if first != second:
            raise CommandError("The passwords differ.")
        if not first:
            raise CommandError("An empty password is not allowed.")
        return first
