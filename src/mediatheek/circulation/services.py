"""Circulation: check out, check in, renew, reserve. Every state change is atomic and locks the copy's row.

A copy never has two open loans: the database refuses it (constraint `loan_one_open_loan_per_copy`) and the
services lock the copy (`select_for_update`) before they look at it, so two desks scanning the same copy at the
same moment are served one after the other; the second sees the first one's loan. On SQLite the transaction
takes the write lock at its start (settings: transaction_mode IMMEDIATE), which serialises the same way.
Lock order, everywhere: copy, then patron, then reservations.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from django.conf import settings
from django.core.mail import EmailMessage, get_connection, send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mediatheek.catalog import lifecycle
from mediatheek.catalog.models import Copy, Title
from mediatheek.circulation import precheck, rules, sql
from mediatheek.circulation.models import OPEN_RESERVATION_STATUSES, Loan, LoanRule, Reservation
from mediatheek.circulation.overdue import overdue_by_patron
from mediatheek.circulation.precheck import Notice, Precheck
from mediatheek.core import audit
from mediatheek.core.errors import DomainError
from mediatheek.core.params import id_or_none
from mediatheek.patrons.models import Group, Patron
from mediatheek.schools.models import ClosedDay, School

if TYPE_CHECKING:
    from mediatheek.accounts.models import User

log = logging.getLogger(__name__)


def day_label(day: dt.date) -> str:
    """ "28 november 2026" in the active language."""
    return formats.date_format(day, "DATE_FORMAT")


def patron_label(patron: Patron | None) -> str:
    if patron is None:
        return _("een onbekende lener")
    group = patron.group.name if patron.group_id and patron.group else ""
    return f"{patron.full_name} ({group})" if group else patron.full_name


# --- Results -----------------------------------------------------------------------------------------------------


class CheckoutRefused(DomainError):
    """A blocker: the copy cannot be lent to this patron."""

    def __init__(self, precheck: Precheck) -> None:
        super().__init__(" ".join(str(blocker) for blocker in precheck.blockers), code=precheck.blockers[0].code)
        self.precheck = precheck


class ConfirmationRequired(DomainError):
    """The copy can be lent once the desk confirms (check_out(confirmed=True))."""

    def __init__(self, precheck: Precheck) -> None:
        super().__init__(
            " ".join(str(notice) for notice in precheck.confirmations), code=precheck.confirmations[0].code
        )
        self.precheck = precheck


@dataclass
class CheckInResult:
    copy: Copy
    loan: Loan | None  # None: the copy was not lent
    days_late: int = 0
    fine: Decimal | None = None
    hold: Reservation | None = None  # the reservation the copy is now held for ("apart leggen voor ...")

    @property
    def patron(self) -> Patron | None:
        return self.loan.patron if self.loan is not None else None

    @property
    def late(self) -> bool:
        return self.days_late > 0


# --- Look-ups at the desk ------------------------------------------------------------------------------------


# The columns the desk needs of a copy and its title: loading a whole Title row per scan is measurable.
COPY_FIELDS = ("id", "barcode", "status", "school", "title", "title__id", "title__title", "title__age_code")


def clean_code(code: str) -> str:
    """What a scanner or a keyboard typed, without control characters (PostgreSQL refuses NUL) and spaces."""
    return "".join(character for character in (code or "") if character.isprintable()).strip()[:64]


def _barcode_candidates(barcode: str) -> list[str]:
    """Exact matches on the unique index (a case-insensitive LIKE would scan the whole table on SQLite); a code
    typed in lower case is tried in upper case too."""
    barcode = clean_code(barcode)
    if not barcode:
        return []
    return [barcode] if barcode == barcode.upper() else [barcode, barcode.upper()]


def find_copy(school: Any, barcode: str) -> Copy | None:
    """The school's copy with this barcode."""
    candidates = _barcode_candidates(barcode)
    if not candidates or school is None:
        return None
    return sql.copy_by_barcode(school.pk, candidates)


def find_patron_and_copy(school: Any, patron_id: int, barcode: str) -> tuple[Patron | None, Copy | None]:
    """The patron on the desk's screen and the copy just scanned for them, in one query (a scan's hot path)."""
    if id_or_none(patron_id) is None:
        return None, None
    candidates = _barcode_candidates(barcode)
    if not candidates:
        return sql.patron_for_desk(school.pk, patron_id), None
    return sql.patron_and_copy_for_desk(school.pk, patron_id, candidates)


def find_patron(school: Any, card_number: str) -> Patron | None:
    card_number = clean_code(card_number)
    if not card_number:
        return None
    return Patron.objects.for_school(school).select_related("group").filter(card_number=card_number).first()


def open_loans(patron: Patron) -> QuerySet[Loan]:
    return (
        Loan.objects.open()
        .filter(patron=patron)
        .select_related("copy__title")
        .only(
            "id",
            "due_date",
            "renewals",
            "checked_out_at",
            "patron",
            "copy__id",
            "copy__barcode",
            "copy__title__id",
            "copy__title__title",
        )
        .order_by("due_date", "checked_out_at")
    )


def open_reservations(patron: Patron) -> QuerySet[Reservation]:
    return (
        Reservation.objects.open()
        .filter(patron=patron)
        .select_related("title", "held_copy")
        .order_by("placed_at", "id")
    )


def ready_reservations(patron: Patron) -> QuerySet[Reservation]:
    """What the portal shows as "ligt voor je klaar" (status ready, hold_until)."""
    return open_reservations(patron).filter(status=Reservation.Status.READY)


