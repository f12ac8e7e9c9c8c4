"""The portal's catalogue: search with facets, the title page, "Kijk in de kast", toppers, leestips and weetjes.

Every availability figure is this school's (the school comes from the URL); titles are library-wide. The read
models are `reading.queries` (pages with availability, which reads loans) and `catalog.portal_queries` (labels,
shelves).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from mediatheek.catalog import portal_queries as catalog_pages
from mediatheek.catalog.models import Title
from mediatheek.circulation.queries import title_rows
from mediatheek.core.params import int_or_none
from mediatheek.portal.access import portal_patron, portal_view
from mediatheek.portal.forms import SearchQuery
from mediatheek.reading import queries
from mediatheek.reading.services import CONTENT_MODELS
from mediatheek.web.files import image_response
from mediatheek.web.requests import PortalRequest


@portal_view
def search(request: PortalRequest) -> HttpResponse:
    asked = SearchQuery.from_params(request.GET)
    results = None
    if asked.asks_anything:
        results = queries.search_page(
            asked.query,
            school=request.school,
            filters=asked.filters,
            available_only=asked.available_only,
            page=asked.page,
        )
    base_params = request.GET.copy()
    base_params.pop("pagina", None)
    context = {
        "query": asked.query,
        "results": results,
        "filters": asked.filters,
        "available_only": asked.available_only,
        "page": asked.page,
        "base_query": base_params.urlencode(),
    }
    return render(request, "portal/search.html", context)


@portal_view
def title_detail(request: PortalRequest, pk: int) -> HttpResponse:
    title = get_object_or_404(Title, pk=pk)
    page = queries.title_page(title, request.school, portal_patron(request))
    return render(request, "portal/title.html", {"title": title, "page": page, "star_choices": [1, 2, 3, 4, 5]})


@portal_view
def cover(request: PortalRequest, pk: int) -> HttpResponse:
    """A title's cover picture (covers are library-wide), served by the app: the media folder is not public."""
    title = get_object_or_404(Title.objects.only("cover"), pk=pk)
    return image_response(title.cover)


@portal_view
def shelf(request: PortalRequest) -> HttpResponse:
    """Kijk in de kast: browse this school's books by age code, AVI level, series, newest or most lent."""
    chosen = queries.shelf(request.school, request.GET.get("kast", ""), request.GET.get("waarde", "").strip()[:200])
    if chosen is None:
        raise Http404
    context = {"shelf": chosen, "shelves": catalog_pages.SHELVES}
    if chosen.titles is not None:
        page = Paginator(chosen.titles, catalog_pages.PAGE_SIZE * 2).get_page(request.GET.get("pagina"))
        params = request.GET.copy()
        params.pop("pagina", None)
        cards = title_rows(page.object_list, request.school)
        context.update(page=page, cards=cards, base_query=params.urlencode())
    return render(request, "portal/shelf.html", context)


@portal_view
def toppers_view(request: PortalRequest) -> HttpResponse:
    """Toppers: what is lent most at this school, for the whole school or one year level."""
    school = request.school
    levels = queries.year_levels(school)
    chosen = int_or_none(request.GET.get("jaargroep", ""))
    if chosen not in levels:
        chosen = None
    cards = title_rows(queries.toppers(school, year_level=chosen, limit=20), school)
    return render(request, "portal/toppers.html", {"levels": levels, "chosen": chosen, "cards": cards})


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
