from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

SCHOOL_CODE_RE = re.compile(r"^[0-9]{2}[A-Z]{2}[0-9]{2}$")


def normalise_school_code(code: str) -> str:
    return re.sub(r"[\s.-]", "", code or "").upper()


class Library(models.Model):
    """The public library that runs this installation and serves the schools."""

    name = models.CharField(_("naam"), max_length=200)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    # Retention (AVG): how long things are kept. Used by the retention and purge commands.
    upload_retention_days_after_import = models.PositiveIntegerField(
        _("leerlingbestand bewaren na import (dagen)"), default=30
    )
    upload_retention_days_unimported = models.PositiveIntegerField(
        _("leerlingbestand bewaren zonder import (dagen)"), default=90
    )
    loan_history_retention_days = models.PositiveIntegerField(
        _("uitleengeschiedenis bewaren (dagen)"),
        default=730,
        help_text=_("Daarna wordt de lener uit oude uitleningen verwijderd; de statistiek blijft."),
    )
    deregistered_retention_months = models.PositiveIntegerField(
        _("uitgeschreven leners bewaren (maanden)"),
        default=12,
        help_text=_("Daarna worden uitgeschreven leners zonder openstaande uitleningen geanonimiseerd."),
    )

    class Meta:
        verbose_name = _("bibliotheek")
        verbose_name_plural = _("bibliotheken")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def get_default(cls) -> Library:
        library = cls.objects.order_by("pk").first()
        if library is None:
            library = cls.objects.create(name="Bibliotheek")
        return library


# The bounds of a school's own retention periods (AVG): what the school may choose in its settings.
LOAN_HISTORY_DAYS_MIN, LOAN_HISTORY_DAYS_MAX = 30, 730
DEREGISTERED_MONTHS_MIN, DEREGISTERED_MONTHS_MAX = 1, 24


def new_rules_version() -> int:
    return secrets.randbits(62)


class School(models.Model):
    class Kind(models.TextChoices):
        PRIMARY = "primary", _("basisonderwijs")
        SECONDARY = "secondary", _("voortgezet onderwijs")

    library = models.ForeignKey(
        Library, verbose_name=_("bibliotheek"), on_delete=models.PROTECT, related_name="schools"
    )
    code = models.CharField(
        _("schoolcode (BRIN + vestiging)"),
        max_length=6,
        unique=True,
        validators=[RegexValidator(SCHOOL_CODE_RE, _("Een schoolcode is BRIN + vestigingsnummer, bv. 12AB00."))],
        help_text=_("BRIN (2 cijfers + 2 letters) en vestigingsnummer (2 cijfers), bv. 12AB00."),
    )
    name = models.CharField(_("naam"), max_length=200)
    slug = models.SlugField(
        _("portaaladres"), max_length=60, unique=True, help_text=_("Het portaal staat op /<adres>/.")
    )
    kind = models.CharField(_("soort school"), max_length=16, choices=Kind.choices, default=Kind.PRIMARY)
    contact_email = models.EmailField(
        _("e-mail contactpersoon bibliotheek"),
        blank=True,
        help_text=_("Krijgt bericht als de school een leerlingbestand uploadt."),
    )
    language = models.CharField(
        _("taal"), max_length=8, choices=[("nl", "Nederlands"), ("en", "English")], default="nl"
    )
    active = models.BooleanField(_("actief"), default=True)
    pupils_must_change_password = models.BooleanField(
        _("leerlingen kiezen bij eerste keer inloggen een eigen wachtwoord"),
        default=True,
        help_text=_(
            "Aan: na de eerste keer inloggen met de inlogbrief kiest de leerling zelf een wachtwoord, dat alleen "
            "de leerling kent; uit: het wachtwoord van de brief blijft geldig."
        ),
    )
    # The school's own retention periods (the school is the controller under the AVG); empty: the library's.
    loan_history_retention_days = models.PositiveIntegerField(
        _("uitleengeschiedenis bewaren (dagen)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(LOAN_HISTORY_DAYS_MIN), MaxValueValidator(LOAN_HISTORY_DAYS_MAX)],
        help_text=_(
            "Tussen 30 en 730 dagen: korter kan een laat ingeleverd boek niet meer worden nagegaan, langer is voor "
            "het uitlenen niet nodig en laat de AVG (dataminimalisatie) niet toe. Leeg: de termijn van de bibliotheek."
        ),
    )
    deregistered_retention_months = models.PositiveIntegerField(
        _("uitgeschreven leners bewaren (maanden)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(DEREGISTERED_MONTHS_MIN), MaxValueValidator(DEREGISTERED_MONTHS_MAX)],
        help_text=_(
            "Tussen 1 en 24 maanden: zo lang kan een vertrokken leerling nog boeken inleveren of terugkomen; langer "
            "bewaren heeft geen doel en mag volgens de AVG niet. Leeg: de termijn van de bibliotheek."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # A new random value whenever one of the school's loan rules or closed days changes (circulation.signals): the
    # desk keeps rules and calendar per process and compares this value, read with the school on every request,
    # instead of querying both on every scan. Random, not a counter: a restored backup cannot bring back a value
    # that meant other rules.
    rules_version = models.BigIntegerField(default=new_rules_version, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("school")
        verbose_name_plural = _("scholen")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def brin(self) -> str:
        return self.code[:4]

    @property
    def location_number(self) -> str:
        return self.code[4:]

    @property
    def loan_history_days(self) -> int:
        """How long returned loans keep their patron: the school's own period, else the library's."""
        return self.loan_history_retention_days or self.library.loan_history_retention_days

    @property
    def deregistered_months(self) -> int:
        """How long deregistered patrons are kept: the school's own period, else the library's."""
        return self.deregistered_retention_months or self.library.deregistered_retention_months

    @property
    def portal_url(self) -> str:
        """The school's portal as people reach it (in mails and on login letters)."""
        return f"{settings.BASE_URL}/{self.slug}/"

    @property
    def is_secondary(self) -> bool:
        return self.kind == self.Kind.SECONDARY

    def clean(self) -> None:
        self.code = normalise_school_code(self.code)
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": _("Dit adres is gereserveerd; kies een ander.")})


# First path segments the project itself uses; a portal slug may not take them.
RESERVED_SLUGS = frozenset({"client", "static", "admin", "i18n", "api", "media", "favicon.ico", "robots.txt"})


class ClosedDay(models.Model):
    """A day or period the school library is closed (holidays); due dates move to the next open day."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="closed_days", verbose_name=_("school"))
    name = models.CharField(_("omschrijving"), max_length=100)
    start = models.DateField(_("van"))
    end = models.DateField(_("tot en met"))
    is_summer_holiday = models.BooleanField(_("zomervakantie"), default=False)

    class Meta:
        ordering = ["start"]
        verbose_name = _("sluitingsdag")
        verbose_name_plural = _("sluitingsdagen")

    def __str__(self) -> str:
        return f"{self.name} {self.start}–{self.end}"
