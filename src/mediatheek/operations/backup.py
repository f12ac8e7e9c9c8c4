"""Backup and restore of the whole database.

SQLite: the online backup API (a consistent copy while the application keeps running).
PostgreSQL: `pg_dump` to a plain SQL file and `psql` (one transaction) to restore it; both run with an argument
list, never through a shell.
The encrypted student files and their key live in the data folder, outside the database: back that folder up too
(see docs/operations.md).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # nosec B404
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

from mediatheek.core.errors import DomainError

SQLITE_MAGIC = b"SQLite format 3\x00"


def default_path() -> Path:
    folder = Path(settings.DATA_DIR) / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    extension = "sqlite3" if connections["default"].vendor == "sqlite" else "sql"
    return folder / f"mediatheek-{timezone.localtime():%Y%m%d-%H%M%S}.{extension}"


def _raw_sqlite(alias: str = "default") -> sqlite3.Connection:
    connection = connections[alias]
    connection.ensure_connection()
    raw = connection.connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def _pg_env(alias: str = "default") -> tuple[list[str], dict[str, str]]:
    db: dict[str, Any] = connections[alias].settings_dict
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise DomainError(_("%(tool)s is niet gevonden; installeer de PostgreSQL-clientprogramma's.") % {"tool": name})
    return path


def backup(target: Path | None = None, *, alias: str = "default") -> Path:
    """Write a consistent copy of the database to `target` (default: DATA_DIR/backups/…) and return its path."""
    target = Path(target) if target else default_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    vendor = connections[alias].vendor
    partial = target.with_name(target.name + ".part")
    if vendor == "sqlite":
        destination = sqlite3.connect(partial)
        try:
            _raw_sqlite(alias).backup(destination)
        finally:
            destination.close()
    elif vendor == "postgresql":
        args, env = _pg_env(alias)
        command = [
            _tool("pg_dump"),
            *args,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(partial),
        ]
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603 # nosec B603
        if result.returncode != 0:
            partial.unlink(missing_ok=True)
            raise DomainError(_("pg_dump mislukte: %(error)s") % {"error": result.stderr.strip()})
    else:
        raise DomainError(_("Backup van database %(vendor)s wordt niet ondersteund.") % {"vendor": vendor})
    partial.chmod(0o600)
    partial.replace(target)
    return target


def _check_sqlite_file(source: Path) -> None:
    with source.open("rb") as handle:
        if handle.read(16) != SQLITE_MAGIC:
            raise DomainError(_("%(file)s is geen SQLite-backup.") % {"file": source.name})
    probe = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        if probe.execute("PRAGMA integrity_check").fetchone() != ("ok",):
            raise DomainError(_("De backup %(file)s is beschadigd.") % {"file": source.name})
        tables = {row[0] for row in probe.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not {"django_migrations", "schools_school"} <= tables:
            raise DomainError(_("%(file)s is geen backup van Mediatheek.") % {"file": source.name})
    finally:
        probe.close()


def restore(source: Path, *, alias: str = "default") -> None:
    """Replace the whole database with the backup in `source`."""
    source = Path(source)
    if not source.is_file():
        raise DomainError(_("Backup %(file)s bestaat niet.") % {"file": str(source)})
    vendor = connections[alias].vendor
    if vendor == "sqlite":
        _check_sqlite_file(source)
        origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            origin.backup(_raw_sqlite(alias))
        finally:
            origin.close()
    elif vendor == "postgresql":
        head = source.read_text(encoding="utf-8", errors="replace")[:4000]
        if "PostgreSQL database dump" not in head:
            raise DomainError(_("%(file)s is geen PostgreSQL-backup (pg_dump).") % {"file": source.name})
        connections[alias].close()
        args, env = _pg_env(alias)
        command = [
            _tool("psql"),
            *args,
            "--quiet",
            "--no-psqlrc",
            "--single-transaction",
            "-v",
            "ON_ERROR_STOP=1",
            "--file",
            str(source),
        ]
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603 # nosec B603
        if result.returncode != 0:
            raise DomainError(_("Terugzetten mislukte: %(error)s") % {"error": result.stderr.strip()[-2000:]})
    else:
        raise DomainError(_("Terugzetten van database %(vendor)s wordt niet ondersteund.") % {"vendor": vendor})


def snapshot(alias: str = "default") -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, sorted: two snapshots are equal when the databases hold the same data."""
    connection = connections[alias]
    result: dict[str, list[tuple[Any, ...]]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 # nosec B608
            rows = [
                tuple(str(value) if isinstance(value, memoryview | bytes) else value for value in row)
                for row in cursor.fetchall()
            ]
            result[table] = sorted(rows, key=repr)
    return result
