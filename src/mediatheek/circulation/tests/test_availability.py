from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mediatheek.catalog.models import Copy
from mediatheek.circulation.availability import availability
from mediatheek.testing.factories import CopyFactory, LoanFactory, TitleFactory

pytestmark = pytest.mark.django_db


def test_on_shelf_held_and_first_due_date_at_one_school(school_a: Any, school_b: Any) -> None:
    held: Any = TitleFactory(title="Boek alfa")
    other: Any = TitleFactory(title="Boek beta")
    lent: Any = TitleFactory(title="Boek uitgeleend")
    CopyFactory(title=held, school=school_a)
    CopyFactory(title=held, school=school_a, status=Copy.Status.WITHDRAWN)  # not held: not counted
    CopyFactory(title=other, school=school_b)
    lent_copy = CopyFactory(title=lent, school=school_a, status=Copy.Status.LENT)
    due = dt.date.today() + dt.timedelta(days=5)
    LoanFactory(copy=lent_copy, due_date=due)
    info = availability([held, lent, other], school_a)
    assert (info[held.pk].on_shelf, info[held.pk].total, info[held.pk].next_due) == (1, 1, None)
    assert (info[lent.pk].on_shelf, info[lent.pk].total, info[lent.pk].next_due) == (0, 1, due)
    assert (info[other.pk].on_shelf, info[other.pk].total) == (0, 0)
    assert availability([], school_a) == {}
