from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mediatheek.accounts.models import Role, User
from mediatheek.accounts.services import deactivate_account, reactivate_account
from mediatheek.core.errors import DomainError


def find_account(login: str) -> User:
    """A client or upload login by its name (case-insensitive, as at the login)."""
    account = User.objects.filter(username__iexact=login.strip()).exclude(role=Role.PATRON).first()
    if account is None:
        raise CommandError(f"No account {login}.")
    return account


class Command(BaseCommand):
    help = (
        "Switch an account off: mediatheek deactivate_account LOGIN. It can no longer log in (client or portal) and "
        "its sessions end at once; its history stays. --reactivate switches it back on (as reactivate_account). "
        "The last active library staff account cannot be switched off."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("login")
        parser.add_argument("--reactivate", action="store_true", help="switch the account back on")

    def handle(self, *args: Any, **options: Any) -> None:
        account = find_account(options["login"])
        try:
            if options["reactivate"]:
                reactivate_account(account=account, by=None, via="reactivate_account")
            else:
                deactivate_account(account=account, by=None, via="deactivate_account")
        except DomainError as error:
            raise CommandError(str(error))
        state = "switched on" if options["reactivate"] else "switched off"
        self.stdout.write(f"{account.role} {account.username} {state}")
