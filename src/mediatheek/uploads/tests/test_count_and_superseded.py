"""What an upload is told and kept about itself: the number of students in the file, and whether a newer imported
upload of its school superseded it (then importing it needs a confirmation)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mediatheek.patrons.models import Patron
from mediatheek.studentimport.plan import exceeds_guard, looks_partial
from mediatheek.testing import factories as f
from mediatheek.uploads import services
from mediatheek.uploads.models import StudentUpload
from mediatheek.uploads.tests.helpers import make_upload

FILE = b"leerlingnummer;roepnaam;achternaam;groep\n5001;Sanne;Berg;Groep 5\n5002;Daan;Jansen;Groep 5\n"
NEWER = FILE + b"5003;Fleur;Bakker;Groep 6\n"


@pytest.fixture
def importer(db):
    return f.staff(username="importeur", may_import_students=True)


def _older_and_newer(school):
    older = make_upload(school, data=FILE, filename="half.csv")
    newer = make_upload(school, data=NEWER, filename="heel.csv")
    StudentUpload.objects.filter(pk=older.pk).update(uploaded_at=timezone.now() - dt.timedelta(hours=2))
    older.refresh_from_db()
    return older, newer


# --- the count ---------------------------------------------------------------------------------------------------


def test_the_received_file_keeps_its_number_of_students(school_a):
    upload = services.receive_upload(school=school_a, filename="l.csv", data=NEWER, by=None, notify=False)
    assert upload.student_count == 3


def test_rows_with_an_error_are_students_too(school_a):
    data = FILE + b"5003;Fleur;;Groep 6\n"  # no last name: a row error, still a pupil of the file
    upload = services.receive_upload(school=school_a, filename="l.csv", data=data, by=None, notify=False)
    assert upload.student_count == 3


def test_a_client_file_whose_columns_are_not_recognised_has_no_count(school_a):
    data = b"nummer;wie\n1;Sanne\n2;Daan\n"
    upload = services.receive_upload(school=school_a, filename="l.csv", data=data, by=None, notify=False, strict=False)
    assert upload.student_count is None


@pytest.mark.parametrize(
    ("found", "active", "partial"),
    [(60, 160, True), (120, 160, False), (119, 160, True), (0, 10, False), (0, 11, True), (200, 160, False)],
)
def test_a_file_looks_partial_by_the_import_guards_rule(found, active, partial):
    assert looks_partial(found, active) is partial
    assert looks_partial(found, active) is exceeds_guard(max(active - found, 0), active)


# --- superseded ------------------------------------------------------------------------------------------------


def test_importing_a_newer_upload_supersedes_the_older_waiting_one(school_a, school_b, importer):
    older, newer = _older_and_newer(school_a)
    other_school = make_upload(school_b, data=FILE)
    StudentUpload.objects.filter(pk=other_school.pk).update(uploaded_at=timezone.now() - dt.timedelta(days=1))
    services.apply_upload(upload=newer, by=importer)
    older.refresh_from_db()
    other_school.refresh_from_db()
    assert older.superseded_by == newer and older.state == StudentUpload.State.RECEIVED
    assert other_school.superseded_by is None


def test_importing_an_older_upload_does_not_supersede_a_newer_one(school_a, importer):
    older, newer = _older_and_newer(school_a)
    services.apply_upload(upload=older, by=importer)
    newer.refresh_from_db()
    assert newer.superseded_by is None


def test_a_superseded_upload_is_not_imported_without_a_confirmation(school_a, importer):
    older, newer = _older_and_newer(school_a)
    services.apply_upload(upload=newer, by=importer)
    with pytest.raises(services.UploadSuperseded, match="vervangen door de upload van"):
        services.apply_upload(upload=older, by=importer)
    older.refresh_from_db()
    assert older.state == StudentUpload.State.RECEIVED
    assert Patron.objects.for_school(school_a).filter(status=Patron.Status.ACTIVE).count() == 3


def test_a_superseded_upload_is_imported_when_confirmed(school_a, importer):
    older, newer = _older_and_newer(school_a)
    services.apply_upload(upload=newer, by=importer)
    services.apply_upload(upload=older, by=importer, allow_superseded=True, allow_mass_deregistration=True)
    older.refresh_from_db()
    assert older.state == StudentUpload.State.IMPORTED
    assert Patron.objects.for_school(school_a).filter(status=Patron.Status.ACTIVE).count() == 2


def test_undoing_the_newer_import_makes_the_older_upload_current_again(school_a, importer):
    older, newer = _older_and_newer(school_a)
    run = services.apply_upload(upload=newer, by=importer)
    services.undo_upload_import(run=run, by=importer)
    older.refresh_from_db()
    assert older.superseded_by is None
