"""Test helpers: stored uploads without going through the import engine's check."""

from __future__ import annotations

import hashlib
from typing import Any

from mediatheek.uploads import storage
from mediatheek.uploads.models import StudentUpload

SECRET_CONTENT = b"leerlingnummer;achternaam\n1;Geheimschool\n"


def make_upload(school: Any, *, data: bytes = SECRET_CONTENT, filename: str = "leerlingen.csv", **kwargs: Any) -> Any:
    return StudentUpload.objects.create(
        school=school,
        filename=filename,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        stored_name=storage.save_encrypted(data),
        **kwargs,
    )
