"""Read-only questions the portal asks: reading log, toppers, new arrivals, a teacher's class, a pupil's loans,
reservations and wish list, the home page, a title's page and the shelves of "Kijk in de kast".

Each answer is a typed dataclass (or a list of them): nothing is attached to model instances on the way to a template.
The catalogue's part of these pages (facets, series, shelves) is in `catalog.portal_queries`; a title with its
availability at the school is circulation's `TitleRow`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Avg, Count, Max
from django.utils import timezone

from mediatheek.catalog import portal_queries as catalog_pages
from mediatheek.catalog import search as catalog_search
from mediatheek.catalog.models import Copy, Title
from mediatheek.catalog.portal_queries import Facet, Shelf
from mediatheek.circulation import services as circulation_services
from mediatheek.circulation.models import Loan, Reservation
from mediatheek.circulation.queries import TitleRow, title_rows
from mediatheek.core.schoolyear import school_year_of
from mediatheek.patrons.models import Patron
from mediatheek.reading.models import Fact, ReadingLogEntry, ReadingTip, WishListItem

if TYPE_CHECKING:
    from mediatheek.schools.models import School

TOPPER_DAYS = 365


@dataclass
class LogRow:
    title: Title
    last_borrowed: dt.datetime | None = None
    times_borrowed: int = 0
    entry: ReadingLogEntry | None = None

    @property
    def stars(self) -> int | None:
        return self.entry.stars if self.entry else None

    @property
    def keywords(self) -> list[str]:
        return self.entry.keyword_list if self.entry else []


def reading_log(patron: Patron) -> list[LogRow]:
    """Every book the pupil borrowed at this school, and every book they rated; newest first."""
    borrowed = {
        item["copy__title"]: item
        for item in Loan.objects.for_school(patron.school)
        .filter(patron=patron)
        .values("copy__title")
        .annotate(last=Max("checked_out_at"), times=Count("id"))
    }
    entries = {
        entry.title_id: entry for entry in ReadingLogEntry.objects.for_school(patron.school).filter(patron=patron)
    }
    titles = Title.objects.in_bulk([*borrowed, *entries])
    result = []
    for title_id in dict.fromkeys([*borrowed, *entries]):
        if title_id not in titles:
            continue
        loans = borrowed.get(title_id)
        result.append(
            LogRow(
                title=titles[title_id],
                last_borrowed=loans["last"] if loans else None,
                times_borrowed=loans["times"] if loans else 0,
                entry=entries.get(title_id),
            )
        )

    def newest(row: LogRow) -> dt.datetime:
        moments = [m for m in (row.last_borrowed, row.entry.updated_at if row.entry else None) if m]
        return max(moments) if moments else timezone.now()

    result.sort(key=newest, reverse=True)
    return result


def toppers(school: School, *, year_level: int | None = None, limit: int = 10, days: int = TOPPER_DAYS) -> list[Title]:
    """The titles lent most at this school in the last year (for one year level, when given), most lent first."""
    since = timezone.now() - dt.timedelta(days=days)
    loans = Loan.objects.for_school(school).filter(checked_out_at__gte=since)
    if year_level is not None:
        loans = loans.filter(patron__year_level=year_level)
    counted = list(loans.values("copy__title").annotate(n=Count("id")).order_by("-n", "copy__title")[:limit])
    titles = Title.objects.in_bulk([row["copy__title"] for row in counted])
    return [titles[row["copy__title"]] for row in counted if row["copy__title"] in titles]


def year_levels(school: School) -> list[int]:
    """The year levels this school has pupils in (for the toppers tabs)."""
    levels = (
        Patron.objects.for_school(school)
        .filter(status=Patron.Status.ACTIVE, year_level__isnull=False)
        .values_list("year_level", flat=True)
        .distinct()
    )
    return sorted({level for level in levels if level is not None})


def new_arrivals(school: School, *, limit: int = 8) -> list[Title]:
    """The titles whose newest copy at this school came in most recently."""
    newest = list(
        Copy.objects.for_school(school)
        .held()
        .values("title")
        .annotate(newest=Max("created_at"))
        .order_by("-newest")[:limit]
    )
    titles = Title.objects.in_bulk([row["title"] for row in newest])
    return [titles[row["title"]] for row in newest if row["title"] in titles]


def portal_content(
    school: School, *, year_level: int | None = None, limit: int = 6
) -> tuple[list[ReadingTip], list[Fact]]:
    """(leestips, weetjes) published today on this school's portal; the pupil's own year level first."""
    tips = list(ReadingTip.objects.published_for(school).prefetch_related("titles")[:50])
    facts = list(Fact.objects.published_for(school).prefetch_related("titles")[:50])
    if year_level is not None:
        tips = [item for item in tips if item.meant_for(year_level)]
        facts = [item for item in facts if item.meant_for(year_level)]
    return tips[:limit], facts[:limit]


@dataclass(frozen=True)
class ClassRead:
    """A title the class borrowed this school year: how many pupils read it, their average stars."""

    title: Title
    readers: int
    stars: float | None


@dataclass
class ClassOverview:
    group_name: str
    pupils: list[Patron] = field(default_factory=list)
    open_loans: list[Loan] = field(default_factory=list)
    overdue: list[Loan] = field(default_factory=list)
    reads: list[ClassRead] = field(default_factory=list)
    no_loan: list[Patron] = field(default_factory=list)


def class_overview(teacher: Patron, *, today: dt.date | None = None) -> ClassOverview | None:
    """The teacher's own group: who has what, what is overdue, and what the class read this school year."""
    if teacher.kind != Patron.Kind.TEACHER or teacher.group_id is None:
        return None
    today = today or timezone.localdate()
    school = teacher.school
    pupils = list(
        Patron.objects.for_school(school).filter(
            group_id=teacher.group_id, kind=Patron.Kind.STUDENT, status=Patron.Status.ACTIVE
        )
    )
    overview = ClassOverview(group_name=teacher.group.name if teacher.group else "", pupils=pupils)
    open_loans = list(
        Loan.objects.for_school(school)
        .open()
        .filter(patron__in=pupils)
        .select_related("copy__title", "patron")
        .order_by("due_date", "patron__last_name")
    )
    overview.open_loans = open_loans
    overview.overdue = [loan for loan in open_loans if loan.due_date < today]
    with_loan = {loan.patron_id for loan in open_loans}
    overview.no_loan = [pupil for pupil in pupils if pupil.pk not in with_loan]
    year_start = dt.date(school_year_of(today), 8, 1)
    counted = list(
        Loan.objects.for_school(school)
        .filter(patron__in=pupils, checked_out_at__date__gte=year_start)
        .values("copy__title")
        .annotate(readers=Count("patron", distinct=True))
        .order_by("-readers", "copy__title")[:30]
    )
    titles = Title.objects.in_bulk([row["copy__title"] for row in counted])
    stars = dict(
        ReadingLogEntry.objects.for_school(school)
        .filter(patron__in=pupils, title_id__in=list(titles), stars__isnull=False)
        .values("title")
        .annotate(avg=Avg("stars"))
        .values_list("title", "avg")
    )
    overview.reads = [
        ClassRead(title=titles[row["copy__title"]], readers=row["readers"], stars=stars.get(row["copy__title"]))
        for row in counted
        if row["copy__title"] in titles
    ]
    return overview