def queue(title: Title, school: Any) -> QuerySet[Reservation]:
    """The waiting queue of a title at one school, first in line first."""
    return (
        Reservation.objects.for_school(school)
        .filter(title=title, status=Reservation.Status.WAITING)
        .select_related("patron__group")
        .order_by("placed_at", "id")
    )


def queue_position(reservation: Reservation) -> int:
    if reservation.status != Reservation.Status.WAITING:
        return 0
    ahead = (
        queue(reservation.title, reservation.school_id)
        .filter(placed_at__lte=reservation.placed_at)
        .exclude(pk=reservation.pk)
        .exclude(placed_at=reservation.placed_at, pk__gt=reservation.pk)
    )
    return ahead.count() + 1


# --- Locks ------------------------------------------------------------------------------------------------------


def _lock_copy(copy: Copy) -> Copy:
    """The copy, locked for the rest of the transaction.

    PostgreSQL: a row lock (SELECT ... FOR UPDATE); the status is re-read under the lock. SQLite: the IMMEDIATE
    transaction already holds the database's write lock, and everything that decides a check-out or check-in
    (open loans, holds, the queue) is queried inside it; the copy row itself is used as the desk just read it.
    """
    if not connection.features.has_select_for_update:
        return copy
    status = sql.lock_copy_status(copy.pk)
    if status is None:
        raise DomainError(_("Dit exemplaar bestaat niet meer."), code="gone")
    copy.status = status
    return copy


def _lock_copy_and_patron(copy: Copy, patron: Patron) -> tuple[Copy, Patron]:
    """`_lock_copy`, then `_lock_patron`: one round trip on PostgreSQL."""
    if not connection.features.has_select_for_update:
        return copy, patron
    state = sql.lock_copy_and_patron(copy.pk, patron.pk)
    if state is None:  # one of the two is gone: the separate locks say which
        return _lock_copy(copy), _lock_patron(patron)
    copy.status, patron.status, patron.blocked_reason = state
    return copy, patron


def _lock_patron(patron: Patron) -> Patron:
    if not connection.features.has_select_for_update:
        # SQLite: the IMMEDIATE transaction already holds the database's write lock; the object is fresh enough
        # (the checks that matter query loans and reservations inside the transaction).
        return patron
    state = sql.lock_patron_state(patron.pk)
    if state is None:
        raise DomainError(_("Deze lener bestaat niet meer."), code="gone")
    patron.status, patron.blocked_reason = state
    return patron


def _skip_locked() -> dict[str, bool]:
    return {"skip_locked": True} if connection.features.has_select_for_update_skip_locked else {}


# --- Check out ----------------------------------------------------------------------------------------------------


def checkout_precheck(
    *,
    copy: Copy,
    patron: Patron,
    today: dt.date | None = None,
    school_rules: list[LoanRule] | None = None,
    calendar: rules.Calendar | None = None,
) -> Precheck:
    """Everything that stands between this copy and this patron, without changing anything.
    `school_rules` and `calendar`: the school's rules and closed days when the caller has them already."""
    today = today or timezone.localdate()
    pre = Precheck()
    name = patron.full_name
    if copy.school_id != patron.school_id:
        pre.blockers.append(Notice("other_school", _("Dit exemplaar hoort bij een andere school.")))
        return pre
    precheck.check_standing(pre, patron)
    # The copy's own status: the lifecycle's lend step says whether it can be lent and what needs confirming.
    lend_step = lifecycle.TABLE.get((lifecycle.Action.LEND, copy.status))
    if lend_step is None:
        pre.blockers.append(Notice("withdrawn", _("Dit exemplaar is afgeschreven en kan niet uitgeleend worden.")))
    elif lend_step.confirm == "lost":
        pre.confirmations.append(Notice("lost", _("Dit exemplaar staat als vermist. Is het terecht? Toch uitlenen?")))
    elif lend_step.confirm == "damaged":
        pre.confirmations.append(Notice("damaged", _("Dit exemplaar staat als beschadigd. Toch uitlenen?")))

    # One query for the copy's open loan (if any), the patron's open loans, and every open reservation of this
    # title here: the hold on this copy, the patron's own, the queue.
    open_loans_here, reservations = sql.checkout_reads(
        copy_id=copy.pk, patron_id=patron.pk, school_id=copy.school_id, title_id=copy.title_id
    )
    open_loan = next((loan for loan, _code in open_loans_here if loan.copy_id == copy.pk), None)
    loans = [
        (loan.due_date, code)
        for loan, code in open_loans_here
        if loan.patron_id == patron.pk and loan.copy_id != copy.pk
    ]
    pre.patron_loan_count = len(loans)
    same_title = sum(
        1
        for loan, _code in open_loans_here
        if loan.patron_id == patron.pk and loan.copy_id != copy.pk and loan.copy.title_id == copy.title_id
    )
    precheck.check_same_title(pre, name=name, count=same_title)
    if open_loan is not None:
        if open_loan.patron_id == patron.pk:
            pre.blockers.append(
                Notice(
                    "already_lent_to_patron",
                    _("%(name)s heeft dit boek al te leen (inleveren op %(date)s).")
                    % {"name": name, "date": day_label(open_loan.due_date)},
                )
            )
        else:
            pre.open_loan = open_loan
            pre.confirmations.append(
                Notice(
                    "lent_to_other",
                    _("Dit boek staat nog uitgeleend aan %(other)s. Eerst inleveren en dan uitlenen?")
                    % {"other": patron_label(open_loan.patron)},
                )
            )

    held = next((r for r in reservations if r.status == Reservation.Status.READY and r.held_copy_id == copy.pk), None)
    own = next((r for r in reservations if r.patron_id == patron.pk), None)
    first = next((r for r in reservations if r.status == Reservation.Status.WAITING), None)
    pre.own_reservation = own
    if held is not None and held.patron_id != patron.pk:
        pre.blockers.append(
            Notice(
                "held_for_other",
                _("Dit boek ligt apart voor %(other)s (tot en met %(date)s).")
                % {"other": patron_label(held.patron), "date": day_label(held.hold_until or today)},
            )
        )
    elif own is not None:
        pre.notes.append(Notice("collects_reservation", _("%(name)s haalt een reservering op.") % {"name": name}))
    elif first is not None and held is None:
        pre.confirmations.append(
            Notice(
                "reserved_for_other",
                _("Deze titel is gereserveerd door %(other)s. Toch uitlenen?") % {"other": patron_label(first.patron)},
            )
        )

    if school_rules is None:
        school_rules = rules.school_rules(copy.school_id)
    rule = rules.resolve(patron=patron, age_code=copy.title.age_code, rules=school_rules)
    general = rules.resolve(patron=patron, rules=school_rules) if rule.max_loans_per_material else rule
    pre.rule = rule
    at_limit = precheck.check_loan_limit(pre, name=name, count=len(loans), maximum=general.max_loans)
    if not at_limit and rule.max_loans_per_material:
        same = sum(1 for _due, code in loans if code == rule.age_code)
        if same >= rule.max_loans:
            pre.blockers.append(
                Notice(
                    "limit",
                    ngettext(
                        "%(name)s heeft al %(count)d boek met leeftijdscode %(code)s; meer mag niet.",
                        "%(name)s heeft al %(count)d boeken met leeftijdscode %(code)s; meer mag niet.",
                        same,
                    )
                    % {"name": name, "count": same, "code": rule.age_code},
                )
            )
    overdue = sum(1 for due_date, _code in loans if due_date < today)
    precheck.check_overdue(pre, name=name, overdue=overdue, action=rule.overdue_action)
    pre.due = rules.due_date(school=copy.school_id, rule=rule, today=today, calendar=calendar)
    if pre.due.capped:
        pre.notes.append(
            Notice(
                "summer",
                _("Inleveren uiterlijk %(date)s: de laatste schooldag voor de zomervakantie.")
                % {"date": day_label(pre.due.date)},
            )
        )
    return pre


