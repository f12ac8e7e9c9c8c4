"""The read models of the client's catalogue pages (catalog/queries.py)."""

import pytest

from mediatheek.catalog import queries
from mediatheek.catalog.models import Copy
from mediatheek.testing.factories import CopyFactory, TitleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("page", "expected"), [("3", 3), ("0", 1), ("-4", 1), ("abc", 1), ("", 1), ("\x00", 1), (None, 1)]
)
def test_search_params_bound_the_page(page, expected):
    params = {"q": "  kikker ", "bereik": "alle", "age_code": "E", "extra": "x"}
    if page is not None:
        params["pagina"] = page
    parsed = queries.SearchParams.of(params)
    assert parsed.page_number == expected and parsed.query == "kikker" and parsed.scope == "alle"
    assert parsed.filters == {"age_code": "E", "avi_level": ""}


def test_a_copy_barcode_names_its_title_at_the_school_only(school_a, school_b):
    mine = CopyFactory(school=school_a, barcode="ALFA0001")
    CopyFactory(school=school_b, barcode="BETA0001")
    assert queries.copy_title_id(school_a, "alfa0001") == mine.title_id
    assert queries.copy_title_id(school_a, "BETA0001") is None
    assert queries.copy_title_id(school_a, "") is None


def test_search_page_counts_pages_and_keeps_to_the_school(school_a, school_b):
    for number in range(queries.PAGE_SIZE + 1):
        CopyFactory(school=school_a, title=TitleFactory(title=f"Alfaboek {number}"))
    CopyFactory(school=school_b, title=TitleFactory(title="Alfaboek van beta"))
    page = queries.search_page(school_a, queries.SearchParams(query="alfaboek"))
    assert page.results.total == queries.PAGE_SIZE + 1 and page.pages == 2
    assert len(page.results.titles) == queries.PAGE_SIZE
    everywhere = queries.search_page(school_a, queries.SearchParams(query="alfaboek", scope="alle"))
    assert everywhere.results.total == queries.PAGE_SIZE + 2


def test_titles_of_school_are_those_with_a_copy_there(school_a, school_b):
    mine = CopyFactory(school=school_a).title
    CopyFactory(school=school_a, title=mine)  # two copies: still one title
    CopyFactory(school=school_b)
    assert list(queries.titles_of_school(school_a)) == [mine]


def test_withdraw_selection_joins_ticked_and_scanned_copies_of_the_school(school_a, school_b):
    ticked = CopyFactory(school=school_a)
    scanned = CopyFactory(school=school_a)
    theirs = CopyFactory(school=school_b)
    chosen = queries.withdraw_selection(
        school_a,
        [str(ticked.pk), str(theirs.pk), "abc", "99999999999999999999"],
        f"{scanned.barcode}\n{ticked.barcode}\nONBEKEND\n",
    )
    assert chosen.copies == [ticked, scanned]  # a copy ticked and scanned counts once; B's id is ignored
    assert chosen.not_found == ["ONBEKEND"]


def test_recent_withdrawals_newest_first(school_a, school_b):
    import datetime as dt

    old = CopyFactory(school=school_a, status=Copy.Status.WITHDRAWN, withdrawn_on=dt.date(2024, 1, 1))
    new = CopyFactory(school=school_a, status=Copy.Status.WITHDRAWN, withdrawn_on=dt.date(2025, 1, 1))
    CopyFactory(school=school_a)
    CopyFactory(school=school_b, status=Copy.Status.WITHDRAWN, withdrawn_on=dt.date(2025, 6, 1))
    assert queries.recent_withdrawals(school_a) == [new, old]
