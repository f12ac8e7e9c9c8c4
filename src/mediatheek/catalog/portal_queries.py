"""The catalogue as the portal shows it: facet labels and facets, a title's series and author, and the catalogue's
shelves of "Kijk in de kast".

Read-only; catalogue data only (availability reads loans: the pages that show it are built in `reading.queries`
from `circulation.queries.title_rows`). Titles are library-wide, holdings one school's. The answers are typed
dataclasses: nothing is attached to model instances on the way to a template.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Max, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from mediatheek.catalog import search as catalog_search
from mediatheek.catalog.models import AVI_LEVELS, AgeCode, Copy, Title

if TYPE_CHECKING:
    from mediatheek.schools.models import School

PAGE_SIZE = 20
# The most pages a search may be paged to; beyond it nobody looks.
MAX_PAGE = 500

FACET_KEYS = catalog_search.FACET_FIELDS
# The portal's parameter names are Dutch: they show in the address bar of a school computer.
FACET_PARAMS = {"age_code": "leeftijd", "avi_level": "avi", "nur": "genre", "language": "taal"}
FACET_LABELS = {
    "age_code": gettext_lazy("Leeftijd"),
    "avi_level": gettext_lazy("AVI-niveau"),
    "nur": gettext_lazy("Soort boek"),
    "language": gettext_lazy("Taal"),
}
LANGUAGES = {
    "dut": gettext_lazy("Nederlands"),
    "nld": gettext_lazy("Nederlands"),
    "eng": gettext_lazy("Engels"),
    "fry": gettext_lazy("Fries"),
    "ger": gettext_lazy("Duits"),
    "deu": gettext_lazy("Duits"),
    "fre": gettext_lazy("Frans"),
    "fra": gettext_lazy("Frans"),
    "spa": gettext_lazy("Spaans"),
    "tur": gettext_lazy("Turks"),
    "ara": gettext_lazy("Arabisch"),
    "pol": gettext_lazy("Pools"),
    "ukr": gettext_lazy("Oekraïens"),
}
# NUR genre codes of children's and youth books, as a child would say it.
NUR = {
    "270": gettext_lazy("Kinderboeken"),
    "271": gettext_lazy("Kartonboeken"),
    "272": gettext_lazy("Babyboeken"),
    "273": gettext_lazy("Prentenboeken"),
    "274": gettext_lazy("Prentenboeken"),
    "275": gettext_lazy("Voorleesboeken"),
    "276": gettext_lazy("Voorleesboeken"),
    "277": gettext_lazy("Prentenboeken"),
    "280": gettext_lazy("Kinderboeken"),
    "281": gettext_lazy("Eerste lezen"),
    "282": gettext_lazy("Leesboeken 6 tot 9 jaar"),
    "283": gettext_lazy("Leesboeken 9 tot 12 jaar"),
    "284": gettext_lazy("Jeugdboeken 12+"),
    "285": gettext_lazy("Young adult"),
    "286": gettext_lazy("Strips"),
    "287": gettext_lazy("Gedichten"),
    "288": gettext_lazy("Kinderboeken informatief"),
    "290": gettext_lazy("Informatieve boeken"),
}
AGE_LABELS = dict(AgeCode.choices)


def facet_label(key: str, value: str) -> str:
    if key == "age_code":
        return str(AGE_LABELS.get(value, value))
    if key == "language":
        return str(LANGUAGES.get(value, value))
    if key == "nur":
        label = NUR.get(value)
        return f"{label} (NUR {value})" if label else f"NUR {value}"
    return value


def avi_rank(level: str) -> int:
    return AVI_LEVELS.index(level) if level in AVI_LEVELS else len(AVI_LEVELS)


def series_key(title: Title) -> tuple[int, str]:
    """Series order: by the number of the part ("3", "3a"), parts without a number last."""
    digits = re.match(r"\d+", title.series_number or "")
    return (int(digits.group()) if digits else 10_000, title.title)


# --- the search page's facets ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class Facet:
    key: str
    param: str  # its parameter in the portal's address
    label: Promise
    chosen: str
    options: list[FacetOption] = field(default_factory=list)


def facets(found: dict[str, list[tuple[str, int]]], filters: dict[str, str]) -> list[Facet]:
    """The four facets in the portal's order; a chosen value stays listed (count 0) even when nothing has it."""
    result = []
    for key in FACET_KEYS:
        values = found.get(key, [])
        chosen = filters.get(key, "")
        if chosen and chosen not in {value for value, _count in values}:
            values = [(chosen, 0), *values]
        if key == "avi_level":
            values = sorted(values, key=lambda item: avi_rank(item[0]))
        options = [FacetOption(value=value, label=facet_label(key, value), count=count) for value, count in values]
        result.append(Facet(key=key, param=FACET_PARAMS[key], label=FACET_LABELS[key], chosen=chosen, options=options))
    return result


