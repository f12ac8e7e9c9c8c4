from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mediatheek.accounts.management.commands._password_file import read_password_file
from mediatheek.accounts.services import recover_account
from mediatheek.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "The way back in when nobody can log in (the last library account's password or phone lost): "
        "mediatheek recover_account LOGIN [--password-file FILE]. Sets a new password (generated and printed once, "
        "to be changed at the next login; or the first line of FILE), removes the account's authenticator app, "
        "switches the account on, ends its sessions and lifts a login lock-out. Written in the audit log as done "
        "from the command line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("login")
        parser.add_argument("--password-file", default="", help="file whose first line is the new password")

    def handle(self, *args: Any, **options: Any) -> None:
        password = read_password_file(options["password_file"]) if options["password_file"] else None
        try:
            account, new_password = recover_account(login=options["login"], password=password)
        except DomainError as error:
            raise CommandError(str(error))
        self.stdout.write(f"{account.role} {account.username} recovered")
        if password is None:
            self.stdout.write("New password (shown once; it must be changed at the next login):")
            self.stdout.write(new_password)
