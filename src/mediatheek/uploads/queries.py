"""Read models of the client's page of student files: the uploads, and per school its last import and upload."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from mediatheek.patrons.models import Patron
from mediatheek.schools.models import School
from mediatheek.studentimport.plan import looks_partial
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
    return StudentUpload.objects.select_related("school", "uploaded_by", "superseded_by")[:RECENT_UPLOADS]


def uploads_of(school: School) -> QuerySet[StudentUpload]:
    return StudentUpload.objects.for_school(school).select_related("uploaded_by", "superseded_by")


@dataclass(frozen=True)
class UploadCheck:
    """What the school is told right after its upload: the students found in the file, the school's active
    students now, and whether the file looks like a part of the school (the import guard's rule)."""

    found: int | None  # None: the count could not be determined
    active: int
    partial: bool


def active_students(school: School) -> int:
    return Patron.objects.for_school(school).filter(kind=Patron.Kind.STUDENT, status=Patron.Status.ACTIVE).count()


def upload_check(upload: StudentUpload) -> UploadCheck:
    active = active_students(upload.school)
    found = upload.student_count
    return UploadCheck(found=found, active=active, partial=found is not None and looks_partial(found, active))
