"""Read models of the catalogue for the client's pages: the search page's parameters and results, the titles a
school holds, the copies chosen for withdrawal. (The portal's are in portal_queries.py.)"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from mediatheek.catalog import services
from mediatheek.catalog.models import BarcodeSeries, Copy, Title
from mediatheek.catalog.search import SearchResults, search_titles
from mediatheek.core.params import int_or_none

if TYPE_CHECKING:
    from mediatheek.schools.models import School

PAGE_SIZE = 25
RECENT_WITHDRAWALS = 20
FILTER_KEYS = ("age_code", "avi_level")


@dataclass(frozen=True)
class SearchParams:
    """The client's catalogue search as the URL gives it (`?q=&bereik=&age_code=&avi_level=&pagina=`)."""

    query: str = ""
    scope: str = "school"  # "alle": the whole library's catalogue
    filters: dict[str, str] = field(default_factory=dict)
    page_number: int = 1

    @classmethod
    def of(cls, params: Mapping[str, str]) -> SearchParams:
        try:
            page_number = max(1, int(params.get("pagina", "1")))
        except ValueError:
            page_number = 1
        return cls(
            query=params.get("q", "").strip(),
            scope=params.get("bereik", "school"),
            filters={key: params.get(key, "") for key in FILTER_KEYS},
            page_number=page_number,
        )


@dataclass(frozen=True)
class SearchPage:
    params: SearchParams
    results: SearchResults
    pages: int


def copy_title_id(school: School, barcode: str) -> int | None:
    """The title of the school's copy with this barcode (a scanned copy opens its title)."""
    if not barcode:
        return None
    copy = Copy.objects.for_school(school).filter(barcode__iexact=barcode).only("title_id").first()
    return copy.title_id if copy is not None else None


def search_page(school: School, params: SearchParams) -> SearchPage:
    results = search_titles(
        params.query,
        school=school if params.scope != "alle" else None,
        filters=params.filters,
        limit=PAGE_SIZE,
        offset=(params.page_number - 1) * PAGE_SIZE,
    )
    return SearchPage(params=params, results=results, pages=max(1, (results.total + PAGE_SIZE - 1) // PAGE_SIZE))


def titles_of_school(school: School) -> QuerySet[Title]:
    """Titles of which the school has a copy (any status)."""
    return Title.objects.filter(copies__school=school).distinct()


@dataclass(frozen=True)
class WithdrawSelection:
    """The copies to withdraw (ticked on a title's page, or scanned), and the barcodes not found at the school."""

    copies: list[Copy]
    not_found: list[str]


def withdraw_selection(school: School, ticked: Iterable[str], scanned: str) -> WithdrawSelection:
    ids = [number for number in map(int_or_none, ticked) if number is not None]
    copies = list(Copy.objects.for_school(school).filter(pk__in=ids))
    found, not_found = services.copies_by_barcodes(school, scanned.splitlines())
    return WithdrawSelection(copies=copies + [copy for copy in found if copy.pk not in ids], not_found=not_found)


def recent_withdrawals(school: School) -> list[Copy]:
    copies = Copy.objects.for_school(school).filter(status=Copy.Status.WITHDRAWN).select_related("title")
    return list(copies.order_by("-withdrawn_on", "-pk")[:RECENT_WITHDRAWALS])


@dataclass(frozen=True)
class AddedCopy:
    """A copy just added by scanning, as the list under the scan field shows it."""

    pk: int
    barcode: str
    title: str
    shelf: str


def added_copies(school: School, title: Title, copy_ids: Iterable[int]) -> list[AddedCopy]:
    """The copies of `title` among those just added at this desk (newest first)."""
    copies = Copy.objects.for_school(school).filter(title=title, pk__in=list(copy_ids)).select_related("title")
    return [AddedCopy(c.pk, c.barcode, c.title.title, c.shelf) for c in copies.order_by("-pk")]


@dataclass(frozen=True)
class BarcodeSettings:
    """The school's barcode series as the settings page shows it, with the barcode the next new copy gets."""

    own_series: bool
    prefix: str
    width: int
    next_number: int
    next_barcode: str  # "" when the series is full


def barcode_settings(school: School) -> BarcodeSettings:
    series = BarcodeSeries.objects.for_school(school).first()
    next_barcode = services.preview_next_barcode(school)
    if series is None:
        return BarcodeSettings(False, "", 6, 1, next_barcode)
    return BarcodeSettings(True, series.prefix, series.width, series.next_number, next_barcode)
