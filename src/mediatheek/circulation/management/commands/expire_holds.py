"""Expire reservations whose hold ran out (run daily, e.g. from cron); the copy goes to the next in line."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from mediatheek.circulation.services import expire_holds


class Command(BaseCommand):
    help = "Laat klaargelegde reserveringen na hun ophaaldatum vervallen; het boek gaat naar de volgende in de rij."

    def handle(self, *args: Any, **options: Any) -> None:
        count = expire_holds()
        self.stdout.write(
            ngettext("%(n)d reservering vervallen.", "%(n)d reserveringen vervallen.", count) % {"n": count}
        )
