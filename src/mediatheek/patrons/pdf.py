"""Printouts of patrons as PDF: library cards, portal login letters, overdue lists. Drawn with reportlab.

Pure drawing code: the callers pass the patrons (already scoped to one school) and get bytes back.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

if TYPE_CHECKING:
    from mediatheek.circulation.models import Loan
    from mediatheek.patrons.models import Group, Patron
    from mediatheek.patrons.services import PortalLogin
    from mediatheek.schools.models import School

# ISO/IEC 7810 ID-1: the size of a bank card.
CARD_WIDTH = 85.6 * mm
CARD_HEIGHT = 54 * mm
CARD_COLUMNS = 2
CARD_ROWS = 5
CARDS_PER_PAGE = CARD_COLUMNS * CARD_ROWS
# Code128 for a desk scanner: 0.33 mm modules (13 mil, well inside what any hand scanner reads), 13 mm high.
BARCODE_MODULE = 0.33 * mm
BARCODE_HEIGHT = 13 * mm
BRAND = colors.HexColor("#1d4e89")

_FONT_CANDIDATES = [
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
]


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str


def pdf_fonts() -> Fonts:
    """A Unicode TrueType font (names like "Öztürk" or "Şahin" must print): DejaVu when the system has it, else
    reportlab's own Vera."""
    if "MediatheekSans" in pdfmetrics.getRegisteredFontNames():
        return Fonts("MediatheekSans", "MediatheekSans-Bold")
    import reportlab

    vera = Path(reportlab.__file__).parent / "fonts"
    candidates = [*_FONT_CANDIDATES, (str(vera / "Vera.ttf"), str(vera / "VeraBd.ttf"))]
    for regular, bold in candidates:
        if Path(regular).exists() and Path(bold).exists():
            pdfmetrics.registerFont(TTFont("MediatheekSans", regular))
            pdfmetrics.registerFont(TTFont("MediatheekSans-Bold", bold))
            return Fonts("MediatheekSans", "MediatheekSans-Bold")
    return Fonts("Helvetica", "Helvetica-Bold")


def fit_text(canvas: Canvas, text: str, font: str, size: float, width: float) -> tuple[str, float]:
    """Shrink the font (down to 60 %) and then cut the text so it fits `width`."""
    current = size
    while current > size * 0.6 and canvas.stringWidth(text, font, current) > width:
        current -= 0.5
    while text and canvas.stringWidth(text, font, current) > width:
        text = text[:-2] + "…"
    return text, current


def card_barcode(card_number: str) -> Code128:
    """The card number as a Code128 barcode (reportlab's own encoder), quiet zones included, ready to draw.

    Drawn straight onto the canvas: 20x faster than going through a graphics Drawing, which matters for the
    cards of a whole school after the yearly import.
    """
    barcode = Code128(
        card_number,
        barWidth=BARCODE_MODULE,
        barHeight=BARCODE_HEIGHT,
        humanReadable=False,
        quiet=True,
    )
    barcode.wrap(CARD_WIDTH, CARD_HEIGHT)  # validates, encodes and sizes it
    return barcode


