"""Which books are late, per patron and per group. Read-only queries; sending reminders lives in services.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from mediatheek.circulation.models import Loan
from mediatheek.patrons.models import Group, Patron

if TYPE_CHECKING:
    from mediatheek.schools.models import School


def overdue_loans(school: School, *, group: Group | None = None, today: dt.date | None = None) -> QuerySet[Loan]:
    """Open loans of the school's patrons whose due date has passed, ordered by group, name and due date."""
    today = today or timezone.localdate()
    loans = (
        Loan.objects.for_school(school)
        .open()
        .filter(due_date__lt=today, patron__isnull=False, patron__school=school)
        .select_related("patron", "patron__group", "copy", "copy__title")
    )
    if group is not None:
        loans = loans.filter(patron__group=group)
    return loans.order_by(
        "patron__group__year_level",
        "patron__group__name",
        "patron__last_name",
        "patron__first_name",
        "patron_id",
        "due_date",
    )


def overdue_by_patron(
    school: School, *, group: Group | None = None, today: dt.date | None = None
) -> Iterator[tuple[Patron, list[Loan]]]:
    for _patron_id, loans in groupby(overdue_loans(school, group=group, today=today), key=lambda loan: loan.patron_id):
        items = list(loans)
        patron = items[0].patron
        assert patron is not None
        yield patron, items


def overdue_by_group(
    school: School, *, group: Group | None = None, today: dt.date | None = None
) -> list[tuple[Group | None, list[Loan]]]:
    """[(group or None for patrons without a group, its late loans)], in the order of the school's groups."""
    return [
        (items[0].patron.group if items[0].patron else None, items)
        for items in (
            list(loans)
            for _group_id, loans in groupby(
                overdue_loans(school, group=group, today=today),
                key=lambda loan: loan.patron.group_id if loan.patron else None,
            )
        )
    ]


def days_late(loan: Loan, today: dt.date | None = None) -> int:
    return ((today or timezone.localdate()) - loan.due_date).days


@dataclass(frozen=True)
class LateLoan:
    """A row of the overdue list on screen: the loan and how many days it is late."""

    loan: Loan
    days_late: int


def overdue_rows_by_group(
    school: School, *, group: Group | None = None, today: dt.date | None = None
) -> list[tuple[Group | None, list[LateLoan]]]:
    """overdue_by_group with each loan's days late, for the screen."""
    today = today or timezone.localdate()
    return [
        (shown, [LateLoan(loan, days_late(loan, today)) for loan in loans])
        for shown, loans in overdue_by_group(school, group=group, today=today)
    ]
