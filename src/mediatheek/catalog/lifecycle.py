"""The lifecycle of a copy and its loan, as one declared table (as invenio-app-ils declares its loan states).

Every service that changes a copy's status looks its step up here: (action, the copy's status now) -> the copy's
new status, what happens to the loan and to the reservation. A pair that is not in the table is refused
(IllegalTransition). The table holds only data (statuses and effects), so both the catalogue (withdraw, lose,
damage, shelve) and circulation (lend, collect, return, renew, hold, release) consult it; circulation/sql.py's desk
fast path writes what check_out and check_in read from it. The invariant that follows: a copy has an open loan
exactly when its status is "lent" (circulation/tests/test_lifecycle.py walks the table through both paths).

Rules about the patron (blocked, limits, a copy held for someone else) are not in the table: they are the
check-out precheck's (circulation/services.py), which runs before the step.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

from mediatheek.catalog.models import Copy
from mediatheek.core.errors import DomainError

AVAILABLE, LENT, ON_HOLD = Copy.Status.AVAILABLE.value, Copy.Status.LENT.value, Copy.Status.ON_HOLD.value
LOST, DAMAGED, WITHDRAWN = Copy.Status.LOST.value, Copy.Status.DAMAGED.value, Copy.Status.WITHDRAWN.value
EVERY_STATUS: tuple[str, ...] = tuple(Copy.Status.values)


class Action(StrEnum):
    LEND = "lend"  # check_out: a copy to a patron
    COLLECT = "collect"  # check_out of a copy held for this patron: the reservation is fulfilled
    RETURN = "return"  # check_in
    RENEW = "renew"
    HOLD = "hold"  # a returned or released copy is held for the first waiting reservation
    RELEASE = "release"  # a hold is cancelled or expires: the copy is free again (and may be held for the next)
    LOSE = "lose"  # vermist: by hand or by a stocktake
    DAMAGE = "damage"
    SHELVE = "shelve"  # back on the shelf by hand (found, repaired, written off by mistake)
    WITHDRAW = "withdraw"  # afschrijven


class LoanEffect(StrEnum):
    NONE = "none"
    OPEN = "open"  # a new open loan
    TAKE_OVER = "take_over"  # the other patron's open loan is closed, a new one opened (confirmed at the desk)
    CLOSE = "close"  # the open loan, if there is one, is closed
    EXTEND = "extend"  # the open loan gets a later due date


class ReservationEffect(StrEnum):
    NONE = "none"
    READY = "ready"  # the first waiting reservation now holds the copy
    FULFIL = "fulfil"  # the patron's own open reservation of the title is collected
    CLOSE = "close"  # the ready reservation ends (cancelled or expired)


@dataclass(frozen=True)
class Step:
    action: Action
    source: str
    target: str
    loan: LoanEffect = LoanEffect.NONE
    reservation: ReservationEffect = ReservationEffect.NONE
    confirm: str = ""  # a notice code the desk must confirm first (precheck)


def _steps() -> list[Step]:
    not_lent = [status for status in EVERY_STATUS if status != LENT]
    return [
        Step(Action.LEND, AVAILABLE, LENT, LoanEffect.OPEN, ReservationEffect.FULFIL),
        Step(Action.LEND, DAMAGED, LENT, LoanEffect.OPEN, ReservationEffect.FULFIL, confirm="damaged"),
        Step(Action.LEND, LOST, LENT, LoanEffect.OPEN, ReservationEffect.FULFIL, confirm="lost"),
        Step(Action.LEND, LENT, LENT, LoanEffect.TAKE_OVER, ReservationEffect.FULFIL, confirm="lent_to_other"),
        # On hold without a ready reservation holding it (the precheck refuses a copy held for someone else).
        Step(Action.LEND, ON_HOLD, LENT, LoanEffect.OPEN, ReservationEffect.FULFIL),
        Step(Action.COLLECT, ON_HOLD, LENT, LoanEffect.OPEN, ReservationEffect.FULFIL),
        Step(Action.RETURN, LENT, AVAILABLE, LoanEffect.CLOSE),
        Step(Action.RETURN, LOST, AVAILABLE, LoanEffect.CLOSE),  # a lost copy turns up
        Step(Action.RETURN, AVAILABLE, AVAILABLE, LoanEffect.CLOSE),  # scanned while not lent: nothing to close
        Step(Action.RETURN, ON_HOLD, AVAILABLE, LoanEffect.CLOSE),  # a hold nobody holds any more
        Step(Action.RETURN, DAMAGED, DAMAGED, LoanEffect.CLOSE),
        Step(Action.RETURN, WITHDRAWN, WITHDRAWN, LoanEffect.CLOSE),
        Step(Action.RENEW, LENT, LENT, LoanEffect.EXTEND),
        Step(Action.HOLD, AVAILABLE, ON_HOLD, reservation=ReservationEffect.READY),
        Step(Action.RELEASE, ON_HOLD, AVAILABLE, reservation=ReservationEffect.CLOSE),
        # By hand (catalogue): never while the copy is lent; it is returned first.
        *(Step(Action.LOSE, status, LOST) for status in not_lent),
        *(Step(Action.DAMAGE, status, DAMAGED) for status in not_lent),
        *(Step(Action.SHELVE, status, AVAILABLE) for status in not_lent),
        *(Step(Action.WITHDRAW, status, WITHDRAWN) for status in not_lent),
    ]


TABLE: dict[tuple[Action, str], Step] = {(step.action, step.source): step for step in _steps()}


class IllegalTransition(DomainError):
    """The copy's status does not allow this action."""

    def __init__(self, action: Action, status: str) -> None:
        self.action, self.status = action, status
        label = Copy.Status(status).label if status in EVERY_STATUS else status
        super().__init__(
            _("Dit kan niet met een exemplaar dat %(status)s is.") % {"status": label}, code=f"illegal_{action}"
        )


def allowed(action: Action, status: str) -> bool:
    return (action, status) in TABLE


def step(action: Action, status: str) -> Step:
    """The step `action` takes from `status`; IllegalTransition when the table has none."""
    found = TABLE.get((action, status))
    if found is None:
        raise IllegalTransition(action, status)
    return found


def sources(action: Action) -> tuple[str, ...]:
    """The statuses from which `action` is allowed."""
    return tuple(status for (kind, status) in TABLE if kind == action)
