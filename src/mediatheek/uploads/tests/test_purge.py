import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from mediatheek.core.models import AuditEvent
from mediatheek.uploads import services, storage
from mediatheek.uploads.models import StudentUpload
from mediatheek.uploads.tests.helpers import make_upload


def _age(upload, *, uploaded_days=0, imported_days=None):
    now = timezone.now()
    StudentUpload.objects.filter(pk=upload.pk).update(uploaded_at=now - dt.timedelta(days=uploaded_days))
    if imported_days is not None:
        StudentUpload.objects.filter(pk=upload.pk).update(
            state=StudentUpload.State.IMPORTED, imported_at=now - dt.timedelta(days=imported_days)
        )
    upload.refresh_from_db()
    return upload


def test_purge_removes_what_it_should_and_nothing_else(
    school_a, school_b, settings, django_capture_on_commit_callbacks
):
    library = school_a.library
    library.upload_retention_days_after_import = 30
    library.upload_retention_days_unimported = 90
    library.save()
    old_imported = _age(make_upload(school_a), uploaded_days=40, imported_days=31)
    fresh_imported = _age(make_upload(school_a), uploaded_days=40, imported_days=29)
    old_unimported = _age(make_upload(school_b), uploaded_days=91)
    fresh_unimported = _age(make_upload(school_b), uploaded_days=89)
    names = {u.pk: u.stored_name for u in (old_imported, fresh_imported, old_unimported, fresh_unimported)}

    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_uploads")

    for upload in (old_imported, old_unimported):
        upload.refresh_from_db()
        assert upload.state == StudentUpload.State.REMOVED
        assert upload.stored_name == "" and upload.removed_at is not None
        assert not (settings.UPLOAD_DIR / names[upload.pk]).exists()
        assert upload.sha256  # the record stays as history
    for upload in (fresh_imported, fresh_unimported):
        upload.refresh_from_db()
        assert upload.state != StudentUpload.State.REMOVED
        assert storage.read_decrypted(upload.stored_name)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PURGE).count() == 2


def test_purge_uses_the_library_settings(school_a, django_capture_on_commit_callbacks):
    school_a.library.upload_retention_days_unimported = 5
    school_a.library.save()
    upload = _age(make_upload(school_a), uploaded_days=6)
    with django_capture_on_commit_callbacks(execute=True):
        removed = services.purge_uploads()
    assert [u.pk for u in removed] == [upload.pk]


def test_purge_dry_run_changes_nothing(school_a):
    upload = _age(make_upload(school_a), uploaded_days=200)
    call_command("purge_uploads", "--dry-run")
    upload.refresh_from_db()
    assert upload.state == StudentUpload.State.RECEIVED


def test_purge_removes_orphaned_files_but_not_fresh_ones_or_known_ones(school_a, settings):
    import os
    import time

    known = make_upload(school_a)
    orphan = storage.save_encrypted(b"orphan")
    fresh_orphan = storage.save_encrypted(b"being uploaded right now")
    old = time.time() - 2 * 24 * 3600
    os.utime(settings.UPLOAD_DIR / orphan, (old, old))
    os.utime(settings.UPLOAD_DIR / known.stored_name, (old, old))
    (settings.UPLOAD_DIR / "README").write_text("not ours")
    call_command("purge_uploads")
    assert not (settings.UPLOAD_DIR / orphan).exists()
    assert (settings.UPLOAD_DIR / fresh_orphan).exists()
    assert (settings.UPLOAD_DIR / known.stored_name).exists()
    assert (settings.UPLOAD_DIR / "README").exists()
