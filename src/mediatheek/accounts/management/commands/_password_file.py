"""Reading a password from a file for the account commands (never from the command line, where `ps` shows it)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def read_password_file(path: str) -> str:
    """The first line of the file, stripped; a clear error for a missing or empty file."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise CommandError(_("Het wachtwoordbestand is niet te lezen: %(error)s") % {"error": error.strerror})
    password = lines[0].strip() if lines else ""
    if not password:
        raise CommandError(_("Het wachtwoordbestand is leeg."))
    return password
