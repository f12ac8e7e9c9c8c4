import io
import shutil
import subprocess
from types import SimpleNamespace
from typing import Any

import pytest
from pypdf import PdfReader
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import mm

from mediatheek.patrons import pdf
from mediatheek.patrons.services import PortalLogin
from mediatheek.testing.factories import GroupFactory, PatronFactory


def pdf_text(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def decode_code128(symbols: list[int]) -> str:
    """Read Code128 symbol values back as a scanner would (sets B and C), checking the check symbol."""
    start, *data, check, stop = symbols
    assert start in (104, 105) and stop == 106
    assert check == (start + sum(position * value for position, value in enumerate(data, 1))) % 103
    code = "C" if start == 105 else "B"
    text = ""
    for value in data:
        if value == 100:
            code = "B"
        elif value == 99:
            code = "C"
        elif code == "C":
            text += f"{value:02d}"
        else:
            text += chr(value + 32)
    return text


@pytest.mark.parametrize("number", ["20000001238", "12345678", "A1234"])
def test_card_barcode_is_a_code128_of_the_card_number(number):
    barcode = pdf.card_barcode(number)
    assert isinstance(barcode, Code128) and barcode.value == number
    assert decode_code128(barcode.encoded) == number
    assert barcode.barWidth >= 0.25 * mm  # readable by an ordinary hand scanner
    assert barcode.lquiet >= 10 * barcode.barWidth and barcode.rquiet >= 10 * barcode.barWidth
    assert barcode.width <= pdf.CARD_WIDTH - 8 * mm  # fits on the card, quiet zones included


def test_cards_draw_the_barcode_built_for_each_card_number(monkeypatch):
    """The PDF draws exactly the Code128 objects that card_barcode builds, one per patron, with their numbers."""
    drawn: list[str] = []
    original = pdf.card_barcode

    def spy(number: str) -> Code128:
        barcode = original(number)
        drawn.append(barcode.value)
        return barcode

    monkeypatch.setattr(pdf, "card_barcode", spy)
    school = SimpleNamespace(name="OBS Test")
    patrons = [
        SimpleNamespace(full_name=f"Kind {i}", group=None, card_number=f"2{i:08d}5", get_kind_display=lambda: "")
        for i in range(3)
    ]
    pdf.cards_pdf(school, patrons)
    assert drawn == [p.card_number for p in patrons]


@pytest.mark.django_db
def test_cards_pdf_has_ten_cards_per_a4_page_with_their_numbers(school_a):
    group = GroupFactory(school=school_a, name="Groep 5B")
    patrons: list[Any] = [
        PatronFactory(school=school_a, group=group, first_name="Zoë", last_name="Öztürk") for _ in range(12)
    ]
    content = pdf.cards_pdf(school_a, patrons)
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 2
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert round(width / 72 * 25.4) == 210 and round(height / 72 * 25.4) == 297
    pages = pdf_text(content)
    assert all(p.card_number in pages[0] for p in patrons[:10])
    assert all(p.card_number in pages[1] for p in patrons[10:])
    assert "Zoë Öztürk" in pages[0] and "Groep 5B" in pages[0] and school_a.name in pages[0]


@pytest.mark.django_db
def test_card_layout_fits_a4():
    assert 210 * mm > pdf.CARD_COLUMNS * pdf.CARD_WIDTH and 297 * mm > pdf.CARD_ROWS * pdf.CARD_HEIGHT
    assert round(pdf.CARD_WIDTH / mm, 1) == 85.6 and round(pdf.CARD_HEIGHT / mm, 1) == 54.0


@pytest.mark.django_db
def test_login_letters_one_page_per_pupil(school_a):
    patrons = [PatronFactory(school=school_a) for _ in range(3)]
    logins = [
        PortalLogin(patron=p, username=p.card_number, password=f"abcd-efgh-{i:04d}", created=True)
        for i, p in enumerate(patrons)
    ]
    pages = pdf_text(pdf.login_letters_pdf(school_a, logins, "https://bieb.example/alfa/"))
    assert len(pages) == 3
    for page, login in zip(pages, logins, strict=True):
        assert login.username in page and login.password in page
        assert "Pasnummer" in page and "Wachtwoord" in page and "https://bieb.example/alfa/" in page


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")), reason="optional: poppler-utils and zbar-tools"
)
@pytest.mark.django_db
def test_a_barcode_reader_reads_every_card_from_the_printed_page(school_a, tmp_path):
    """Where poppler and zbar are installed: render page 1 at 150 dpi and read the barcodes as a scanner would."""
    patrons: list[Any] = [PatronFactory(school=school_a) for _ in range(10)]
    (tmp_path / "cards.pdf").write_bytes(pdf.cards_pdf(school_a, patrons))
    render = ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "cards.pdf", "page"]
    subprocess.run(render, cwd=tmp_path, check=True)
    [image] = tmp_path.glob("page*.png")
    found = subprocess.run(["zbarimg", "-q", str(image)], capture_output=True, text=True, check=False).stdout.split()
    assert sorted(found) == sorted(f"CODE-128:{p.card_number}" for p in patrons)