def _draw_card(canvas: Canvas, fonts: Fonts, x: float, y: float, school: School, patron: Patron) -> None:
    pad = 4 * mm
    radius = 3 * mm
    band = 10 * mm
    # Header band with the school, inside the card's rounded corners.
    canvas.saveState()
    outline = canvas.beginPath()
    outline.roundRect(x, y, CARD_WIDTH, CARD_HEIGHT, radius)
    canvas.clipPath(outline, stroke=0, fill=0)
    canvas.setFillColor(BRAND)
    canvas.rect(x, y + CARD_HEIGHT - band, CARD_WIDTH, band, stroke=0, fill=1)
    canvas.restoreState()
    # Cut line: thin and light, so a slightly crooked cut does not show.
    canvas.setStrokeColor(colors.HexColor("#b0b7bf"))
    canvas.setLineWidth(0.3)
    canvas.roundRect(x, y, CARD_WIDTH, CARD_HEIGHT, radius, stroke=1, fill=0)
    canvas.setFillColor(colors.white)
    text, size = fit_text(canvas, school.name, fonts.bold, 10, CARD_WIDTH - 2 * pad - 18 * mm)
    canvas.setFont(fonts.bold, size)
    canvas.drawString(x + pad, y + CARD_HEIGHT - 6.3 * mm, text)
    canvas.setFont(fonts.regular, 7)
    canvas.drawRightString(x + CARD_WIDTH - pad, y + CARD_HEIGHT - 6.3 * mm, _("Bibliotheekpas"))
    # Name and group.
    canvas.setFillColor(colors.black)
    text, size = fit_text(canvas, patron.full_name, fonts.bold, 12, CARD_WIDTH - 2 * pad)
    canvas.setFont(fonts.bold, size)
    canvas.drawString(x + pad, y + CARD_HEIGHT - band - 6.5 * mm, text)
    line = patron.group.name if patron.group else patron.get_kind_display()
    canvas.setFont(fonts.regular, 10)
    canvas.drawString(x + pad, y + CARD_HEIGHT - band - 11.5 * mm, line)
    # Barcode, centred at the bottom, with the number in print below it (to type it when a scanner fails).
    barcode = card_barcode(patron.card_number)
    barcode.drawOn(canvas, x + (CARD_WIDTH - barcode.width) / 2, y + 7 * mm)
    canvas.setFont("Helvetica", 10)
    canvas.drawCentredString(x + CARD_WIDTH / 2, y + 2.8 * mm, patron.card_number)