class CheckOut(NamedTuple):
    """What a check-out made: the loan, and the precheck it passed (its notes, rule and counts for the desk)."""

    loan: Loan
    precheck: Precheck


def check_out(
    *,
    copy: Copy,
    patron: Patron,
    by: User | None,
    confirmed: bool = False,
    today: dt.date | None = None,
    school: School | None = None,
) -> Loan:
    """Lend `copy` to `patron` (see `lend`), for callers that need only the loan."""
    return lend(copy=copy, patron=patron, by=by, confirmed=confirmed, today=today, school=school).loan


def lend(
    *,
    copy: Copy,
    patron: Patron,
    by: User | None,
    confirmed: bool = False,
    today: dt.date | None = None,
    school: School | None = None,
) -> CheckOut:
    """Lend `copy` to `patron`: the loan and the precheck it passed. Raises CheckoutRefused (a blocker),
    ConfirmationRequired (unless confirmed), or DomainError when another desk lent the copy at the same moment.
    `school`: the copy's school as the request loaded it (its rules and calendar then come from the desk's cache)."""
    today = today or timezone.localdate()
    # Configuration, read before the write lock is taken: the locked part stays as short as it can be.
    if school is not None and school.pk == copy.school_id:
        setup = rules.for_desk(school, today)
    else:
        setup = rules.DeskSetup.load(copy.school_id, today)
    try:
        with transaction.atomic():
            copy, patron = _lock_copy_and_patron(copy, patron)
            pre = checkout_precheck(
                copy=copy, patron=patron, today=today, school_rules=setup.rules, calendar=setup.calendar
            )
            if pre.blockers:
                raise CheckoutRefused(pre)
            if pre.confirmations and not confirmed:
                raise ConfirmationRequired(pre)
            collects = (
                copy.status == Copy.Status.ON_HOLD
                and pre.own_reservation is not None
                and pre.own_reservation.held_copy_id == copy.pk
            )
            step = lifecycle.step(lifecycle.Action.COLLECT if collects else lifecycle.Action.LEND, copy.status)
            now = timezone.now()
            if pre.open_loan is not None:  # LoanEffect.TAKE_OVER
                _close_loan(pre.open_loan, by=by, now=now)
            assert pre.due is not None
            loan = sql.lend(
                school_id=copy.school_id,
                copy_id=copy.pk,
                patron_id=patron.pk,
                checked_out_at=now,
                due_date=pre.due.date,
                by_id=getattr(by, "pk", None),
                copy_status=step.target,
            )
            copy.status = step.target
            loan.copy, loan.patron = copy, patron
            if pre.own_reservation is not None:  # ReservationEffect.FULFIL
                _fulfil_reservation(reservation=pre.own_reservation, copy=copy, now=now)
    except IntegrityError as error:
        raise DomainError(
            _("Dit exemplaar is op hetzelfde moment bij een andere balie uitgeleend. Scan het opnieuw."), code="race"
        ) from error
    return CheckOut(loan, pre)


