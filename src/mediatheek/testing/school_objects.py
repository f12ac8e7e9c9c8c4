"""A school full of data, each text carrying a marker, for the cross-cutting tests (export, delete, isolation,
backup). Built with the factories (testing/factories.py), one for every model: a model that goes missing breaks this
at once instead of leaving its area silently untested."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from mediatheek.accounts.models import Role
from mediatheek.testing import factories as f


@dataclass
class SchoolData:
    school: Any
    marker: str
    objects: dict[str, list[Any]] = field(default_factory=dict)

    def add(self, kind: str, obj: Any) -> Any:
        self.objects.setdefault(kind, []).append(obj)
        return obj

    def first(self, kind: str) -> Any:
        items = self.objects.get(kind) or []
        return items[0] if items else None


def populate(school: Any, marker: str, *, content: str = "", title_marker: str = "") -> SchoolData:
    """Groups, patrons (with a portal login), titles, copies, loans, a reservation, accounts, reading content,
    an encrypted upload and an import run for `school`. `marker` is in every private text a page could show
    (names, numbers, barcodes, file names); `content` in the school's portal content (leestips, weetjes), which
    its own portal shows to anyone; `title_marker` in titles (library-wide, not secret)."""
    content = content or marker
    title_marker = title_marker or marker
    data = SchoolData(school, marker)
    group = data.add("group", f.GroupFactory(school=school, name=f"Groep {marker}"))
    for n in range(3):
        data.add(
            "patron",
            f.PatronFactory(
                school=school,
                group=group,
                first_name=f"Kind{n}",
                last_name=f"{marker}achternaam{n}",
                student_number=f"{marker}{n}",
                birth_date=dt.date(2015, 3, 14),
            ),
        )
    patron = data.first("patron")
    title = data.add("title", f.TitleFactory(title=f"Boek van {title_marker}"))
    copies = [
        data.add("copy", f.CopyFactory(school=school, title=title, barcode=f"{marker}{n:04d}"[-32:])) for n in range(3)
    ]
    data.add("loan", f.LoanFactory(copy=copies[0], patron=patron))
    data.add(
        "loan",
        f.LoanFactory(
            copy=copies[1],
            patron=patron,
            checked_out_at=timezone.now() - dt.timedelta(days=30),
            returned_at=timezone.now() - dt.timedelta(days=10),
        ),
    )
    data.add("reservation", f.ReservationFactory(school=school, title=title, patron=data.objects["patron"][1]))
    data.add(
        "closedday",
        f.ClosedDayFactory(
            school=school, name=f"Vakantie {marker}", start=dt.date(2026, 12, 21), end=dt.date(2027, 1, 1)
        ),
    )
    data.add("loanrule", f.LoanRuleFactory(school=school, loan_days=21))
    slug = school.slug
    data.add("school_admin", f.school_user(Role.SCHOOL_ADMIN, school, username=f"admin-{slug}", last_name=marker))
    data.add("volunteer", f.school_user(Role.VOLUNTEER, school, username=f"balie-{slug}", last_name=marker))
    data.add("uploader", f.school_user(Role.UPLOADER, school, username=f"upload-{slug}", last_name=marker))
    data.add("pupil", f.patron_login(patron))
    teacher = data.add(
        "teacher_patron", f.PatronFactory(school=school, kind="teacher", last_name=f"Juf{marker}", group=group)
    )
    data.add("teacher", f.patron_login(teacher))

    data.add("tip", f.ReadingTipFactory(school=school, heading=f"Leestip {content}", body=f"Lees dit, {content}!"))
    data.add("fact", f.FactFactory(school=school, heading=f"Weetje {content}", body=f"Wist je dat {content}"))
    data.add(
        "readinglog",
        f.ReadingLogEntryFactory(school=school, patron=patron, title=title, stars=4, keywords=marker.lower()),
    )
    other_title = data.add("title", f.TitleFactory(title=f"Wens van {title_marker}"))
    data.add("wish", f.WishListItemFactory(school=school, patron=patron, title=other_title))

    data.add("barcode_series", f.BarcodeSeriesFactory(school=school, prefix=marker[:16], width=6, next_number=17))
    # Started by the school's admin: an account with history, which can be switched off but not deleted (a walk
    # that deletes it would leave its role nobody to log in as).
    stocktake = data.add(
        "stocktake", f.StocktakeFactory(school=school, shelf=f"Kast {marker}", started_by=data.first("school_admin"))
    )
    f.StocktakeScanFactory(stocktake=stocktake, barcode=copies[2].barcode, copy=copies[2])

    data.add(
        "upload",
        f.StudentUploadFactory(
            school=school,
            filename=f"leerlingen-{marker}.csv",
            content=f"leerlingnummer;achternaam\n1;{marker}\n".encode(),
            size=30,
            sha256="0" * 64,
        ),
    )
    run = data.add(
        "run",
        f.ImportRunFactory(
            school=school, filename=f"import-{marker}.csv", sha256="1" * 64, format="csv", school_year=2026
        ),
    )
    data.add(
        "change",
        f.ImportChangeFactory(run=run, patron=patron, outcome="new", student_number=f"{marker}0", name=marker),
    )
    return data
