from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from mediatheek.core.tenancy import SchoolScopedManager

AVI_LEVELS = ["AVI-Start", "M3", "E3", "M4", "E4", "M5", "E5", "M6", "E6", "M7", "E7", "AVI-Plus"]


class AgeCode(models.TextChoices):
    AP = "AP", _("AP – peuters, prentenboek")
    AK = "AK", _("AK – kleuters")
    E = "E", _("E – eerste lezen (6–7)")
    A = "A", _("A – 7 tot 9 jaar")
    B = "B", _("B – 9 tot 12 jaar")
    C = "C", _("C – 12 tot 15 jaar")
    D = "D", _("D – 15 jaar en ouder")
    AJ = "AJ", _("AJ – informatief 4 tot 8 jaar")
    J = "J", _("J – informatief 9 jaar en ouder")


class Title(models.Model):
    """A bibliographic record (one edition), shared by the whole library."""

    title = models.CharField(_("titel"), max_length=300)
    subtitle = models.CharField(_("ondertitel"), max_length=300, blank=True)
    authors = models.CharField(_("auteurs"), max_length=300, blank=True, help_text=_("Zoals op het boek."))
    author_sort = models.CharField(_("auteur (sorteernaam)"), max_length=200, blank=True, db_index=True)
    isbn = models.CharField(_("ISBN"), max_length=13, blank=True, db_index=True)
    publisher = models.CharField(_("uitgever"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("jaar"), null=True, blank=True)
    language = models.CharField(_("taal"), max_length=3, default="dut", blank=True)
    pages = models.PositiveIntegerField(_("pagina's"), null=True, blank=True)
    summary = models.TextField(_("samenvatting"), blank=True)
    series = models.CharField(_("reeks"), max_length=200, blank=True, db_index=True)
    series_number = models.CharField(_("deel"), max_length=20, blank=True)
    avi_level = models.CharField(
        _("AVI-niveau"), max_length=10, blank=True, choices=[(level, level) for level in AVI_LEVELS]
    )
    age_code = models.CharField(_("leeftijdscode"), max_length=2, blank=True, choices=AgeCode.choices)
    nur = models.CharField(_("NUR"), max_length=3, blank=True)
    subjects = models.CharField(_("onderwerpen (SISO/PIM)"), max_length=500, blank=True)
    keywords = models.CharField(_("trefwoorden"), max_length=500, blank=True)
    awards = models.CharField(_("prijzen"), max_length=300, blank=True)
    cover = models.ImageField(_("omslag"), upload_to="covers/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("titel")
        verbose_name_plural = _("titels")

    def __str__(self) -> str:
        return f"{self.title} — {self.authors}" if self.authors else self.title


class Copy(models.Model):
    """A physical copy with its own barcode, owned by one school."""

    class Status(models.TextChoices):
        AVAILABLE = "available", _("aanwezig")
        LENT = "lent", _("uitgeleend")
        ON_HOLD = "on_hold", _("apart gelegd")
        LOST = "lost", _("vermist")
        DAMAGED = "damaged", _("beschadigd")
        WITHDRAWN = "withdrawn", _("afgeschreven")

    title = models.ForeignKey(Title, on_delete=models.PROTECT, related_name="copies", verbose_name=_("titel"))
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="copies", verbose_name=_("school")
    )
    barcode = models.CharField(_("barcode"), max_length=32, unique=True)
    shelf = models.CharField(_("plaats"), max_length=60, blank=True)
    acquired_on = models.DateField(_("aangeschaft op"), null=True, blank=True)
    price = models.DecimalField(_("prijs"), max_digits=7, decimal_places=2, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.AVAILABLE, db_index=True
    )
    withdrawn_reason = models.CharField(_("reden afschrijving"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SchoolScopedManager["Copy"]()

    class Meta:
        ordering = ["barcode"]
        verbose_name = _("exemplaar")
        verbose_name_plural = _("exemplaren")
        indexes = [models.Index(fields=["school", "status"])]

    def __str__(self) -> str:
        return f"{self.barcode} {self.title.title}"
