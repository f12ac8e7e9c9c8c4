"""The audit log: who uploaded, downloaded, imported, exported, deleted — and when."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mediatheek.core.tenancy import SchoolScopedManager


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        LOGIN = "login", _("ingelogd")
        UPLOAD = "upload", _("bestand geüpload")
        DOWNLOAD = "download", _("bestand gedownload")
        IMPORT = "import", _("geïmporteerd")
        UNDO_IMPORT = "undo_import", _("import ongedaan gemaakt")
        EXPORT = "export", _("geëxporteerd")
        DELETE = "delete", _("verwijderd")
        CREATE = "create", _("aangemaakt")
        UPDATE = "update", _("gewijzigd")
        PURGE = "purge", _("automatisch opgeruimd")
        PRINT = "print", _("afgedrukt")

    at = models.DateTimeField(_("tijdstip"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("door"), null=True, blank=True, on_delete=models.SET_NULL
    )
    # Kept as text too, so the log still says who it was after an account is removed.
    actor_label = models.CharField(_("door (naam)"), max_length=150, blank=True)
    school = models.ForeignKey(
        "schools.School", verbose_name=_("school"), null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(_("actie"), max_length=32, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("soort object"), max_length=64, blank=True)
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    summary = models.CharField(_("omschrijving"), max_length=300, blank=True)
    detail = models.JSONField(_("details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP-adres"), null=True, blank=True)

    objects = SchoolScopedManager["AuditEvent"]()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("auditgebeurtenis")
        verbose_name_plural = _("auditlog")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.summary}"
