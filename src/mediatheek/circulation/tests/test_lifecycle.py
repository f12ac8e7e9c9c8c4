"""The lifecycle table (catalog/lifecycle.py) walked through the services, row by row.

Lend, collect and return write through the desk's hand-written SQL (circulation/sql.py); renew, release, lose,
damage, shelve and withdraw through the ORM. After each step the state is read back both ways, through the ORM and
through the desk's SQL readers, and must be what the table says: the copy's new status, the loan's effect, the
reservation's effect, and the invariant "an open loan exactly when the copy is lent". Runs on SQLite and, with
DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from mediatheek.catalog import lifecycle
from mediatheek.catalog import services as catalog_services
from mediatheek.catalog.lifecycle import Action, LoanEffect, ReservationEffect, Step
from mediatheek.catalog.models import Copy
from mediatheek.circulation import services, sql
from mediatheek.circulation.models import OPEN_RESERVATION_STATUSES, Loan, LoanRule, Reservation
from mediatheek.core.errors import DomainError
from mediatheek.patrons.models import Patron
from mediatheek.testing.factories import CopyFactory, GroupFactory, PatronFactory, TitleFactory

pytestmark = pytest.mark.django_db

S = Copy.Status
LONG_AGO = timezone.localdate() - dt.timedelta(days=10)


@pytest.fixture
def rules_a(school_a: Any) -> None:
    LoanRule.objects.create(school=school_a, loan_days=14, max_loans=5, max_renewals=2, hold_days=5)


def pupil(school: Any) -> Patron:
    return PatronFactory(school=school, group=GroupFactory(school=school, year_level=5))


@dataclass
class State:
    """Everything a step can change, read through the ORM and through the desk's SQL."""

    status: str
    open_loan: tuple[int, int | None, int] | None  # (id, patron id, renewals)
    reservations: dict[int, str]

    @classmethod
    def of(cls, copy: Copy) -> State:
        status = Copy.objects.get(pk=copy.pk).status
        desk_copy = sql.copy_by_barcode(copy.school_id, [copy.barcode])
        assert desk_copy is not None and desk_copy.status == status  # the desk's read agrees
        loans = list(Loan.objects.open().filter(copy=copy))
        desk_loan, _candidates = sql.checkin_reads(copy_id=copy.pk, school_id=copy.school_id, title_id=copy.title_id)
        assert [loan.pk for loan in loans] == ([desk_loan.pk] if desk_loan else [])
        # The invariant the catalogue relies on (withdraw, lose): an open loan exactly when the copy is lent.
        assert bool(loans) == (status == S.LENT)
        reservations = dict(Reservation.objects.filter(title_id=copy.title_id).values_list("pk", "status"))
        desk_open = {
            r.pk
            for r in sql.checkout_reads(copy_id=copy.pk, patron_id=0, school_id=copy.school_id, title_id=copy.title_id)[
                1
            ]
        }
        assert desk_open == set(Reservation.objects.open().filter(title_id=copy.title_id).values_list("pk", flat=True))
        loan = loans[0] if loans else None
        return cls(status, (loan.pk, loan.patron_id, loan.renewals) if loan else None, reservations)


def copy_in(status: str, school: Any) -> Copy:
    """A copy in `status`, brought there the way the desk would (lent: lent by the service; on hold: held for a
    reservation by a return); the others set by hand as the catalogue does."""
    copy = CopyFactory(school=school, title=TitleFactory(), status=S.AVAILABLE)
    if status == S.LENT:
        services.check_out(copy=copy, patron=pupil(school), by=None, today=LONG_AGO)
    elif status == S.ON_HOLD:
        services.check_out(copy=copy, patron=pupil(school), by=None, today=LONG_AGO)
        services.place_reservation(title=copy.title, patron=pupil(school), by=None)
        services.check_in(copy=copy, by=None)
    elif status != S.AVAILABLE:
        Copy.objects.filter(pk=copy.pk).update(status=status)
    copy.refresh_from_db()
    assert copy.status == status
    return copy


def perform(step: Step, copy: Copy, school: Any) -> dict[str, Any]:
    """Take the step through its service; returns who acted and which reservation is concerned."""
    copy = Copy.objects.select_related("title").get(pk=copy.pk)
    action = step.action
    if action in (Action.LEND, Action.COLLECT):
        if action == Action.COLLECT:
            own = Reservation.objects.get(held_copy=copy, status=Reservation.Status.READY)
            patron = own.patron
        else:
            if step.source == S.ON_HOLD:  # a hold nobody holds any more (its reservation went)
                Reservation.objects.filter(held_copy=copy).update(status=Reservation.Status.CANCELLED)
            patron = pupil(school)
            own = None
            if step.reservation == ReservationEffect.FULFIL:  # the patron's own reservation comes along
                own = services.place_reservation(title=copy.title, patron=patron, by=None)
        checked_out = services.lend(copy=copy, patron=patron, by=None, confirmed=True)
        assert checked_out.loan.patron_id == patron.pk
        return {"patron": patron, "reservation": own}
    if action == Action.RETURN:
        if step.source == S.ON_HOLD:  # stale: its reservation went without releasing it
            Reservation.objects.filter(held_copy=copy).update(status=Reservation.Status.CANCELLED)
        services.check_in(copy=copy, by=None)
        return {}
    if action == Action.RENEW:
        services.renew(loan=Loan.objects.open().get(copy=copy), by=None)
        return {}
    if action == Action.HOLD:  # a return with someone waiting: the copy comes back and is held at once
        services.check_out(copy=copy, patron=pupil(school), by=None)
        waiting = services.place_reservation(title=copy.title, patron=pupil(school), by=None)
        services.check_in(copy=copy, by=None)
        return {"reservation": waiting}
    if action == Action.RELEASE:
        held = Reservation.objects.get(held_copy=copy, status=Reservation.Status.READY)
        services.cancel_reservation(reservation=held, by=None)
        return {"reservation": held}
    if action == Action.WITHDRAW:
        catalog_services.withdraw_copies(school=school, copies=[copy], reason="kapot")
        return {}
    target = {Action.LOSE: S.LOST, Action.DAMAGE: S.DAMAGED, Action.SHELVE: S.AVAILABLE}[action]
    catalog_services.set_copy_status(copy=copy, status=target)
    return {}


