"""Demo data: a library, two schools, students, teachers, books, copies and loans. Idempotent."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from mediatheek.accounts.models import Role, User
from mediatheek.accounts.services import create_account
from mediatheek.catalog.models import Copy, Title
from mediatheek.circulation.models import Loan, LoanRule, Reservation
from mediatheek.core.schoolyear import school_year_of
from mediatheek.operations import demo_data as data
from mediatheek.patrons.models import Group, Patron
from mediatheek.patrons.services import allocate_card_numbers
from mediatheek.schools.models import ClosedDay, Library, School

DEMO_PASSWORD = "leesplezier-2026"  # noqa: S105 - the demo's published password
PRIMARY = ("12AB00", "OBS De Regenboog", "regenboog", School.Kind.PRIMARY)
SECONDARY = ("34CD01", "Het Baken College", "baken", School.Kind.SECONDARY)

# Login, role, school code; all with DEMO_PASSWORD. Uploader logins are card-number-like, as schools know them.
DEMO_ACCOUNTS = [
    ("bibliotheek", Role.STAFF, None),
    ("regenboog-beheer", Role.SCHOOL_ADMIN, PRIMARY[0]),
    ("regenboog-balie", Role.VOLUNTEER, PRIMARY[0]),
    ("900012", Role.UPLOADER, PRIMARY[0]),
    ("baken-beheer", Role.SCHOOL_ADMIN, SECONDARY[0]),
    ("baken-balie", Role.VOLUNTEER, SECONDARY[0]),
    ("900034", Role.UPLOADER, SECONDARY[0]),
]


class Command(BaseCommand):
    help = "Load the demo data once (a library, two schools, students, books, loans). Does nothing when present."

    def handle(self, *args: Any, **options: Any) -> None:
        if School.objects.filter(code=PRIMARY[0]).exists():
            self.stdout.write("Demo data already present.")
            return
        with transaction.atomic():
            self._seed(random.Random(2026))  # noqa: S311 - demo data, not security
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))

    def _seed(self, rng: random.Random) -> None:
        library = Library.get_default()
        library.name = "Bibliotheek Rivierenland"
        library.contact_email = "scholen@bibliotheek.example"
        library.save()
        today = timezone.localdate()
        year = school_year_of(today)
        schools = []
        for code, name, slug, kind in (PRIMARY, SECONDARY):
            school = School.objects.create(
                library=library,
                code=code,
                name=name,
                slug=slug,
                kind=kind,
                contact_email=f"{slug}@bibliotheek.example",
            )
            ClosedDay.objects.create(
                school=school,
                name="Zomervakantie",
                start=dt.date(year + 1, 7, 11),
                end=dt.date(year + 1, 8, 23),
                is_summer_holiday=True,
            )
            ClosedDay.objects.create(
                school=school, name="Kerstvakantie", start=dt.date(year, 12, 19), end=dt.date(year + 1, 1, 3)
            )
            schools.append(school)
        regenboog, baken = schools
        self._rules(regenboog, baken)
        titles = self._titles(rng)
        for school, groups in (
            (regenboog, [(f"Groep {level}{letter}", level) for level in range(1, 9) for letter in "AB"]),
            (
                baken,
                [
                    (f"{stream}{level}{letter}", level)
                    for level in range(1, 5)
                    for stream in ("H", "V")
                    for letter in "ab"
                ],
            ),
        ):
            patrons = self._patrons(rng, school, year, groups)
            copies = self._copies(rng, school, titles)
            self._loans(rng, school, patrons, copies, today)
            self._reservations(rng, school, patrons, copies)
        self._accounts(regenboog)

    def _rules(self, regenboog: School, baken: School) -> None:
        # Loan rules (circulation/rules.py resolves them most-specific-first): groep 1-2 one book, 3-6 two,
        # 7-8 three, two weeks; the secondary school three weeks and two renewals; teachers longer and more.
        year = school_year_of(timezone.localdate())
        for school in (regenboog, baken):
            # School holidays (region midden, approximately): due dates move past them.
            for name, start, end in (
                ("Herfstvakantie", dt.date(year, 10, 17), dt.date(year, 10, 25)),
                ("Voorjaarsvakantie", dt.date(year + 1, 2, 13), dt.date(year + 1, 2, 21)),
                ("Meivakantie", dt.date(year + 1, 4, 24), dt.date(year + 1, 5, 9)),
            ):
                ClosedDay.objects.create(school=school, name=name, start=start, end=end)
        LoanRule.objects.create(school=regenboog, loan_days=14, max_loans=2, max_renewals=1, hold_days=5)
        LoanRule.objects.create(school=regenboog, year_level_from=1, year_level_to=2, max_loans=1)
        LoanRule.objects.create(school=regenboog, year_level_from=7, year_level_to=8, max_loans=3)
        LoanRule.objects.create(school=regenboog, patron_kind=Patron.Kind.TEACHER, loan_days=28, max_loans=20)
        LoanRule.objects.create(school=baken, loan_days=21, max_loans=3, max_renewals=2, hold_days=7)
        LoanRule.objects.create(school=baken, patron_kind=Patron.Kind.TEACHER, loan_days=42, max_loans=20)

    def _titles(self, rng: random.Random) -> list[Title]:
        titles = []
        isbn_counter = 0

        def isbn() -> str:
            nonlocal isbn_counter
            isbn_counter += 1
            body = f"978902{isbn_counter:06d}"
            total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(body))
            return body + str((10 - total % 10) % 10)

        for series, author, age, avi, parts in data.SERIES:
            name, sort = data.AUTHORS[author]
            for number in range(1, parts + 1):
                titles.append(
                    Title(
                        title=f"{series} {number}",
                        authors=name,
                        author_sort=sort,
                        isbn=isbn(),
                        publisher=rng.choice(["Zwijsen", "Querido", "Leopold", "Ploegsma", "Gottmer", "Moon"]),
                        year=rng.randint(1995, 2025),
                        series=series,
                        series_number=str(number),
                        age_code=age,
                        avi_level=avi,
                        nur=data.NUR_FOR_AGE[age],
                        subjects=data.SUBJECTS.get(age, ""),
                        summary=f"Deel {number} van de reeks {series}.",
                        pages=rng.randint(24, 180),
                    )
                )
        for _round in range(4):
            for title, author, age, avi in data.STANDALONE_TITLES:
                name, sort = data.AUTHORS[author]
                edition = "" if _round == 0 else f" ({_round + 1}e druk)"
                titles.append(
                    Title(
                        title=title + edition,
                        authors=name,
                        author_sort=sort,
                        isbn=isbn(),
                        publisher=rng.choice(
                            ["Querido", "Leopold", "Ploegsma", "Lemniscaat", "Van Holkema & Warendorf"]
                        ),
                        year=rng.randint(1960, 2025),
                        age_code=age,
                        avi_level=avi,
                        nur=data.NUR_FOR_AGE[age],
                        subjects=data.SUBJECTS.get(age, ""),
                        pages=rng.randint(24, 320),
                    )
                )
        for title, author, age, avi, keywords, award, language in data.MORE_TITLES:
            name, sort = data.AUTHORS[author]
            titles.append(
                Title(
                    title=title,
                    authors=name,
                    author_sort=sort,
                    isbn=isbn(),
                    publisher=rng.choice(["Querido", "Leopold", "Ploegsma", "Zwijsen", "Lemniscaat"]),
                    year=rng.randint(2005, 2025),
                    age_code=age,
                    avi_level=avi,
                    nur=data.NUR_FOR_AGE[age],
                    subjects=data.SUBJECTS.get(age, ""),
                    keywords=keywords,
                    awards=award,
                    language=language,
                    pages=rng.randint(24, 280),
                )
            )
        # bulk_create fills each title's search text, so the demo titles are searchable at once.
        return Title.objects.bulk_create(titles)

    def _patrons(self, rng: random.Random, school: School, year: int, groups: list[tuple[str, int]]) -> list[Patron]:
        group_objects = Group.objects.bulk_create(
            [Group(school=school, school_year=year, name=name, year_level=level) for name, level in groups]
        )
        per_group = 10
        total = len(group_objects) * per_group + 6
        numbers = iter(allocate_card_numbers(total))
        patrons = []
        student_number = 1000 if school.kind == School.Kind.PRIMARY else 50000
        for group in group_objects:
            age = (group.year_level or 1) + (4 if school.kind == School.Kind.PRIMARY else 11)
            for _index in range(per_group):
                student_number += 1
                patrons.append(
                    Patron(
                        school=school,
                        card_number=next(numbers),
                        student_number=str(student_number),
                        first_name=rng.choice(data.FIRST_NAMES),
                        name_prefix=rng.choice(data.NAME_PREFIXES),
                        last_name=rng.choice(data.LAST_NAMES),
                        group=group,
                        year_level=group.year_level,
                        birth_date=dt.date(year - age, rng.randint(1, 12), rng.randint(1, 28)),
                        enrolled_on=dt.date(year, 8, 20),
                    )
                )
        for index in range(6):
            patrons.append(
                Patron(
                    school=school,
                    kind=Patron.Kind.TEACHER,
                    card_number=next(numbers),
                    first_name=rng.choice(data.FIRST_NAMES),
                    name_prefix=rng.choice(data.NAME_PREFIXES),
                    last_name=rng.choice(data.LAST_NAMES),
                    group=group_objects[index * (len(group_objects) // 6)],
                    email=f"leerkracht{index + 1}@{school.slug}.example",
                    enrolled_on=dt.date(year, 8, 20),
                )
            )
        return Patron.objects.bulk_create(patrons)

    def _copies(self, rng: random.Random, school: School, titles: list[Title]) -> list[Copy]:
        prefix = "R" if school.kind == School.Kind.PRIMARY else "B"
        copies = []
        counter = 0
        for title in titles:
            if school.kind == School.Kind.SECONDARY and title.age_code in ("AP", "AK", "E"):
                continue
            for _copy in range(rng.choice([1, 1, 2])):
                counter += 1
                copies.append(
                    Copy(
                        title=title,
                        school=school,
                        barcode=f"{prefix}{counter:06d}",
                        shelf=title.age_code or "",
                        acquired_on=dt.date(2020 + counter % 6, 1 + counter % 12, 1 + counter % 28),
                    )
                )
        return Copy.objects.bulk_create(copies)

    def _loans(
        self, rng: random.Random, school: School, patrons: list[Patron], copies: list[Copy], today: dt.date
    ) -> None:
        students = [patron for patron in patrons if patron.kind == Patron.Kind.STUDENT]
        lent = rng.sample(copies, k=min(len(copies) // 4, len(students)))
        borrowers = rng.sample(students, k=len(lent))
        loans = []
        for index, (copy, patron) in enumerate(zip(lent, borrowers, strict=True)):
            days_ago = rng.randint(1, 13) if index % 8 else rng.randint(16, 30)  # every eighth is overdue
            checked_out = timezone.now() - dt.timedelta(days=days_ago)
            loans.append(
                Loan(
                    school=school,
                    copy=copy,
                    patron=patron,
                    checked_out_at=checked_out,
                    due_date=(checked_out + dt.timedelta(days=14)).date(),
                )
            )
            copy.status = Copy.Status.LENT
        for patron, copy in zip(rng.sample(students, k=40), rng.sample(copies, k=40), strict=True):
            checked_out = timezone.now() - dt.timedelta(days=rng.randint(40, 200))
            loans.append(
                Loan(
                    school=school,
                    copy=copy,
                    patron=patron,
                    checked_out_at=checked_out,
                    due_date=(checked_out + dt.timedelta(days=14)).date(),
                    returned_at=checked_out + dt.timedelta(days=rng.randint(3, 14)),
                )
            )
        Loan.objects.bulk_create(loans)
        Copy.objects.bulk_update(lent, ["status"])

    def _reservations(self, rng: random.Random, school: School, patrons: list[Patron], copies: list[Copy]) -> None:
        # A few pupils reserved a book that stands on the shelf: the morning's Ophaallijst (Reserveringen) has work.
        students = [patron for patron in patrons if patron.kind == Patron.Kind.STUDENT]
        on_shelf = [copy for copy in copies if copy.status == Copy.Status.AVAILABLE]
        titles = list({copy.title_id: copy.title for copy in rng.sample(on_shelf, k=min(4, len(on_shelf)))}.values())
        for title, patron in zip(titles, rng.sample(students, k=len(titles)), strict=True):
            Reservation.objects.create(school=school, title=title, patron=patron)

    def _accounts(self, regenboog: School) -> None:
        for login, role, code in DEMO_ACCOUNTS:
            school = School.objects.get(code=code) if code else None
            account, _generated = create_account(role=role, login=login, school=school, password=DEMO_PASSWORD)
            if account.otp_required:
                # The demo logs in with the demo password alone; a real staff account keeps the second factor.
                account.otp_required = False
                account.save(update_fields=["otp_required"])
        # Portal logins for one pupil and one teacher of De Regenboog: their card number is the login.
        pupil = (
            Patron.objects.filter(school=regenboog, kind=Patron.Kind.STUDENT, group__year_level=6)
            .order_by("pk")
            .first()
        )
        teacher = Patron.objects.filter(school=regenboog, kind=Patron.Kind.TEACHER).order_by("pk").first()
        for patron in (pupil, teacher):
            if patron is not None:
                user, _password = create_account(
                    role=Role.PATRON, login=patron.card_number, school=regenboog, password=DEMO_PASSWORD
                )
                user.patron = patron
                user.save(update_fields=["patron"])


def demo_logins() -> list[tuple[str, str, str]]:
    """(login, role, where) of the demo accounts that exist, for the start-up banner and the README."""
    rows = []
    for user in User.objects.filter(password__isnull=False).select_related("school").order_by("role", "username"):
        where = f"/{user.school.slug}/" if user.role in (Role.UPLOADER, Role.PATRON) and user.school else "/client/"
        label = user.get_role_display()
        if user.patron is not None:
            label = f"{label} ({user.patron.get_kind_display()})"
        rows.append((user.username, str(label), where))
    return rows