def cards_pdf(school: School, patrons: Sequence[Patron]) -> bytes:
    """Library cards, 10 per A4 page (2 × 5, bank-card size), centred so they fit common perforated card sheets."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(_("Bibliotheekpassen %(school)s") % {"school": school.name})
    canvas.setAuthor("Mediatheek")
    fonts = pdf_fonts()
    page_width, page_height = A4
    left = (page_width - CARD_COLUMNS * CARD_WIDTH) / 2
    top = page_height - (page_height - CARD_ROWS * CARD_HEIGHT) / 2
    for index, patron in enumerate(patrons):
        slot = index % CARDS_PER_PAGE
        if index and slot == 0:
            canvas.showPage()
        row, column = divmod(slot, CARD_COLUMNS)
        _draw_card(canvas, fonts, left + column * CARD_WIDTH, top - (row + 1) * CARD_HEIGHT, school, patron)
    if not patrons:
        canvas.setFont(fonts.regular, 12)
        canvas.drawString(20 * mm, page_height - 30 * mm, _("Geen leners gekozen."))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _paragraphs(canvas: Canvas, fonts: Fonts, x: float, y: float, width: float, text: str, size: float = 11) -> float:
    """Draw word-wrapped text; returns the y below it."""
    leading = size * 1.4
    canvas.setFont(fonts.regular, size)
    for paragraph in text.split("\n"):
        words = paragraph.split()
        line = ""
        for word in words:
            candidate = f"{line} {word}".strip()
            if canvas.stringWidth(candidate, fonts.regular, size) > width and line:
                canvas.drawString(x, y, line)
                y -= leading
                line = word
            else:
                line = candidate
        canvas.drawString(x, y, line)
        y -= leading
    return y


def _login_letter_page(
    canvas: Canvas,
    fonts: Fonts,
    *,
    school: School,
    addressee: str,
    intro: str,
    rows: Sequence[tuple[str, str, bool]],
    steps: str,
) -> None:
    """One A4 letter: heading, school, to whom, an introduction, the login in a box (label, value, large?), how."""
    page_width, page_height = A4
    x = 25 * mm
    width = page_width - 2 * x
    y = page_height - 30 * mm
    canvas.setFillColor(BRAND)
    canvas.setFont(fonts.bold, 18)
    canvas.drawString(x, y, _("Mijn Bibliotheek"))
    canvas.setFillColor(colors.black)
    canvas.setFont(fonts.regular, 11)
    y -= 8 * mm
    canvas.drawString(x, y, school.name)
    y -= 14 * mm
    canvas.setFont(fonts.bold, 12)
    canvas.drawString(x, y, addressee)
    y -= 10 * mm
    y = _paragraphs(canvas, fonts, x, y, width, intro)
    y -= 6 * mm
    box_height = (len(rows) + 0.7) * 11 * mm
    canvas.setStrokeColor(BRAND)
    canvas.setLineWidth(1)
    canvas.roundRect(x, y - box_height, width, box_height, 3 * mm, stroke=1, fill=0)
    label_x, value_x = x + 6 * mm, x + 42 * mm
    row_y = y - 11 * mm
    for label, value, large in rows:
        canvas.setFont(fonts.regular, 11)
        canvas.drawString(label_x, row_y, label)
        canvas.setFont(fonts.bold if large else fonts.regular, 16 if large else 12)
        canvas.drawString(value_x, row_y, value)
        row_y -= 11 * mm
    y -= box_height + 10 * mm
    _paragraphs(canvas, fonts, x, y, width, steps)
    canvas.setFont(fonts.regular, 8)
    canvas.setFillColor(colors.HexColor("#555555"))
    printed = formats.date_format(timezone.localdate(), "j F Y")
    canvas.drawString(x, 15 * mm, _("Afgedrukt op %(date)s") % {"date": printed})
    canvas.setFillColor(colors.black)
    canvas.showPage()


def login_letters_pdf(school: School, logins: Sequence[PortalLogin], portal_url: str) -> bytes:
    """One A4 letter per pupil: the portal address, Pasnummer and Wachtwoord, to take home."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(_("Inlogbrieven %(school)s") % {"school": school.name})
    canvas.setAuthor("Mediatheek")
    fonts = pdf_fonts()
    _page_width, page_height = A4
    intro = _(
        "Met deze gegevens log je in op de website van de mediatheek. Daar zie je welke boeken je hebt "
        "geleend, kun je boeken zoeken en reserveren en houd je je leeslog bij.\n"
        "Bewaar deze brief goed en geef je wachtwoord aan niemand anders."
    )
    steps = _(
        "Zo log je in: ga naar de website, klik op Mijn Bibliotheek, vul je Pasnummer en je Wachtwoord in "
        "en klik op Inloggen."
    )
    if school.pupils_must_change_password:
        steps += "\n" + _("De eerste keer kies je zelf een nieuw wachtwoord. Onthoud dat goed!")
    for login in logins:
        patron = login.patron
        _login_letter_page(
            canvas,
            fonts,
            school=school,
            addressee=patron.full_name + (f" — {patron.group.name}" if patron.group else ""),
            intro=intro,
            rows=[
                (_("Website"), portal_url, False),
                ("Pasnummer", login.username, True),
                ("Wachtwoord", login.password, True),
            ],
            steps=steps,
        )
    if not logins:
        canvas.setFont(fonts.regular, 12)
        canvas.drawString(25 * mm, page_height - 30 * mm, _("Geen leerlingen in deze groep."))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def upload_login_letter_pdf(school: School, *, addressee: str, login: str, password: str, portal_url: str) -> bytes:
    """The letter for a school's upload login: where and how the school sends its student file."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(_("Uploadaccount %(school)s") % {"school": school.name})
    canvas.setAuthor("Mediatheek")
    _login_letter_page(
        canvas,
        pdf_fonts(),
        school=school,
        addressee=addressee,
        intro=_(
            "Met deze gegevens stuurt de school haar leerlingbestand naar de mediatheek, elk schooljaar en "
            "wanneer er veel verandert.\nBewaar deze brief goed en geef het wachtwoord alleen aan wie het "
            "leerlingbestand verstuurt."
        ),
        rows=[(_("Website"), portal_url, False), ("Pasnummer", login, True), ("Wachtwoord", password, True)],
        steps=_(
            "Zo stuurt u het bestand: ga naar de website, klik op Mijn Bibliotheek, vul Pasnummer en Wachtwoord in "
            "en klik op Inloggen. Kies Upload leerlingbestand, klik op Bestand kiezen, kies het bestand en klik op "
            "Verstuur. U ziet dan Upload geslaagd.\nDe eerste keer kiest u zelf een nieuw wachtwoord."
        ),
    )
    canvas.save()
    return buffer.getvalue()


@dataclass(frozen=True)
class ListColumn:
    """A column of a per-group list: its heading, where it starts (from the left margin) and how wide its text may
    be; a `right` column is set against the right margin (numbers, dates)."""

    label: str
    at: float = 0
    width: float = 40 * mm
    right: bool = False


# One row of a per-group list: who it is about (their name is printed once for consecutive rows) and its cells.
ListRow = tuple[object, Sequence[str]]


def group_lists_pdf(
    school: School,
    *,
    document_title: str,
    heading: str,
    columns: Sequence[ListColumn],
    groups: Sequence[tuple[str, Sequence[ListRow]]],
    empty: str,
    intro: str = "",
    today: dt.date | None = None,
) -> bytes:
    """A list per group, one group per page (continued on the next page with its header), to hand out in class:
    the overdue books, the books leavers still have. `heading` holds `%(group)s`; the first column (the person) is
    printed once for that person's consecutive rows."""
    today = today or timezone.localdate()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(document_title)
    canvas.setAuthor("Mediatheek")
    fonts = pdf_fonts()
    page_width, page_height = A4
    x = 20 * mm
    right = page_width - x
    printed = formats.date_format(today, "j F Y")

    def header(group: str) -> float:
        y = page_height - 22 * mm
        canvas.setFont(fonts.bold, 16)
        canvas.drawString(x, y, heading % {"group": group or _("Zonder groep")})
        canvas.setFont(fonts.regular, 10)
        y -= 6 * mm
        canvas.drawString(x, y, f"{school.name} · {printed}")
        if intro:
            y -= 5 * mm
            canvas.drawString(x, y, intro)
            y -= 9 * mm
        else:
            y -= 10 * mm
        canvas.setFont(fonts.bold, 10)
        for column in columns:
            if column.right:
                canvas.drawRightString(right, y, column.label)
            else:
                canvas.drawString(x + column.at, y, column.label)
        canvas.setLineWidth(0.5)
        canvas.line(x, y - 2 * mm, right, y - 2 * mm)
        return y - 7 * mm

    for group, rows in groups:
        y = header(group)
        previous: object = None
        for person, cells in rows:
            if y < 20 * mm:
                canvas.showPage()
                y = header(group)
                previous = None
            for index, (column, cell) in enumerate(zip(columns, cells, strict=True)):
                if index == 0 and (person is None or person == previous):
                    continue
                if column.right:
                    canvas.setFont(fonts.regular, 10)
                    canvas.drawRightString(right, y, cell)
                else:
                    text, size = fit_text(canvas, cell, fonts.regular, 10, column.width)
                    canvas.setFont(fonts.regular, size)
                    canvas.drawString(x + column.at, y, text)
            previous = person
            y -= 6 * mm
        canvas.showPage()
    if not groups:
        canvas.setFont(fonts.regular, 12)
        canvas.drawString(x, page_height - 30 * mm, empty)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def overdue_pdf(
    school: School, by_group: Sequence[tuple[Group | None, Sequence[Loan]]], today: dt.date | None = None
) -> bytes:
    """The late books per group, one group per page, for the teacher to hand out in class."""
    today = today or timezone.localdate()
    groups = [
        (
            group.name if group else "",
            [
                (
                    loan.patron.pk if loan.patron is not None else None,
                    [
                        loan.patron.sort_name if loan.patron is not None else "",
                        loan.copy.title.title,
                        formats.date_format(loan.due_date, "j-n-Y"),
                        str((today - loan.due_date).days),
                    ],
                )
                for loan in loans
            ],
        )
        for group, loans in by_group
    ]
    return group_lists_pdf(
        school,
        document_title=_("Te laat %(school)s") % {"school": school.name},
        heading=_("Te laat: %(group)s"),
        columns=[
            ListColumn(_("Naam"), 0, 50 * mm),
            ListColumn(_("Titel"), 52 * mm, 60 * mm),
            ListColumn(_("Inleveren op"), 114 * mm, 30 * mm),
            ListColumn(_("Dagen te laat"), right=True),
        ],
        groups=groups,
        empty=_("Er zijn geen boeken te laat."),
        today=today,
    )