def _fulfil_reservation(*, reservation: Reservation, copy: Copy, now: dt.datetime) -> None:
    """The patron's own reservation for this title is collected with this loan. When the patron takes a copy
    other than the one held for them, the held copy passes to the next in the queue."""
    other_held = reservation.held_copy_id if reservation.held_copy_id not in (None, copy.pk) else None
    Reservation.objects.open().filter(pk=reservation.pk).update(status=Reservation.Status.FULFILLED, closed_at=now)
    if other_held is not None:
        held = _lock_copy(Copy.objects.select_related("title").only(*COPY_FIELDS).get(pk=other_held))
        if lifecycle.allowed(lifecycle.Action.RELEASE, held.status):
            _pass_on(held, today=timezone.localdate())


def _mark_returned(loan: Loan, *, by: User | None, now: dt.datetime) -> None:
    loan.returned_at = now
    loan.checked_in_by = by if getattr(by, "pk", None) else None


def _close_loan(loan: Loan, *, by: User | None, now: dt.datetime) -> None:
    _mark_returned(loan, by=by, now=now)
    sql.record_return(copy_id=loan.copy_id, loan_id=loan.pk, returned_at=now, by_id=loan.checked_in_by_id)


# --- Check in -------------------------------------------------------------------------------------------------


def check_in(*, copy: Copy, by: User | None, today: dt.date | None = None) -> CheckInResult:
    """Return a copy. Says who had it and whether it was late; holds it for the first reservation waiting."""
    today = today or timezone.localdate()
    with transaction.atomic():
        copy = _lock_copy(copy)
        # One statement of its own after the lock, for the open loan and the reservations that can claim the copy: a
        # read in the locking statement would see the loans as they were before the wait (READ COMMITTED), and
        # miss the loan another desk just made (test_race).
        loan, candidates = sql.checkin_reads(copy_id=copy.pk, school_id=copy.school_id, title_id=copy.title_id)
        result = CheckInResult(copy=copy, loan=loan)
        now = timezone.now()
        if loan is not None:
            _mark_returned(loan, by=by, now=now)
            result.days_late = max((today - loan.due_date).days, 0)
            if result.days_late and loan.patron is not None:
                rule = rules.resolve(
                    patron=loan.patron, age_code=copy.title.age_code, rules=rules.school_rules(copy.school_id)
                )
                if rule.fines and rule.fine_per_day is not None:
                    result.fine = rule.fine_per_day * result.days_late
        held = next((r for r in candidates if r.status == Reservation.Status.READY), None)
        first_waiting = next((r for r in candidates if r.status == Reservation.Status.WAITING), None)
        new_status = ""
        if held is not None:
            result.hold = held  # already on hold (scanned twice): say again for whom
        else:
            step = lifecycle.step(lifecycle.Action.RETURN, copy.status)
            if step.target != copy.status or step.target == Copy.Status.AVAILABLE:  # back on the shelf, or changed
                copy.status = step.target
                if lifecycle.allowed(lifecycle.Action.HOLD, copy.status):
                    result.hold = _hold_for_next(copy, today=today, candidate=first_waiting)
                new_status = copy.status
        # The loan and the copy written together, last (one round trip on PostgreSQL).
        sql.record_return(
            copy_id=copy.pk,
            loan_id=loan.pk if loan is not None else None,
            returned_at=now,
            by_id=getattr(by, "pk", None),
            copy_status=new_status,
        )
    return result


_UNKNOWN = object()


def _hold_for_next(
    copy: Copy, *, today: dt.date, candidate: Reservation | None | object = _UNKNOWN
) -> Reservation | None:
    """Hold `copy` (locked by the caller) for the first waiting reservation of its title; None when nobody waits.
    `candidate`: that first waiting reservation when the caller already looked it up (SQLite)."""
    if candidate is _UNKNOWN:
        reservation = (
            Reservation.objects.select_for_update(of=("self",), **_skip_locked())
            .filter(
                school_id=copy.school_id,
                title_id=copy.title_id,
                status=Reservation.Status.WAITING,
                patron__status=Patron.Status.ACTIVE,
            )
            .order_by("placed_at", "id")
            .first()
        )
        if reservation is None:
            return None
        patron = Patron.objects.select_related("group").get(pk=reservation.patron_id)
    elif isinstance(candidate, Reservation):
        reservation, patron = candidate, candidate.patron
    else:
        return None
    rule = rules.resolve(patron=patron, age_code=copy.title.age_code, rules=rules.school_rules(copy.school_id))
    reservation.status = Reservation.Status.READY
    reservation.held_copy = copy
    reservation.hold_until = rules.hold_until(school=copy.school_id, rule=rule, today=today)
    reservation.ready_at = timezone.now()
    reservation.save(update_fields=["status", "held_copy", "hold_until", "ready_at"])
    reservation.patron = patron
    copy.status = lifecycle.step(lifecycle.Action.HOLD, copy.status).target
    reservation_id = reservation.pk
    transaction.on_commit(lambda: notify_ready(reservation_id))
    return reservation


def _pass_on(copy: Copy, *, today: dt.date) -> Reservation | None:
    """A held copy is free again (hold cancelled, expired or not needed): next in the queue, else the shelf."""
    copy.status = lifecycle.step(lifecycle.Action.RELEASE, copy.status).target
    reservation = _hold_for_next(copy, today=today)
    copy.save(update_fields=["status"])
    return reservation


