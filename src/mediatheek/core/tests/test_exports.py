import datetime as dt
import io

from hypothesis import given
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from mediatheek.core.exports import FORMULA_TRIGGERS, csv_bytes, safe_cell, xlsx_bytes


@given(st.text())
def test_safe_cell_never_starts_with_a_formula_trigger(text):
    assert not str(safe_cell(text)).startswith(FORMULA_TRIGGERS)


def test_numbers_and_dates_stay():
    assert safe_cell(-3) == -3 and safe_cell(dt.date(2026, 1, 2)) == dt.date(2026, 1, 2)


def test_csv_and_xlsx_are_neutralised():
    rows = [['=HYPERLINK("http://x")', "+31", "@SUM(A1)", "Zoë"]]
    assert b"'=HYPERLINK" in csv_bytes(["a", "b", "c", "d"], rows)
    book = CalamineWorkbook.from_filelike(io.BytesIO(xlsx_bytes({"Blad": (["a", "b", "c", "d"], rows)})))
    values = book.get_sheet_by_index(0).to_python()
    assert values[1] == ['\'=HYPERLINK("http://x")', "'+31", "'@SUM(A1)", "Zoë"]
