"""factory-boy factories for tests, one per model. Every object belongs to a school unless it is library-wide."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from mediatheek.accounts.models import LoginSession, RecoveryCode, Role, User
from mediatheek.catalog.models import BarcodeSeries, Copy, Stocktake, StocktakeScan, Title
from mediatheek.circulation.models import Loan, LoanRule, Reservation
from mediatheek.core.models import AuditEvent
from mediatheek.core.schoolyear import school_year_of
from mediatheek.patrons.cardnumbers import card_number_for
from mediatheek.patrons.models import CardNumberSequence, Group, Patron
from mediatheek.reading.models import Fact, ReadingLogEntry, ReadingTip, WishListItem
from mediatheek.schools.models import ClosedDay, Library, School
from mediatheek.studentimport.models import ImportChange, ImportRun
from mediatheek.uploads.models import StudentUpload, UploadReminder

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


class BarcodeSeriesFactory(factory.django.DjangoModelFactory[BarcodeSeries]):
    class Meta:
        model = BarcodeSeries

    school = factory.SubFactory(SchoolFactory)
    prefix = "R"
    width = 6
    next_number = 1


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


# --- The other models: one factory each (core/tests/test_project_rules.py checks that no model lacks one) ------------


class AuditEventFactory(factory.django.DjangoModelFactory[AuditEvent]):
    class Meta:
        model = AuditEvent

    school = factory.SubFactory(SchoolFactory)
    action = "test.event"
    summary = factory.Sequence(lambda n: f"Testgebeurtenis {n}")


class ClosedDayFactory(factory.django.DjangoModelFactory[ClosedDay]):
    class Meta:
        model = ClosedDay

    school = factory.SubFactory(SchoolFactory)
    name = "Kerstvakantie"
    start = dt.date(2026, 12, 21)
    end = dt.date(2027, 1, 1)


class LoginSessionFactory(factory.django.DjangoModelFactory[LoginSession]):
    class Meta:
        model = LoginSession

    session_key = factory.Sequence(lambda n: f"testsession{n:029d}")
    session_data = factory.LazyFunction(lambda: LoginSession.get_session_store_class()().encode({}))
    expire_date = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))
    user_id = None


class CardNumberSequenceFactory(factory.django.DjangoModelFactory[CardNumberSequence]):
    """The one row (pk 1) that patrons.services locks while it takes card numbers."""

    class Meta:
        model = CardNumberSequence
        django_get_or_create = ("id",)

    id = 1


class StocktakeFactory(factory.django.DjangoModelFactory[Stocktake]):
    class Meta:
        model = Stocktake

    school = factory.SubFactory(SchoolFactory)
    shelf = "Kast A"


class StocktakeScanFactory(factory.django.DjangoModelFactory[StocktakeScan]):
    class Meta:
        model = StocktakeScan

    stocktake = factory.SubFactory(StocktakeFactory)
    copy = factory.SubFactory(CopyFactory, school=factory.SelfAttribute("..stocktake.school"))
    barcode = factory.LazyAttribute(lambda o: o.copy.barcode if o.copy else "ONBEKEND")


class LoanRuleFactory(factory.django.DjangoModelFactory[LoanRule]):
    class Meta:
        model = LoanRule

    school = factory.SubFactory(SchoolFactory)
    loan_days = 21


class ImportRunFactory(factory.django.DjangoModelFactory[ImportRun]):
    class Meta:
        model = ImportRun

    school = factory.SubFactory(SchoolFactory)
    filename = factory.Sequence(lambda n: f"leerlingen-{n}.csv")
    sha256 = factory.Sequence(lambda n: hashlib.sha256(f"import {n}".encode()).hexdigest())
    format = "csv"
    school_year = factory.LazyFunction(lambda: school_year_of(timezone.localdate()))


class ImportChangeFactory(factory.django.DjangoModelFactory[ImportChange]):
    class Meta:
        model = ImportChange

    run = factory.SubFactory(ImportRunFactory)
    patron = factory.SubFactory(PatronFactory, school=factory.SelfAttribute("..run.school"))
    outcome = "new"
    student_number = factory.LazyAttribute(lambda o: o.patron.student_number if o.patron else "1")
    name = factory.LazyAttribute(lambda o: o.patron.last_name if o.patron else "")


class StudentUploadFactory(factory.django.DjangoModelFactory[StudentUpload]):
    """An uploaded student file, stored encrypted like a real one (`content`: the file's bytes)."""

    class Meta:
        model = StudentUpload

    class Params:
        content = b"leerlingnummer;achternaam\n1;Jansen\n"

    school = factory.SubFactory(SchoolFactory)
    filename = factory.Sequence(lambda n: f"leerlingen-{n}.csv")
    size = factory.LazyAttribute(lambda o: len(o.content))
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.content).hexdigest())
    stored_name = factory.LazyAttribute(lambda o: _save_encrypted(o.content))


def _save_encrypted(content: bytes) -> str:
    from mediatheek.uploads import storage

    return storage.save_encrypted(content)


class UploadReminderFactory(factory.django.DjangoModelFactory[UploadReminder]):
    class Meta:
        model = UploadReminder

    school = factory.SubFactory(SchoolFactory)
    school_year = factory.LazyFunction(lambda: school_year_of(timezone.localdate()))


class ReadingTipFactory(factory.django.DjangoModelFactory[ReadingTip]):
    class Meta:
        model = ReadingTip

    school = factory.SubFactory(SchoolFactory)
    heading = factory.Sequence(lambda n: f"Leestip {n}")
    body = "Lees dit boek!"


class FactFactory(factory.django.DjangoModelFactory[Fact]):
    class Meta:
        model = Fact

    school = factory.SubFactory(SchoolFactory)
    heading = factory.Sequence(lambda n: f"Weetje {n}")
    body = "Wist je dat..."


class ReadingLogEntryFactory(factory.django.DjangoModelFactory[ReadingLogEntry]):
    class Meta:
        model = ReadingLogEntry

    school = factory.SubFactory(SchoolFactory)
    patron = factory.LazyAttribute(lambda o: PatronFactory(school=o.school))
    title = factory.SubFactory(TitleFactory)
    stars = 4


class WishListItemFactory(factory.django.DjangoModelFactory[WishListItem]):
    class Meta:
        model = WishListItem

    school = factory.SubFactory(SchoolFactory)
    patron = factory.LazyAttribute(lambda o: PatronFactory(school=o.school))
    title = factory.SubFactory(TitleFactory)


class RecoveryCodeFactory(factory.django.DjangoModelFactory[RecoveryCode]):
    """A second-factor recovery code; `code` (not stored) is what it is made from, "abcde-fghjk" unless given."""

    class Meta:
        model = RecoveryCode

    class Params:
        code = "abcde-fghjk"

    user = factory.SubFactory(UserFactory)
    code_hash = factory.LazyAttribute(lambda o: make_password(o.code.replace("-", "")))
