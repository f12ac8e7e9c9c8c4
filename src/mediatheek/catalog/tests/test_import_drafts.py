"""The catalogue import's draft: kept outside the served folders, only for the session (and user and school) that
made it, and gone after apply or cancel."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path
from typing import Any

import pymarc
import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from mediatheek.catalog import import_drafts
from mediatheek.catalog.import_drafts import DraftNotFound
from mediatheek.catalog.models import Title


def _marc(*titles: str) -> bytes:
    out = b""
    for title in titles:
        record = pymarc.Record(force_utf8=True)
        record.add_field(
            pymarc.Field(tag="245", indicators=pymarc.Indicators("0", "0"), subfields=[pymarc.Subfield("a", title)])
        )
        out += record.as_marc()
    return out


def _files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.iterdir() if path.is_file())


def _save(session: dict[str, Any], **kwargs: Any) -> import_drafts.ImportDraft:
    values = {"school_id": 1, "user_id": 7, "name": "levering.mrc", "content": b"records", "with_copies": False}
    return import_drafts.save_draft(session, **{**values, **kwargs})


def test_a_draft_is_kept_in_the_data_folder_outside_the_served_folders(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    session: dict[str, Any] = {}
    draft = _save(session, content=b"het bestand")
    folder = import_drafts.draft_dir()
    assert folder == tmp_path / "data" / "catalog-imports"
    served = [Path(django_settings.STATIC_ROOT), Path(settings.STORAGES["default"]["OPTIONS"]["location"])]
    assert not any(folder.is_relative_to(root) for root in served)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in _files(folder):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert draft.content() == b"het bestand"
    assert import_drafts.load_draft(session, school_id=1, user_id=7).content() == b"het bestand"


def test_the_session_holds_only_a_random_id(settings, tmp_path):
    settings.CATALOG_IMPORT_DIR = tmp_path
    first: dict[str, Any] = {}
    second: dict[str, Any] = {}
    one, other = _save(first), _save(second)
    assert first == {import_drafts.SESSION_KEY: one.id} and len(one.id) == 32
    assert one.id != other.id


def test_another_sessions_draft_id_is_refused(settings, tmp_path):
    settings.CATALOG_IMPORT_DIR = tmp_path
    mine: dict[str, Any] = {}
    draft = _save(mine, school_id=1, user_id=7)
    # The id copied into the session of another user, or used for another school: refused.
    with pytest.raises(DraftNotFound):
        import_drafts.load_draft({import_drafts.SESSION_KEY: draft.id}, school_id=1, user_id=8)
    with pytest.raises(DraftNotFound):
        import_drafts.load_draft(mine, school_id=2, user_id=7)
    with pytest.raises(DraftNotFound):
        import_drafts.load_draft({}, school_id=1, user_id=7)
    for forged in ("../" + draft.id[3:], draft.id.upper(), "x" * 32, {"token": draft.id}):
        with pytest.raises(DraftNotFound):
            import_drafts.load_draft({import_drafts.SESSION_KEY: forged}, school_id=1, user_id=7)
    assert import_drafts.load_draft(mine, school_id=1, user_id=7).id == draft.id


def test_a_new_upload_replaces_the_sessions_draft_and_old_drafts_expire(settings, tmp_path):
    settings.CATALOG_IMPORT_DIR = tmp_path
    session: dict[str, Any] = {}
    _save(session)
    stale: dict[str, Any] = {}
    _save(stale)
    for path in _files(tmp_path):  # both drafts a day and a minute old
        os.utime(path, (path.stat().st_mtime - import_drafts.MAX_AGE_SECONDS - 60,) * 2)
    newest = _save(session)
    assert [path.stem for path in _files(tmp_path)] == [newest.id, newest.id]
    with pytest.raises(DraftNotFound):
        import_drafts.load_draft(stale, school_id=1, user_id=7)


def _upload(client: Any, content: bytes, name: str = "levering.mrc") -> None:
    upload = io.BytesIO(content)
    upload.name = name
    response = client.post(reverse("client:catalog_import"), {"file": upload})
    assert response.status_code == 302, response.content.decode()


def test_the_draft_is_discarded_after_apply(client, admin_a, school_a, settings, tmp_path):
    settings.CATALOG_IMPORT_DIR = tmp_path
    client.force_login(admin_a)
    _upload(client, _marc("Eerste", "Tweede"))
    assert len(_files(tmp_path)) == 2
    assert client.get(reverse("client:catalog_import_preview")).status_code == 200
    client.post(reverse("client:catalog_import_apply"), {"apply": "1"})
    assert Title.objects.count() == 2
    assert _files(tmp_path) == []
    assert import_drafts.SESSION_KEY not in client.session
    assert client.get(reverse("client:catalog_import_preview")).status_code == 404


def test_the_draft_is_discarded_after_cancel(client, admin_a, school_a, settings, tmp_path):
    settings.CATALOG_IMPORT_DIR = tmp_path
    client.force_login(admin_a)
    _upload(client, _marc("Eerste"))
    client.post(reverse("client:catalog_import_cancel"))
    assert _files(tmp_path) == []
    assert client.get(reverse("client:catalog_import_preview")).status_code == 404
    assert Title.objects.count() == 0


def test_a_draft_copied_into_another_session_is_not_reachable(client, admin_a, admin_b, settings, tmp_path):
    settings.CATALOG_IMPORT_DIR = tmp_path
    client.force_login(admin_b)
    _upload(client, _marc("Geheim van B"))
    draft_id = client.session[import_drafts.SESSION_KEY]
    client.logout()
    client.force_login(admin_a)
    session = client.session
    session[import_drafts.SESSION_KEY] = draft_id
    session.save()
    response = client.get(reverse("client:catalog_import_preview"))
    assert response.status_code == 404 and "Geheim van B" not in response.content.decode()
    assert client.post(reverse("client:catalog_import_apply"), {"apply": "1"}).status_code == 404
    assert Title.objects.count() == 0
    assert len(_files(tmp_path)) == 2  # B's draft is untouched
