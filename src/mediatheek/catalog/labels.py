"""Labels as PDF: copy barcode labels (Code128) and spine labels, on common A4 label sheets."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

from reportlab.graphics.barcode import code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from mediatheek.catalog.models import Copy
from mediatheek.catalog.text import author_letters


@dataclass(frozen=True)
class Sheet:
    key: str
    name: str
    columns: int
    rows: int
    width: float  # label size in points
    height: float
    left: float  # margins in points
    top: float
    gap_x: float = 0
    gap_y: float = 0

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


SHEETS = {
    sheet.key: sheet
    for sheet in [
        # 3 × 8 labels of 70 × 37 mm, edge to edge (Avery 3474, Herma 4453 and the like)
        Sheet("3x8", "A4 3 × 8 (70 × 37 mm)", 3, 8, 70 * mm, 37 * mm, 0, 0.5 * mm),
        # 3 × 7 labels of 70 × 42.3 mm (Avery 3652, Herma 4454)
        Sheet("3x7", "A4 3 × 7 (70 × 42,3 mm)", 3, 7, 70 * mm, 42.3 * mm, 0, 0.45 * mm),
        # 4 × 10 labels of 48.5 × 25.4 mm (Avery 3657): small, for spine labels
        Sheet("4x10", "A4 4 × 10 (48,5 × 25,4 mm)", 4, 10, 48.5 * mm, 25.4 * mm, 8 * mm, 21.5 * mm),
    ]
}
DEFAULT_SHEET = "3x8"

BARCODE, SPINE, BOTH = "barcode", "spine", "both"


def spine_code(copy: Copy, prefer: str = "auto") -> str:
    """The code on the spine: the AVI level for a reading book, else the age code (or as chosen)."""
    title = copy.title
    if prefer == "age":
        return title.age_code or title.avi_level
    if prefer == "avi":
        return title.avi_level or title.age_code
    return title.avi_level or title.age_code


def _fit(text: str, font: str, size: float, width: float) -> str:
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _barcode_label(pdf: canvas.Canvas, copy: Copy, x: float, y: float, sheet: Sheet, school_name: str) -> None:
    pad = 3 * mm
    inner = sheet.width - 2 * pad
    pdf.setFont("Helvetica", 7)
    pdf.drawString(x + pad, y + sheet.height - pad - 6, _fit(school_name, "Helvetica", 7, inner))
    pdf.setFont("Helvetica-Bold", 8)
    pdf.drawString(x + pad, y + sheet.height - pad - 15, _fit(copy.title.title, "Helvetica-Bold", 8, inner))
    bar_height = min(14 * mm, sheet.height - 24 - 12)
    symbol = code128.Code128(copy.barcode, barHeight=bar_height, barWidth=0.9, quiet=False)
    if symbol.width > inner:
        symbol = code128.Code128(copy.barcode, barHeight=bar_height, barWidth=0.9 * inner / symbol.width, quiet=False)
    symbol.drawOn(pdf, x + (sheet.width - symbol.width) / 2, y + pad + 9)
    pdf.setFont("Helvetica", 8)
    pdf.drawCentredString(x + sheet.width / 2, y + pad, copy.barcode)


def _spine_label(pdf: canvas.Canvas, copy: Copy, x: float, y: float, sheet: Sheet, prefer: str) -> None:
    code = spine_code(copy, prefer)
    letters = author_letters(copy.title.author_sort, copy.title.authors)
    centre = x + sheet.width / 2
    size = min(28.0, sheet.height / 3)
    pdf.setFont("Helvetica-Bold", size)
    pdf.drawCentredString(centre, y + sheet.height / 2 + 2, code or "—")
    pdf.setFont("Helvetica-Bold", size * 0.8)
    pdf.drawCentredString(centre, y + sheet.height / 2 - size * 0.8 - 2, letters)
    if copy.title.series_number:
        pdf.setFont("Helvetica", 7)
        pdf.drawRightString(x + sheet.width - 3 * mm, y + 3 * mm, copy.title.series_number)


def labels_pdf(
    copies: Iterable[Copy],
    *,
    kind: str = BARCODE,
    sheet_key: str = DEFAULT_SHEET,
    skip: int = 0,
    prefer: str = "auto",
    school_name: str = "",
) -> bytes:
    """A PDF with one label per copy (two with BOTH: barcode, then spine). `skip` leaves the first labels of a
    partly used sheet empty."""
    sheet = SHEETS.get(sheet_key, SHEETS[DEFAULT_SHEET])
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle("Etiketten")
    page_width, page_height = A4
    jobs: list[tuple[str, Copy]] = []
    for copy in copies:
        if kind in (BARCODE, BOTH):
            jobs.append((BARCODE, copy))
        if kind in (SPINE, BOTH):
            jobs.append((SPINE, copy))
    position = max(0, min(skip, sheet.per_page - 1))
    for job, copy in jobs:
        if position == sheet.per_page:
            pdf.showPage()
            position = 0
        row, column = divmod(position, sheet.columns)
        x = sheet.left + column * (sheet.width + sheet.gap_x)
        y = page_height - sheet.top - (row + 1) * sheet.height - row * sheet.gap_y
        if job == BARCODE:
            _barcode_label(pdf, copy, x, y, sheet, school_name)
        else:
            _spine_label(pdf, copy, x, y, sheet, prefer)
        position += 1
    if not jobs:
        pdf.setFont("Helvetica", 10)
        pdf.drawString(20 * mm, page_height - 20 * mm, "Geen exemplaren gekozen.")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
