"""An upload handler that keeps a student file in memory: it is never written to disk unencrypted.

Django writes uploads above FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file; a student list must not sit there in
plain text, so the upload views swap in this handler. It keeps at most STUDENT_FILE_MAX_BYTES; a larger file is
read and thrown away, and arrives as an empty file that still reports its real size (the form then says "too
large" instead of "no file").
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers


class StudentFileUploadHandler(FileUploadHandler):
    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = BytesIO()
        self.received = 0
        raise StopFutureHandlers()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        if self.received <= settings.STUDENT_FILE_MAX_BYTES:
            self.buffer.write(raw_data)
        elif self.buffer.tell():
            self.buffer = BytesIO()  # too large: keep nothing
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
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


def use_memory_handler(request: Any) -> None:
    """Call before request.POST/FILES are read (the view must be csrf_exempt with an inner csrf_protect)."""
    if request.method == "POST":
        request.upload_handlers = [StudentFileUploadHandler(request)]
