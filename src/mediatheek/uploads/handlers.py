"""An upload handler for one uploaded file: kept in memory, never written to disk, and nothing else accepted.

Django writes uploads above FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file; a student list must not sit there in
plain text, so the upload views swap in this handler. And Django's own handlers take up to
DATA_UPLOAD_MAX_NUMBER_FILES file parts under any field name, each buffered: one request could make a worker hold
gigabytes. This handler accepts exactly one file, in the expected field, of at most `max_bytes`:

- a request whose Content-Length is above the cap (the file limit plus a small margin for the form fields) is
  refused before its file part is read: the form fields in front of it (the CSRF token) are parsed, then reading
  stops (the server answers and closes; a client still sending may see the connection reset);
- a second file part, or a file in any other field, refuses the request the moment its header is seen: it is
  never buffered, and the file already received is dropped;
- a file larger than `max_bytes` (within the cap) is read and thrown away.

A refused request still reaches the view, with a `RefusedUpload` in the expected field: empty, `refusal` says why
(translated), `size` is what was sent when that was too much (so a form that only checks the size says "too
large") and 0 otherwise (a form says "empty"). `upload_refusal(request)` gives the message to show.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers, StopUpload
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParser
from django.template.defaultfilters import filesizeformat
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

FIELD_MARGIN_BYTES = 64 * 1024
"""What a request may carry besides its file: the multipart headers and the form's few small fields."""


class RefusedUpload(InMemoryUploadedFile):
    """Stands in for the file of a refused request (see the module's docstring)."""

    def __init__(self, refusal: str, *, field_name: str, name: str, size: int) -> None:
        super().__init__(
            file=BytesIO(),
            field_name=field_name,
            name=name or "bestand",
            content_type="application/octet-stream",
            size=size,
            charset=None,
        )
        self.refusal = refusal


class StudentFileUploadHandler(FileUploadHandler):
    def __init__(
        self, request: Any = None, *, field_names: tuple[str, ...] = ("file",), max_bytes: int | None = None
    ) -> None:
        super().__init__(request)
        self.field_names = field_names
        self.max_bytes = settings.STUDENT_FILE_MAX_BYTES if max_bytes is None else max_bytes
        self.request_cap = self.max_bytes + FIELD_MARGIN_BYTES
        self.refusal = ""
        self.refused_size = 0
        self.files_seen = 0
        self.buffer: BytesIO | None = None
        self.received = 0
        self.total_received = 0
        self.peak_buffered = 0  # the most file data this handler held at once (the tests assert on it)

    # The whole request: parsed here, with this handler collecting, so a refusal can be put in FILES.
    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: str | None = None
    ) -> tuple[Any, MultiValueDict[str, Any]]:
        if content_length > self.request_cap:
            self._refuse(self._too_large(content_length), size=content_length)
        collector = _Collector(self)
        post, files = MultiPartParser(META, input_data, [collector], encoding).parse()
        if self.refusal:
            name = self.file_name or ""
            refused = RefusedUpload(self.refusal, field_name=self.field_names[0], name=name, size=self.refused_size)
            files = MultiValueDict({self.field_names[0]: [refused]})
        return post, files

    def _too_large(self, size: int) -> str:
        return _("Het bestand is te groot (%(size)s; hoogstens %(max)s).") % {
            "size": filesizeformat(size),
            "max": filesizeformat(self.max_bytes),
        }

    def _refuse(self, message: str, *, size: int = 0) -> None:
        if not self.refusal:
            self.refusal, self.refused_size = message, size
        self.buffer = None  # keep nothing of a refused request

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        self.files_seen += 1
        if self.refusal:  # refused by its size: read no further
            raise StopUpload(connection_reset=True)
        # Refused from here on, the rest of the body (within the cap: Content-Length was checked) is read and
        # dropped without buffering, so that the browser gets the page with the message and not a reset connection.
        if field_name not in self.field_names:
            self._refuse(_("Dit formulier neemt alleen het gekozen bestand aan; het verzoek is geweigerd."))
            raise StopUpload(connection_reset=False)
        if self.files_seen > 1:
            self._refuse(_("Stuur één bestand tegelijk; het verzoek is geweigerd."))
            raise StopUpload(connection_reset=False)
        self.buffer = BytesIO()
        self.received = 0
        raise StopFutureHandlers()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        self.total_received += len(raw_data)
        if self.total_received > self.request_cap:  # counted, whatever Content-Length said
            self._refuse(self._too_large(self.total_received), size=self.total_received)
            raise StopUpload(connection_reset=True)
        if self.buffer is None:
            return None
        if self.received <= self.max_bytes:
            self.buffer.write(raw_data)
            self.peak_buffered = max(self.peak_buffered, self.buffer.tell())
        elif self.buffer.tell():
            self.buffer = BytesIO()  # too large: keep nothing
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile | None:
        if self.buffer is None:
            return None
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


class _Collector(FileUploadHandler):
    """The handler the inner parser calls; it hands every call to the policy handler above."""

    def __init__(self, policy: StudentFileUploadHandler) -> None:
        super().__init__(policy.request)
        self.policy = policy

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        self.policy.new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        return self.policy.receive_data_chunk(raw_data, start)

    def file_complete(self, file_size: int) -> InMemoryUploadedFile | None:
        return self.policy.file_complete(file_size)


def use_memory_handler(request: Any, *, field_names: tuple[str, ...] = ("file",), max_bytes: int | None = None) -> None:
    """Call before request.POST/FILES are read (the view must be csrf_exempt with an inner csrf_protect)."""
    if request.method == "POST":
        request.upload_handlers = [StudentFileUploadHandler(request, field_names=field_names, max_bytes=max_bytes)]


def upload_refusal(request: HttpRequest) -> str:
    """Why the handler refused this request's upload ("" when it did not). Call after request.POST/FILES are read."""
    if request.method != "POST":
        return ""
    for handler in request.upload_handlers:
        if isinstance(handler, StudentFileUploadHandler):
            return handler.refusal
    return ""
