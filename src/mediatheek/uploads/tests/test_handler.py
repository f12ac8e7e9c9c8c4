"""The upload handler takes one file, in the expected field, and caps the request: a request with many file parts
or a file under another name is refused without buffering it (issue #12, item 2)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopFutureHandlers, StopUpload
from django.test import RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from mediatheek.uploads import handlers
from mediatheek.uploads.models import StudentUpload

MB = 1 << 20


class Recording(handlers.StudentFileUploadHandler):
    """Records the most file data held at once, across all parts (a new buffer per part)."""

    held: list[int]

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        result = super().receive_data_chunk(raw_data, start)
        buffers = [getattr(self, "buffer", None), *getattr(self, "kept", [])]
        Recording.held.append(sum(buffer.getbuffer().nbytes for buffer in buffers if buffer is not None))
        return result

    def file_complete(self, file_size: int):
        completed = super().file_complete(file_size)
        if completed is not None:
            self.kept = [*getattr(self, "kept", []), completed.file]
        return completed


def _request(parts: dict[str, object], settings, max_bytes: int = 20 * MB):
    settings.STUDENT_FILE_MAX_BYTES = max_bytes
    body = encode_multipart(BOUNDARY, {"csrfmiddlewaretoken": "x", **parts})
    request = RequestFactory().generic("POST", "/upload", body, content_type=MULTIPART_CONTENT)
    Recording.held = []
    request.upload_handlers = [Recording(request)]
    return request


def _parts(count: int, size: int, field: str = "file") -> dict[str, object]:
    files = [SimpleUploadedFile(f"deel{index}.csv", bytes([65 + index % 26]) * size) for index in range(count)]
    return {field: files}


def test_thirty_file_parts_of_one_mb_are_refused_holding_at_most_one(settings):
    # A limit above the request's size, so that the second part, not the request cap, is what refuses it.
    request = _request(_parts(30, MB), settings, max_bytes=100 * MB)
    files = request.FILES.getlist("file")
    assert len(files) == 1 and files[0].read() == b"" and files[0].refusal
    assert max(Recording.held) <= MB  # never more than the one file part in memory
    assert handlers.upload_refusal(request)


def test_a_request_over_the_cap_is_refused_before_its_file_is_read(settings):
    request = _request(_parts(30, MB), settings)  # 30 MB against 20 MB + the margin
    files = request.FILES.getlist("file")
    assert len(files) == 1 and files[0].read() == b""
    assert "te groot" in files[0].refusal and files[0].size > 20 * MB
    assert Recording.held == []  # not one byte of any file part was taken in
    assert request.POST["csrfmiddlewaretoken"] == "x"  # the fields in front of the file still arrive (CSRF)


def test_a_file_in_another_field_is_refused_without_buffering(settings):
    request = _request(_parts(1, MB, field="bijlage"), settings)
    assert "bijlage" not in request.FILES
    assert request.FILES["file"].refusal and Recording.held == []
    # The same file in the expected field is taken as it is.
    request = _request(_parts(1, MB), settings)
    upload = request.FILES["file"]
    assert not getattr(upload, "refusal", "") and upload.read() == b"A" * MB
    assert not handlers.upload_refusal(request)


def test_the_counted_bytes_are_capped_whatever_content_length_says(settings):
    """A body longer than its Content-Length claims is cut by the WSGI layer; a handler used with a stream that
    gives more than the cap still stops counting at the cap."""
    settings.STUDENT_FILE_MAX_BYTES = MB
    handler = handlers.StudentFileUploadHandler(None)
    with pytest.raises(StopFutureHandlers):
        handler.new_file("file", "a.csv", "text/csv", None)
    with pytest.raises(StopUpload):
        for _ in range(3):
            handler.receive_data_chunk(b"x" * MB, 0)
    assert handler.refusal and handler.buffer is None


@pytest.mark.django_db
def test_the_portal_refuses_thirty_parts_with_a_message(client, school_a, uploader_a, settings):
    settings.STUDENT_FILE_MAX_BYTES = MB
    client.force_login(uploader_a)
    url = reverse("portal:upload", kwargs={"slug": school_a.slug})
    response = client.post(url, _parts(30, MB // 2))
    assert response.status_code == 400
    assert "te groot" in response.content.decode()
    assert not StudentUpload.objects.exists()


@pytest.mark.django_db
def test_the_portal_refuses_a_second_file_with_a_message(client, school_a, uploader_a):
    client.force_login(uploader_a)
    url = reverse("portal:upload", kwargs={"slug": school_a.slug})
    response = client.post(url, _parts(2, 1000))
    assert response.status_code == 400
    assert "één bestand" in response.content.decode()
    assert not StudentUpload.objects.exists()


@pytest.mark.django_db
def test_the_catalogue_import_takes_one_file_only(client, admin_a, settings, tmp_path):
    settings.CATALOG_IMPORT_DIR = tmp_path
    client.force_login(admin_a)
    response = client.post(reverse("client:catalog_import"), {"file": io.BytesIO(b"x"), "extra": io.BytesIO(b"y")})
    assert "alleen het gekozen bestand" in response.content.decode() or "één bestand" in response.content.decode()
    assert not list(tmp_path.iterdir())


@pytest.mark.django_db
def test_the_clients_own_upload_says_why_a_second_file_is_refused(client, school_a):
    from mediatheek.testing.factories import staff

    client.force_login(staff(username="importeur", may_import_students=True, otp_required=False))
    session = client.session
    session["client_school_id"] = school_a.pk
    session.save()
    response = client.post(reverse("client:upload_from_client"), _parts(2, 1000))
    assert "één bestand" in response.content.decode()
    assert not StudentUpload.objects.exists()
