"""Availability of titles at one school: copies on the shelf, copies held, and the first due date of the lent ones.

Here rather than in catalog/search.py: it reads loans, and the catalogue sits below circulation.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Min, Q

from mediatheek.catalog.models import ON_SHELF_STATUSES, Copy, Title
from mediatheek.circulation.models import Loan

if TYPE_CHECKING:
    from mediatheek.schools.models import School


@dataclass
class Availability:
    """For one title at one school."""

    on_shelf: int
    total: int
    next_due: datetime.date | None


def availability(titles: Iterable[Title], school: School) -> dict[int, Availability]:
    """On the shelf / held / first due date, per title id, at one school (two queries)."""
    ids = [title.pk for title in titles]
    result = {pk: Availability(on_shelf=0, total=0, next_due=None) for pk in ids}
    if not ids:
        return result
    counts = (
        Copy.objects.for_school(school)
        .held()
        .filter(title_id__in=ids)
        .values("title_id")
        .annotate(total=Count("id"), on_shelf=Count("id", filter=Q(status__in=ON_SHELF_STATUSES)))
        .order_by()
    )
    for row in counts:
        result[row["title_id"]].total = row["total"]
        result[row["title_id"]].on_shelf = row["on_shelf"]
    dues = (
        Loan.objects.for_school(school)
        .open()
        .filter(copy__title_id__in=ids)
        .values("copy__title_id")
        .annotate(next_due=Min("due_date"))
        .order_by()
    )
    for row in dues:
        result[row["copy__title_id"]].next_due = row["next_due"]
    return result