def notify_ready(reservation_id: int) -> bool:
    """Mail the patron that a reservation is ready, where an address is known. Runs after the commit."""
    reservation = Reservation.objects.select_related("patron", "title", "school").filter(pk=reservation_id).first()
    if reservation is None or reservation.status != Reservation.Status.READY or not reservation.patron.email:
        return False
    patron = reservation.patron
    until = day_label(reservation.hold_until) if reservation.hold_until else ""
    subject = _("Je reservering ligt klaar: %(title)s") % {"title": reservation.title.title}
    body = _(
        "Beste %(name)s,\n\nHet boek dat je gereserveerd hebt ligt voor je klaar in de mediatheek van "
        "%(school)s:\n\n  %(title)s\n\nHaal het op tot en met %(until)s; daarna gaat het naar de volgende.\n\n"
        "Je reserveringen staan ook in Mijn Bibliotheek: %(portal)s\n\n"
        "Met vriendelijke groet,\nde mediatheek"
    ) % {
        "name": patron.first_name or patron.full_name,
        "school": reservation.school.name,
        "portal": reservation.school.portal_url,
        "title": reservation.title,
        "until": until,
    }
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [patron.email])
    except Exception:  # noqa: BLE001 - a mail server that is down must not break the desk
        log.exception("reservation %s: notification mail failed", reservation_id)
        return False
    Reservation.objects.filter(pk=reservation_id).update(notified_at=timezone.now())
    return True


# --- Renew --------------------------------------------------------------------------------------------------------


def renew(*, loan: Loan, by: User | None, today: dt.date | None = None) -> Loan:
    """Extend a loan within the rules: not when someone waits for the title, not beyond the maximum renewals."""
    today = today or timezone.localdate()
    with transaction.atomic():
        _lock_copy(loan.copy)
        loan = Loan.objects.select_related("copy__title", "patron__group", "patron__school").get(pk=loan.pk)
        title = loan.copy.title.title
        if not loan.is_open:
            raise DomainError(_("%(title)s is al ingeleverd.") % {"title": title}, code="returned")
        # The lifecycle's renew step (lent -> lent, the loan extended): an open loan is what makes a copy lent.
        patron = loan.patron
        if patron is None:
            raise DomainError(_("Deze uitlening heeft geen lener meer."), code="no_patron")
        if not patron.is_active:
            raise DomainError(_("%(name)s is uitgeschreven.") % {"name": patron.full_name}, code="deregistered")
        if patron.blocked_reason:
            raise DomainError(
                _("%(name)s is geblokkeerd: %(reason)s") % {"name": patron.full_name, "reason": patron.blocked_reason},
                code="blocked",
            )
        rule = rules.resolve(patron=patron, age_code=loan.copy.title.age_code)
        if loan.renewals >= rule.max_renewals:
            raise DomainError(
                ngettext(
                    "%(title)s is al %(count)d keer verlengd; meer mag niet.",
                    "%(title)s is al %(count)d keer verlengd; meer mag niet.",
                    loan.renewals,
                )
                % {"title": title, "count": loan.renewals}
                if loan.renewals
                else _("%(title)s mag niet verlengd worden.") % {"title": title},
                code="max_renewals",
            )
        waiting = (
            Reservation.objects.filter(
                school_id=loan.school_id, title_id=loan.copy.title_id, status=Reservation.Status.WAITING
            )
            .exclude(patron=patron)
            .exists()
        )
        if waiting:
            raise DomainError(
                _("%(title)s is gereserveerd door een andere lener en kan niet verlengd worden.") % {"title": title},
                code="reserved",
            )
        due = rules.due_date(school=loan.copy.school_id, rule=rule, today=today)
        if due.date <= loan.due_date:
            raise DomainError(
                _("%(title)s kan niet later dan %(date)s ingeleverd worden.")
                % {"title": title, "date": day_label(loan.due_date)},
                code="no_later_date",
            )
        loan.due_date = due.date
        loan.renewals += 1
        loan.save(update_fields=["due_date", "renewals"])
    return loan


@dataclass
class RenewAllResult:
    renewed: list[Loan] = field(default_factory=list)
    refused: list[tuple[Loan, str]] = field(default_factory=list)


def renew_all(*, patron: Patron, by: User | None, today: dt.date | None = None) -> RenewAllResult:
    result = RenewAllResult()
    for loan in open_loans(patron):
        try:
            result.renewed.append(renew(loan=loan, by=by, today=today))
        except DomainError as error:
            result.refused.append((loan, str(error)))
    return result


# --- Reservations ------------------------------------------------------------------------------------------------


class ReservationLimitReached(DomainError):
    """The patron has as many open reservations (waiting or ready) as their loan rule allows."""

    def __init__(self, *, patron: Patron, count: int, limit: int) -> None:
        self.count, self.limit = count, limit
        name = patron.full_name
        if limit <= 0:
            message = _("%(name)s mag geen boeken reserveren.") % {"name": name}
        else:
            message = ngettext(
                "%(name)s heeft al %(count)d reservering; meer mag niet (maximaal %(max)d). "
                "Haal eerst een gereserveerd boek op of annuleer een reservering.",
                "%(name)s heeft al %(count)d reserveringen; meer mag niet (maximaal %(max)d). "
                "Haal eerst een gereserveerd boek op of annuleer een reservering.",
                count,
            ) % {"name": name, "count": count, "max": limit}
        super().__init__(message, code="reservation_limit")

    def for_patron(self) -> str:
        """The same, said to the pupil or teacher themselves (Mijn Bibliotheek)."""
        if self.limit <= 0:
            return _("Je mag geen boeken reserveren.")
        return ngettext(
            "Je hebt al %(count)d reservering. Dat is het maximum; haal eerst een gereserveerd boek op of "
            "annuleer een reservering.",
            "Je hebt al %(count)d reserveringen. Dat is het maximum; haal eerst een gereserveerd boek op of "
            "annuleer een reservering.",
            self.count,
        ) % {"count": self.count}


