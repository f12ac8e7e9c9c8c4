"""Expire reservations whose hold ran out (run daily, e.g. from cron); the copy goes to the next in line."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mediatheek.circulation.services import expire_holds


class Command(BaseCommand):
    help = "Expire ready reservations whose hold date has passed; pass their copies on to the next in the queue."

    def handle(self, *args: Any, **options: Any) -> None:
        count = expire_holds()
        self.stdout.write(f"{count} reservation(s) expired.")
