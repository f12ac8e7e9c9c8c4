import pytest
from django.core import mail
from django.core.management import call_command

from mediatheek.accounts.models import Role
from mediatheek.testing import factories as f
from mediatheek.uploads.models import UploadReminder


@pytest.fixture
def reminder_school(school_a):
    f.school_user(Role.UPLOADER, school_a, username="700010", email="ict@alfa.example")
    return school_a


def test_reminder_goes_once_per_school_year_with_the_portal_address(reminder_school, settings):
    settings.BASE_URL = "https://bieb.example"
    call_command("remind_student_upload", "--date", "2026-09-01")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ict@alfa.example"]
    assert "https://bieb.example/alfa/mijn/upload/" in message.body
    assert "2026-2027" in message.subject
    call_command("remind_student_upload", "--date", "2026-10-01")
    assert len(mail.outbox) == 1
    assert UploadReminder.objects.filter(school=reminder_school, school_year=2026).exists()
    # A new school year: a new reminder.
    call_command("remind_student_upload", "--date", "2027-08-02")
    assert len(mail.outbox) == 2


def test_reminder_falls_back_to_the_contact_person(school_b):
    call_command("remind_student_upload", "--date", "2026-09-01")
    assert [m.to for m in mail.outbox] == [[school_b.contact_email]]


def test_no_reminder_for_inactive_school(school_a):
    school_a.active = False
    school_a.save()
    call_command("remind_student_upload", "--date", "2026-09-01")
    assert mail.outbox == []


def _import_run(school, when):
    from mediatheek.studentimport.models import ImportRun

    run = ImportRun.objects.create(school=school, filename="x.xlsx", sha256="0" * 64, format="xlsx", school_year=2026)
    ImportRun.objects.filter(pk=run.pk).update(created_at=when)
    return run


def test_no_reminder_for_a_school_imported_this_school_year(reminder_school):
    import datetime as dt

    from django.utils import timezone

    _import_run(reminder_school, timezone.make_aware(dt.datetime(2026, 8, 20, 10, 0)))
    call_command("remind_student_upload", "--date", "2026-09-01")
    assert mail.outbox == []


def test_last_years_import_does_not_count_and_undone_import_neither(reminder_school):
    import datetime as dt

    from django.utils import timezone

    _import_run(reminder_school, timezone.make_aware(dt.datetime(2026, 7, 20, 10, 0)))
    undone = _import_run(reminder_school, timezone.make_aware(dt.datetime(2026, 8, 20, 10, 0)))
    undone.undone_at = timezone.now()
    undone.save()
    call_command("remind_student_upload", "--date", "2026-09-01")
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(("days", "words"), [(1, "1 dag na ontvangst"), (30, "30 dagen na ontvangst")])
def test_the_library_is_told_when_an_unimported_file_goes_in_words_that_count(school_a, days, words):
    from mediatheek.uploads.services import notify_library

    school_a.library.upload_retention_days_unimported = days
    school_a.library.save()
    upload = f.StudentUploadFactory(school=school_a)
    assert notify_library(upload.pk)
    assert words in mail.outbox[-1].body
