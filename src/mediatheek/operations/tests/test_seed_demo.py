import pytest
from django.core.management import call_command

from mediatheek.accounts.models import Role, User
from mediatheek.catalog.models import Copy, Title
from mediatheek.circulation.models import Loan
from mediatheek.patrons.models import Patron
from mediatheek.schools.models import School


@pytest.mark.django_db
def test_seed_demo_is_complete_and_idempotent():
    call_command("seed_demo")
    counts = (School.objects.count(), Patron.objects.count(), Title.objects.count(), Loan.objects.count())
    call_command("seed_demo")
    assert counts == (
        School.objects.count(),
        Patron.objects.count(),
        Title.objects.count(),
        Loan.objects.count(),
    )
    assert School.objects.count() == 2
    assert Patron.objects.filter(kind="student").count() >= 200
    assert Patron.objects.filter(kind="teacher").exists()
    assert Title.objects.count() >= 200 and Copy.objects.count() >= 200
    assert Loan.objects.filter(returned_at__isnull=True, due_date__lt="2999-01-01").exists()
    assert {user.role for user in User.objects.all()} == set(Role.values)
    assert Patron.objects.filter(name_prefix__contains=" ").exists()


@pytest.mark.django_db
def test_the_demo_morning_has_reserved_books_to_take_from_the_shelf():
    from mediatheek.circulation.queries import pick_list

    call_command("seed_demo")
    for school in School.objects.all():
        assert pick_list(school), f"{school.name}: the Ophaallijst of the demo is empty"
