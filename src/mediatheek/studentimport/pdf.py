"""The school's printout of the books its leavers still have ("Nog in te leveren"), one group per page, drawn like
the overdue lists (patrons.pdf: its fonts and text fitting)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from mediatheek.patrons.pdf import fit_text, pdf_fonts

if TYPE_CHECKING:
    from mediatheek.schools.models import School
    from mediatheek.studentimport.leavers import LeaverBook


def leaver_books_pdf(
    school: School, groups: Sequence[tuple[str, Sequence[LeaverBook]]], today: dt.date | None = None
) -> bytes:
    """Per group the pupils who left with the title, barcode and due date of each book still out."""
    today = today or timezone.localdate()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(_("Nog in te leveren %(school)s") % {"school": school.name})
    canvas.setAuthor("Mediatheek")
    fonts = pdf_fonts()
    page_width, page_height = A4
    x = 20 * mm
    right = page_width - x
    columns = [x, x + 50 * mm, x + 118 * mm]
    printed = formats.date_format(today, "j F Y")

    def header(group: str) -> float:
        y = page_height - 22 * mm
        canvas.setFont(fonts.bold, 16)
        canvas.drawString(x, y, _("Nog in te leveren: %(group)s") % {"group": group or _("Zonder groep")})
        canvas.setFont(fonts.regular, 10)
        y -= 6 * mm
        canvas.drawString(x, y, f"{school.name} · {printed}")
        y -= 5 * mm
        canvas.drawString(x, y, _("Leerlingen die de school hebben verlaten en nog boeken van de mediatheek hebben."))
        y -= 9 * mm
        canvas.setFont(fonts.bold, 10)
        for column, label in zip(columns, [_("Leerling"), _("Titel"), _("Barcode")], strict=True):
            canvas.drawString(column, y, label)
        canvas.drawRightString(right, y, _("Inleveren op"))
        canvas.setLineWidth(0.5)
        canvas.line(x, y - 2 * mm, right, y - 2 * mm)
        return y - 7 * mm

    for group, books in groups:
        y = header(group)
        previous = None
        for book in books:
            if y < 20 * mm:
                canvas.showPage()
                y = header(group)
                previous = None
            if book.patron_id != previous:
                text, size = fit_text(canvas, book.pupil, fonts.regular, 10, 48 * mm)
                canvas.setFont(fonts.regular, size)
                canvas.drawString(columns[0], y, text)
                previous = book.patron_id
            text, size = fit_text(canvas, book.title, fonts.regular, 10, 66 * mm)
            canvas.setFont(fonts.regular, size)
            canvas.drawString(columns[1], y, text)
            text, size = fit_text(canvas, book.barcode, fonts.regular, 10, 30 * mm)
            canvas.setFont(fonts.regular, size)
            canvas.drawString(columns[2], y, text)
            canvas.setFont(fonts.regular, 10)
            canvas.drawRightString(right, y, formats.date_format(book.due_date, "j-n-Y"))
            y -= 6 * mm
        canvas.showPage()
    if not groups:
        canvas.setFont(fonts.regular, 12)
        canvas.drawString(x, page_height - 30 * mm, _("Er zijn geen boeken meer in te leveren."))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
