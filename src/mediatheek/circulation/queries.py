"""Read models of circulation for the client's pages: typed rows, computed without writing anything.

The patron's half of the check-out pre-check lives here too (`patron_checks`): what stands between a patron and
any loan (deregistered, blocked, at the limit, books overdue). The desk's badges above the scan field are built from
it, and a lend runs the same checks (services.checkout_precheck), so the desk says beforehand what the lend will say.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from mediatheek.catalog.models import Copy, Title
from mediatheek.circulation import precheck, rules, services
from mediatheek.circulation.availability import Availability, availability
from mediatheek.circulation.models import Loan, LoanRule, Reservation
from mediatheek.patrons.models import Patron

if TYPE_CHECKING:
    from mediatheek.accounts.models import User
    from mediatheek.schools.models import School

HISTORY_LENGTH = 50
RETURN_LOG_LENGTH = 8
RETURN_LOG_HOURS = 8
RESERVE_SEARCH_LIMIT = 30


# --- The patron's side of a check-out ------------------------------------------------------------------------


def patron_checks(
    patron: Patron, *, due_dates: Sequence[dt.date], rule: rules.EffectiveRule, today: dt.date
) -> precheck.Precheck:
    """What stands between this patron and a loan of any copy: blockers, things to confirm, notes (the lend's own
    checks). `due_dates`: of the patron's open loans; `rule`: the patron's rule without an age code."""
    pre = precheck.Precheck(rule=rule, patron_loan_count=len(due_dates))
    precheck.check_standing(pre, patron)
    precheck.check_loan_limit(pre, name=patron.full_name, count=len(due_dates), maximum=rule.max_loans)
    overdue = sum(1 for due in due_dates if due < today)
    precheck.check_overdue(pre, name=patron.full_name, overdue=overdue, action=rule.overdue_action)
    return pre


# --- The desk's patron screen --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Badge:
    """One thing the patron's screen points out above the scan field. level: error, warning or info."""

    level: str
    text: str
    code: str = ""


@dataclass(frozen=True)
class ReservationRow:
    pk: int
    title: str
    ready: bool
    hold_until: dt.date | None

    @classmethod
    def of(cls, reservation: Reservation) -> ReservationRow:
        ready = reservation.status == Reservation.Status.READY
        return cls(pk=reservation.pk, title=reservation.title.title, ready=ready, hold_until=reservation.hold_until)


@dataclass(frozen=True)
class Attention:
    """The badges above the scan field and the patron's open reservations."""

    badges: list[Badge]
    reservations: list[ReservationRow]
    reservation_limit: int


def badges(checks: precheck.Precheck, reservations: Iterable[ReservationRow]) -> list[Badge]:
    """Blockers in red, what the lend would ask or note in amber (a statement: without the lend's question), then
    the reservations that are ready to collect."""
    question = " " + precheck.confirm_question()
    result = [Badge("error", notice.message, notice.code) for notice in checks.blockers]
    result += [Badge("warning", n.message.removesuffix(question), n.code) for n in checks.confirmations]
    result += [Badge("warning", notice.message, notice.code) for notice in checks.notes]
    ready = (_("Reservering ligt klaar: %(title)s") % {"title": row.title} for row in reservations if row.ready)
    return result + [Badge("info", text, "ready") for text in ready]


def attention(patron: Patron, loans: Sequence[Loan], rule: rules.EffectiveRule, today: dt.date) -> Attention:
    """One query: the patron's open reservations (the loans are the screen's own)."""
    reservations = [ReservationRow.of(reservation) for reservation in services.open_reservations(patron)]
    checks = patron_checks(patron, due_dates=[loan.due_date for loan in loans], rule=rule, today=today)
    return Attention(badges(checks, reservations), reservations, rule.max_reservations)


@dataclass(frozen=True)
class DeskPatron:
    """The desk's screen of one patron: open loans, the rule that counts them, and what to point out."""

    patron: Patron
    loans: list[Loan]
    rule: rules.EffectiveRule
    attention: Attention
    today: dt.date

    @property
    def loan_count(self) -> int:
        return len(self.loans)

    @property
    def renewable(self) -> bool:
        """Whether "Alles verlengen" can do anything: a loan not yet renewed as often as the rule allows."""
        return any(loan.renewals < self.rule.max_renewals for loan in self.loans)