def place_reservation(*, title: Title, patron: Patron, by: User | None) -> Reservation:
    """Put the patron in the title's queue at their school, within their rule's maximum of open reservations.

    The count and the new row are one step under the patron's lock (PostgreSQL: the patron row, as a check-out
    takes it; SQLite: the IMMEDIATE transaction's write lock), so two clicks at once cannot both take the last
    place (test_race)."""
    school_rules = rules.school_rules(patron.school_id)  # configuration, read before the lock
    with transaction.atomic():
        patron = _lock_patron(patron)
        name = patron.full_name
        if not patron.is_active:
            raise DomainError(_("%(name)s is uitgeschreven.") % {"name": name}, code="deregistered")
        if patron.blocked_reason:
            raise DomainError(
                _("%(name)s is geblokkeerd: %(reason)s") % {"name": name, "reason": patron.blocked_reason},
                code="blocked",
            )
        copies = Copy.objects.for_school(patron.school).filter(title=title).exclude(status=Copy.Status.WITHDRAWN)
        if not copies.exists():
            raise DomainError(_("De mediatheek heeft geen exemplaar van deze titel."), code="no_copies")
        if Reservation.objects.open().filter(patron=patron, title=title).exists():
            raise DomainError(_("%(name)s heeft deze titel al gereserveerd.") % {"name": name}, code="duplicate")
        if Loan.objects.open().filter(patron=patron, copy__title=title).exists():
            raise DomainError(_("%(name)s heeft dit boek nu zelf te leen.") % {"name": name}, code="has_it")
        # Per patron, not per material: resolved without an age code (rules of one age code do not match).
        limit = rules.resolve(patron=patron, rules=school_rules).max_reservations
        count = Reservation.objects.open().filter(patron=patron).count()
        if count >= limit:
            raise ReservationLimitReached(patron=patron, count=count, limit=limit)
        return Reservation.objects.create(school=patron.school, title=title, patron=patron)


def cancel_reservation(*, reservation: Reservation, by: User | None, today: dt.date | None = None) -> Reservation:
    """Cancel a waiting or ready reservation; a held copy goes to the next in the queue or back on the shelf."""
    today = today or timezone.localdate()
    with transaction.atomic():
        held_copy = _lock_copy(reservation.held_copy) if reservation.held_copy is not None else None
        reservation = Reservation.objects.select_for_update(of=("self",)).get(pk=reservation.pk)
        if reservation.status not in OPEN_RESERVATION_STATUSES:
            raise DomainError(_("Deze reservering is al afgesloten."), code="closed")
        reservation.status = Reservation.Status.CANCELLED
        reservation.closed_at = timezone.now()
        reservation.save(update_fields=["status", "closed_at"])
        if held_copy is not None and lifecycle.allowed(lifecycle.Action.RELEASE, held_copy.status):
            _pass_on(held_copy, today=today)
        # Staff cancel on a patron's behalf: who did it is kept (the patron's own cancel is logged the same way).
        audit.record(
            audit.AuditEvent.Action.UPDATE,
            actor=by,
            school=reservation.school,
            obj=reservation,
            summary=f"reservering geannuleerd: titel {reservation.title_id}, lener {reservation.patron_id}",
            status=reservation.status,
        )
    return reservation


# --- The reservations' round: from the shelf to the hold shelf, and back ------------------------------------------


@dataclass(frozen=True)
class ShelfHold:
    """A copy scanned on the pick list (Ophaallijst): the reservation it is held for. `new`: this scan held it (the
    pupil is told); otherwise it was held for them already (scanned twice)."""

    reservation: Reservation
    new: bool


def hold_from_shelf(*, copy: Copy, school: School, by: User | None, today: dt.date | None = None) -> ShelfHold:
    """A copy taken from the shelf for a reservation waiting for its title: held for the first in the queue, the
    pupil told exactly as when a returned copy is held (`_hold_for_next`: hold days from the rules, mail on commit).
    A copy of a title nobody waits for, a lent one, or one that cannot be held is refused and nothing changes."""
    today = today or timezone.localdate()
    if copy.school_id != school.pk:
        raise DomainError(_("Dit exemplaar hoort bij een andere school."), code="other_school")
    with transaction.atomic():
        copy = _lock_copy(copy)
        title = copy.title.title
        if copy.status == Copy.Status.LENT:
            raise DomainError(
                _("%(title)s is uitgeleend; dit exemplaar hoort niet op de plank te staan.") % {"title": title},
                code="lent",
            )
        held = _ready_hold_of(copy)
        if held is not None:
            return ShelfHold(held, new=False)
        if not lifecycle.allowed(lifecycle.Action.HOLD, copy.status):
            raise lifecycle.IllegalTransition(lifecycle.Action.HOLD, copy.status)
        reservation = _hold_for_next(copy, today=today)
        if reservation is None:
            raise DomainError(
                _("Niemand wacht op %(title)s. Zet het terug op de plank.") % {"title": title}, code="not_reserved"
            )
        copy.save(update_fields=["status"])
        # Taken from the shelf: an older hold of this copy that still waited to be put back is dealt with too.
        Reservation.objects.awaiting_put_back().filter(held_copy=copy).update(put_back_at=timezone.now())
        audit.record(
            audit.AuditEvent.Action.UPDATE,
            actor=by,
            school=school,
            obj=reservation,
            summary=f"reservering klaargelegd: titel {copy.title_id}, exemplaar {copy.barcode}",
            status=reservation.status,
        )
    return ShelfHold(reservation, new=True)


