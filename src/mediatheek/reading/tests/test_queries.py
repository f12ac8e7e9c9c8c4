"""The portal's read models (reading.queries with catalog.portal_queries): typed answers, one school's figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mediatheek.catalog.models import Copy
from mediatheek.circulation.models import Reservation
from mediatheek.reading import queries, services
from mediatheek.testing.factories import CopyFactory, LoanFactory, PatronFactory, TitleFactory, patron_login

pytestmark = pytest.mark.django_db


def test_title_page_counts_this_schools_copies_and_first_due_date_only(school_a, school_b):
    title = TitleFactory()
    CopyFactory(title=title, school=school_a)
    lent = CopyFactory(title=title, school=school_a, status=Copy.Status.LENT)
    LoanFactory(copy=lent, due_date=dt.date(2030, 5, 1))
    CopyFactory(title=title, school=school_a, status=Copy.Status.WITHDRAWN)
    elsewhere = CopyFactory(title=title, school=school_b, status=Copy.Status.LENT)
    LoanFactory(copy=elsewhere, due_date=dt.date(2029, 1, 1))
    page = queries.title_page(title, school_a, None)
    assert (page.card.title, page.card.availability.on_shelf, page.card.availability.total) == (title, 1, 2)
    assert page.card.availability.next_due == dt.date(2030, 5, 1)
    assert [row.copy.status for row in page.copies] == [Copy.Status.AVAILABLE, Copy.Status.LENT]
    availability_b = queries.title_page(title, school_b, None).card.availability
    assert (availability_b.on_shelf, availability_b.total, availability_b.next_due) == (0, 1, dt.date(2029, 1, 1))


def test_a_chosen_facet_value_stays_listed_and_avi_levels_come_in_reading_order(school_a):
    for level in ("M5", "E3", "AVI-Start"):
        CopyFactory(school=school_a, title=TitleFactory(title=f"Boek {level}", avi_level=level, language="dut"))
    page = queries.search_page("boek", school=school_a, filters={"language": "eng"}, available_only=False, page=1)
    assert page.total == 0 and page.cards == []
    facets = {facet.key: facet for facet in page.facets}
    assert [(option.value, option.count) for option in facets["language"].options] == [("eng", 0)]
    page = queries.search_page("boek", school=school_a, filters={}, available_only=False, page=1)
    assert [option.value for option in {f.key: f for f in page.facets}["avi_level"].options] == [
        "AVI-Start",
        "E3",
        "M5",
    ]
    assert page.pages == 1 and {card.title.title for card in page.cards} == {"Boek M5", "Boek E3", "Boek AVI-Start"}


def test_patron_loans_say_how_many_days_are_left(school_a):
    pupil = PatronFactory(school=school_a)
    today = timezone.localdate()
    late = LoanFactory(copy=CopyFactory(school=school_a), patron=pupil, due_date=today - dt.timedelta(days=2))
    LoanFactory(copy=CopyFactory(school=school_a), patron=pupil, returned_at=timezone.now())
    later = LoanFactory(copy=CopyFactory(school=school_a), patron=pupil, due_date=today + dt.timedelta(days=5))
    rows = queries.patron_loans(pupil, today=today)
    assert [(row.loan, row.days_left) for row in rows] == [(late, -2), (later, 5)]


def test_patron_reservations_give_the_place_in_the_queue(school_a):
    title = TitleFactory()
    first, second = PatronFactory(school=school_a), PatronFactory(school=school_a)
    for patron in (first, second):
        Reservation.objects.create(school=school_a, title=title, patron=patron)
    assert [row.position for row in queries.patron_reservations(second)] == [2]
    assert [row.position for row in queries.patron_reservations(first)] == [1]


def test_title_page_has_this_schools_copies_series_and_the_patrons_own_part(school_a, school_b):
    one = TitleFactory(title="Deel een", series="Reeks", series_number="1", authors="A. Schrijver")
    two = TitleFactory(title="Deel twee", series="Reeks", series_number="2", authors="A. Schrijver")
    lent = CopyFactory(title=one, school=school_a, status=Copy.Status.LENT, barcode="A1")
    LoanFactory(copy=lent, due_date=dt.date(2030, 6, 1))
    CopyFactory(title=two, school=school_a)
    CopyFactory(title=TitleFactory(series="Reeks", series_number="3"), school=school_b)  # not held by A
    pupil = PatronFactory(school=school_a)
    services.add_to_wish_list(patron=pupil, title=one, by=patron_login(pupil))
    page = queries.title_page(one, school_a, pupil)
    assert [(row.copy, row.due_date) for row in page.copies] == [(lent, dt.date(2030, 6, 1))]
    assert [card.title for card in page.series] == [one, two]
    assert [card.title for card in page.by_author] == [two]
    assert page.card.availability.total == 1 and page.card.availability.on_shelf == 0
    assert page.mine is not None and page.mine.on_wish_list and page.mine.reservation is None
    assert queries.title_page(one, school_a, None).mine is None


def test_shelves_exist_by_name_only(school_a):
    CopyFactory(school=school_a, title=TitleFactory(title="Kleuterboek", age_code="AK"))
    shelf = queries.shelf(school_a, "leeftijd", "AK")
    assert shelf is not None and [title.title for title in shelf.titles or []] == ["Kleuterboek"]
    assert queries.shelf(school_a, "leeftijd", "").titles is None  # choose an age first
    assert queries.shelf(school_a, "", "").titles is None
    assert queries.shelf(school_a, "onbekend", "") is None


def test_class_reads_are_typed_rows(school_a):
    teacher = PatronFactory(school=school_a, kind="teacher")
    pupil = PatronFactory(school=school_a, group=teacher.group, kind="student")
    loan = LoanFactory(copy=CopyFactory(school=school_a), patron=pupil)
    overview = queries.class_overview(teacher)
    assert overview is not None
    assert [(read.title, read.readers, read.stars) for read in overview.reads] == [(loan.copy.title, 1, None)]