def general_rule(patron: Patron, rule: rules.EffectiveRule | None = None) -> rules.EffectiveRule:
    """The patron's rule without an age code (what limits all their loans); `rule` when it is that already."""
    if rule is None or rule.max_loans_per_material:
        return rules.resolve(patron=patron)
    return rule


def desk_patron(patron: Patron, rule: rules.EffectiveRule | None = None) -> DeskPatron:
    loans = list(services.open_loans(patron))
    rule = general_rule(patron, rule)
    today = timezone.localdate()
    return DeskPatron(patron, loans, rule, attention(patron, loans, rule, today), today)


# --- Reserving: the title search and the queue ----------------------------------------------------------------


@dataclass(frozen=True)
class ReservableTitle:
    pk: int
    title: str
    authors: str
    copy_count: int
    available: int
    waiting: int


def reservable_titles(school: School, query: str) -> list[ReservableTitle]:
    """Titles of which the school has a copy, by copy barcode, ISBN or words of the title or authors, with their
    copies, copies on the shelf and waiting queue at the school: one query, however many titles match."""
    if not query:
        return []
    copies = Copy.objects.for_school(school)
    by_barcode = copies.filter(barcode__iexact=query).values("title_id")
    by_text = copies.filter(
        Q(title__title__icontains=query) | Q(title__isbn=query) | Q(title__authors__icontains=query)
    ).values("title_id")
    rows = (
        Title.objects.filter(Q(pk__in=by_barcode) | Q(pk__in=by_text))
        .annotate(
            copy_count=_count(copies.filter(title=OuterRef("pk"))),
            available=_count(copies.filter(title=OuterRef("pk")).on_shelf()),
            waiting=_count(
                Reservation.objects.for_school(school).filter(title=OuterRef("pk"), status=Reservation.Status.WAITING)
            ),
        )
        .order_by("title")
        .values_list("pk", "title", "authors", "copy_count", "available", "waiting")[:RESERVE_SEARCH_LIMIT]
    )
    return [ReservableTitle(*row) for row in rows]


def _count(rows: QuerySet[Any]) -> Coalesce:
    """The number of `rows` (a queryset correlated with OuterRef), as a subquery: scoped by its own filters and
    indexes, not by a join that multiplies a title's copies by its reservations."""
    count = rows.order_by().values("title").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(count, output_field=IntegerField()), 0)


def on_shelf_barcodes(title: Title, school: School, *, limit: int = 3) -> list[str]:
    """Copies of the title on the school's shelf (a reservation placed for one can be collected at once)."""
    copies = Copy.objects.for_school(school).filter(title=title).on_shelf()
    return list(copies.order_by("barcode").values_list("barcode", flat=True)[:limit])


def open_reservation_count(patron: Patron) -> int:
    return services.open_reservations(patron).count()


# --- Inleveren: what this desk returned, and holds past their date ---------------------------------------------


@dataclass(frozen=True)
class ReturnEntry:
    """One line of the running list on the return screen."""

    barcode: str
    title: str
    who: str
    late: int
    hold: str
    lent: bool

    @classmethod
    def of(cls, result: services.CheckInResult) -> ReturnEntry:
        return cls(
            barcode=result.copy.barcode,
            title=result.copy.title.title,
            who=services.patron_label(result.patron) if result.loan else "",
            late=result.days_late,
            hold=services.patron_label(result.hold.patron) if result.hold else "",
            lent=result.loan is not None,
        )


