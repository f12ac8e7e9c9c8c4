"""The record of every applied student import: who, when, which file, the counts, and each student's change."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediatheek.core.tenancy import SchoolScopedManager


class Outcome(models.TextChoices):
    NEW = "new", _("nieuw")
    REACTIVATED = "reactivated", _("weer ingeschreven")
    MOVED = "moved", _("andere groep")
    UPDATED = "updated", _("gewijzigd")
    UNCHANGED = "unchanged", _("ongewijzigd")
    DEREGISTERED = "deregistered", _("uitgeschreven")


class ImportRun(models.Model):
    """One applied import of a school's student file."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="import_runs", verbose_name=_("school")
    )
    created_at = models.DateTimeField(_("geïmporteerd op"), auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("geïmporteerd door"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filename = models.CharField(_("bestandsnaam"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    format = models.CharField(_("formaat"), max_length=10)
    school_year = models.PositiveIntegerField(_("schooljaar"))
    mapping = models.JSONField(_("kolommen"), default=dict, blank=True)
    new = models.PositiveIntegerField(_("nieuw"), default=0)
    reactivated = models.PositiveIntegerField(_("weer ingeschreven"), default=0)
    moved = models.PositiveIntegerField(_("andere groep"), default=0)
    updated = models.PositiveIntegerField(_("gewijzigd"), default=0)
    unchanged = models.PositiveIntegerField(_("ongewijzigd"), default=0)
    deregistered = models.PositiveIntegerField(_("uitgeschreven"), default=0)
    errors = models.PositiveIntegerField(_("aantal regels met fouten"), default=0)  # the count; the rows below
    error_rows = models.JSONField(_("regels met fouten"), default=list, blank=True)  # [{"row": n, "message": ...}]
    mass_deregistration_confirmed = models.BooleanField(_("massale uitschrijving bevestigd"), default=False)
    created_group_ids = models.JSONField(default=list, blank=True)  # groups this import created (undo removes them)
    undone_at = models.DateTimeField(_("ongedaan gemaakt op"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ongedaan gemaakt door"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = SchoolScopedManager["ImportRun"]()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("leerlingimport")
        verbose_name_plural = _("leerlingimports")
        indexes = [models.Index(fields=["school", "undone_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.school_id} {self.filename} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"

    @property
    def counts(self) -> dict[str, int]:
        return {
            "new": self.new,
            "reactivated": self.reactivated,
            "moved": self.moved,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deregistered": self.deregistered,
            "errors": self.errors,
        }

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None

    def changes_of(self, outcome: str) -> models.QuerySet[ImportChange]:
        return self.changes.filter(outcome=outcome).order_by("id")

    def new_patron_ids(self) -> list[int]:
        """The students this import enrolled (for the card-printing link)."""
        return [pk for pk in self.changes_of(Outcome.NEW).values_list("patron_id", flat=True) if pk is not None]


class ImportChange(models.Model):
    """One student's change in an import. `before` holds the old value of every field the import wrote (so undo
    restores exactly); `after` the new values. Unchanged students get no row."""

    # The (run, outcome) index below serves every lookup by run; no second index on run alone.
    run = models.ForeignKey(
        ImportRun, on_delete=models.CASCADE, related_name="changes", verbose_name=_("import"), db_index=False
    )
    patron = models.ForeignKey(
        "patrons.Patron",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_changes",
        verbose_name=_("lener"),
    )
    outcome = models.CharField(_("uitkomst"), max_length=16, choices=Outcome.choices)
    student_number = models.CharField(_("leerlingnummer"), max_length=40)
    name = models.CharField(_("naam"), max_length=300, blank=True)
    row = models.PositiveIntegerField(_("regel"), null=True, blank=True)
    before = models.JSONField(_("voor"), null=True, blank=True)
    after = models.JSONField(_("na"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("wijziging door import")
        verbose_name_plural = _("wijzigingen door import")
        indexes = [models.Index(fields=["run", "outcome"])]

    def __str__(self) -> str:
        return f"{self.outcome} {self.student_number}"

    @property
    def changed_fields(self) -> dict[str, tuple[Any, Any]]:
        before = self.before or {}
        after = self.after or {}
        return {name: (before.get(name), after.get(name)) for name in after if name in before}
