"""The portal's catalogue: search with facets, the title page, "Kijk in de kast", toppers, leestips and weetjes.

Every availability figure is this school's (the school comes from the URL); titles are library-wide.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mediatheek.catalog import search as catalog_search
from mediatheek.catalog.models import AVI_LEVELS, AgeCode, Copy, Title
from mediatheek.circulation.models import Loan, Reservation
from mediatheek.portal.access import portal_view
from mediatheek.reading.models import ReadingLogEntry, WishListItem
from mediatheek.reading.queries import new_arrivals, portal_content, toppers, year_levels
from mediatheek.reading.services import CONTENT_MODELS
from mediatheek.web.files import image_response
from mediatheek.web.requests import PortalRequest

PAGE_SIZE = 20


FACET_KEYS = ("age_code", "avi_level", "nur", "language")
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


def _attach(titles: list[Title], request: PortalRequest) -> list[Title]:
    """Put this school's availability on each title (title.on_shelf, title.total, title.next_due)."""
    if not titles:
        return titles
    found = catalog_search.availability(titles, request.school)
    for title in titles:
        item = found.get(title.pk)
        title.on_shelf = item.on_shelf if item else 0  # type: ignore[attr-defined]
        title.total = item.total if item else 0  # type: ignore[attr-defined]
        title.next_due = item.next_due if item else None  # type: ignore[attr-defined]
    return titles


def _page_number(request: PortalRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("pagina", "1")), 500))
    except ValueError:
        return 1


