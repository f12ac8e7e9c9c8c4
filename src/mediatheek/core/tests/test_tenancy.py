import pytest

from mediatheek.patrons.models import Patron
from mediatheek.testing.factories import PatronFactory


@pytest.mark.django_db
def test_for_school_sees_only_that_school(school_a, school_b):
    mine = PatronFactory(school=school_a)
    PatronFactory(school=school_b)
    assert list(Patron.objects.for_school(school_a)) == [mine]


@pytest.mark.django_db
def test_for_school_none_is_nothing(school_a):
    PatronFactory(school=school_a)
    assert not Patron.objects.for_school(None).exists()