def _ready_hold_of(copy: Copy) -> Reservation | None:
    """The ready reservation holding this copy, with its patron and group, locked."""
    return (
        Reservation.objects.select_for_update(of=("self",))
        .filter(held_copy=copy, status=Reservation.Status.READY)
        .select_related("patron__group")
        .first()
    )


@dataclass(frozen=True)
class PutBack:
    """A copy scanned at Terugzetten, taken from the hold shelf. `next_hold`: it is now held for the next in the queue
    (leave it on the hold shelf, with their name); None: it goes back on the shelf, at `copy.shelf`."""

    copy: Copy
    ended: Reservation
    next_hold: Reservation | None


def put_back(*, copy: Copy, school: School, by: User | None, today: dt.date | None = None) -> PutBack:
    """Take a copy from the hold shelf whose hold ended uncollected. A hold past its date that the daily job has not
    expired yet is expired by this scan (the copy passes to the next in the queue or the shelf, as `expire_holds`
    decides); a hold that already ended is confirmed as put back. Anything else is refused and nothing changes."""
    today = today or timezone.localdate()
    if copy.school_id != school.pk:
        raise DomainError(_("Dit exemplaar hoort bij een andere school."), code="other_school")
    with transaction.atomic():
        copy = _lock_copy(copy)
        title = copy.title.title
        if copy.status == Copy.Status.LENT:
            raise DomainError(_("%(title)s is uitgeleend.") % {"title": title}, code="lent")
        now = timezone.now()
        ended = (
            Reservation.objects.awaiting_put_back()
            .select_for_update(of=("self",))
            .filter(held_copy=copy)
            .select_related("patron__group")
            .order_by("-closed_at", "-id")
        )
        ended_holds = list(ended)
        held = _ready_hold_of(copy)
        if ended_holds:
            Reservation.objects.filter(pk__in=[r.pk for r in ended_holds]).update(put_back_at=now)
            result = PutBack(copy, ended_holds[0], held)
        elif held is not None and held.hold_until is not None and held.hold_until < today:
            next_hold = _end_hold(held, copy, status=Reservation.Status.EXPIRED, today=today)
            Reservation.objects.filter(pk=held.pk).update(put_back_at=now)
            result = PutBack(copy, held, next_hold)
        elif held is not None:
            raise DomainError(
                _("%(title)s ligt apart voor %(who)s tot en met %(date)s. Laat het liggen.")
                % {"title": title, "who": patron_label(held.patron), "date": day_label(held.hold_until or today)},
                code="still_held",
            )
        else:
            raise DomainError(
                _("%(title)s ligt niet apart; er hoeft niets mee te gebeuren.") % {"title": title}, code="not_held"
            )
        audit.record(
            audit.AuditEvent.Action.UPDATE,
            actor=by,
            school=school,
            obj=result.ended,
            summary=f"apart gelegd boek teruggezet: titel {copy.title_id}, exemplaar {copy.barcode}",
            status=result.ended.status,
        )
    return result


def _end_hold(reservation: Reservation, held_copy: Copy | None, *, status: str, today: dt.date) -> Reservation | None:
    """Close a ready reservation (both locked by the caller); its copy passes to the next in the queue or back on
    the shelf. Returns the reservation the copy is now held for, if any."""
    reservation.status = status
    reservation.closed_at = timezone.now()
    reservation.save(update_fields=["status", "closed_at"])
    if held_copy is not None and lifecycle.allowed(lifecycle.Action.RELEASE, held_copy.status):
        return _pass_on(held_copy, today=today)
    return None


def expire_holds(*, school: Any = None, today: dt.date | None = None) -> int:
    """Ready reservations whose hold ran out expire; their copy passes to the next in the queue or the shelf."""
    today = today or timezone.localdate()
    due = (Reservation.objects.for_school(school) if school is not None else Reservation.objects.all()).filter(
        status=Reservation.Status.READY, hold_until__lt=today
    )
    expired = 0
    for reservation in due.select_related("held_copy"):
        with transaction.atomic():
            held_copy = _lock_copy(reservation.held_copy) if reservation.held_copy is not None else None
            current = Reservation.objects.select_for_update(of=("self",)).get(pk=reservation.pk)
            if current.status != Reservation.Status.READY:
                continue
            _end_hold(current, held_copy, status=Reservation.Status.EXPIRED, today=today)
            expired += 1
    return expired


# --- Loan rules and closed days (the school admin edits them in the client) -------------------------------------


def _save_audited(obj: LoanRule | ClosedDay, *, by: User | None, summary: str) -> None:
    with transaction.atomic():
        created = obj.pk is None
        obj.save()
        action = audit.AuditEvent.Action.CREATE if created else audit.AuditEvent.Action.UPDATE
        audit.record(action, actor=by, school=obj.school, obj=obj, summary=summary)