# --- the search page ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchPage:
    total: int
    cards: list[TitleRow]
    facets: list[Facet]
    page: int
    pages: int


def search_page(query: str, *, school: School, filters: dict[str, str], available_only: bool, page: int) -> SearchPage:
    """One page of this school's titles matching `query` and `filters`, with their availability and the facets."""
    size = catalog_pages.PAGE_SIZE
    results = catalog_search.search_titles(
        query, school=school, filters=filters, available_only=available_only, limit=size, offset=(page - 1) * size
    )
    return SearchPage(
        total=results.total,
        cards=title_rows(results.titles, school),
        facets=catalog_pages.facets(results.facets, filters),
        page=page,
        pages=(results.total + size - 1) // size,
    )


# --- Mijn Bibliotheek ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PatronLoan:
    """An open loan as the pupil sees it: how many days are left (negative: late)."""

    loan: Loan
    days_left: int


def patron_loans(patron: Patron, *, today: dt.date | None = None) -> list[PatronLoan]:
    """The patron's open loans at their school, the first to go back first."""
    today = today or timezone.localdate()
    loans = (
        Loan.objects.for_school(patron.school)
        .open()
        .filter(patron=patron)
        .select_related("copy__title")
        .order_by("due_date")
    )
    return [PatronLoan(loan=loan, days_left=(loan.due_date - today).days) for loan in loans]


