"""Two desks scan the same copy at the same moment: exactly one loan, the other desk gets a clear refusal.

Runs real threads against PostgreSQL (each thread its own connection and transaction); skipped on SQLite, where
the IMMEDIATE transactions serialise writers anyway.
"""

import threading

import pytest
from django.db import connection, connections

from mediatheek.catalog.models import Copy
from mediatheek.circulation import services
from mediatheek.circulation.models import Loan, Reservation
from mediatheek.core.errors import DomainError
from mediatheek.testing.factories import CopyFactory, PatronFactory, SchoolFactory, TitleFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the race test needs PostgreSQL (DATABASE_URL)"),
]

DESKS = 8


def _race(target, count: int) -> list[object]:
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = target(index)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_same_copy_scanned_at_many_desks_at_once_is_lent_once():
    school = SchoolFactory()
    copy = CopyFactory(school=school, title=TitleFactory())
    patrons = [PatronFactory(school=school) for _ in range(DESKS)]

    results = _race(lambda index: services.check_out(copy=copy, patron=patrons[index], by=None), DESKS)

    loans = [result for result in results if isinstance(result, Loan)]
    refused = [result for result in results if isinstance(result, DomainError)]
    assert len(loans) == 1, results
    assert len(refused) == DESKS - 1, results
    # The row lock serialises the desks: each later desk sees the loan ("lent to another, return first?"); none
    # has to fall back on the database constraint (the "race" message) as it would without the lock.
    assert {error.code for error in refused} == {"lent_to_other"}, [str(error) for error in refused]
    assert Loan.objects.filter(copy=copy, returned_at__isnull=True).count() == 1
    assert Copy.objects.get(pk=copy.pk).status == Copy.Status.LENT


def test_confirmed_takeovers_at_once_leave_one_open_loan():
    """Even when every desk confirms "return it first and lend", the copy ends with exactly one open loan."""
    school = SchoolFactory()
    copy = CopyFactory(school=school, title=TitleFactory())
    patrons = [PatronFactory(school=school) for _ in range(DESKS)]
    services.check_out(copy=copy, patron=PatronFactory(school=school), by=None)

    results = _race(lambda index: services.check_out(copy=copy, patron=patrons[index], by=None, confirmed=True), DESKS)

    assert all(isinstance(result, Loan | DomainError) for result in results), results
    assert Loan.objects.filter(copy=copy, returned_at__isnull=True).count() == 1
    assert Loan.objects.filter(copy=copy).count() == 1 + sum(isinstance(result, Loan) for result in results)


def test_lend_and_return_at_once():
    school = SchoolFactory()
    copy = CopyFactory(school=school, title=TitleFactory())
    first, second = PatronFactory(school=school), PatronFactory(school=school)
    services.check_out(copy=copy, patron=first, by=None)

    def act(index: int) -> object:
        if index == 0:
            return services.check_in(copy=copy, by=None)
        return services.check_out(copy=copy, patron=second, by=None, confirmed=True)

    results = _race(act, 2)
    assert not any(isinstance(result, Exception) and not isinstance(result, DomainError) for result in results)
    assert Loan.objects.filter(copy=copy, returned_at__isnull=True).count() <= 1
    copy.refresh_from_db()
    open_loan = Loan.objects.filter(copy=copy, returned_at__isnull=True).first()
    assert copy.status == (Copy.Status.LENT if open_loan else Copy.Status.AVAILABLE)


def test_copies_of_one_title_returned_at_once_serve_different_reservations():
    """Each returned copy goes to a different pupil in the queue: the check-in locks the reservation it hands out
    and skips those another desk is handing out at that moment (FOR UPDATE SKIP LOCKED)."""
    school = SchoolFactory()
    title = TitleFactory()
    copies = [CopyFactory(school=school, title=title) for _ in range(DESKS)]
    for copy in copies:
        services.check_out(copy=copy, patron=PatronFactory(school=school), by=None)
    waiting = [PatronFactory(school=school) for _ in range(DESKS)]
    for patron in waiting:
        services.place_reservation(title=title, patron=patron, by=None)

    results = _race(lambda index: services.check_in(copy=copies[index], by=None), DESKS)

    assert all(isinstance(result, services.CheckInResult) for result in results), results
    ready = Reservation.objects.filter(title=title, status=Reservation.Status.READY)
    assert ready.count() == DESKS
    assert sorted(ready.values_list("held_copy_id", flat=True)) == sorted(copy.pk for copy in copies)
    assert Copy.objects.filter(pk__in=[copy.pk for copy in copies], status=Copy.Status.ON_HOLD).count() == DESKS
    assert not Loan.objects.filter(copy__in=copies, returned_at__isnull=True).exists()


def test_clicks_at_once_cannot_pass_the_reservation_limit():
    """A pupil with two of three reservations clicks "Reserveren" on several titles at once (tabs, a double
    click): the count and the new reservation happen under the patron's row lock, so only one takes the last
    place; the others are told the limit."""
    school = SchoolFactory()
    patron = PatronFactory(school=school)
    titles = [TitleFactory() for _ in range(DESKS + 2)]
    for title in titles:
        CopyFactory(school=school, title=title, status=Copy.Status.LENT)
    for title in titles[:2]:
        services.place_reservation(title=title, patron=patron, by=None)

    results = _race(lambda index: services.place_reservation(title=titles[2 + index], patron=patron, by=None), DESKS)

    placed = [result for result in results if isinstance(result, Reservation)]
    refused = [result for result in results if isinstance(result, DomainError)]
    assert len(placed) == 1, results
    assert len(refused) == DESKS - 1 and {error.code for error in refused} == {"reservation_limit"}, results
    assert Reservation.objects.filter(patron=patron, status=Reservation.Status.WAITING).count() == 3
