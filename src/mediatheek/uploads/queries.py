"""Read models of the client's page of student files: the uploads, and per school its last import and upload."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from mediatheek.schools.models import School
from mediatheek.uploads.models import StudentUpload
from mediatheek.uploads.services import imported_this_school_year, last_import_dates

RECENT_UPLOADS = 200


@dataclass(frozen=True)
class SchoolImportStatus:
    """An active school: its last import, whether it has one this school year, and its last upload."""

    school: School
    last_import: dt.datetime | None
    current: bool
    last_upload: StudentUpload | None


def school_overview() -> list[SchoolImportStatus]:
    schools = list(School.objects.filter(active=True).order_by("name"))
    last_imports = last_import_dates(schools)
    last_uploads: dict[int, StudentUpload] = {}
    for upload in StudentUpload.objects.filter(school__in=schools).order_by("school_id", "-uploaded_at"):
        last_uploads.setdefault(upload.school_id, upload)
    today = timezone.localdate()
    return [
        SchoolImportStatus(
            school=school,
            last_import=last_imports.get(school.pk),
            current=imported_this_school_year(last_imports.get(school.pk), today),
            last_upload=last_uploads.get(school.pk),
        )
        for school in schools
    ]


def recent_uploads() -> QuerySet[StudentUpload]:
    """All schools' uploads, newest first (the model's ordering), at most RECENT_UPLOADS."""
    return StudentUpload.objects.select_related("school", "uploaded_by")[:RECENT_UPLOADS]


def uploads_of(school: School) -> QuerySet[StudentUpload]:
    return StudentUpload.objects.for_school(school).select_related("uploaded_by")
