"""A school's own barcode series: new copies go on in it, never reuse a barcode in use, and two desks at once never
get the same number."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection

from mediatheek.accounts.models import Role
from mediatheek.catalog import services
from mediatheek.catalog.models import BarcodeSeries, Copy
from mediatheek.core.errors import DomainError, PermissionDeniedError
from mediatheek.core.models import AuditEvent
from mediatheek.testing import factories as f


@pytest.mark.django_db
def test_a_series_gives_the_prefix_and_the_number_with_leading_zeros(school_a: Any) -> None:
    f.BarcodeSeriesFactory(school=school_a, prefix="R", width=6, next_number=123)
    title = f.TitleFactory()
    assert services.add_copy(title=title, school=school_a).barcode == "R000123"
    assert services.add_copy(title=title, school=school_a).barcode == "R000124"
    assert BarcodeSeries.objects.get(school=school_a).next_number == 125


@pytest.mark.django_db
def test_without_a_series_the_default_stays(school_a: Any) -> None:
    assert services.add_copy(title=f.TitleFactory(), school=school_a).barcode == f"{school_a.code}-00001"


@pytest.mark.django_db
def test_numbers_already_on_a_copy_of_any_school_are_skipped(school_a: Any, school_b: Any) -> None:
    f.BarcodeSeriesFactory(school=school_a, prefix="R", width=6, next_number=1)
    f.CopyFactory(school=school_a, barcode="R000001")  # a label from the school's old system
    f.CopyFactory(school=school_b, barcode="R000002")  # barcodes are unique in the whole library
    assert services.next_barcode(school_a) == "R000003"
    assert services.next_barcode(school_a) == "R000004"


@pytest.mark.django_db
def test_a_long_run_of_taken_numbers_is_skipped_in_few_queries(
    school_a: Any, django_assert_max_num_queries: Any
) -> None:
    f.BarcodeSeriesFactory(school=school_a, prefix="R", width=6, next_number=1)
    title = f.TitleFactory()
    Copy.objects.bulk_create(Copy(title=title, school=school_a, barcode=f"R{n:06d}") for n in range(1, 451))
    with django_assert_max_num_queries(10):
        assert services.next_barcode(school_a) == "R000451"


@pytest.mark.django_db
def test_an_imports_batch_is_skipped_too(school_a: Any) -> None:
    f.BarcodeSeriesFactory(school=school_a, prefix="X-", width=3, next_number=7)
    assert services.next_barcode(school_a, taken={"X-007", "X-008"}) == "X-009"


@pytest.mark.django_db
def test_a_full_series_is_refused_in_plain_dutch(school_a: Any) -> None:
    f.BarcodeSeriesFactory(school=school_a, prefix="R", width=2, next_number=99)
    f.CopyFactory(school=school_a, barcode="R99")
    with pytest.raises(DomainError, match="De barcodereeks R is vol"):
        services.add_copy(title=f.TitleFactory(), school=school_a)
    assert services.preview_next_barcode(school_a) == ""


@pytest.mark.django_db
def test_the_series_of_one_school_is_not_used_for_another(school_a: Any, school_b: Any) -> None:
    f.BarcodeSeriesFactory(school=school_a, prefix="R", width=6, next_number=40)
    assert services.add_copy(title=f.TitleFactory(), school=school_b).barcode == f"{school_b.code}-00001"
    assert BarcodeSeries.objects.for_school(school_b).count() == 0
    assert BarcodeSeries.objects.get(school=school_a).next_number == 40


@pytest.mark.django_db
def test_a_scanned_barcode_does_not_move_the_counter(school_a: Any) -> None:
    f.BarcodeSeriesFactory(school=school_a, prefix="R", width=6, next_number=5)
    services.add_copy(title=f.TitleFactory(), school=school_a, barcode="OUD-17")
    assert BarcodeSeries.objects.get(school=school_a).next_number == 5


@pytest.mark.django_db
def test_the_books_isbn_scanned_as_a_copy_barcode_is_refused(school_a: Any) -> None:
    with pytest.raises(DomainError, match="is het ISBN van het boek"):
        services.add_copy(title=f.TitleFactory(), school=school_a, barcode="9789045117263")
    assert not Copy.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real threads need PostgreSQL (DATABASE_URL)")
def test_two_desks_adding_at_the_same_moment_get_different_numbers(monkeypatch: Any) -> None:
    """Each desk its own connection and transaction; on SQLite the IMMEDIATE transactions serialise them anyway."""
    school = f.SchoolFactory()
    f.BarcodeSeriesFactory(school=school, prefix="R", width=6, next_number=1)
    title = f.TitleFactory()
    first_free = services._first_free_in_series

    def slow_first_free(*args: Any, **kwargs: Any) -> Any:
        found = first_free(*args, **kwargs)
        time.sleep(0.3)  # both desks have read the counter before either writes, unless the row is locked
        return found

    monkeypatch.setattr(services, "_first_free_in_series", slow_first_free)
    start = threading.Barrier(2)
    barcodes: list[str] = []
    errors: list[Exception] = []

    def desk() -> None:
        try:
            start.wait(timeout=10)
            barcodes.append(services.add_copy(title=title, school=school).barcode)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=desk) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(barcodes) == ["R000001", "R000002"]
    assert BarcodeSeries.objects.get(school=school).next_number == 3


# ------------------------------------------------------------------------------ setting the series


@pytest.mark.django_db
def test_setting_the_series_is_audited_with_before_and_after(school_a: Any, admin_a: Any) -> None:
    services.set_barcode_series(school=school_a, prefix="R", width=6, next_number=100, by=admin_a)
    services.set_barcode_series(school=school_a, prefix="R", width=6, next_number=500, by=admin_a)
    events = list(AuditEvent.objects.filter(action=services.BARCODE_SERIES_CHANGED).order_by("pk"))
    assert [event.school_id for event in events] == [school_a.pk, school_a.pk]
    assert events[0].detail == {"before": None, "after": {"prefix": "R", "width": 6, "next_number": 100}}
    assert events[1].detail["before"]["next_number"] == 100 and events[1].detail["after"]["next_number"] == 500
    assert events[1].actor == admin_a


@pytest.mark.django_db
def test_clearing_the_series_goes_back_to_the_default_and_is_audited(school_a: Any, staff_user: Any) -> None:
    f.BarcodeSeriesFactory(school=school_a, prefix="R", width=6, next_number=9)
    services.clear_barcode_series(school=school_a, by=staff_user)
    assert not BarcodeSeries.objects.filter(school=school_a).exists()
    event = AuditEvent.objects.get(action=services.BARCODE_SERIES_CHANGED)
    assert event.detail == {"before": {"prefix": "R", "width": 6, "next_number": 9}, "after": None}
    assert services.next_barcode(school_a) == f"{school_a.code}-00001"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "width", "next_number", "message"),
    [
        ("R 1", 6, 1, "alleen letters, cijfers en streepjes"),
        ("R\x00", 6, 1, "alleen letters, cijfers en streepjes"),
        ("Ré", 6, 1, "alleen letters, cijfers en streepjes"),
        ("R" * 17, 6, 1, "alleen letters, cijfers en streepjes"),
        ("R", 0, 1, "tussen 1 en 12"),
        ("R", 13, 1, "tussen 1 en 12"),
        ("R", 3, 1000, "tussen 1 en 999"),
        ("R", 3, 0, "tussen 1 en 999"),
    ],
)
def test_a_series_that_cannot_work_is_refused(
    school_a: Any, admin_a: Any, prefix: str, width: int, next_number: int, message: str
) -> None:
    with pytest.raises(DomainError, match=message):
        services.set_barcode_series(school=school_a, prefix=prefix, width=width, next_number=next_number, by=admin_a)
    assert not BarcodeSeries.objects.exists()
    assert not AuditEvent.objects.filter(action=services.BARCODE_SERIES_CHANGED).exists()


@pytest.mark.django_db
def test_a_volunteer_cannot_set_the_series(school_a: Any) -> None:
    volunteer = f.school_user(Role.VOLUNTEER, school_a)
    with pytest.raises(PermissionDeniedError):
        services.set_barcode_series(school=school_a, prefix="R", width=6, next_number=1, by=volunteer)
    with pytest.raises(PermissionDeniedError):
        services.clear_barcode_series(school=school_a, by=volunteer)
    assert not BarcodeSeries.objects.exists()