ROWS = sorted(lifecycle.TABLE.values(), key=lambda step: (step.action, step.source))


@pytest.mark.parametrize("step", ROWS, ids=[f"{step.action}-{step.source}" for step in ROWS])
def test_each_step_of_the_table(step: Step, school_a: Any, rules_a: None) -> None:
    copy = copy_in(step.source, school_a)
    before = State.of(copy)
    acted = perform(step, copy, school_a)
    after = State.of(copy)

    assert after.status == step.target

    if step.loan in (LoanEffect.OPEN, LoanEffect.TAKE_OVER):
        assert after.open_loan is not None and after.open_loan[1] == acted["patron"].pk
        if step.loan == LoanEffect.TAKE_OVER:
            assert before.open_loan is not None and after.open_loan[0] != before.open_loan[0]
            assert Loan.objects.get(pk=before.open_loan[0]).returned_at is not None
    elif step.loan == LoanEffect.CLOSE:
        assert after.open_loan is None
        if before.open_loan is not None:
            assert Loan.objects.get(pk=before.open_loan[0]).returned_at is not None
    elif step.loan == LoanEffect.EXTEND:
        assert before.open_loan is not None and after.open_loan is not None
        assert after.open_loan[0] == before.open_loan[0] and after.open_loan[2] == before.open_loan[2] + 1
    elif step.action != Action.HOLD:  # HOLD's driver lends and returns first (see perform)
        assert after.open_loan == before.open_loan

    reservation = acted.get("reservation")
    if step.reservation == ReservationEffect.FULFIL:
        assert after.reservations[reservation.pk] == Reservation.Status.FULFILLED
    elif step.reservation == ReservationEffect.READY:
        reservation.refresh_from_db()
        assert reservation.status == Reservation.Status.READY and reservation.held_copy_id == copy.pk
    elif step.reservation == ReservationEffect.CLOSE:
        assert after.reservations[reservation.pk] not in OPEN_RESERVATION_STATUSES
    elif step.source != S.ON_HOLD:  # a stale hold's reservation was closed by the test itself
        assert after.reservations == before.reservations


ILLEGAL = [
    (action, status)
    for action in (Action.LEND, Action.LOSE, Action.DAMAGE, Action.SHELVE, Action.WITHDRAW)
    for status in lifecycle.EVERY_STATUS
    if not lifecycle.allowed(action, status)
]


@pytest.mark.parametrize(("action", "status"), ILLEGAL, ids=[f"{a}-{s}" for a, s in ILLEGAL])
def test_what_the_table_does_not_allow_is_refused_and_changes_nothing(
    action: Action, status: str, school_a: Any, rules_a: None
) -> None:
    copy = copy_in(status, school_a)
    before = State.of(copy)
    with pytest.raises(DomainError) as refused:
        perform(Step(action, status, status), copy, school_a)
    assert refused.value.code in ("withdrawn", "lent")  # the precheck's or the catalogue's word for it
    assert State.of(copy) == before


def test_every_status_can_be_returned_and_withdrawn_only_when_not_lent() -> None:
    assert set(lifecycle.sources(Action.RETURN)) == set(lifecycle.EVERY_STATUS)
    assert set(lifecycle.sources(Action.WITHDRAW)) == set(lifecycle.EVERY_STATUS) - {S.LENT}
    assert lifecycle.sources(Action.RENEW) == (S.LENT,)
    with pytest.raises(lifecycle.IllegalTransition):
        lifecycle.step(Action.LEND, S.WITHDRAWN)


def test_a_return_with_someone_waiting_holds_the_copy_through_the_desk_path(school_a: Any, rules_a: None) -> None:
    """The return and the hold in one scan: check_in's SQL writes and the ORM's reservation agree."""
    copy = copy_in(S.LENT, school_a)
    waiting = services.place_reservation(title=copy.title, patron=pupil(school_a), by=None)
    result = services.check_in(copy=copy, by=None)
    assert result.hold is not None and result.hold.pk == waiting.pk
    state = State.of(copy)
    assert state.status == lifecycle.step(Action.HOLD, lifecycle.step(Action.RETURN, S.LENT).target).target
    assert state.reservations[waiting.pk] == Reservation.Status.READY
