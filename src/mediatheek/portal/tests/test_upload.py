"""Upload leerlingbestand on the portal: who may, what is checked at once, what the library is told."""

from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mediatheek.core import exports
from mediatheek.core.models import AuditEvent
from mediatheek.testing import factories as f
from mediatheek.testing.isolation import assert_refused
from mediatheek.uploads import storage
from mediatheek.uploads.models import StudentUpload
from mediatheek.uploads.tests.helpers import make_upload

EDEXML = Path(__file__).resolve().parents[2] / "studentimport" / "tests" / "fixtures" / "edexml-2.1-voorbeeld.xml"


def student_xlsx(header=("Leerlingnummer", "Roepnaam", "Achternaam", "Groep"), rows=None):
    rows = rows if rows is not None else [["1001", "Sanne", "Berg", "Groep 5"], ["1002", "Daan", "Jansen", "Groep 6"]]
    return exports.xlsx_bytes({"Leerlingen": (list(header), rows)})


def upload_url(school):
    return reverse("portal:upload", kwargs={"slug": school.slug})


def post_file(client, school, content, name="OBS Alfa 11AA00.xlsx"):
    return client.post(upload_url(school), {"file": SimpleUploadedFile(name, content)})


def test_menu_item_only_for_the_uploader(client, uploader_a, school_a):
    client.force_login(uploader_a)
    page = client.get(reverse("portal:mine", kwargs={"slug": school_a.slug})).content.decode()
    assert "Upload leerlingbestand" in page
    patron = f.PatronFactory(school=school_a)
    client.force_login(f.patron_login(patron))
    page = client.get(reverse("portal:mine", kwargs={"slug": school_a.slug})).content.decode()
    assert "Upload leerlingbestand" not in page


def test_page_has_the_labels_of_the_manual(client, uploader_a, school_a):
    client.force_login(uploader_a)
    page = client.get(upload_url(school_a)).content.decode()
    for label in ("Upload leerlingbestand", "Bestand kiezen", "Verstuur", "Mijn Bibliotheek"):
        assert label in page
    assert "ParnasSys" in page and "EDEXML" in page


def test_anonymous_goes_to_login(client, school_a):
    response = client.get(upload_url(school_a))
    assert response.status_code == 302 and "/alfa/inloggen/" in response["Location"]


def test_patron_login_is_refused(client, school_a):
    patron = f.PatronFactory(school=school_a)
    client.force_login(f.patron_login(patron))
    assert client.get(upload_url(school_a)).status_code == 403


def test_other_schools_uploader_and_staff_are_refused(client, uploader_a, admin_b, volunteer_a, staff_user, school_b):
    secret_upload = make_upload(school_b, filename="geheim-beta.xlsx")
    done = reverse("portal:upload_done", kwargs={"slug": school_b.slug, "pk": secret_upload.pk})
    for user in (uploader_a, admin_b, volunteer_a, staff_user):
        assert_refused(client, user, upload_url(school_b), secret="geheim-beta")
        assert_refused(client, user, done, secret="geheim-beta")


def test_success_page_of_another_schools_upload_is_not_found(client, uploader_a, school_a, school_b):
    other = make_upload(school_b, filename="geheim-beta.xlsx")
    client.force_login(uploader_a)
    response = client.get(reverse("portal:upload_done", kwargs={"slug": school_a.slug, "pk": other.pk}))
    assert response.status_code == 404


def test_earlier_uploads_list_shows_only_this_school(client, uploader_a, school_a, school_b):
    make_upload(school_a, filename="alfa-vorig-jaar.xlsx")
    make_upload(school_b, filename="geheim-beta.xlsx")
    client.force_login(uploader_a)
    page = client.get(upload_url(school_a)).content.decode()
    assert "alfa-vorig-jaar.xlsx" in page and "geheim-beta" not in page


def test_upload_succeeds_stores_encrypted_mails_and_audits(
    client, uploader_a, school_a, settings, django_capture_on_commit_callbacks
):
    settings.BASE_URL = "https://bieb.example"
    client.force_login(uploader_a)
    content = student_xlsx()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(client, school_a, content)
    upload = StudentUpload.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:upload_done", kwargs={"slug": "alfa", "pk": upload.pk})
    page = client.get(response["Location"]).content.decode()
    assert "Upload geslaagd" in page and "OBS Alfa 11AA00.xlsx" in page
    assert upload.school == school_a and upload.uploaded_by == uploader_a and upload.size == len(content)
    assert storage.read_decrypted(upload.stored_name) == content
    assert content not in (settings.UPLOAD_DIR / upload.stored_name).read_bytes()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.UPLOAD, school=school_a).count() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [school_a.contact_email]
    assert "OBS Alfa" in message.subject
    assert "OBS Alfa 11AA00.xlsx" in message.body and "https://bieb.example/client/leerlingbestanden/" in message.body
    upload.refresh_from_db()
    assert upload.notified_at is not None
    assert "automatisch bericht gekregen" in client.get(response["Location"]).content.decode()


