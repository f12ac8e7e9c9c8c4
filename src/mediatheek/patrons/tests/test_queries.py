"""The read models of patrons (patrons/queries.py)."""

import pytest

from mediatheek.accounts.models import Role
from mediatheek.patrons import queries
from mediatheek.patrons.models import Patron
from mediatheek.testing.factories import GroupFactory, PatronFactory, UserFactory, patron_login

pytestmark = pytest.mark.django_db


def _names(listing):
    assert listing.page is not None
    return sorted(patron.last_name for patron in listing.page)


def test_the_list_filters_by_status_kind_group_and_words(school_a, school_b):
    group = GroupFactory(school=school_a, name="Groep 6B")
    PatronFactory(school=school_a, first_name="Sanne", last_name="Lezer", group=group)
    PatronFactory(school=school_a, first_name="Daan", last_name="Lezer", group=None)
    PatronFactory(school=school_a, last_name="Weg", status=Patron.Status.DEREGISTERED)
    PatronFactory(school=school_a, last_name="Meester", kind=Patron.Kind.TEACHER)
    PatronFactory(school=school_b, last_name="Lezer")  # another school
    listing = queries.patron_list(school_a, queries.PatronFilters(), with_student_numbers=False)
    assert _names(listing) == ["Lezer", "Lezer", "Meester"] and listing.exact is None
    words = queries.PatronFilters.of({"q": "sanne lez"})
    assert _names(queries.patron_list(school_a, words, with_student_numbers=False)) == ["Lezer"]
    by_group = queries.PatronFilters.of({"groep": str(group.pk)})
    grouped = queries.patron_list(school_a, by_group, with_student_numbers=False)
    assert grouped.group == group and _names(grouped) == ["Lezer"]
    gone = queries.PatronFilters.of({"status": Patron.Status.DEREGISTERED.value})
    assert _names(queries.patron_list(school_a, gone, with_student_numbers=False)) == ["Weg"]
    teachers = queries.PatronFilters.of({"soort": Patron.Kind.TEACHER.value})
    assert _names(queries.patron_list(school_a, teachers, with_student_numbers=False)) == ["Meester"]
    bad = queries.PatronFilters.of({"groep": "99999999999999999999", "status": "x", "soort": "\x00"})
    assert queries.patron_list(school_a, bad, with_student_numbers=False).group is None


def test_a_card_number_is_the_one_patron_and_student_numbers_only_for_who_sees_them(school_a, school_b):
    patron = PatronFactory(school=school_a, last_name="Kaart", student_number="4711")
    theirs = PatronFactory(school=school_b)
    card = queries.PatronFilters.of({"q": str(patron.card_number)})
    assert queries.patron_list(school_a, card, with_student_numbers=False).exact == patron
    paged = queries.PatronFilters.of({"q": str(patron.card_number), "pagina": "1"})  # paging a search: stay on the list
    assert queries.patron_list(school_a, paged, with_student_numbers=False).exact is None
    other = queries.PatronFilters.of({"q": str(theirs.card_number)})
    assert queries.patron_list(school_a, other, with_student_numbers=True).exact is None
    number = queries.PatronFilters.of({"q": "4711"})
    assert _names(queries.patron_list(school_a, number, with_student_numbers=True)) == ["Kaart"]
    assert _names(queries.patron_list(school_a, number, with_student_numbers=False)) == []


def test_desk_name_search_finds_active_patrons_of_the_school(school_a, school_b):
    PatronFactory(school=school_a, first_name="Sanne", last_name="Lezer")
    PatronFactory(school=school_a, first_name="Oud", last_name="Lezer", status=Patron.Status.DEREGISTERED)
    PatronFactory(school=school_b, first_name="Beta", last_name="Lezer")
    assert [p.first_name for p in queries.desk_name_search(school_a, "lezer")] == ["Sanne"]
    assert queries.desk_name_search(school_a, "") == []


def test_letters_preview_counts_logins_and_skips_a_taken_card_number(school_a):
    with_login, fresh, taken = (PatronFactory(school=school_a) for _ in range(3))
    patron_login(with_login)
    UserFactory(username=taken.card_number.upper(), role=Role.UPLOADER, school=school_a)
    preview = queries.letters_preview(Patron.objects.filter(school=school_a).order_by("pk"))
    assert preview.patrons == [with_login, fresh, taken]
    assert preview.with_login == 1 and preview.skipped == [taken]
    assert taken.full_name in preview.skipped_message
