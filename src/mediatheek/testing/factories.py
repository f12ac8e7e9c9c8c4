"""factory-boy factories for tests, one per model. Every object belongs to a school unless it is library-wide."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from mediatheek.accounts.models import Role, User
from mediatheek.catalog.models import Copy, Title
from mediatheek.circulation.models import Loan, Reservation
from mediatheek.core.schoolyear import school_year_of
from mediatheek.patrons.cardnumbers import card_number_for
from mediatheek.patrons.models import Group, Patron
from mediatheek.schools.models import Library, School

TEST_PASSWORD = "test-wachtwoord-42"  # noqa: S105 - tests only


class LibraryFactory(factory.django.DjangoModelFactory[Library]):
    class Meta:
        model = Library
        django_get_or_create = ("name",)

    name = "Testbibliotheek"


class SchoolFactory(factory.django.DjangoModelFactory[School]):
    class Meta:
        model = School

    library = factory.SubFactory(LibraryFactory)
    code = factory.Sequence(lambda n: f"{10 + n % 90:02d}AB{n // 90 % 100:02d}")
    name = factory.Sequence(lambda n: f"School {n}")
    slug = factory.Sequence(lambda n: f"school-{n}")
    contact_email = factory.LazyAttribute(lambda o: f"contact-{o.slug}@bibliotheek.example")


class GroupFactory(factory.django.DjangoModelFactory[Group]):
    class Meta:
        model = Group

    school = factory.SubFactory(SchoolFactory)
    school_year = factory.LazyFunction(lambda: school_year_of(timezone.localdate()))
    name = factory.Sequence(lambda n: f"Groep {n % 8 + 1}{chr(65 + n % 3)}{n}")
    year_level = factory.Sequence(lambda n: n % 8 + 1)


class PatronFactory(factory.django.DjangoModelFactory[Patron]):
    class Meta:
        model = Patron

    school = factory.SubFactory(SchoolFactory)
    card_number = factory.Sequence(lambda n: card_number_for(90_000_000 + n))
    student_number = factory.Sequence(lambda n: f"{n + 1000}")
    first_name = factory.Iterator(["Sanne", "Daan", "Zoë", "Mohamed", "Fleur"])
    name_prefix = factory.Iterator(["", "van den", "de", ""])
    last_name = factory.Iterator(["Berg", "Jansen", "Vries", "Öztürk", "Bakker"])
    group = factory.SubFactory(GroupFactory, school=factory.SelfAttribute("..school"))
    year_level = factory.LazyAttribute(lambda o: o.group.year_level if o.group else None)
    birth_date = dt.date(2016, 5, 17)
    enrolled_on = dt.date(2024, 8, 20)


class TitleFactory(factory.django.DjangoModelFactory[Title]):
    class Meta:
        model = Title

    title = factory.Sequence(lambda n: f"Het geheim van boek {n}")
    authors = "Paul van Loon"
    author_sort = "Loon, Paul van"
    age_code = "B"
    avi_level = "E6"


class CopyFactory(factory.django.DjangoModelFactory[Copy]):
    class Meta:
        model = Copy

    title = factory.SubFactory(TitleFactory)
    school = factory.SubFactory(SchoolFactory)
    barcode = factory.Sequence(lambda n: f"T{n:07d}")


class LoanFactory(factory.django.DjangoModelFactory[Loan]):
    class Meta:
        model = Loan

    school = factory.LazyAttribute(lambda o: o.copy.school)
    copy = factory.SubFactory(CopyFactory)
    patron = factory.LazyAttribute(lambda o: PatronFactory(school=o.copy.school))
    checked_out_at = factory.LazyFunction(timezone.now)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))


class ReservationFactory(factory.django.DjangoModelFactory[Reservation]):
    class Meta:
        model = Reservation

    school = factory.SubFactory(SchoolFactory)
    title = factory.SubFactory(TitleFactory)
    patron = factory.LazyAttribute(lambda o: PatronFactory(school=o.school))


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.STAFF
    school = None
    may_import_students = factory.LazyAttribute(lambda o: o.role == Role.STAFF)

    @factory.post_generation
    def password(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805 - factory-boy passes the object
        obj.set_password(extracted or TEST_PASSWORD)
        if create:
            obj.save()


def staff(**kwargs: Any) -> User:
    return UserFactory(role=Role.STAFF, **kwargs)


def school_user(role: str, school: School, **kwargs: Any) -> User:
    return UserFactory(role=role, school=school, **kwargs)


def patron_login(patron: Patron, **kwargs: Any) -> User:
    return UserFactory(role=Role.PATRON, school=patron.school, patron=patron, username=patron.card_number, **kwargs)
