"""Backup and restore: back up, wipe, restore, and compare every table's rows (SQLite; PostgreSQL when in use)."""

from __future__ import annotations

import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from mediatheek.operations import backup
from mediatheek.patrons.models import Patron
from mediatheek.testing import factories as f
from mediatheek.testing.school_objects import populate


def _wipe() -> None:
    call_command("flush", "--noinput", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations")


def _diff(before: dict, after: dict) -> dict[str, tuple[int, int]]:
    """Tables whose rows differ: {table: (rows before, rows after)}."""
    tables = set(before) | set(after)
    return {t: (len(before.get(t, [])), len(after.get(t, []))) for t in sorted(tables) if before.get(t) != after.get(t)}


def _round_trip(tmp_path) -> None:
    populate(f.SchoolFactory(code="11AA00", slug="alfa"), "ALFAMARK")
    populate(f.SchoolFactory(code="22BB00", slug="beta"), "BETAMARK")
    before = backup.snapshot()
    rows = sum(len(r) for r in before.values())
    assert rows > 50 and before["patrons_patron"]
    target = tmp_path / "backup.db"
    call_command("backup", str(target), stdout=open(tmp_path / "out.txt", "w"))  # noqa: SIM115
    assert target.stat().st_size > 0 and (target.stat().st_mode & 0o077) == 0
    _wipe()
    assert not Patron.objects.exists()
    call_command("restore", str(target), "--noinput", stdout=open(tmp_path / "out2.txt", "w"))  # noqa: SIM115
    after = backup.snapshot()
    assert _diff(before, after) == {}, _diff(before, after)
    assert Patron.objects.filter(last_name__startswith="ALFAMARK").count() == 3


@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore_gives_back_every_row(tmp_path):
    if connection.vendor == "postgresql" and not (shutil.which("pg_dump") and shutil.which("psql")):
        pytest.skip("pg_dump/psql not installed")
    _round_trip(tmp_path)


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    f.SchoolFactory()
    before = backup.snapshot()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"dit is geen backup" * 100)
    with pytest.raises(CommandError):
        call_command("restore", str(junk), "--noinput")
    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path / "bestaat-niet.db"), "--noinput")
    assert backup.snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_backup_without_a_file_goes_to_the_data_folder(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    path = backup.backup()
    assert path.parent == tmp_path / "backups" and path.exists()