def recent_returns(school: School, user: User, *, now: dt.datetime | None = None) -> list[ReturnEntry]:
    """What this desk account returned in the last hours, newest first (two queries)."""
    since = (now or timezone.now()) - dt.timedelta(hours=RETURN_LOG_HOURS)
    loans = list(
        Loan.objects.for_school(school)
        .filter(checked_in_by=user, returned_at__gte=since)
        .select_related("copy__title", "patron__group")
        .order_by("-returned_at")[:RETURN_LOG_LENGTH]
    )
    holds = {
        reservation.held_copy_id: reservation
        for reservation in Reservation.objects.filter(
            held_copy__in=[loan.copy_id for loan in loans], status=Reservation.Status.READY
        ).select_related("patron__group")
    }
    return [_returned(loan, holds.get(loan.copy_id)) for loan in loans]


def _returned(loan: Loan, hold: Reservation | None) -> ReturnEntry:
    returned_on = timezone.localdate(loan.returned_at) if loan.returned_at else timezone.localdate()
    return ReturnEntry(
        barcode=loan.copy.barcode,
        title=loan.copy.title.title,
        who=services.patron_label(loan.patron),
        late=max((returned_on - loan.due_date).days, 0),
        hold=services.patron_label(hold.patron) if hold else "",
        lent=True,
    )


@dataclass(frozen=True)
class ExpiredHold:
    """A copy still on the hold shelf after the day it was held until: to go to the next in line or the shelf."""

    barcode: str
    title: str
    who: str
    hold_until: dt.date


def expired_holds(school: School, *, today: dt.date | None = None) -> list[ExpiredHold]:
    """Ready reservations whose hold ran out and that the daily `expire_holds` job has not released yet."""
    today = today or timezone.localdate()
    reservations = (
        Reservation.objects.for_school(school)
        .filter(status=Reservation.Status.READY, hold_until__lt=today)
        .select_related("title", "held_copy", "patron__group")
        .order_by("hold_until", "id")
    )
    return [
        ExpiredHold(
            barcode=reservation.held_copy.barcode if reservation.held_copy else "",
            title=reservation.title.title,
            who=services.patron_label(reservation.patron),
            hold_until=reservation.hold_until or today,
        )
        for reservation in reservations
    ]


# --- Reserveringen: the pick list, the hold shelf, what to put back, a title's queue ------------------------------


@dataclass(frozen=True)
class PickRow:
    """A waiting reservation that a copy on the shelf can serve: which book to take from where, and for whom."""

    reservation_pk: int
    title: str
    authors: str
    shelves: tuple[str, ...]
    barcodes: tuple[str, ...]
    who: str
    group: str
    placed_at: dt.datetime


def pick_list(school: School) -> list[PickRow]:
    """Waiting reservations of titles with a copy on the school's shelf, as many per title as there are such copies
    (first in the queue first), sorted by shelf place so the shelves are walked once. Two queries."""
    on_shelf = Copy.objects.for_school(school).on_shelf()
    waiting = list(
        Reservation.objects.for_school(school)
        .filter(
            status=Reservation.Status.WAITING,
            patron__status=Patron.Status.ACTIVE,  # whom _hold_for_next holds for
            title__in=on_shelf.values("title"),
        )
        .select_related("title", "patron__group")
        .order_by("placed_at", "id")
    )
    copies: dict[int, list[tuple[str, str]]] = {}
    for title_id, barcode, shelf in (
        on_shelf.filter(title__in={r.title_id for r in waiting})
        .order_by("shelf", "barcode")
        .values_list("title_id", "barcode", "shelf")
    ):
        copies.setdefault(title_id, []).append((barcode, shelf))
    rows, served = [], dict.fromkeys(copies, 0)
    for reservation in waiting:
        title_copies = copies.get(reservation.title_id, [])
        if served.get(reservation.title_id, 0) >= len(title_copies):
            continue  # more waiting than copies on the shelf: the others wait for a return
        served[reservation.title_id] += 1
        patron = reservation.patron
        rows.append(
            PickRow(
                reservation_pk=reservation.pk,
                title=reservation.title.title,
                authors=reservation.title.authors,
                shelves=tuple(dict.fromkeys(shelf for _barcode, shelf in title_copies if shelf)),
                barcodes=tuple(barcode for barcode, _shelf in title_copies),
                who=patron.full_name,
                group=patron.group.name if patron.group else "",
                placed_at=reservation.placed_at,
            )
        )
    # Copies without a shelf place last; then by title, and the queue's order within a title.
    return sorted(rows, key=lambda row: (not row.shelves, [s.casefold() for s in row.shelves], row.title.casefold()))


