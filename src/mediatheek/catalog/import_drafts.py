"""The catalogue import's draft: the uploaded file kept between the wizard's steps (upload → preview → apply).

A draft is two files in the data folder, outside every served folder (settings.CATALOG_IMPORT_DIR, by default
DATA_DIR/catalog-imports, mode 0700): `<id>.bin` holds the file as uploaded, `<id>.json` who made it for which school
and what was chosen since (the column mapping, whether copies are added). The id is random (128 bits) and is kept in
the session of the person who uploaded it, so only that session finds it; loading also checks the school and the user,
so an id copied into another session is refused. A draft is discarded after apply or cancel, and any draft older than
a day is removed the next time a draft is saved.

Catalogue records are no personal data: the file is stored as uploaded (student files are encrypted, uploads.storage).
"""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import MutableMapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from mediatheek.core.errors import DomainError

SESSION_KEY = "catalog_import"
MAX_AGE_SECONDS = 24 * 3600
_ID_CHARS = frozenset("0123456789abcdef")

Session = MutableMapping[str, Any]


class DraftNotFound(DomainError):
    """This session has no draft for this school (never made, discarded, expired, or not its own)."""

    def __init__(self) -> None:
        super().__init__(_("Er is geen bestand om te importeren. Kies het bestand opnieuw."), code="no_draft")


@dataclass
class ImportDraft:
    id: str
    school_id: int
    user_id: int | None
    name: str
    with_copies: bool = False
    mapping: dict[str, str] | None = None  # column header → field, once chosen or confirmed
    columns: list[str] = field(default_factory=list)  # the header as last read (the mapping form's columns)

    def content(self) -> bytes:
        try:
            return _path(self.id, "bin").read_bytes()
        except FileNotFoundError:
            raise DraftNotFound() from None


def draft_dir() -> Path:
    folder = Path(getattr(settings, "CATALOG_IMPORT_DIR", settings.DATA_DIR / "catalog-imports"))
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _path(draft_id: str, suffix: str) -> Path:
    if len(draft_id) != 32 or not set(draft_id) <= _ID_CHARS:
        raise DraftNotFound()
    return draft_dir() / f"{draft_id}.{suffix}"


def _write(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _remove_old(now: float) -> None:
    for old in draft_dir().glob("*.*"):
        if old.suffix in (".bin", ".json") and old.stat().st_mtime < now - MAX_AGE_SECONDS:
            old.unlink(missing_ok=True)


def save_draft(
    session: Session,
    *,
    school_id: int,
    user_id: int | None,
    name: str,
    content: bytes,
    with_copies: bool = False,
    columns: list[str] | None = None,
) -> ImportDraft:
    """Keep `content` as this session's draft (a previous draft of the session is discarded)."""
    _remove_old(time.time())
    discard_draft(session)
    draft = ImportDraft(
        id=secrets.token_hex(16),
        school_id=school_id,
        user_id=user_id,
        name=name[:100],
        with_copies=with_copies,
        columns=list(columns or []),
    )
    _write(_path(draft.id, "bin"), content)
    update_draft(draft)
    session[SESSION_KEY] = draft.id
    return draft


def update_draft(draft: ImportDraft) -> None:
    """Store what was chosen since the upload (mapping, copies, columns)."""
    _write(_path(draft.id, "json"), json.dumps(asdict(draft)).encode())


def load_draft(session: Session, *, school_id: int, user_id: int | None) -> ImportDraft:
    """This session's draft for this school and user; DraftNotFound otherwise."""
    draft_id = session.get(SESSION_KEY)
    if not isinstance(draft_id, str):
        raise DraftNotFound()
    try:
        meta = json.loads(_path(draft_id, "json").read_bytes())
        draft = ImportDraft(**meta)
    except (OSError, ValueError, TypeError):
        raise DraftNotFound() from None
    if draft.id != draft_id or draft.school_id != school_id or draft.user_id != user_id:
        raise DraftNotFound()
    if not _path(draft_id, "bin").exists():
        raise DraftNotFound()
    return draft


def discard_draft(session: Session) -> None:
    """Remove this session's draft, if any (its files and the session's key)."""
    draft_id = session.pop(SESSION_KEY, None)
    if not isinstance(draft_id, str):
        return
    try:
        paths = [_path(draft_id, "bin"), _path(draft_id, "json")]
    except DraftNotFound:
        return
    for path in paths:
        path.unlink(missing_ok=True)