def test_success_page_says_so_when_the_mail_could_not_be_sent(
    client, uploader_a, school_a, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # nothing listens: the connection is refused
    settings.EMAIL_TIMEOUT = 2
    client.force_login(uploader_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(client, school_a, student_xlsx())
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Upload geslaagd" in page and "laat je contactpersoon" in page


@pytest.mark.parametrize(
    ("content", "name", "says"),
    [
        (b"", "leeg.xlsx", "leeg"),
        (b"hallo", "foto.jpg", "Excel"),
        (student_xlsx(header=("Naam", "Klas"), rows=[["Sanne", "5"]]), "zonder-nummer.xlsx", "Leerlingnummer"),
        (b"not a spreadsheet at all", "kapot.xlsx", ""),
    ],
)
def test_a_file_that_is_not_a_student_list_is_refused(client, uploader_a, school_a, content, name, says):
    client.force_login(uploader_a)
    response = post_file(client, school_a, content, name)
    assert response.status_code in (200, 400)
    page = response.content.decode()
    assert "Upload geslaagd" not in page
    assert 'class="field-error"' in page
    if says:
        assert says in page
    assert not StudentUpload.objects.exists()
    assert not list(Path(storage.upload_dir()).iterdir())


def test_too_large_file_is_refused(client, uploader_a, school_a, settings):
    settings.STUDENT_FILE_MAX_BYTES = 100
    client.force_login(uploader_a)
    response = post_file(client, school_a, student_xlsx())
    assert "te groot" in response.content.decode()
    assert not StudentUpload.objects.exists()


def test_another_schools_edexml_is_refused(client, uploader_a, school_a):
    client.force_login(uploader_a)
    response = post_file(client, school_a, EDEXML.read_bytes(), "export.xml")
    assert "Upload geslaagd" not in response.content.decode()
    assert not StudentUpload.objects.exists()


def test_example_file_is_a_readable_student_list(client, uploader_a, school_a):
    from mediatheek.studentimport.services import read_student_file

    client.force_login(uploader_a)
    response = client.get(reverse("portal:upload_example", kwargs={"slug": school_a.slug}))
    assert response.status_code == 200
    result = read_student_file(data=response.content, filename="voorbeeld.xlsx", school=school_a)
    assert len(result.rows) == 4 and result.mapping["student_number"] == "Leerlingnummer"


def test_a_large_file_never_touches_the_disk_unencrypted(client, uploader_a, school_a, settings, monkeypatch):
    from django.core.files import uploadhandler

    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10  # Django would spool anything bigger to a temporary file
    spooled = []

    def no_temporary_file(*args, **kwargs):
        spooled.append(args)
        raise AssertionError("the student file was spooled to a temporary file on disk")

    monkeypatch.setattr(uploadhandler, "TemporaryUploadedFile", no_temporary_file)
    client.force_login(uploader_a)
    response = post_file(client, school_a, student_xlsx())
    assert response.status_code == 302
    assert spooled == []


def test_upload_still_needs_the_csrf_token(uploader_a, school_a):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(uploader_a)
    response = post_file(strict, school_a, student_xlsx())
    assert response.status_code == 403
    assert not StudentUpload.objects.exists()


def test_too_large_file_is_refused_as_too_large_through_the_handler(client, uploader_a, school_a, settings):
    settings.STUDENT_FILE_MAX_BYTES = 1000
    client.force_login(uploader_a)
    response = post_file(client, school_a, b"x" * 5000, "groot.csv")
    assert "te groot" in response.content.decode()
    assert not StudentUpload.objects.exists()


# --- the count of students in the file, and the warning for a file that looks partial --------------------------


def _students(school, n):
    for i in range(n):
        f.PatronFactory(school=school, student_number=f"8{i:04d}")


def _rows(n):
    return [[f"1{i:04d}", "Kind", f"Achternaam{i}", "Groep 5"] for i in range(n)]


def test_success_page_says_how_many_students_the_file_holds(client, uploader_a, school_a):
    client.force_login(uploader_a)
    response = post_file(client, school_a, student_xlsx())
    assert StudentUpload.objects.get().student_count == 2
    page = client.get(response["Location"]).content.decode()
    assert "Leerlingen in het bestand" in page and "<dd data-student-count>2</dd>" in page
    assert "data-partial-warning" not in page


def test_a_small_file_at_a_big_school_is_called_partial_at_once(client, uploader_a, school_a):
    _students(school_a, 160)
    client.force_login(uploader_a)
    response = post_file(client, school_a, student_xlsx(rows=_rows(60)))
    page = client.get(response["Location"]).content.decode()
    assert "Je stuurde 60 leerlingen; de school heeft er nu 160. Is dit de hele school?" in page


def test_a_file_within_the_guard_is_not_called_partial(client, uploader_a, school_a):
    _students(school_a, 160)  # 125 of 160: 35 would leave, not more than 25 % (40)
    client.force_login(uploader_a)
    response = post_file(client, school_a, student_xlsx(rows=_rows(125)))
    assert "data-partial-warning" not in client.get(response["Location"]).content.decode()


def test_the_count_of_another_school_is_not_used(client, uploader_a, school_a, school_b):
    _students(school_b, 160)
    client.force_login(uploader_a)
    response = post_file(client, school_a, student_xlsx())
    assert "data-partial-warning" not in client.get(response["Location"]).content.decode()


def test_an_upload_without_a_count_says_it_could_not_be_determined(client, uploader_a, school_a):
    upload = make_upload(school_a, student_count=None)
    client.force_login(uploader_a)
    page = client.get(reverse("portal:upload_done", kwargs={"slug": school_a.slug, "pk": upload.pk})).content.decode()
    assert "kon niet worden bepaald" in page and "data-partial-warning" not in page


def test_history_table_stacks_and_wraps_long_file_names(client, uploader_a, school_a):
    make_upload(school_a, filename="Leerlingen_export_ParnasSys_2026-09-01_definitief_versie_3.xlsx")
    client.force_login(uploader_a)
    page = client.get(upload_url(school_a)).content.decode()
    assert 'class="stack-table upload-history"' in page and 'data-label="Bestand"' in page
