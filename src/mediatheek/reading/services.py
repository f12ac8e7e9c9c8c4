"""State changes of the reading app: leestips/weetjes, reading log, wish list. Each one atomic and typed."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar

from django.db import transaction
from django.utils.translation import gettext as _

from mediatheek.core import audit
from mediatheek.core.errors import DomainError
from mediatheek.reading.models import Fact, PortalContent, ReadingLogEntry, ReadingTip, WishListItem

if TYPE_CHECKING:
    from mediatheek.accounts.models import User
    from mediatheek.catalog.models import Title
    from mediatheek.patrons.models import Patron
    from mediatheek.schools.models import School

C = TypeVar("C", bound=PortalContent)

MAX_KEYWORDS = 5
MAX_KEYWORD_LENGTH = 30
WISH_LIST_LIMIT = 100


# --- leestips and weetjes -------------------------------------------------------------------------


def _check_may_edit(item: PortalContent, *, by: User, school: School | None) -> None:
    if item.school_id is None:
        if not by.is_library_staff:
            raise DomainError(_("Alleen de bibliotheek kan stukjes voor alle scholen schrijven."))
    elif school is None or item.school_id != school.pk or not by.can_manage_school:
        raise DomainError(_("Dit stukje hoort niet bij deze school."))


def save_content(
    *, item: C, titles: Iterable[Title] = (), by: User, school: School | None, library_wide: bool = False
) -> C:
    """Create or update a leestip or weetje for `school` (or, for library staff, for all schools)."""
    if library_wide:
        if not by.is_library_staff:
            raise DomainError(_("Alleen de bibliotheek kan stukjes voor alle scholen schrijven."))
        item.school = None
    elif item.pk is None:
        item.school = school
    if (
        item.year_level_from is not None
        and item.year_level_to is not None
        and item.year_level_from > item.year_level_to
    ):
        raise DomainError(_("'Vanaf jaargroep' is groter dan 'tot en met jaargroep'."))
    if item.publish_until is not None and item.publish_until < item.publish_from:
        raise DomainError(_("De einddatum ligt vóór de begindatum."))
    _check_may_edit(item, by=by, school=school)
    with transaction.atomic():
        created = item.pk is None
        if created:
            item.created_by = by
        item.save()
        item.titles.set(list(titles))
    audit.record(
        "content.create" if created else "content.update",
        actor=by,
        school=item.school,
        obj=item,
        summary=item.heading,
    )
    return item


def delete_content(*, item: PortalContent, by: User, school: School | None) -> None:
    _check_may_edit(item, by=by, school=school)
    with transaction.atomic():
        if item.picture:
            item.picture.delete(save=False)
        audit.record("delete", actor=by, school=item.school, obj=item, summary=item.heading)
        item.delete()


# --- reading log ------------------------------------------------------------------------------------


def normalise_keywords(text: str) -> str:
    """ "spannend, Grappig,,  draken " → "spannend, grappig, draken" (at most five words, each short)."""
    if any(ord(char) < 32 and char not in "\t\r\n" for char in text or ""):
        # A NUL cannot be stored (PostgreSQL), and no other control character is typed by a person.
        raise DomainError(_("De trefwoorden bevatten een teken dat niet kan."))
    words: list[str] = []
    for raw in re.split(r"[,;\n]+", text or ""):
        word = " ".join(raw.split()).lower()[:MAX_KEYWORD_LENGTH]
        if word and word not in words:
            words.append(word)
    if len(words) > MAX_KEYWORDS:
        raise DomainError(_("Kies hoogstens %(n)s trefwoorden.") % {"n": MAX_KEYWORDS})
    return ", ".join(words)


def rate_title(*, patron: Patron, title: Title, stars: int | None, keywords: str = "", by: User) -> ReadingLogEntry:
    """Put `title` in the pupil's reading log with their stars (1–5, or none) and their own keywords."""
    _check_own_patron(patron, by)
    if stars is not None and not 1 <= stars <= 5:
        raise DomainError(_("Geef 1 tot 5 sterren."))
    words = normalise_keywords(keywords)
    with transaction.atomic():
        entry, _created = ReadingLogEntry.objects.select_for_update().get_or_create(
            patron=patron, title=title, defaults={"school": patron.school}
        )
        entry.stars = stars
        entry.keywords = words
        entry.save()
    return entry


def remove_log_entry(*, patron: Patron, title: Title, by: User) -> None:
    _check_own_patron(patron, by)
    ReadingLogEntry.objects.for_school(patron.school).filter(patron=patron, title=title).delete()


# --- wish list --------------------------------------------------------------------------------------


def add_to_wish_list(*, patron: Patron, title: Title, by: User) -> WishListItem:
    _check_own_patron(patron, by)
    with transaction.atomic():
        existing = WishListItem.objects.for_school(patron.school).filter(patron=patron, title=title).first()
        if existing is not None:
            return existing
        if WishListItem.objects.for_school(patron.school).filter(patron=patron).count() >= WISH_LIST_LIMIT:
            raise DomainError(_("Je verlanglijst is vol. Haal er eerst een boek af."))
        return WishListItem.objects.create(school=patron.school, patron=patron, title=title)


def remove_from_wish_list(*, patron: Patron, title: Title, by: User) -> None:
    _check_own_patron(patron, by)
    WishListItem.objects.for_school(patron.school).filter(patron=patron, title=title).delete()


def _check_own_patron(patron: Patron, by: User) -> None:
    """A pupil changes only their own log and list (staff of the school may help)."""
    if by.patron_id == patron.pk:
        return
    if by.can_manage_school and (by.is_library_staff or by.school_id == patron.school_id):
        return
    raise DomainError(_("Dit is niet jouw lijst."))


CONTENT_MODELS: dict[str, type[PortalContent]] = {"leestips": ReadingTip, "weetjes": Fact}
