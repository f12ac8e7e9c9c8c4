from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Self, cast

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mediatheek.catalog.text import search_text
from mediatheek.core.tenancy import SchoolScopedManager, SchoolScopedQuerySet

if TYPE_CHECKING:
    from mediatheek.schools.models import School

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


class TitleQuerySet(models.QuerySet["Title"]):
    def bulk_create(self, objs: Iterable[Title], *args: Any, **kwargs: Any) -> list[Title]:
        # The search column is filled here too, so bulk-made titles (demo data, imports) are found at once.
        objs = list(objs)
        for obj in objs:
            obj.search_text = obj.compute_search_text()
        return super().bulk_create(objs, *args, **kwargs)


class Title(models.Model):
    """A bibliographic record (one edition), shared by the whole library.

    `search_text` is the folded text the full-text index covers (see search.py); `save()` and `bulk_create()` keep it
    current. SQLite keeps its FTS5 table in step through triggers, PostgreSQL through a generated tsvector column.
    """

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
    search_text = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TitleQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("titel")
        verbose_name_plural = _("titels")
        constraints = [
            # One record per edition: an ISBN is in the catalogue once (titles without ISBN are allowed).
            models.UniqueConstraint(fields=["isbn"], condition=~models.Q(isbn=""), name="catalog_title_unique_isbn"),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.authors}" if self.authors else self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = self.compute_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_text" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_text"]
        super().save(*args, **kwargs)

    def compute_search_text(self) -> str:
        return search_text(
            title=self.title,
            subtitle=self.subtitle,
            authors=self.authors,
            author_sort=self.author_sort,
            series=self.series,
            subjects=self.subjects,
            keywords=self.keywords,
            isbn=self.isbn,
        )


class CopyQuerySet(SchoolScopedQuerySet["Copy"]):
    """The one definition of a held copy and of a copy on the shelf (the raw SQL of search.py and search_index.py is
    generated from the same status lists: HELD_STATUSES, ON_SHELF_STATUSES)."""

    def for_school(self, school: School | None) -> Self:
        return cast(Self, super().for_school(school))

    def held(self) -> Self:
        """Copies the school holds: still in its collection (not withdrawn, not lost)."""
        return self.filter(status__in=HELD_STATUSES)

    def on_shelf(self) -> Self:
        """Copies on the shelf: they can be lent now."""
        return self.filter(status__in=ON_SHELF_STATUSES)

    def gone(self) -> Self:
        """Copies no longer in the collection (withdrawn or lost)."""
        return self.filter(status__in=GONE_STATUSES)


class Copy(models.Model):
    """A physical copy with its own barcode, owned by one school.

    Its status follows the loan lifecycle (circulation/lifecycle.py): a copy has an open loan exactly when its status
    is "lent", so the catalogue can tell a lent copy without looking at loans.
    """

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
    withdrawn_on = models.DateField(_("afgeschreven op"), null=True, blank=True)
    created_at = models.DateTimeField(_("toegevoegd op"), auto_now_add=True)

    objects = CopyQuerySet.as_manager()

    class Meta:
        ordering = ["barcode"]
        verbose_name = _("exemplaar")
        verbose_name_plural = _("exemplaren")
        indexes = [
            # search: "does this school hold / have on the shelf a copy of this title"
            models.Index(fields=["title", "school", "status"], name="catalog_copy_title_school"),
            # search without text ("which titles does this school hold") and per-school status counts
            models.Index(fields=["school", "status", "title"], name="catalog_copy_school_titles"),
            models.Index(fields=["school", "created_at"], name="catalog_copy_school_added"),
        ]

    def __str__(self) -> str:
        return f"{self.barcode} {self.title.title}"

    @property
    def is_active(self) -> bool:
        return self.status in HELD_STATUSES


# Copy statuses, grouped once. Positive lists (an IN over an index), also rendered into SQL by sql_list().
GONE_STATUSES: tuple[str, ...] = (Copy.Status.WITHDRAWN.value, Copy.Status.LOST.value)
HELD_STATUSES: tuple[str, ...] = tuple(status for status in Copy.Status.values if status not in GONE_STATUSES)
ON_SHELF_STATUSES: tuple[str, ...] = (Copy.Status.AVAILABLE.value,)


def sql_list(values: Iterable[str]) -> str:
    """A tuple of status constants as an SQL list literal, for SQL that cannot take parameters (triggers, generated
    columns): "('available', 'lent')". Only for constants of this code, never for input."""
    items = list(values)
    if not items or any(not value.replace("_", "").isalnum() for value in items):
        raise ValueError(f"not a list of status constants: {items!r}")
    return "(" + ", ".join(f"'{value}'" for value in items) + ")"


class Stocktake(models.Model):
    """An inventory count (inventarisatie) of one school, or of one shelf of it."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="stocktakes", verbose_name=_("school")
    )
    shelf = models.CharField(_("plaats"), max_length=60, blank=True, help_text=_("Leeg = de hele school."))
    started_at = models.DateTimeField(_("begonnen op"), auto_now_add=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True)
    lost_marked = models.PositiveIntegerField(_("als vermist gemeld"), default=0)

    objects = SchoolScopedManager["Stocktake"]()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("inventarisatie")
        verbose_name_plural = _("inventarisaties")

    def __str__(self) -> str:
        return f"{self.school_id} {self.shelf or '*'} {self.started_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.finished_at is None


class StocktakeScan(models.Model):
    """One barcode scanned during a stocktake; `copy` is empty when the barcode is not in the catalogue."""

    stocktake = models.ForeignKey(Stocktake, on_delete=models.CASCADE, related_name="scans")
    barcode = models.CharField(_("barcode"), max_length=32)
    copy = models.ForeignKey(Copy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    scanned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-scanned_at"]
        constraints = [
            models.UniqueConstraint(fields=["stocktake", "barcode"], name="catalog_stocktake_scan_once"),
        ]

    def __str__(self) -> str:
        return self.barcode


class BarcodeSeries(models.Model):
    """A school's own series of copy barcodes, e.g. "R000123": a prefix, the number's width and the next number.

    Schools that come from another system keep the labels already on their books and go on in the same series.
    Without a series a new copy gets the school's code and a running number (services.next_barcode). The counter
    is advanced under a lock of this row, so two desks adding copies at once never get the same number.
    """

    school = models.OneToOneField(
        "schools.School", on_delete=models.CASCADE, related_name="barcode_series", verbose_name=_("school")
    )
    prefix = models.CharField(_("voorvoegsel"), max_length=16, blank=True)
    width = models.PositiveSmallIntegerField(_("aantal cijfers"), default=6)
    next_number = models.PositiveBigIntegerField(_("volgend nummer"), default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SchoolScopedManager["BarcodeSeries"]()

    class Meta:
        verbose_name = _("barcodereeks")
        verbose_name_plural = _("barcodereeksen")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(width__gte=1, width__lte=12), name="catalog_barcodeseries_width_range"
            ),
            models.CheckConstraint(condition=models.Q(next_number__gte=1), name="catalog_barcodeseries_next_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}{self.next_number:0{self.width}d}"
