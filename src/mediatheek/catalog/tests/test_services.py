from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader

from mediatheek.catalog import services
from mediatheek.catalog.exports import export_catalogue
from mediatheek.catalog.labels import BOTH, labels_pdf
from mediatheek.catalog.models import Copy
from mediatheek.catalog.text import normalise_isbn
from mediatheek.core.errors import DomainError
from mediatheek.testing.factories import CopyFactory, LoanFactory, TitleFactory

pytestmark = pytest.mark.django_db

ISBN13 = "9789045117263"


@pytest.mark.parametrize(
    "typed",
    ["9789045117263", "978-90-451-1726-3", "978 90 451 1726 3", "9045117266", "90-451-1726-6", " 9789045117263 "],
)
def test_isbn_forms_normalise_to_isbn13(typed: str) -> None:
    assert services.clean_isbn(typed) == ISBN13


@pytest.mark.parametrize("typed", ["9789045117264", "904511726X", "12345", "abcdefghij", "97890451172633"])
def test_invalid_isbns_are_refused(typed: str) -> None:
    with pytest.raises(DomainError):
        services.clean_isbn(typed)


def test_isbn10_with_x_check_digit() -> None:
    assert normalise_isbn("0-8044-2957-X") == "9780804429573"


def test_duplicate_isbn_is_caught_in_any_form(staff_user: Any) -> None:
    services.create_title(data={"title": "Een", "isbn": ISBN13}, by=staff_user)
    with pytest.raises(DomainError) as error:
        services.create_title(data={"title": "Twee", "isbn": "90-451-1726-6"}, by=staff_user)
    assert error.value.code == "duplicate_isbn"
    assert services.find_title_by_isbn("9045117266") is not None


def test_create_title_fills_sort_name() -> None:
    title = services.create_title(data={"title": "Pluk", "authors": "Annie M.G. Schmidt"})
    assert title.author_sort == "Schmidt, Annie M.G."


def test_add_copy_generates_barcodes_and_refuses_duplicates(school_a: Any, school_b: Any) -> None:
    title = TitleFactory()
    first = services.add_copy(title=title, school=school_a)
    second = services.add_copy(title=title, school=school_a)
    assert first.barcode == f"{school_a.code}-00001"
    assert second.barcode == f"{school_a.code}-00002"
    services.add_copy(title=title, school=school_a, barcode="R123")
    with pytest.raises(DomainError):
        services.add_copy(title=title, school=school_b, barcode="R123")
    with pytest.raises(DomainError):
        services.add_copy(title=title, school=school_a, barcode="met spatie")


def test_withdraw_many_with_reason_but_not_lent_or_other_school(school_a: Any, school_b: Any) -> None:
    one: Any = CopyFactory(school=school_a)
    two: Any = CopyFactory(school=school_a)
    lent: Any = CopyFactory(school=school_a, status=Copy.Status.LENT)
    LoanFactory(copy=lent)
    other: Any = CopyFactory(school=school_b)
    with pytest.raises(DomainError):
        services.withdraw_copies(school=school_a, copies=[one], reason="")
    with pytest.raises(DomainError):
        services.withdraw_copies(school=school_a, copies=[one, lent], reason="kapot")
    with pytest.raises(DomainError):
        services.withdraw_copies(school=school_a, copies=[one, other], reason="kapot")
    assert services.withdraw_copies(school=school_a, copies=[one, two], reason="Waterschade") == 2
    one.refresh_from_db()
    assert (one.status, one.withdrawn_reason, one.withdrawn_on is not None) == (
        Copy.Status.WITHDRAWN,
        "Waterschade",
        True,
    )


def test_stocktake_missing_elsewhere_and_mark_lost(school_a: Any, school_b: Any, admin_a: Any) -> None:
    on_shelf = CopyFactory(school=school_a, shelf="A", barcode="S1")
    missing = CopyFactory(school=school_a, shelf="A", barcode="S2")
    lent = CopyFactory(school=school_a, shelf="A", barcode="S3", status=Copy.Status.LENT)
    LoanFactory(copy=lent)
    CopyFactory(school=school_a, shelf="B", barcode="S4")  # other shelf, not expected
    wrong_shelf = CopyFactory(school=school_a, shelf="B", barcode="S5")
    CopyFactory(school=school_b, barcode="OTHER")
    withdrawn = CopyFactory(school=school_a, shelf="A", barcode="S6", status=Copy.Status.WITHDRAWN)

    stocktake = services.start_stocktake(school=school_a, shelf="A", by=admin_a)
    kinds = [
        services.scan_for_stocktake(stocktake=stocktake, barcode=code).kind
        for code in ("S1", "S1", "S5", "OTHER", "NOPE", "S3", "S6")
    ]
    assert kinds == ["ok", "again", "other_shelf", "other_school", "unknown", "marked_lent", "marked_gone"]
    report = services.stocktake_report(stocktake)
    assert [c.pk for c in report.missing] == [missing.pk]
    assert {o.barcode for o in report.elsewhere} == {"S5", "OTHER", "NOPE", "S3", "S6"}
    assert report.found == 1
    assert report.expected == 3  # S1, S2, S3 (withdrawn S6 not expected)
    assert services.mark_missing_lost(stocktake=stocktake, by=admin_a) == 1
    missing.refresh_from_db()
    on_shelf.refresh_from_db()
    wrong_shelf.refresh_from_db()
    assert missing.status == Copy.Status.LOST
    assert on_shelf.status == Copy.Status.AVAILABLE
    assert wrong_shelf.status == Copy.Status.AVAILABLE
    withdrawn.refresh_from_db()
    assert withdrawn.status == Copy.Status.WITHDRAWN
    services.finish_stocktake(stocktake=stocktake, by=admin_a)
    with pytest.raises(DomainError):
        services.scan_for_stocktake(stocktake=stocktake, barcode="S2")