@dataclass(frozen=True)
class PatronReservation:
    """An open reservation with the patron's place in the queue (0 when it is ready)."""

    reservation: Reservation
    position: int


def patron_reservations(patron: Patron) -> list[PatronReservation]:
    items = (
        Reservation.objects.for_school(patron.school)
        .open()
        .filter(patron=patron)
        .select_related("title")
        .order_by("placed_at")
    )
    return [PatronReservation(reservation=item, position=circulation_services.queue_position(item)) for item in items]


def wish_list(patron: Patron) -> list[TitleRow]:
    """The titles on the patron's wish list, each with its availability at their school."""
    items = WishListItem.objects.for_school(patron.school).filter(patron=patron).select_related("title")
    return title_rows([item.title for item in items], patron.school)


# --- the portal's pages -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PortalHome:
    tips: list[ReadingTip]
    facts: list[Fact]
    new_titles: list[TitleRow]
    toppers: list[TitleRow]
    toppers_year_level: int | None  # None: the whole school's toppers


def portal_home(school: School, patron: Patron | None) -> PortalHome:
    """Leestips and weetjes, new arrivals and toppers; for a logged-in pupil, those of their year level first."""
    year_level = patron.year_level if patron is not None and patron.is_student else None
    tips, facts = portal_content(school, year_level=year_level, limit=4)
    top = toppers(school, year_level=year_level, limit=8)
    if year_level is not None and not top:
        top, year_level = toppers(school, limit=8), None
    return PortalHome(
        tips=tips,
        facts=facts,
        new_titles=title_rows(new_arrivals(school, limit=8), school),
        toppers=title_rows(top, school),
        toppers_year_level=year_level,
    )


@dataclass(frozen=True)
class CopyOnPage:
    """A copy of the title at this school, with its due date while it is lent."""

    copy: Copy
    due_date: dt.date | None


@dataclass(frozen=True)
class PatronTitle:
    """What a logged-in patron has to do with a title: wish list, reading log, an open reservation."""

    on_wish_list: bool
    log_entry: ReadingLogEntry | None
    reservation: Reservation | None


@dataclass(frozen=True)
class TitlePage:
    card: TitleRow
    copies: list[CopyOnPage]
    series: list[TitleRow]
    by_author: list[TitleRow]
    language_label: str
    nur_label: str
    mine: PatronTitle | None  # None: nobody (or no patron) is logged in


def copies_on_page(title: Title, school: School) -> list[CopyOnPage]:
    copies = list(Copy.objects.for_school(school).held().filter(title=title).order_by("barcode"))
    due = {loan.copy_id: loan.due_date for loan in Loan.objects.for_school(school).open().filter(copy__in=copies)}
    return [CopyOnPage(copy=copy, due_date=due.get(copy.pk)) for copy in copies]


def patron_title(patron: Patron, title: Title) -> PatronTitle:
    school = patron.school
    return PatronTitle(
        on_wish_list=WishListItem.objects.for_school(school).filter(patron=patron, title=title).exists(),
        log_entry=ReadingLogEntry.objects.for_school(school).filter(patron=patron, title=title).first(),
        reservation=Reservation.objects.for_school(school).open().filter(patron=patron, title=title).first(),
    )


def title_page(title: Title, school: School, patron: Patron | None) -> TitlePage:
    """A title at this school: availability and copies, more of its series and its author, and the patron's part."""
    series = catalog_pages.series_titles(title, school)
    by_author = catalog_pages.same_author_titles(title, school)
    cards = title_rows([title, *series, *by_author], school)
    return TitlePage(
        card=cards[0],
        copies=copies_on_page(title, school),
        series=cards[1 : 1 + len(series)],
        by_author=cards[1 + len(series) :],
        language_label=str(catalog_pages.LANGUAGES.get(title.language, title.language)),
        nur_label=catalog_pages.facet_label("nur", title.nur) if title.nur else "",
        mine=patron_title(patron, title) if patron is not None else None,
    )


def shelf(school: School, kind: str, value: str) -> Shelf | None:
    """A shelf of "Kijk in de kast" ("" for none chosen yet); None for a shelf that does not exist."""
    if not kind:
        return Shelf(kind, value, "")
    if kind == "populair":
        return Shelf(kind, value, str(catalog_pages.SHELVES[kind]), titles=toppers(school, limit=40))
    return catalog_pages.catalog_shelf(school, kind, value)
