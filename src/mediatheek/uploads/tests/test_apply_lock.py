"""An upload is applied once: the claim that locks it while it is applied, what a second request is told, and that
a failed or killed apply never leaves the file stuck."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mediatheek.core.errors import DomainError
from mediatheek.patrons.models import Patron
from mediatheek.studentimport import services as engine
from mediatheek.studentimport.models import ImportRun
from mediatheek.testing import factories as f
from mediatheek.uploads import services
from mediatheek.uploads.models import StudentUpload
from mediatheek.uploads.tests.helpers import make_upload

FILE = b"leerlingnummer;roepnaam;achternaam;groep\n5001;Sanne;Berg;Groep 5\n5002;Daan;Jansen;Groep 5\n"


@pytest.fixture
def importer(db):
    return f.staff(username="importeur", may_import_students=True)


@pytest.fixture
def upload(school_a):
    return make_upload(school_a, data=FILE, filename="leerlingen.csv")


def _state(upload: StudentUpload) -> tuple[str, str]:
    upload.refresh_from_db()
    return upload.state, upload.claim_token


def test_a_second_apply_is_told_the_file_was_imported_and_where(upload, importer, school_a):
    run = services.apply_upload(upload=upload, by=importer)

    with pytest.raises(services.AlreadyImported) as refused:
        services.apply_upload(upload=upload, by=importer)

    assert str(refused.value) == "Dit bestand is al geïmporteerd."
    assert refused.value.run_id == run.pk
    assert ImportRun.objects.count() == 1
    assert _state(upload) == (StudentUpload.State.IMPORTED, "")
    assert upload.import_run == run and upload.claimed_at is None


def test_an_apply_while_another_holds_the_claim_is_refused_and_writes_nothing(upload, importer, school_a):
    token = services.claim_upload(upload=upload)

    with pytest.raises(services.ImportBusy) as refused:
        services.apply_upload(upload=upload, by=importer)

    assert str(refused.value).startswith("Dit bestand wordt al geïmporteerd")
    assert not ImportRun.objects.exists()
    assert not Patron.objects.for_school(school_a).exists()
    # The refused request did not take or drop the other's claim.
    assert _state(upload) == (StudentUpload.State.IMPORTING, token)


def test_a_failed_apply_releases_the_claim_and_the_file_can_be_imported_after(upload, importer, school_a):
    for n in range(20):
        f.PatronFactory(school=school_a, student_number=f"9{n:03d}")

    with pytest.raises(engine.MassDeregistrationBlocked):
        services.apply_upload(upload=upload, by=importer)

    assert _state(upload) == (StudentUpload.State.RECEIVED, "")
    assert upload.claimed_at is None
    run = services.apply_upload(upload=upload, by=importer, allow_mass_deregistration=True)
    assert run.new == 2 and run.deregistered == 20


def test_a_crash_inside_the_apply_rolls_the_import_back_and_releases_the_claim(upload, importer, school_a, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("worker went away")

    monkeypatch.setattr(engine, "_deregister", broken)
    with pytest.raises(RuntimeError):
        services.apply_upload(upload=upload, by=importer)

    assert not ImportRun.objects.exists()
    assert not Patron.objects.for_school(school_a).exists()
    assert _state(upload) == (StudentUpload.State.RECEIVED, "")


def test_a_claim_of_a_killed_worker_expires(upload, importer, school_a):
    """kill -9 mid-apply: the transaction is gone, the committed claim stays; after CLAIM_EXPIRES it no longer
    blocks the file."""
    services.claim_upload(upload=upload)
    with pytest.raises(services.ImportBusy):
        services.apply_upload(upload=upload, by=importer)

    stale = timezone.now() - services.CLAIM_EXPIRES - dt.timedelta(seconds=1)
    StudentUpload.objects.filter(pk=upload.pk).update(claimed_at=stale)
    run = services.apply_upload(upload=upload, by=importer)

    assert run.new == 2
    assert _state(upload) == (StudentUpload.State.IMPORTED, "")


def test_an_apply_whose_claim_was_taken_over_meanwhile_is_rolled_back(upload, importer, school_a, monkeypatch):
    """A very slow apply outlived its claim and another request took the file over: the slow one must not commit
    as well (the file would be applied twice)."""
    real = engine._deregister

    def taken_over(*args, **kwargs):
        real(*args, **kwargs)
        StudentUpload.objects.filter(pk=upload.pk).update(claim_token="other-request")

    monkeypatch.setattr(engine, "_deregister", taken_over)
    with pytest.raises(services.ImportBusy):
        services.apply_upload(upload=upload, by=importer)

    # (The simulated take-over ran on this test's own connection, so it was rolled back with the import; in real
    # life it is another request's committed claim. What matters: nothing of this apply was committed.)
    assert not ImportRun.objects.exists()
    assert not Patron.objects.for_school(school_a).exists()


def test_a_removed_file_cannot_be_claimed(upload, importer):
    services.remove_file(upload=upload)
    with pytest.raises(DomainError) as refused:
        services.apply_upload(upload=upload, by=importer)
    assert refused.value.code == "removed"
    assert not ImportRun.objects.exists()


def test_only_importers_may_apply(upload, school_a):
    admin = f.school_user("school_admin", school_a)
    with pytest.raises(DomainError):
        services.apply_upload(upload=upload, by=admin)
    assert _state(upload) == (StudentUpload.State.RECEIVED, "")


def test_an_undone_import_cannot_be_undone_again_nor_the_one_before(school_a, importer):
    first = services.apply_upload(upload=make_upload(school_a, data=FILE, filename="een.csv"), by=importer)
    second_upload = make_upload(school_a, data=FILE + b"5003;Fleur;Bakker;Groep 6\n", filename="twee.csv")
    second = services.apply_upload(upload=second_upload, by=importer)

    services.undo_upload_import(run=second, by=importer)
    with pytest.raises(DomainError) as refused:
        services.undo_upload_import(run=second, by=importer)

    assert refused.value.code == "already_undone"
    assert str(refused.value) == "Deze import is al ongedaan gemaakt."
    first.refresh_from_db()
    assert first.undone_at is None
    assert Patron.objects.for_school(school_a).filter(status=Patron.Status.ACTIVE).count() == 2
    assert _state(second_upload) == (StudentUpload.State.RECEIVED, "")


def test_an_older_import_is_not_undone_in_place_of_the_last(school_a, importer):
    first = services.apply_upload(upload=make_upload(school_a, data=FILE, filename="een.csv"), by=importer)
    services.apply_upload(upload=make_upload(school_a, data=FILE, filename="twee.csv"), by=importer)

    with pytest.raises(DomainError) as refused:
        services.undo_upload_import(run=first, by=importer)

    assert refused.value.code == "not_last"
    assert not ImportRun.objects.filter(undone_at__isnull=False).exists()
