from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from mediatheek.core.tenancy import SchoolScopedManager


class Group(models.Model):
    """A class in one school year: "Groep 5B" (primary), "H2b" (secondary)."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="groups", verbose_name=_("school")
    )
    school_year = models.PositiveIntegerField(_("schooljaar"), help_text=_("Het jaar waarin het schooljaar begint."))
    name = models.CharField(_("naam"), max_length=60)
    year_level = models.PositiveSmallIntegerField(_("jaargroep/leerjaar"), null=True, blank=True)

    objects = SchoolScopedManager["Group"]()

    class Meta:
        ordering = ["year_level", "name"]
        verbose_name = _("groep")
        verbose_name_plural = _("groepen")
        constraints = [
            models.UniqueConstraint(fields=["school", "school_year", "name"], name="group_unique_name_per_school_year"),
        ]

    def __str__(self) -> str:
        return self.name


class Patron(models.Model):
    """A borrower: a student (leerling) or a teacher (leerkracht/docent) of one school."""

    class Kind(models.TextChoices):
        STUDENT = "student", _("leerling")
        TEACHER = "teacher", _("leerkracht")

    class Status(models.TextChoices):
        ACTIVE = "active", _("ingeschreven")
        DEREGISTERED = "deregistered", _("uitgeschreven")

    # No index of its own on school or status: the composite indexes below start with the school and serve
    # every school-scoped query; each index less makes the yearly import of 100,000 students faster.
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="patrons", verbose_name=_("school"), db_index=False
    )
    kind = models.CharField(_("soort lener"), max_length=16, choices=Kind.choices, default=Kind.STUDENT)
    card_number = models.CharField(_("pasnummer"), max_length=20, unique=True)
    student_number = models.CharField(_("leerlingnummer"), max_length=40, blank=True)
    first_name = models.CharField(_("roepnaam"), max_length=100, blank=True)
    name_prefix = models.CharField(_("voorvoegsel"), max_length=30, blank=True)
    last_name = models.CharField(_("achternaam"), max_length=150)
    group = models.ForeignKey(
        Group,
        verbose_name=_("groep"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patrons",
    )
    year_level = models.PositiveSmallIntegerField(_("jaargroep/leerjaar"), null=True, blank=True)
    birth_date = models.DateField(_("geboortedatum"), null=True, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    enrolled_on = models.DateField(_("ingeschreven op"), null=True, blank=True)
    deregistered_on = models.DateField(_("uitgeschreven op"), null=True, blank=True)
    blocked_reason = models.CharField(
        _("geblokkeerd"), max_length=200, blank=True, help_text=_("Leeg = niet geblokkeerd.")
    )
    note = models.TextField(_("opmerking"), blank=True)
    # When the last overdue reminder went out; a reminder is not repeated within the interval.
    overdue_reminder_sent_at = models.DateTimeField(_("laatste herinnering verstuurd"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SchoolScopedManager["Patron"]()

    class Meta:
        # Dutch order: on the last name without its prefix ("Berg, Sanne van den").
        ordering = ["last_name", "first_name", "name_prefix"]
        verbose_name = _("lener")
        verbose_name_plural = _("leners")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "student_number"],
                condition=~models.Q(student_number=""),
                name="patron_unique_student_number_per_school",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "status", "kind"]),
            models.Index(fields=["school", "last_name"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.name_prefix, self.last_name) if part)

    @property
    def sort_name(self) -> str:
        """ "Berg, Sanne van den" — how Dutch lists show a name."""
        rest = " ".join(part for part in (self.first_name, self.name_prefix) if part)
        return f"{self.last_name}, {rest}" if rest else self.last_name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_student(self) -> bool:
        return self.kind == self.Kind.STUDENT


class CardNumberSequence(models.Model):
    """The running number behind generated card numbers; one row, locked while numbers are taken."""

    last_value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("pasnummerreeks")

    def __str__(self) -> str:
        return str(self.last_value)