def _delete_audited(obj: LoanRule | ClosedDay, *, by: User | None, summary: str) -> None:
    with transaction.atomic():
        audit.record(audit.AuditEvent.Action.DELETE, actor=by, school=obj.school, obj=obj, summary=summary)
        obj.delete()


def save_loan_rule(*, rule: LoanRule, by: User | None) -> LoanRule:
    _save_audited(rule, by=by, summary=f"uitleenregel {rule}")
    return rule


def delete_loan_rule(*, rule: LoanRule, by: User | None) -> None:
    _delete_audited(rule, by=by, summary=f"uitleenregel {rule}")


def save_closed_day(*, closed_day: ClosedDay, by: User | None) -> ClosedDay:
    if closed_day.end < closed_day.start:
        raise DomainError(_("De einddatum ligt voor de begindatum."))
    _save_audited(closed_day, by=by, summary=f"sluitingsdagen {closed_day}")
    return closed_day


def delete_closed_day(*, closed_day: ClosedDay, by: User | None) -> None:
    _delete_audited(closed_day, by=by, summary=f"sluitingsdagen {closed_day}")


def loans_due_on_closed_day(closed_day: ClosedDay, *, today: dt.date | None = None) -> QuerySet[Loan]:
    """The school's open loans due on a day of `closed_day` from today on: set before the closed day was known
    (a loan lent after it never gets such a date). Past due dates stay: a book already late stays as late."""
    today = today or timezone.localdate()
    return (
        Loan.objects.for_school(closed_day.school)
        .open()
        .filter(due_date__gte=max(closed_day.start, today), due_date__lte=closed_day.end)
    )


def move_due_dates_off_closed_day(*, closed_day: ClosedDay, by: User | None, today: dt.date | None = None) -> int:
    """Give the loans due on `closed_day` the due date a lend would give them now: the next open day, never after
    the last open day before the summer holiday (rules.Calendar.due_on_or_after). One transaction, audited.
    Returns how many loans moved."""
    today = today or timezone.localdate()
    calendar = rules.Calendar.for_school(closed_day.school_id, around=today)
    moved: list[int] = []
    with transaction.atomic():
        for loan_id, due_date in loans_due_on_closed_day(closed_day, today=today).values_list("id", "due_date"):
            new_date = calendar.due_on_or_after(due_date, today=today).date
            # Conditional: a loan returned or renewed meanwhile by a desk keeps what the desk gave it.
            if new_date != due_date and Loan.objects.open().filter(pk=loan_id, due_date=due_date).update(
                due_date=new_date
            ):
                moved.append(loan_id)
        audit.record(
            audit.AuditEvent.Action.UPDATE,
            actor=by,
            school=closed_day.school,
            obj=closed_day,
            summary=f"inleverdata van {len(moved)} uitleningen verplaatst van sluitingsdagen {closed_day}",
            count=len(moved),
            loans=moved,
        )
    return len(moved)


# --- Overdue reminders ----------------------------------------------------------------------------------------------


@dataclass
class ReminderResult:
    sent: list[Patron] = field(default_factory=list)
    skipped_recent: list[Patron] = field(default_factory=list)
    without_email: list[Patron] = field(default_factory=list)
    failed: list[Patron] = field(default_factory=list)


def send_overdue_reminders(
    *,
    school: School,
    group: Group | None = None,
    interval_days: int = 7,
    dry_run: bool = False,
    today: dt.date | None = None,
    by: User | str | None = None,
) -> ReminderResult:
    """Mail each overdue patron with an e-mail address one reminder listing their late books.

    A patron reminded less than `interval_days` ago is skipped, so a daily cron job and a click in the client never
    send the same child two mails in a row. Each mail is marked as sent only once it went out.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    result = ReminderResult()
    messages: list[tuple[Patron, EmailMessage]] = []
    for patron, loans in overdue_by_patron(school, group=group, today=today):
        if not patron.email:
            result.without_email.append(patron)
            continue
        sent_at = patron.overdue_reminder_sent_at
        if sent_at is not None and interval_days > 0 and now - sent_at < dt.timedelta(days=interval_days):
            result.skipped_recent.append(patron)
            continue
        messages.append((patron, _reminder_message(school, patron, loans, today)))
    if dry_run:
        result.sent = [patron for patron, _message in messages]
        return result
    if messages:
        with get_connection() as mail_connection:
            for patron, message in messages:
                message.connection = mail_connection
                try:
                    message.send()
                except (OSError, smtplib.SMTPException):
                    log.exception("overdue reminder to patron %s failed", patron.pk)
                    result.failed.append(patron)
                    continue
                Patron.objects.filter(pk=patron.pk).update(overdue_reminder_sent_at=now)
                patron.overdue_reminder_sent_at = now
                result.sent.append(patron)
    if result.sent:
        audit.record(
            audit.AuditEvent.Action.UPDATE,
            actor=by,
            school=school,
            summary=f"herinneringen te laat verstuurd ({len(result.sent)})",
            count=len(result.sent),
        )
    return result


def _reminder_message(school: School, patron: Patron, loans: Sequence[Loan], today: dt.date) -> EmailMessage:
    with translation.override(school.language):
        context = {"school": school, "patron": patron, "loans": loans, "today": today}
        subject = _("Boeken te laat terug: mediatheek %(school)s") % {"school": school.name}
        body = render_to_string("circulation/overdue_reminder.txt", context)
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[patron.email],
        reply_to=[school.contact_email] if school.contact_email else None,
    )