@portal_view
def search(request: PortalRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    filters = {key: request.GET.get(FACET_PARAMS[key], "").strip()[:20] for key in FACET_KEYS}
    filters = {key: value for key, value in filters.items() if value}
    available_only = request.GET.get("aanwezig") == "1"
    page = _page_number(request)
    results = None
    facets: list[dict[str, Any]] = []
    if query or filters or available_only:
        results = catalog_search.search_titles(
            query,
            school=request.school,
            filters=filters,
            available_only=available_only,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
        _attach(list(results.titles), request)
        for key in FACET_KEYS:
            values = results.facets.get(key, [])
            chosen = filters.get(key, "")
            if chosen and chosen not in {value for value, _count in values}:
                values = [(chosen, 0), *values]
            if key == "avi_level":
                values = sorted(values, key=lambda item: _avi_rank(item[0]))
            options = [{"value": value, "label": facet_label(key, value), "count": count} for value, count in values]
            facets.append(
                {
                    "key": key,
                    "param": FACET_PARAMS[key],
                    "label": FACET_LABELS[key],
                    "chosen": chosen,
                    "options": options,
                }
            )
    pages = (results.total + PAGE_SIZE - 1) // PAGE_SIZE if results else 0
    base_params = request.GET.copy()
    base_params.pop("pagina", None)
    context = {
        "query": query,
        "results": results,
        "facets": facets,
        "filters": filters,
        "available_only": available_only,
        "page": page,
        "pages": pages,
        "base_query": base_params.urlencode(),
    }
    return render(request, "portal/search.html", context)


def _avi_rank(level: str) -> int:
    return AVI_LEVELS.index(level) if level in AVI_LEVELS else len(AVI_LEVELS)


def _series_key(title: Title) -> tuple[int, str]:
    digits = re.match(r"\d+", title.series_number or "")
    return (int(digits.group()) if digits else 10_000, title.title)


@portal_view
def title_detail(request: PortalRequest, pk: int) -> HttpResponse:
    title = get_object_or_404(Title, pk=pk)
    school = request.school
    held_here = catalog_search.held_by(school)
    neighbours: list[Title] = []
    if title.series:
        neighbours = sorted(Title.objects.filter(series=title.series).filter(held_here), key=_series_key)[:30]
    by_author: list[Title] = []
    if title.author_sort or title.authors:
        same_author = Q(author_sort=title.author_sort) if title.author_sort else Q(authors=title.authors)
        by_author = list(Title.objects.filter(same_author).filter(held_here).exclude(pk=title.pk).order_by("-year")[:8])
    _attach([title, *neighbours, *by_author], request)
    copies = list(
        Copy.objects.for_school(school)
        .filter(title=title)
        .exclude(status__in=[Copy.Status.WITHDRAWN, Copy.Status.LOST])
        .order_by("barcode")
    )
    open_loans = {
        loan.copy_id: loan.due_date
        for loan in Loan.objects.for_school(school).filter(copy__in=copies, returned_at__isnull=True)
    }
    for copy in copies:
        copy.due_date = open_loans.get(copy.pk)  # type: ignore[attr-defined]
    patron = _portal_patron(request)
    context: dict[str, Any] = {
        "title": title,
        "copies": copies,
        "neighbours": neighbours,
        "by_author": by_author,
        "patron": patron,
        "language_label": LANGUAGES.get(title.language, title.language),
        "nur_label": facet_label("nur", title.nur) if title.nur else "",
    }
    if patron is not None:
        context["on_wish_list"] = WishListItem.objects.for_school(school).filter(patron=patron, title=title).exists()
        context["log_entry"] = ReadingLogEntry.objects.for_school(school).filter(patron=patron, title=title).first()
        context["reservation"] = (
            Reservation.objects.for_school(school)
            .filter(patron=patron, title=title, status__in=[Reservation.Status.WAITING, Reservation.Status.READY])
            .first()
        )
        context["star_choices"] = [1, 2, 3, 4, 5]
    return render(request, "portal/title.html", context)


def _portal_patron(request: PortalRequest) -> Any:
    """The pupil or teacher logged in on this school's portal, or None."""
    user = request.user
    if (
        user.is_authenticated
        and getattr(user, "role", "") == "patron"
        and user.school_id == request.school.pk
        and user.patron_id is not None
    ):
        return user.patron
    return None


@portal_view
def cover(request: PortalRequest, pk: int) -> HttpResponse:
    """A title's cover picture (covers are library-wide), served by the app: the media folder is not public."""
    title = get_object_or_404(Title.objects.only("cover"), pk=pk)
    return image_response(title.cover)


SHELVES = {
    "leeftijd": gettext_lazy("Op leeftijd"),
    "avi": gettext_lazy("Op AVI-niveau"),
    "reeks": gettext_lazy("Reeksen"),
    "nieuw": gettext_lazy("Nieuw in de kast"),
    "populair": gettext_lazy("Vaakst geleend"),
}


@portal_view
def shelf(request: PortalRequest) -> HttpResponse:
    """Kijk in de kast: browse this school's books by age code, AVI level, series, newest or most lent."""
    school = request.school
    kind = request.GET.get("kast", "")
    value = request.GET.get("waarde", "").strip()[:200]
    # Start from this school's copies (an index on school): a school holds a few thousand of the region's titles.
    held = Title.objects.filter(
        pk__in=Copy.objects.for_school(school).exclude(status__in=catalog_search.GONE).values("title_id")
    )
    context: dict[str, Any] = {"kind": kind, "value": value, "shelves": SHELVES, "heading": SHELVES.get(kind, "")}
    titles: Any = None
    if kind == "leeftijd":
        context["choices"] = [(code, label) for code, label in AgeCode.choices]
        if value:
            titles = held.filter(age_code=value).order_by("title")
            context["heading"] = facet_label("age_code", value)
    elif kind == "avi":
        context["choices"] = [(level, level) for level in AVI_LEVELS]
        if value:
            titles = held.filter(avi_level=value).order_by("title")
            context["heading"] = f"AVI {value}"
    elif kind == "reeks":
        if value:
            titles = sorted(held.filter(series=value), key=_series_key)
            context["heading"] = value
        else:
            series = held.exclude(series="").values("series").annotate(n=Count("id")).order_by("-n", "series")[:60]
            context["choices"] = [(row["series"], f"{row['series']} ({row['n']})") for row in series]
    elif kind == "nieuw":
        titles = held.annotate(newest=Max("copies__created_at", filter=Q(copies__school=school))).order_by(
            "-newest", "title"
        )
    elif kind == "populair":
        titles = toppers(school, limit=40)
    elif kind:
        raise Http404
    if titles is not None:
        paginator = Paginator(titles, PAGE_SIZE * 2)
        page = paginator.get_page(request.GET.get("pagina"))
        context["page"] = page
        context["titles"] = _attach(list(page.object_list), request)
        params = request.GET.copy()
        params.pop("pagina", None)
        context["base_query"] = params.urlencode()
    return render(request, "portal/shelf.html", context)


@portal_view
def toppers_view(request: PortalRequest) -> HttpResponse:
    """Toppers: what is lent most at this school, for the whole school or one year level."""
    school = request.school
    levels = year_levels(school)
    try:
        chosen = int(request.GET.get("jaargroep", ""))
    except ValueError:
        chosen = None
    if chosen not in levels:
        chosen = None
    titles = _attach(toppers(school, year_level=chosen, limit=20), request)
    return render(request, "portal/toppers.html", {"levels": levels, "chosen": chosen, "titles": titles})


@portal_view
def content_list(request: PortalRequest, kind: str) -> HttpResponse:
    model = CONTENT_MODELS.get(kind)
    if model is None:
        raise Http404
    items = list(model.objects.published_for(request.school).prefetch_related("titles")[:100])
    heading = _("Leestips") if kind == "leestips" else _("Weetjes")
    return render(request, "portal/content_list.html", {"items": items, "kind": kind, "heading": heading})


@portal_view
def content_picture(request: PortalRequest, kind: str, pk: int) -> HttpResponse:
    """The picture of a leestip or weetje, only while it is published on this school's portal."""
    model = CONTENT_MODELS.get(kind)
    if model is None:
        raise Http404
    item = get_object_or_404(model.objects.published_for(request.school, on=timezone.localdate()), pk=pk)
    return image_response(item.picture)


def home_context(request: PortalRequest) -> dict[str, Any]:
    school = request.school
    patron = _portal_patron(request)
    year_level = patron.year_level if patron is not None and patron.is_student else None
    tips, facts = portal_content(school, year_level=year_level, limit=4)
    top = toppers(school, year_level=year_level, limit=8)
    if year_level is not None and not top:
        top, year_level = toppers(school, limit=8), None
    return {
        "tips": tips,
        "facts": facts,
        "new_titles": _attach(new_arrivals(school, limit=8), request),
        "toppers": _attach(top, request),
        "toppers_year_level": year_level,
        "patron": patron,
    }
