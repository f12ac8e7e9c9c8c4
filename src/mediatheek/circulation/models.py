from __future__ import annotations

from typing import TYPE_CHECKING, Self, cast

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mediatheek.catalog.models import ON_SHELF_STATUSES, Copy
from mediatheek.core.tenancy import SchoolScopedManager, SchoolScopedQuerySet

if TYPE_CHECKING:
    from mediatheek.schools.models import School


class OverdueAction(models.TextChoices):
    """What the desk does when a patron who wants to borrow has overdue books."""

    NOTE = "note", _("alleen melden")
    CONFIRM = "confirm", _("bevestigen voor uitlenen")
    BLOCK = "block", _("niet uitlenen")


class LoanRule(models.Model):
    """One row of the loan rules. Empty criteria match everything; the most specific matching rule wins
    per setting (school → patron kind / year level / group → age code / material), see rules.py."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="loan_rules", verbose_name=_("school")
    )
    patron_kind = models.CharField(_("soort lener"), max_length=16, blank=True)
    year_level_from = models.PositiveSmallIntegerField(_("vanaf jaargroep"), null=True, blank=True)
    year_level_to = models.PositiveSmallIntegerField(_("tot en met jaargroep"), null=True, blank=True)
    group = models.ForeignKey("patrons.Group", verbose_name=_("groep"), null=True, blank=True, on_delete=models.CASCADE)
    age_code = models.CharField(_("leeftijdscode"), max_length=2, blank=True)
    loan_days = models.PositiveSmallIntegerField(_("uitleentermijn (dagen)"), null=True, blank=True)
    max_loans = models.PositiveSmallIntegerField(_("maximum aantal boeken"), null=True, blank=True)
    max_renewals = models.PositiveSmallIntegerField(_("maximum aantal verlengingen"), null=True, blank=True)
    hold_days = models.PositiveSmallIntegerField(_("reservering apart houden (dagen)"), null=True, blank=True)
    # Per patron, whatever the material: a rule with an age code cannot set it (the rule form refuses that).
    max_reservations = models.PositiveSmallIntegerField(_("maximum aantal reserveringen"), null=True, blank=True)
    fine_per_day = models.DecimalField(
        _("boete per dag"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Leeg = geen boete."),
    )
    overdue_action = models.CharField(
        _("bij te laat boeken"),
        max_length=8,
        blank=True,
        choices=OverdueAction.choices,
        help_text=_("Leeg = overnemen van een algemenere regel."),
    )

    objects = SchoolScopedManager["LoanRule"]()

    class Meta:
        verbose_name = _("uitleenregel")
        verbose_name_plural = _("uitleenregels")

    def __str__(self) -> str:
        return f"{self.school_id} {self.patron_kind or '*'} {self.year_level_from}-{self.year_level_to} {self.age_code}"


class LoanQuerySet(SchoolScopedQuerySet["Loan"]):
    def for_school(self, school: School | None) -> Self:
        return cast(Self, super().for_school(school))

    def open(self) -> Self:
        """Loans not returned yet (their copies have status "lent", see lifecycle.py)."""
        return self.filter(returned_at__isnull=True)


class Loan(models.Model):
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="loans", verbose_name=_("school")
    )
    copy = models.ForeignKey(
        "catalog.Copy", on_delete=models.PROTECT, related_name="loans", verbose_name=_("exemplaar")
    )
    patron = models.ForeignKey(
        "patrons.Patron",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="loans",
        verbose_name=_("lener"),
    )
    checked_out_at = models.DateTimeField(_("uitgeleend op"), db_index=True)
    due_date = models.DateField(_("inleverdatum"), db_index=True)
    returned_at = models.DateTimeField(_("ingeleverd op"), null=True, blank=True)
    renewals = models.PositiveSmallIntegerField(_("verlengd"), default=0)
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = LoanQuerySet.as_manager()

    class Meta:
        ordering = ["-checked_out_at"]
        verbose_name = _("uitlening")
        verbose_name_plural = _("uitleningen")
        constraints = [
            # A copy never has two open loans, whatever two desks do at the same moment.
            models.UniqueConstraint(
                fields=["copy"],
                condition=models.Q(returned_at__isnull=True),
                name="loan_one_open_loan_per_copy",
            ),
        ]
        indexes = [
            models.Index(fields=["patron", "returned_at"]),
            models.Index(fields=["school", "returned_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.copy_id} → {self.patron_id}"

    @property
    def is_open(self) -> bool:
        return self.returned_at is None


class ReservationQuerySet(SchoolScopedQuerySet["Reservation"]):
    def for_school(self, school: School | None) -> Self:
        return cast(Self, super().for_school(school))

    def open(self) -> Self:
        """The one definition of an open reservation: waiting in the queue, or ready (a copy held for it)."""
        return self.filter(status__in=OPEN_RESERVATION_STATUSES)

    def awaiting_put_back(self) -> Self:
        """Holds that ended without being collected (expired, cancelled, or collected with another copy) whose copy
        still lies on the hold shelf: nobody confirmed taking it from there and it was not lent since."""
        lent_since = Loan.objects.filter(
            copy=models.OuterRef("held_copy"), checked_out_at__gte=models.OuterRef("closed_at")
        )
        return self.filter(
            put_back_at__isnull=True,
            held_copy__isnull=False,
            ready_at__isnull=False,
            status__in=CLOSED_HOLD_STATUSES,
            # lost, damaged or written off since: not on the hold shelf to be put back
            held_copy__status__in=(*ON_SHELF_STATUSES, Copy.Status.ON_HOLD.value),
        ).exclude(models.Exists(lent_since))


class Reservation(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("wacht")
        READY = "ready", _("ligt klaar")
        FULFILLED = "fulfilled", _("opgehaald")
        CANCELLED = "cancelled", _("geannuleerd")
        EXPIRED = "expired", _("verlopen")

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="reservations", verbose_name=_("school")
    )
    title = models.ForeignKey(
        "catalog.Title", on_delete=models.CASCADE, related_name="reservations", verbose_name=_("titel")
    )
    patron = models.ForeignKey(
        "patrons.Patron", on_delete=models.CASCADE, related_name="reservations", verbose_name=_("lener")
    )
    placed_at = models.DateTimeField(_("geplaatst op"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.WAITING, db_index=True)
    held_copy = models.ForeignKey(
        "catalog.Copy",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("apart gelegd exemplaar"),
    )
    hold_until = models.DateField(_("apart tot"), null=True, blank=True)
    ready_at = models.DateTimeField(_("klaargelegd op"), null=True, blank=True)
    notified_at = models.DateTimeField(_("bericht gestuurd op"), null=True, blank=True)
    closed_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True)
    # A hold that ended without being collected (expired, cancelled) leaves its copy on the hold shelf: set when a
    # scan confirmed the copy was taken from there (back on the shelf, or relabelled for the next in the queue).
    put_back_at = models.DateTimeField(_("teruggezet op"), null=True, blank=True)

    objects = ReservationQuerySet.as_manager()

    class Meta:
        ordering = ["placed_at", "id"]
        indexes = [models.Index(fields=["school", "title", "status"])]
        verbose_name = _("reservering")
        verbose_name_plural = _("reserveringen")

    def __str__(self) -> str:
        return f"{self.title_id} ← {self.patron_id}"


# Waiting or ready: the statuses of an open reservation (Reservation.objects.open(); circulation/sql.py uses the same).
OPEN_RESERVATION_STATUSES: tuple[str, ...] = (Reservation.Status.WAITING.value, Reservation.Status.READY.value)
# How a hold can end other than by the loan of its copy (a fulfilled one ended with a loan of another copy).
CLOSED_HOLD_STATUSES: tuple[str, ...] = (
    Reservation.Status.EXPIRED.value,
    Reservation.Status.CANCELLED.value,
    Reservation.Status.FULFILLED.value,
)