@dataclass(frozen=True)
class HeldRow:
    """A ready reservation: its copy lies on the hold shelf for the pupil to collect."""

    reservation_pk: int
    title: str
    barcode: str
    who: str
    group: str
    ready_at: dt.datetime | None
    hold_until: dt.date | None
    past_date: bool


def hold_shelf(school: School, *, today: dt.date | None = None) -> list[HeldRow]:
    """The school's ready reservations, by group and pupil (how the hold shelf is sorted). One query."""
    today = today or timezone.localdate()
    reservations = (
        Reservation.objects.for_school(school)
        .filter(status=Reservation.Status.READY)
        .select_related("title", "held_copy", "patron__group")
        .order_by("patron__group__name", "patron__last_name", "patron__first_name", "id")
    )
    return [
        HeldRow(
            reservation_pk=r.pk,
            title=r.title.title,
            barcode=r.held_copy.barcode if r.held_copy else "",
            who=r.patron.full_name,
            group=r.patron.group.name if r.patron.group else "",
            ready_at=r.ready_at,
            hold_until=r.hold_until,
            past_date=r.hold_until is not None and r.hold_until < today,
        )
        for r in reservations
    ]


@dataclass(frozen=True)
class PutBackRow:
    """A copy to take from the hold shelf: its hold ran out (or ended) uncollected. `next_who`: it is held for the
    next in the queue now (relabel it); empty: back on the shelf at `shelf`. `pending`: the hold is past its date but
    not released yet; the scan releases it (and then says where it goes)."""

    reservation_pk: int
    barcode: str
    title: str
    who: str
    group: str
    hold_until: dt.date | None
    status: str
    shelf: str
    next_who: str
    pending: bool


def put_back_list(school: School, *, today: dt.date | None = None) -> list[PutBackRow]:
    """Holds past their date still waiting for the job, and ended holds whose copy was not taken from the hold shelf
    yet, by barcode. Three queries."""
    today = today or timezone.localdate()
    scoped = Reservation.objects.for_school(school).select_related("title", "held_copy", "patron__group")
    past = scoped.filter(status=Reservation.Status.READY, hold_until__lt=today, held_copy__isnull=False)
    ended = scoped.awaiting_put_back()
    reservations = [*past, *ended]
    copy_ids = {r.held_copy_id for r in reservations if r.held_copy_id is not None}
    next_holds = {
        r.held_copy_id: r.patron
        for r in Reservation.objects.for_school(school)
        .filter(status=Reservation.Status.READY, held_copy__in=copy_ids)
        .select_related("patron__group")
    }
    rows = []
    for reservation in reservations:
        copy = reservation.held_copy
        assert copy is not None
        pending = reservation.status == Reservation.Status.READY
        next_patron = None if pending else next_holds.get(copy.pk)
        rows.append(
            PutBackRow(
                reservation_pk=reservation.pk,
                barcode=copy.barcode,
                title=reservation.title.title,
                who=reservation.patron.full_name,
                group=reservation.patron.group.name if reservation.patron.group else "",
                hold_until=reservation.hold_until,
                status=_("ophaaltermijn verlopen") if pending else str(reservation.get_status_display()),
                shelf=copy.shelf,
                next_who=services.patron_label(next_patron) if next_patron is not None else "",
                pending=pending,
            )
        )
    return sorted(rows, key=lambda row: row.barcode)


@dataclass(frozen=True)
class QueueRow:
    """One open reservation of a title, in queue order. `position`: in the waiting queue (0: ready, a copy held)."""

    reservation_pk: int
    position: int
    who: str
    group: str
    status: str
    ready: bool
    placed_at: dt.datetime
    hold_until: dt.date | None
    barcode: str


