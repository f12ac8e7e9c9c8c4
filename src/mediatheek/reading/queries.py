"""Read-only questions the portal asks: reading log, toppers, new arrivals, a teacher's class."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Avg, Count, Max
from django.utils import timezone

from mediatheek.catalog.models import Copy, Title
from mediatheek.circulation.models import Loan
from mediatheek.core.schoolyear import school_year_of
from mediatheek.patrons.models import Patron
from mediatheek.reading.models import Fact, ReadingLogEntry, ReadingTip

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
    rows: dict[int, LogRow] = {}
    borrowed = (
        Loan.objects.for_school(patron.school)
        .filter(patron=patron)
        .values("copy__title")
        .annotate(last=Max("checked_out_at"), times=Count("id"))
    )
    for item in borrowed:
        rows[item["copy__title"]] = LogRow(title=None, last_borrowed=item["last"], times_borrowed=item["times"])  # type: ignore[arg-type]
    entries = ReadingLogEntry.objects.for_school(patron.school).filter(patron=patron)
    for entry in entries:
        rows.setdefault(entry.title_id, LogRow(title=None)).entry = entry  # type: ignore[arg-type]
    titles = Title.objects.in_bulk(list(rows))
    result = []
    for title_id, row in rows.items():
        if title_id in titles:
            row.title = titles[title_id]
            result.append(row)

    def newest(row: LogRow) -> dt.datetime:
        moments = [m for m in (row.last_borrowed, row.entry.updated_at if row.entry else None) if m]
        return max(moments) if moments else timezone.now()

    result.sort(key=newest, reverse=True)
    return result


def toppers(school: School, *, year_level: int | None = None, limit: int = 10, days: int = TOPPER_DAYS) -> list[Title]:
    """The titles lent most at this school in the last year (for one year level, when given)."""
    since = timezone.now() - dt.timedelta(days=days)
    loans = Loan.objects.for_school(school).filter(checked_out_at__gte=since)
    if year_level is not None:
        loans = loans.filter(patron__year_level=year_level)
    counted = list(loans.values("copy__title").annotate(n=Count("id")).order_by("-n", "copy__title")[:limit])
    titles = Title.objects.in_bulk([row["copy__title"] for row in counted])
    result = []
    for row in counted:
        title = titles.get(row["copy__title"])
        if title is not None:
            title.times_lent = row["n"]  # type: ignore[attr-defined]
            result.append(title)
    return result


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
        .exclude(status__in=[Copy.Status.WITHDRAWN, Copy.Status.LOST])
        .values("title")
        .annotate(newest=Max("created_at"))
        .order_by("-newest")[:limit]
    )
    titles = Title.objects.in_bulk([row["title"] for row in newest])
    return [titles[row["title"]] for row in newest if row["title"] in titles]


def portal_content(school: School, *, year_level: int | None = None, limit: int = 6) -> tuple[list, list]:
    """(leestips, weetjes) published today on this school's portal; the pupil's own year level first."""
    result = []
    for model in (ReadingTip, Fact):
        items = list(model.objects.published_for(school).prefetch_related("titles")[:50])
        if year_level is not None:
            items = [item for item in items if item.meant_for(year_level)]
        result.append(items[:limit])
    return result[0], result[1]


@dataclass
class ClassOverview:
    group_name: str
    pupils: list[Patron] = field(default_factory=list)
    open_loans: list[Loan] = field(default_factory=list)
    overdue: list[Loan] = field(default_factory=list)
    reads: list[dict] = field(default_factory=list)
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
        .filter(patron__in=pupils, returned_at__isnull=True)
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
        {"title": titles[row["copy__title"]], "readers": row["readers"], "stars": stars.get(row["copy__title"])}
        for row in counted
        if row["copy__title"] in titles
    ]
    return overview
