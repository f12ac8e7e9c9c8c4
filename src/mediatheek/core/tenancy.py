"""The school is the tenant: every school-owned model gets `for_school(school)` from these classes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models

if TYPE_CHECKING:
    from mediatheek.schools.models import School

M = TypeVar("M", bound=models.Model)


class SchoolScopedQuerySet(models.QuerySet[M]):
    """A queryset whose only way into one school's rows is `for_school`."""

    school_field = "school"

    def for_school(self, school: School | None) -> SchoolScopedQuerySet[M]:
        # Deny by default: no school means nothing, never everything.
        if school is None:
            return self.none()
        return self.filter(**{self.school_field: school})


class SchoolScopedManager(models.Manager[M]):
    def get_queryset(self) -> SchoolScopedQuerySet[M]:
        return SchoolScopedQuerySet(self.model, using=self._db)

    def for_school(self, school: School | None) -> SchoolScopedQuerySet[M]:
        return self.get_queryset().for_school(school)


def scoped_manager() -> Any:
    return SchoolScopedManager()
