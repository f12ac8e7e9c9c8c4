"""Leerlingbestanden in the client: who may see and download, the wizard from mapping to undo, audit."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from mediatheek.core import exports
from mediatheek.core.models import AuditEvent
from mediatheek.patrons.models import Patron
from mediatheek.testing import factories as f
from mediatheek.testing.isolation import assert_refused
from mediatheek.uploads.models import StudentUpload
from mediatheek.uploads.tests.helpers import SECRET_CONTENT, make_upload


def student_xlsx(rows, header=("Leerlingnummer", "Roepnaam", "Achternaam", "Groep", "Jaargroep")):
    return exports.xlsx_bytes({"Leerlingen": (list(header), rows)})


ROWS = [
    ["5001", "Sanne", "Berg", "Groep 5", 5],
    ["5002", "Daan", "Jansen", "Groep 5", 5],
    ["5003", "Fleur", "Bakker", "Groep 6", 6],
]


@pytest.fixture
def importer(db):
    return f.staff(username="importeur", may_import_students=True)


@pytest.fixture
def staff_without_right(db):
    return f.staff(username="zonder-recht", may_import_students=False)


@pytest.fixture
def upload_b(school_b):
    return make_upload(school_b, filename="geheim-beta.csv")


@pytest.fixture
def upload_a(school_a):
    return make_upload(school_a, data=student_xlsx(ROWS), filename="alfa.xlsx")


# --- who may --------------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, upload_b):
    for url in (reverse("client:upload_list"), reverse("client:upload_download", args=[upload_b.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "inloggen" in response["Location"]


@pytest.mark.parametrize("who", ["volunteer_a", "uploader_a", "admin_b", "staff_without_right"])
def test_others_cannot_see_or_download_school_b_files(request, client, who, upload_b):
    user = request.getfixturevalue(who)
    urls = [
        reverse("client:upload_list"),
        reverse("client:upload_download", args=[upload_b.pk]),
        reverse("client:import_mapping", args=[upload_b.pk]),
        reverse("client:import_preview", args=[upload_b.pk]),
        reverse("client:upload_school_history", args=[upload_b.school.pk]),
    ]
    for url in urls:
        assert_refused(client, user, url, secret="geheim-beta")
    assert_refused(client, user, reverse("client:import_apply", args=[upload_b.pk]), method="post")
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).exists()


def test_nav_item_only_for_staff_with_the_right(client, importer, staff_without_right, admin_a):
    client.force_login(importer)
    assert "Leerlingbestanden" in client.get(reverse("client:home")).content.decode()
    for user in (staff_without_right, admin_a):
        client.force_login(user)
        assert "Leerlingbestanden" not in client.get(reverse("client:home")).content.decode()


def test_list_shows_all_schools_newest_first_with_overview(client, importer, school_a, school_b, upload_b):
    make_upload(school_a, filename="alfa-nieuw.xlsx")
    client.force_login(importer)
    page = client.get(reverse("client:upload_list")).content.decode()
    assert page.index("alfa-nieuw.xlsx") < page.index("geheim-beta.csv")
    assert "Importeren" in page and "Download" in page
    assert "geen import dit schooljaar" in page


def test_download_is_the_original_file_and_audited(client, importer, upload_b):
    client.force_login(importer)
    response = client.get(reverse("client:upload_download", args=[upload_b.pk]))
    assert response.status_code == 200
    assert response.content == SECRET_CONTENT
    assert "attachment" in response["Content-Disposition"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.DOWNLOAD)
    assert event.actor == importer and event.school == upload_b.school
    upload_b.refresh_from_db()
    assert upload_b.download_count == 1


def test_download_keeps_an_accented_file_name(client, importer, school_a):
    upload = make_upload(school_a, filename="Basisschool Zoë 11AA00.xlsx")
    client.force_login(importer)
    response = client.get(reverse("client:upload_download", args=[upload.pk]))
    assert "filename*=utf-8''Basisschool%20Zo%C3%AB%2011AA00.xlsx" in response["Content-Disposition"]


def test_removed_file_cannot_be_downloaded(client, importer, upload_b):
    from mediatheek.uploads.services import remove_file

    remove_file(upload=upload_b)
    client.force_login(importer)
    response = client.get(reverse("client:upload_download", args=[upload_b.pk]))
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).exists()


# --- the wizard -----------------------------------------------------------------------------------------------


def test_mapping_step_shows_detected_columns(client, importer, upload_a):
    client.force_login(importer)
    page = client.get(reverse("client:import_mapping", args=[upload_a.pk])).content.decode()
    assert 'name="map_student_number"' in page
    assert '<option value="Leerlingnummer" selected>' in page


def test_preview_writes_nothing_and_lists_outcomes(client, importer, upload_a, school_a):
    client.force_login(importer)
    page = client.get(reverse("client:import_preview", args=[upload_a.pk])).content.decode()
    assert "Sanne" in page and "Berg" in page
    assert not Patron.objects.for_school(school_a).exists()


def test_corrected_mapping_is_used(client, importer, school_a):
    upload = make_upload(
        school_a,
        data=student_xlsx(
            [["A1", "Sanne", "Berg", "5a", 5]], header=("Code", "Roepnaam", "Achternaam", "Klasje", "Jg")
        ),
        filename="raar.xlsx",
    )
    client.force_login(importer)
    query = {
        "map_student_number": "Code",
        "map_first_name": "Roepnaam",
        "map_last_name": "Achternaam",
        "map_group": "Klasje",
        "map_year_level": "Jg",
    }
    response = client.post(reverse("client:import_apply", args=[upload.pk]), query)
    assert response.status_code == 302
    patron = Patron.objects.for_school(school_a).get()
    assert patron.student_number == "A1" and patron.group.name == "5a"


def test_apply_imports_marks_upload_audits_and_undo_restores(client, importer, upload_a, school_a):
    client.force_login(importer)
    response = client.post(reverse("client:import_apply", args=[upload_a.pk]))
    assert response.status_code == 302
    assert Patron.objects.for_school(school_a).filter(status=Patron.Status.ACTIVE).count() == 3
    upload_a.refresh_from_db()
    assert upload_a.state == StudentUpload.State.IMPORTED and upload_a.import_run is not None
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT, school=school_a).exists()

    result = client.get(response["Location"]).content.decode()
    assert "Ongedaan maken" in result and "Rapport downloaden" in result
    # One short link prints the cards of every student the import enrolled.
    cards_url = f"{reverse('client:cards_pdf')}?import_run={upload_a.import_run.pk}"
    assert cards_url.replace("&", "&amp;") in result
    cards = client.get(cards_url)
    assert cards["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action="print", school=school_a).get().detail["count"] == 3
    report = client.get(reverse("client:import_report", args=[upload_a.import_run.pk]))
    workbook = load_workbook(io.BytesIO(report.content))
    assert "Samenvatting" in workbook.sheetnames
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, school=school_a).exists()

    # The patron list of the school shows the new students (the client switched to the upload's school).
    assert "Berg" in client.get(reverse("client:patron_list")).content.decode()

    run_pk = upload_a.import_run.pk
    client.post(reverse("client:import_undo", args=[run_pk]), {"confirmed": "1"})
    assert not Patron.objects.for_school(school_a).filter(status=Patron.Status.ACTIVE).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.UNDO_IMPORT, school=school_a).exists()
    upload_a.refresh_from_db()
    assert upload_a.state == StudentUpload.State.RECEIVED and upload_a.import_run is None
    assert reverse("client:import_undo", args=[run_pk]) not in client.get(response["Location"]).content.decode()


def test_guard_needs_confirmation(client, importer, school_a):
    for n in range(20):
        f.PatronFactory(school=school_a, student_number=f"9{n:03d}")
    upload = make_upload(school_a, data=student_xlsx(ROWS), filename="half.xlsx")
    client.force_login(importer)
    page = client.get(reverse("client:import_preview", args=[upload.pk])).content.decode()
    assert "allow_mass_deregistration" in page
    response = client.post(reverse("client:import_apply", args=[upload.pk]))
    assert response.status_code == 302 and "voorbeeld" in response["Location"]
    assert Patron.objects.for_school(school_a).filter(status=Patron.Status.ACTIVE).count() == 20
    client.post(reverse("client:import_apply", args=[upload.pk]), {"allow_mass_deregistration": "1"})
    assert Patron.objects.for_school(school_a).filter(status=Patron.Status.ACTIVE).count() == 3


def test_import_from_a_file_chosen_in_the_client(client, importer, school_a):
    client.force_login(importer)
    session = client.session
    session["client_school_id"] = school_a.pk
    session.save()
    response = client.post(
        reverse("client:upload_from_client"), {"file": SimpleUploadedFile("eigen.xlsx", student_xlsx(ROWS))}
    )
    upload = StudentUpload.objects.get()
    assert response["Location"] == reverse("client:import_mapping", args=[upload.pk])
    assert upload.school == school_a and upload.source == StudentUpload.Source.CLIENT


def test_school_history_shows_uploads_and_imports(client, importer, upload_a, school_a):
    client.force_login(importer)
    client.post(reverse("client:import_apply", args=[upload_a.pk]))
    page = client.get(reverse("client:upload_school_history", args=[school_a.pk])).content.decode()
    assert "alfa.xlsx" in page and "importeur" in page


def _run_of(school, **kwargs):
    from mediatheek.studentimport.models import ImportRun

    return ImportRun.objects.create(
        school=school, filename="geheim-beta.xlsx", sha256="0" * 64, format="xlsx", school_year=2026, **kwargs
    )


@pytest.mark.parametrize("who", ["volunteer_a", "uploader_a", "admin_b", "staff_without_right"])
def test_others_cannot_see_results_reports_or_undo(request, client, who, school_b):
    user = request.getfixturevalue(who)
    run = _run_of(school_b)
    assert_refused(client, user, reverse("client:import_result", args=[run.pk]), secret="geheim-beta")
    assert_refused(client, user, reverse("client:import_report", args=[run.pk]))
    assert_refused(client, user, reverse("client:import_undo", args=[run.pk]), method="post")
    assert_refused(client, user, reverse("client:import_undo", args=[run.pk]))
    assert_refused(client, user, reverse("client:import_leaver_books_pdf", args=[run.pk]))
    assert_refused(client, user, reverse("client:import_mail_school", args=[run.pk]))
    assert_refused(client, user, reverse("client:import_mail_school", args=[run.pk]), method="post")
    run.refresh_from_db()
    assert run.undone_at is None
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_only_the_last_import_can_be_undone(client, importer, school_a):
    older = _run_of(school_a)
    _run_of(school_a)
    client.force_login(importer)
    page = client.get(reverse("client:import_result", args=[older.pk])).content.decode()
    assert reverse("client:import_undo", args=[older.pk]) not in page
    client.post(reverse("client:import_undo", args=[older.pk]), {"confirmed": "1"})
    older.refresh_from_db()
    assert older.undone_at is None


def test_preview_shows_moves_changes_and_open_loans_of_leavers(client, importer, school_a):
    group5 = f.GroupFactory(school=school_a, name="Groep 5", year_level=5)
    mover = f.PatronFactory(school=school_a, student_number="5001", first_name="Sanne", last_name="Berg", group=group5)
    leaver = f.PatronFactory(school=school_a, student_number="7777", first_name="Bram", last_name="Weg", group=group5)
    copy = f.CopyFactory(school=school_a, title__title="Dolfje Weerwolfje")
    f.LoanFactory(copy=copy, patron=leaver)
    upload = make_upload(school_a, data=student_xlsx([["5001", "Sanne", "Berg", "Groep 6", 6]]), filename="klein.xlsx")
    client.force_login(importer)
    page = client.get(reverse("client:import_preview", args=[upload.pk])).content.decode()
    assert "Groep 5 → <strong>Groep 6</strong>" in page
    assert "Bram" in page and "Dolfje Weerwolfje" in page
    assert mover.pk and Patron.objects.get(pk=leaver.pk).status == Patron.Status.ACTIVE


def test_client_file_that_cannot_be_read_is_refused_with_a_message(client, importer, school_a):
    client.force_login(importer)
    response = client.post(
        reverse("client:upload_from_client"), {"file": SimpleUploadedFile("x.xlsx", b"PK\x03\x04kapot" * 10)}
    )
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    assert not StudentUpload.objects.exists()


def test_overview_does_not_flag_a_school_imported_this_year(client, importer, school_a):
    _run_of(school_a)
    client.force_login(importer)
    page = client.get(reverse("client:upload_list")).content.decode()
    assert "geen import dit schooljaar" not in page


def test_client_file_upload_still_needs_the_csrf_token(importer, school_a):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(importer)
    response = strict.post(
        reverse("client:upload_from_client"), {"file": SimpleUploadedFile("eigen.xlsx", student_xlsx(ROWS))}
    )
    assert response.status_code == 403
    assert not StudentUpload.objects.exists()


def test_cards_of_another_schools_import_are_refused(client, importer, upload_a, school_a, school_b):
    from mediatheek.testing.isolation import assert_refused

    client.force_login(importer)
    client.post(reverse("client:import_apply", args=[upload_a.pk]))
    upload_a.refresh_from_db()
    admin_b = f.school_user("school_admin", school_b)
    assert_refused(client, admin_b, f"{reverse('client:cards_pdf')}?import_run={upload_a.import_run.pk}")


# --- one apply per upload --------------------------------------------------------------------------------------


def _said(response):
    from django.contrib.messages import get_messages

    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_same_upload_applied_twice_is_imported_once_and_the_second_is_sent_to_the_run(
    client, importer, upload_a, school_a
):
    from mediatheek.studentimport.models import ImportRun

    client.force_login(importer)
    url = reverse("client:import_apply", args=[upload_a.pk])
    client.post(url)
    again = client.post(url)

    run = ImportRun.objects.get()
    assert again.status_code == 302
    assert again["Location"] == reverse("client:import_result", args=[run.pk])
    assert _said(again)[-1] == "Dit bestand is al geïmporteerd."
    assert Patron.objects.for_school(school_a).count() == 3
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).count() == 1


def test_apply_while_the_upload_is_being_imported_is_refused(client, importer, upload_a, school_a):
    from django.utils import timezone

    from mediatheek.studentimport.models import ImportRun

    # Another tab's apply holds the claim at this moment.
    StudentUpload.objects.filter(pk=upload_a.pk).update(
        state=StudentUpload.State.IMPORTING, claimed_at=timezone.now(), claim_token="other-tab"
    )
    client.force_login(importer)
    response = client.post(reverse("client:import_apply", args=[upload_a.pk]))

    assert response.status_code == 302 and response["Location"] == reverse("client:upload_list")
    assert _said(response)[0].startswith("Dit bestand wordt al geïmporteerd")
    assert not ImportRun.objects.exists()
    assert not Patron.objects.for_school(school_a).exists()
    upload_a.refresh_from_db()
    assert upload_a.state == StudentUpload.State.IMPORTING and upload_a.claim_token == "other-tab"


def test_preview_of_an_imported_upload_says_so_and_links_to_the_run(client, importer, upload_a):
    client.force_login(importer)
    client.post(reverse("client:import_apply", args=[upload_a.pk]))
    upload_a.refresh_from_db()
    page = client.get(reverse("client:import_preview", args=[upload_a.pk])).content.decode()
    assert "Dit bestand is al geïmporteerd." in page
    assert reverse("client:import_result", args=[upload_a.import_run_id]) in page
    assert reverse("client:import_apply", args=[upload_a.pk]) not in page


def test_a_second_undo_of_the_same_import_is_refused_and_undoes_nothing_else(client, importer, school_a):
    from mediatheek.studentimport.models import ImportRun

    client.force_login(importer)
    first = make_upload(school_a, data=student_xlsx(ROWS[:1]), filename="een.xlsx")
    second = make_upload(school_a, data=student_xlsx(ROWS), filename="twee.xlsx")
    client.post(reverse("client:import_apply", args=[first.pk]))
    client.post(reverse("client:import_apply", args=[second.pk]))
    older, last = ImportRun.objects.order_by("pk")

    client.post(reverse("client:import_undo", args=[last.pk]), {"confirmed": "1"})
    again = client.post(reverse("client:import_undo", args=[last.pk]), {"confirmed": "1"})

    assert _said(again)[-1] == "Deze import is al ongedaan gemaakt."
    older.refresh_from_db()
    assert older.undone_at is None
    assert Patron.objects.for_school(school_a).filter(status=Patron.Status.ACTIVE).count() == 1
