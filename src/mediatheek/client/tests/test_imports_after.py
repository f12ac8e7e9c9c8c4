"""After an import: the leavers' books (result page, report, the school's printout and mail), the times in the
school's time zone, the undo that asks first in numbers, and a superseded upload in the wizard."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from mediatheek.core import exports
from mediatheek.core.models import AuditEvent
from mediatheek.patrons.models import Patron
from mediatheek.studentimport.models import ImportRun
from mediatheek.studentimport.report import report_filename
from mediatheek.testing import factories as f
from mediatheek.uploads.models import StudentUpload
from mediatheek.uploads.tests.helpers import make_upload

HEADER = ["Leerlingnummer", "Roepnaam", "Achternaam", "Groep", "Jaargroep"]


def student_xlsx(rows):
    return exports.xlsx_bytes({"Leerlingen": (HEADER, rows)})


@pytest.fixture
def importer(db):
    return f.staff(username="importeur", may_import_students=True)


@pytest.fixture
def imported(client, importer, school_a):
    """Bram (Groep 8) left the school with "Dolfje Weerwolfje"; Sanne stays."""
    group8 = f.GroupFactory(school=school_a, name="Groep 8", year_level=8)
    f.PatronFactory(school=school_a, student_number="5001", first_name="Sanne", last_name="Berg", group=group8)
    leaver = f.PatronFactory(
        school=school_a, student_number="7777", first_name="Bram", name_prefix="", last_name="Weg", group=group8
    )
    copy = f.CopyFactory(school=school_a, title__title="Dolfje Weerwolfje", barcode="T0042")
    f.LoanFactory(copy=copy, patron=leaver, due_date=dt.date(2026, 9, 15))
    upload = make_upload(school_a, data=student_xlsx([["5001", "Sanne", "Berg", "Groep 8", 8]]), filename="n.xlsx")
    client.force_login(importer)
    client.post(reverse("client:import_apply", args=[upload.pk]))
    run = ImportRun.objects.get()
    assert Patron.objects.get(pk=leaver.pk).status == Patron.Status.DEREGISTERED
    return run


# --- 3. the leavers' books -------------------------------------------------------------------------------------


def test_result_page_lists_the_books_the_leavers_still_have(client, imported):
    page = client.get(reverse("client:import_result", args=[imported.pk])).content.decode()
    assert "Nog in te leveren" in page
    assert "Weg, Bram" in page and "Groep 8" in page and "Dolfje Weerwolfje" in page and "T0042" in page
    assert "15-09-2026" in page


def test_a_book_handed_in_after_the_import_drops_off_the_list(client, imported):
    from mediatheek.circulation.models import Loan

    Loan.objects.update(returned_at=timezone.now())
    page = client.get(reverse("client:import_result", args=[imported.pk])).content.decode()
    assert "Dolfje Weerwolfje" not in page


def test_report_has_a_sheet_of_the_books_still_out(client, imported):
    report = client.get(reverse("client:import_report", args=[imported.pk]))
    sheet = load_workbook(io.BytesIO(report.content))["Nog in te leveren"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Leerling", "Groep", "Titel", "Barcode", "Inleveren op")
    assert rows[1][:4] == ("Weg, Bram", "Groep 8", "Dolfje Weerwolfje", "T0042")
    assert rows[1][4].date() == dt.date(2026, 9, 15)


def test_printout_per_group_lists_the_books_and_is_audited(client, imported, school_a):
    response = client.get(reverse("client:import_leaver_books_pdf", args=[imported.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Nog in te leveren: Groep 8" in text and "Weg, Bram" in text and "Dolfje Weerwolfje" in text
    assert "T0042" in text
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PRINT, school=school_a).exists()


def test_mail_the_school_asks_first_and_sends_nothing_on_the_question(client, imported, school_a):
    page = client.get(reverse("client:import_mail_school", args=[imported.pk])).content.decode()
    assert school_a.contact_email in page and "Mail versturen" in page
    assert not mail.outbox


def test_mail_the_school_sends_the_list_on_commit_and_audits(
    client, imported, school_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("client:import_mail_school", args=[imported.pk]))
    assert response["Location"] == reverse("client:import_result", args=[imported.pk])
    (message,) = mail.outbox
    assert message.to == [school_a.contact_email]
    assert "Weg, Bram" in message.body and "Dolfje Weerwolfje" in message.body and "T0042" in message.body
    assert message.attachments[0][2] == "application/pdf"
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, school=school_a)
    assert event.detail["recipient"] == school_a.contact_email and event.detail["count"] == 1


def test_mail_the_school_without_a_contact_address_says_so(client, imported, school_a):
    school_a.contact_email = ""
    school_a.save()
    page = client.get(reverse("client:import_mail_school", args=[imported.pk])).content.decode()
    assert "heeft geen e-mailadres voor contact" in page
    response = client.post(reverse("client:import_mail_school", args=[imported.pk]), follow=True)
    assert "heeft geen e-mailadres voor contact" in response.content.decode()
    assert not mail.outbox and not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


# --- 4. the school's time zone ---------------------------------------------------------------------------------


def test_report_and_its_name_use_the_schools_time_just_before_midnight_utc(client, imported, settings):
    assert settings.TIME_ZONE == "Europe/Amsterdam"
    late = dt.datetime(2026, 9, 1, 23, 26, tzinfo=dt.UTC)  # 02-09 01:26 in Amsterdam (summer time)
    ImportRun.objects.filter(pk=imported.pk).update(created_at=late)
    imported.refresh_from_db()
    assert report_filename(imported) == "leerlingimport-11AA00-20260902-0126.xlsx"
    response = client.get(reverse("client:import_report", args=[imported.pk]))
    assert "20260902-0126" in response["Content-Disposition"]
    summary = dict(load_workbook(io.BytesIO(response.content))["Samenvatting"].iter_rows(values_only=True))
    assert summary["Geïmporteerd op"] == "02-09-2026 01:26"
    page = client.get(reverse("client:import_result", args=[imported.pk])).content.decode()
    assert "02-09-2026 01:26" in page
    assert timezone.localtime(late).tzinfo == ZoneInfo("Europe/Amsterdam")


# --- 6. undo asks first, in numbers ----------------------------------------------------------------------------


def test_undo_asks_first_in_numbers_and_changes_nothing(client, imported, school_a):
    page = client.get(reverse("client:import_undo", args=[imported.pk])).content.decode()
    date = f"{timezone.localtime(imported.created_at).day} "
    assert f"Dit maakt de import van {date}" in page
    assert "1 uitgeschreven leerling weer ingeschreven" in page
    assert ImportRun.objects.get().undone_at is None
    client.post(reverse("client:import_undo", args=[imported.pk]))  # a POST without the confirmation asks too
    assert ImportRun.objects.get().undone_at is None


def test_undo_question_counts_new_and_moved_students(client, importer, school_a):
    group5 = f.GroupFactory(school=school_a, name="Groep 5", year_level=5)
    f.PatronFactory(school=school_a, student_number="5001", first_name="Sanne", last_name="Berg", group=group5)
    rows = [["5001", "Sanne", "Berg", "Groep 6", 6], ["5002", "Daan", "Jansen", "Groep 6", 6]]
    upload = make_upload(school_a, data=student_xlsx(rows), filename="n.xlsx")
    client.force_login(importer)
    client.post(reverse("client:import_apply", args=[upload.pk]))
    run = ImportRun.objects.get()
    page = client.get(reverse("client:import_undo", args=[run.pk])).content.decode()
    assert "1 nieuwe leerling wordt verwijderd" in page
    assert "1 leerling terug naar de vorige groep" in page


def test_confirmed_undo_undoes(client, imported):
    client.post(reverse("client:import_undo", args=[imported.pk]), {"confirmed": "1"})
    assert ImportRun.objects.get().undone_at is not None
    assert not Patron.objects.filter(status=Patron.Status.DEREGISTERED).exists()


def test_undo_question_of_an_import_that_cannot_be_undone_goes_back(client, imported):
    client.post(reverse("client:import_undo", args=[imported.pk]), {"confirmed": "1"})
    response = client.get(reverse("client:import_undo", args=[imported.pk]))
    assert response.status_code == 302


# --- 5. a superseded upload in the wizard ----------------------------------------------------------------------


def test_superseded_upload_is_shown_and_needs_the_confirmation(client, importer, school_a):
    older = make_upload(school_a, data=student_xlsx([["5001", "Sanne", "Berg", "Groep 8", 8]]), filename="oud.xlsx")
    StudentUpload.objects.filter(pk=older.pk).update(uploaded_at=timezone.now() - dt.timedelta(days=1))
    newer = make_upload(school_a, data=student_xlsx([["5001", "Sanne", "Berg", "Groep 8", 8]]), filename="nieuw.xlsx")
    client.force_login(importer)
    client.post(reverse("client:import_apply", args=[newer.pk]))
    date = timezone.localtime(newer.uploaded_at).strftime("%d-%m-%Y %H:%M")
    listing = client.get(reverse("client:upload_list")).content.decode()
    assert f"vervangen door de upload van {date}" in listing
    history = client.get(reverse("client:upload_school_history", args=[school_a.pk])).content.decode()
    assert f"vervangen door de upload van {date}" in history
    preview = client.get(reverse("client:import_preview", args=[older.pk])).content.decode()
    assert 'name="allow_superseded"' in preview
    client.post(reverse("client:import_apply", args=[older.pk]))
    older.refresh_from_db()
    assert older.state == StudentUpload.State.RECEIVED
    client.post(reverse("client:import_apply", args=[older.pk]), {"allow_superseded": "1"})
    older.refresh_from_db()
    assert older.state == StudentUpload.State.IMPORTED
    assert client.get(reverse("client:upload_download", args=[older.pk])).status_code == 200
