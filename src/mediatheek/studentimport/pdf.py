"""The school's printout of the books its leavers still have ("Nog in te leveren"), one group per page, drawn as
the overdue lists are (patrons.pdf.group_lists_pdf)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib.units import mm

from mediatheek.patrons.pdf import ListColumn, group_lists_pdf

if TYPE_CHECKING:
    from mediatheek.schools.models import School
    from mediatheek.studentimport.leavers import LeaverBook


def leaver_books_pdf(
    school: School, groups: Sequence[tuple[str, Sequence[LeaverBook]]], today: dt.date | None = None
) -> bytes:
    """Per group the pupils who left with the title, barcode and due date of each book still out."""
    rows = [
        (
            group,
            [
                (book.patron_id, [book.pupil, book.title, book.barcode, formats.date_format(book.due_date, "j-n-Y")])
                for book in books
            ],
        )
        for group, books in groups
    ]
    return group_lists_pdf(
        school,
        document_title=_("Nog in te leveren %(school)s") % {"school": school.name},
        heading=_("Nog in te leveren: %(group)s"),
        intro=_("Leerlingen die de school hebben verlaten en nog boeken van de mediatheek hebben."),
        columns=[
            ListColumn(_("Leerling"), 0, 48 * mm),
            ListColumn(_("Titel"), 50 * mm, 66 * mm),
            ListColumn(_("Barcode"), 118 * mm, 30 * mm),
            ListColumn(_("Inleveren op"), right=True),
        ],
        groups=rows,
        empty=_("Er zijn geen boeken meer in te leveren."),
        today=today,
    )