def title_queue(title: Title, school: School) -> list[QueueRow]:
    """The title's open reservations at the school: those with a copy held first, then the queue. One query."""
    reservations = (
        Reservation.objects.for_school(school)
        .open()
        .filter(title=title)
        .select_related("patron__group", "held_copy")
        .order_by("placed_at", "id")
    )
    ready = [r for r in reservations if r.status == Reservation.Status.READY]
    waiting = [r for r in reservations if r.status == Reservation.Status.WAITING]
    rows = [(0, r) for r in ready] + [(position, r) for position, r in enumerate(waiting, start=1)]
    return [
        QueueRow(
            reservation_pk=r.pk,
            position=position,
            who=r.patron.full_name,
            group=r.patron.group.name if r.patron.group else "",
            status=str(r.get_status_display()),
            ready=position == 0,
            placed_at=r.placed_at,
            hold_until=r.hold_until if position == 0 else None,
            barcode=r.held_copy.barcode if r.held_copy and position == 0 else "",
        )
        for position, r in rows
    ]


# --- The patron's page in the client ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LoanRow:
    pk: int
    title: str
    barcode: str
    due_date: dt.date
    checked_out_at: dt.datetime
    returned_at: dt.datetime | None
    overdue: bool


@dataclass(frozen=True)
class PatronCirculation:
    """A patron's open loans, recent history and open reservations at their school."""

    open_loans: list[LoanRow]
    history: list[LoanRow]
    reservations: list[ReservationRow] = field(default_factory=list)


def patron_circulation(patron: Patron, *, today: dt.date | None = None) -> PatronCirculation:
    """Three queries: open loans, the last returned ones, open reservations."""
    today = today or timezone.localdate()
    loans = Loan.objects.filter(school_id=patron.school_id, patron=patron).select_related("copy__title")
    open_loans = loans.open().order_by("due_date")
    history = loans.filter(returned_at__isnull=False).order_by("-returned_at")[:HISTORY_LENGTH]
    return PatronCirculation(
        open_loans=[_loan_row(loan, today) for loan in open_loans],
        history=[_loan_row(loan, today) for loan in history],
        reservations=[ReservationRow.of(reservation) for reservation in services.open_reservations(patron)],
    )


def _loan_row(loan: Loan, today: dt.date) -> LoanRow:
    return LoanRow(
        pk=loan.pk,
        title=loan.copy.title.title,
        barcode=loan.copy.barcode,
        due_date=loan.due_date,
        checked_out_at=loan.checked_out_at,
        returned_at=loan.returned_at,
        overdue=loan.returned_at is None and loan.due_date < today,
    )


# --- The catalogue's search results with availability at the school --------------------------------------------


@dataclass(frozen=True)
class TitleRow:
    title: Title
    availability: Availability


def title_rows(titles: Iterable[Title], school: School) -> list[TitleRow]:
    """Each title with its copies on the shelf / held / first due date at the school (two queries)."""
    titles = list(titles)
    info = availability(titles, school)
    return [TitleRow(title, info[title.pk]) for title in titles]


# --- The school's loan rules ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleRow:
    """A loan rule as the rules page lists it: the rule's own settings and whom it applies to, in words."""

    rule: LoanRule
    summary: str


def rule_rows(school: School) -> list[RuleRow]:
    """The school's rules, most general first (the order in which they are resolved)."""
    school_rules = sorted(LoanRule.objects.for_school(school).select_related("group"), key=rules.specificity)
    return [RuleRow(rule, rule_summary(rule)) for rule in school_rules]


def rule_summary(rule: LoanRule) -> str:
    parts = []
    if rule.patron_kind:
        parts.append(str(Patron.Kind(rule.patron_kind).label))
    if rule.year_level_from is not None or rule.year_level_to is not None:
        low, high = rule.year_level_from or "…", rule.year_level_to or "…"
        parts.append(_("jaargroep %(low)s–%(high)s") % {"low": low, "high": high})
    if rule.group_id and rule.group:
        parts.append(rule.group.name)
    if rule.age_code:
        parts.append(_("leeftijdscode %(code)s") % {"code": rule.age_code})
    return ", ".join(parts) or _("Hele school (basisregel)")
