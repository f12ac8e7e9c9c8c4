from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mediatheek.accounts.management.commands.deactivate_account import find_account
from mediatheek.accounts.services import reactivate_account
from mediatheek.core.errors import DomainError


class Command(BaseCommand):
    help = "Switch an account back on: mediatheek reactivate_account LOGIN. It logs in with the password it had."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("login")

    def handle(self, *args: Any, **options: Any) -> None:
        account = find_account(options["login"])
        try:
            reactivate_account(account=account, by=None, via="reactivate_account")
        except DomainError as error:
            raise CommandError(str(error))
        self.stdout.write(f"{account.role} {account.username} switched on")