# --- a title's neighbours ---------------------------------------------------------------------------------------


def series_titles(title: Title, school: School, *, limit: int = 30) -> list[Title]:
    """The parts of the title's series that this school holds (the title itself included), in series order."""
    if not title.series:
        return []
    held_here = catalog_search.held_by(school)
    return sorted(Title.objects.filter(series=title.series).filter(held_here), key=series_key)[:limit]


def same_author_titles(title: Title, school: School, *, limit: int = 8) -> list[Title]:
    """Other titles by the same author that this school holds, newest first."""
    if not (title.author_sort or title.authors):
        return []
    same_author = Q(author_sort=title.author_sort) if title.author_sort else Q(authors=title.authors)
    held_here = catalog_search.held_by(school)
    return list(Title.objects.filter(same_author).filter(held_here).exclude(pk=title.pk).order_by("-year")[:limit])


# --- Kijk in de kast: the catalogue's shelves -------------------------------------------------------------------

SHELVES = {
    "leeftijd": gettext_lazy("Op leeftijd"),
    "avi": gettext_lazy("Op AVI-niveau"),
    "reeks": gettext_lazy("Reeksen"),
    "nieuw": gettext_lazy("Nieuw in de kast"),
    "populair": gettext_lazy("Vaakst geleend"),
}


@dataclass(frozen=True)
class Shelf:
    """One shelf of "Kijk in de kast": the values to choose from, or the titles on it (None: choose first)."""

    kind: str
    value: str
    heading: str
    choices: list[tuple[str, str]] = field(default_factory=list)
    titles: QuerySet[Title] | Sequence[Title] | None = None


def held_titles(school: School) -> QuerySet[Title]:
    """The titles this school holds a copy of (not withdrawn or lost)."""
    # Start from this school's copies (an index on school): a school holds a few thousand of the region's titles.
    return Title.objects.filter(pk__in=Copy.objects.for_school(school).held().values("title_id"))


def catalog_shelf(school: School, kind: str, value: str) -> Shelf | None:
    """A shelf by age code, AVI level, series or newest first; None for a kind the catalogue does not know."""
    held = held_titles(school)
    heading = str(SHELVES.get(kind, ""))
    if kind == "leeftijd":
        choices = [(str(code), str(label)) for code, label in AgeCode.choices]
        if not value:
            return Shelf(kind, value, heading, choices)
        titles = held.filter(age_code=value).order_by("title")
        return Shelf(kind, value, facet_label("age_code", value), choices, titles)
    if kind == "avi":
        choices = [(level, level) for level in AVI_LEVELS]
        if not value:
            return Shelf(kind, value, heading, choices)
        return Shelf(kind, value, f"AVI {value}", choices, held.filter(avi_level=value).order_by("title"))
    if kind == "reeks":
        if value:
            return Shelf(kind, value, value, titles=sorted(held.filter(series=value), key=series_key))
        series = held.exclude(series="").values("series").annotate(n=Count("id")).order_by("-n", "series")[:60]
        return Shelf(kind, value, heading, [(row["series"], f"{row['series']} ({row['n']})") for row in series])
    if kind == "nieuw":
        newest = Max("copies__created_at", filter=Q(copies__school=school))
        return Shelf(kind, value, heading, titles=held.annotate(newest=newest).order_by("-newest", "title"))
    return None
