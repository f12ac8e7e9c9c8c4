"""The school's uploaded student files (encrypted on disk, see storage.py) and the yearly reminders."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediatheek.core.tenancy import SchoolScopedManager


class StudentUpload(models.Model):
    """One student file as a school sent it (portal) or library staff chose it (client)."""

    class State(models.TextChoices):
        RECEIVED = "received", _("ontvangen")
        # Claimed by one apply (services.apply_upload) until it commits or fails; a stale claim expires.
        IMPORTING = "importing", _("wordt geïmporteerd")
        IMPORTED = "imported", _("geïmporteerd")
        REMOVED = "removed", _("verwijderd")

    class Source(models.TextChoices):
        PORTAL = "portal", _("portaal")
        CLIENT = "client", _("client")

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="student_uploads", verbose_name=_("school")
    )
    source = models.CharField(_("via"), max_length=16, choices=Source.choices, default=Source.PORTAL)
    filename = models.CharField(_("bestandsnaam"), max_length=255)
    size = models.PositiveBigIntegerField(_("grootte (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # Random name of the encrypted file in settings.UPLOAD_DIR; emptied when the raw file is removed.
    stored_name = models.CharField(max_length=64, blank=True)
    uploaded_at = models.DateTimeField(_("ontvangen op"), auto_now_add=True, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("door"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="student_uploads",
    )
    uploaded_by_label = models.CharField(_("door (naam)"), max_length=150, blank=True)
    state = models.CharField(_("status"), max_length=16, choices=State.choices, default=State.RECEIVED)
    imported_at = models.DateTimeField(_("geïmporteerd op"), null=True, blank=True)
    import_run = models.ForeignKey(
        "studentimport.ImportRun",
        verbose_name=_("import"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="uploads",
    )
    # The claim of the apply that is running: when it started and whose it is (see services.claim_upload).
    claimed_at = models.DateTimeField(_("import gestart op"), null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    removed_at = models.DateTimeField(_("verwijderd op"), null=True, blank=True)
    download_count = models.PositiveIntegerField(_("aantal downloads"), default=0)
    notified_at = models.DateTimeField(_("bibliotheek gemaild op"), null=True, blank=True)
    # The students the file holds, counted when it was received (None: the file's columns were not recognised).
    student_count = models.PositiveIntegerField(_("aantal leerlingen in het bestand"), null=True, blank=True)
    # A newer upload of the same school that was imported: this one is out of date (importing it needs a confirmation).
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("vervangen door"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = SchoolScopedManager["StudentUpload"]()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("leerlingbestand")
        verbose_name_plural = _("leerlingbestanden")
        indexes = [models.Index(fields=["state", "uploaded_at"])]

    def __str__(self) -> str:
        return f"{self.filename} ({self.school.code}, {timezone.localtime(self.uploaded_at):%Y-%m-%d %H:%M})"

    @property
    def is_superseded(self) -> bool:
        return self.superseded_by_id is not None

    @property
    def has_file(self) -> bool:
        return bool(self.stored_name) and self.state != self.State.REMOVED


class UploadReminder(models.Model):
    """A reminder to upload the student file, sent to a school once per school year."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="upload_reminders", verbose_name=_("school")
    )
    school_year = models.PositiveIntegerField(_("schooljaar"))
    sent_at = models.DateTimeField(_("verstuurd op"), auto_now_add=True)
    recipients = models.TextField(_("ontvangers"), blank=True)

    objects = SchoolScopedManager["UploadReminder"]()

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("herinnering leerlingbestand")
        verbose_name_plural = _("herinneringen leerlingbestand")
        constraints = [
            models.UniqueConstraint(fields=["school", "school_year"], name="upload_reminder_once_per_school_year")
        ]

    def __str__(self) -> str:
        return f"{self.school.code} {self.school_year}"
