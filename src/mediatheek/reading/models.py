"""Reading promotion: leestips, weetjes, reading log, wish list (built by the portal issue)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediatheek.core.tenancy import SchoolScopedManager, SchoolScopedQuerySet

if TYPE_CHECKING:
    from mediatheek.schools.models import School


class PortalContentQuerySet(SchoolScopedQuerySet[Any]):
    def editable_for(self, school: School | None, *, library_wide: bool) -> PortalContentQuerySet:
        """What a client user may edit: the school's own items, and library-wide ones for library staff."""
        if school is None:
            return self.filter(school__isnull=True) if library_wide else self.none()
        condition = Q(school=school)
        if library_wide:
            condition |= Q(school__isnull=True)
        return self.filter(condition)

    def published_for(self, school: School, *, on: dt.date | None = None) -> PortalContentQuerySet:
        """What the portal of `school` shows today: its own items and the library-wide ones, published now."""
        today = on or timezone.localdate()
        return self.filter(
            Q(school=school) | Q(school__isnull=True),
            publish_from__lte=today,
        ).filter(Q(publish_until__isnull=True) | Q(publish_until__gte=today))


class PortalContentManager(SchoolScopedManager[Any]):
    def get_queryset(self) -> PortalContentQuerySet:
        return PortalContentQuerySet(self.model, using=self._db)

    def editable_for(self, school: School | None, *, library_wide: bool) -> PortalContentQuerySet:
        return self.get_queryset().editable_for(school, library_wide=library_wide)

    def published_for(self, school: School, *, on: dt.date | None = None) -> PortalContentQuerySet:
        return self.get_queryset().published_for(school, on=on)


def content_picture_path(instance: PortalContent, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"reading/{instance._meta.model_name}/{timezone.now():%Y%m}/{timezone.now():%d%H%M%S%f}.{suffix}"


class PortalContent(models.Model):
    """A piece of staff-written portal content. `school` empty = library-wide: shown on every school's portal."""

    school = models.ForeignKey(
        "schools.School",
        verbose_name=_("school"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Leeg = voor alle scholen van de bibliotheek."),
    )
    heading = models.CharField(_("kop"), max_length=200)
    body = models.TextField(_("tekst"), blank=True, help_text=_("Markdown: **vet**, *schuin*, lijstjes, links."))
    picture = models.ImageField(_("afbeelding"), upload_to=content_picture_path, blank=True)
    picture_alt = models.CharField(
        _("beschrijving van de afbeelding"),
        max_length=200,
        blank=True,
        help_text=_("Voor wie de afbeelding niet kan zien."),
    )
    titles = models.ManyToManyField("catalog.Title", verbose_name=_("boeken"), blank=True, related_name="+")
    year_level_from = models.PositiveSmallIntegerField(
        _("vanaf jaargroep"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    year_level_to = models.PositiveSmallIntegerField(
        _("tot en met jaargroep"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    publish_from = models.DateField(_("tonen vanaf"), default=timezone.localdate)
    publish_until = models.DateField(_("tonen tot en met"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PortalContentManager()

    class Meta:
        abstract = True
        ordering = ["-publish_from", "-id"]

    def __str__(self) -> str:
        return self.heading

    @property
    def is_library_wide(self) -> bool:
        return self.school_id is None

    def is_published(self, on: dt.date | None = None) -> bool:
        today = on or timezone.localdate()
        return self.publish_from <= today and (self.publish_until is None or self.publish_until >= today)

    def meant_for(self, year_level: int | None) -> bool:
        if year_level is None:
            return True
        low = self.year_level_from or 1
        high = self.year_level_to or 99
        return low <= year_level <= high

    @property
    def year_levels_label(self) -> str:
        if self.year_level_from and self.year_level_to:
            if self.year_level_from == self.year_level_to:
                return str(_("groep %(n)s") % {"n": self.year_level_from})
            return str(_("groep %(a)s–%(b)s") % {"a": self.year_level_from, "b": self.year_level_to})
        if self.year_level_from:
            return str(_("vanaf groep %(n)s") % {"n": self.year_level_from})
        if self.year_level_to:
            return str(_("tot en met groep %(n)s") % {"n": self.year_level_to})
        return ""


class ReadingTip(PortalContent):
    """Leestip: a book (or books) recommended on the portal."""

    class Meta(PortalContent.Meta):
        verbose_name = _("leestip")
        verbose_name_plural = _("leestips")


class Fact(PortalContent):
    """Weetje: a short fact or news item on the portal."""

    class Meta(PortalContent.Meta):
        verbose_name = _("weetje")
        verbose_name_plural = _("weetjes")


class ReadingLogEntry(models.Model):
    """A pupil's own note on a book: stars and keywords they choose. Borrowed books appear in the log without one."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+", verbose_name=_("school"))
    patron = models.ForeignKey(
        "patrons.Patron", on_delete=models.CASCADE, related_name="reading_log", verbose_name=_("lener")
    )
    title = models.ForeignKey("catalog.Title", on_delete=models.CASCADE, related_name="+", verbose_name=_("titel"))
    stars = models.PositiveSmallIntegerField(
        _("sterren"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    keywords = models.CharField(_("trefwoorden"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SchoolScopedManager["ReadingLogEntry"]()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("leeslogregel")
        verbose_name_plural = _("leeslog")
        constraints = [
            models.UniqueConstraint(fields=["patron", "title"], name="readinglog_one_entry_per_title"),
            models.CheckConstraint(
                condition=Q(stars__isnull=True) | Q(stars__gte=1, stars__lte=5), name="readinglog_stars_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patron_id}: {self.title_id} {self.stars or '-'}"

    @property
    def keyword_list(self) -> list[str]:
        return [word for word in (part.strip() for part in self.keywords.split(",")) if word]


class WishListItem(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+", verbose_name=_("school"))
    patron = models.ForeignKey(
        "patrons.Patron", on_delete=models.CASCADE, related_name="wish_list", verbose_name=_("lener")
    )
    title = models.ForeignKey("catalog.Title", on_delete=models.CASCADE, related_name="+", verbose_name=_("titel"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SchoolScopedManager["WishListItem"]()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("verlanglijstje")
        verbose_name_plural = _("verlanglijstjes")
        constraints = [models.UniqueConstraint(fields=["patron", "title"], name="wishlist_one_per_title")]

    def __str__(self) -> str:
        return f"{self.patron_id}: {self.title_id}"
