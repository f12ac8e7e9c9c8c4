from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from mediatheek.operations.management.commands.seed_demo import DEMO_PASSWORD, demo_logins
from mediatheek.schools.models import School


class Command(BaseCommand):
    help = "Print the addresses of the client and the portals, and the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        base = settings.BASE_URL
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Mediatheek is running."))
        self.stdout.write(f"  Client (staff):  {base}/client/")
        for school in School.objects.filter(active=True).order_by("name"):
            self.stdout.write(f"  Portal {school.name}:  {base}/{school.slug}/")
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for login, role, where in demo_logins():
            self.stdout.write(f"  {login:<20} {role:<40} {where}")
        self.stdout.write("")