def test_whole_school_stocktake_ignores_shelves(school_a: Any) -> None:
    CopyFactory(school=school_a, shelf="A", barcode="W1")
    CopyFactory(school=school_a, shelf="B", barcode="W2")
    stocktake = services.start_stocktake(school=school_a)
    assert services.scan_for_stocktake(stocktake=stocktake, barcode="W2").kind == "ok"
    assert [c.barcode for c in services.stocktake_report(stocktake).missing] == ["W1"]


def test_labels_pdf_parses_and_holds_the_barcodes(school_a: Any) -> None:
    title = TitleFactory(title="Dolfje Weerwolfje", author_sort="Loon, Paul van", avi_level="M5", age_code="A")
    copies: list[Any] = [CopyFactory(title=title, school=school_a, barcode=f"R{n:05d}") for n in range(14)]
    pdf = labels_pdf(copies, kind=BOTH, school_name=school_a.name, skip=5)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2  # 5 skipped + 28 labels on sheets of 24
    text = "".join(page.extract_text() for page in reader.pages)
    for copy in copies:
        assert copy.barcode in text
    assert "M5" in text and "LOO" in text


def test_export_is_school_scoped_and_neutralises_formulas(school_a: Any, school_b: Any, admin_a: Any) -> None:
    CopyFactory(school=school_a, title=TitleFactory(title='=HYPERLINK("http://x")'), barcode="A1")
    CopyFactory(school=school_b, title=TitleFactory(title="Geheim van Beta"), barcode="B1")
    content, filename = export_catalogue(school_a, fmt="csv", by=admin_a)
    text = content.decode("utf-8-sig")
    assert filename.endswith(".csv")
    assert "A1" in text and "B1" not in text and "Geheim van Beta" not in text
    assert "'=HYPERLINK" in text
    content, filename = export_catalogue(school_a, fmt="xlsx", by=admin_a)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    values: list[Any] = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "A1" in values and "B1" not in values
    assert all(not (isinstance(v, str) and v.startswith("=")) for v in values)


# --- who may change a shared title ----------------------------------------------------------------------------


def test_who_may_edit_a_title(school_a: Any, school_b: Any, admin_a: Any, admin_b: Any, staff_user: Any) -> None:
    from mediatheek.accounts.models import Role
    from mediatheek.testing.factories import school_user

    volunteer = school_user(Role.VOLUNTEER, school_a)
    held_by_b = TitleFactory()
    CopyFactory(title=held_by_b, school=school_b)
    shared = TitleFactory()
    CopyFactory(title=shared, school=school_a)
    CopyFactory(title=shared, school=school_b)
    withdrawn_at_a = TitleFactory()
    CopyFactory(title=withdrawn_at_a, school=school_a, status=Copy.Status.WITHDRAWN)
    CopyFactory(title=withdrawn_at_a, school=school_b)

    assert not services.may_edit_title(admin_a, held_by_b)
    assert services.may_edit_title(admin_b, held_by_b)
    assert services.may_edit_title(admin_a, shared) and services.may_edit_title(admin_b, shared)
    assert not services.may_edit_title(admin_a, withdrawn_at_a)  # no longer in A's collection
    assert all(services.may_edit_title(staff_user, title) for title in (held_by_b, shared, withdrawn_at_a))
    assert not any(services.may_edit_title(volunteer, title) for title in (held_by_b, shared, withdrawn_at_a))


def test_a_title_nobody_holds_is_the_entering_schools(school_a: Any, school_b: Any, admin_a: Any, admin_b: Any) -> None:
    entered = services.create_title(data={"title": "Nieuw"}, by=admin_a, school=school_a)
    assert services.may_edit_title(admin_a, entered)
    assert not services.may_edit_title(admin_b, entered)
    assert not services.may_edit_title(admin_a, TitleFactory())  # nobody holds it, A did not enter it


def test_update_title_refuses_an_admin_of_another_school_and_changes_nothing(
    school_a: Any, school_b: Any, admin_a: Any
) -> None:
    from mediatheek.core.models import AuditEvent

    title = TitleFactory(title="Van B")
    CopyFactory(title=title, school=school_b)
    with pytest.raises(DomainError) as refused:
        services.update_title(title, data={"title": "Gekaapt"}, by=admin_a, school=school_a)
    assert refused.value.code == "title_not_yours"
    title.refresh_from_db()
    assert title.title == "Van B"
    assert not AuditEvent.objects.filter(action="catalog.title_updated").exists()
