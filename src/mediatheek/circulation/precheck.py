"""The check-out pre-check's parts (Koha's CanBookBeIssued): what stands between a patron and a loan, in the words
the desk shows. The lend (`services.checkout_precheck`) and the desk's badges (`queries.patron_checks`) both use
these, so a rule and its wording exist once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mediatheek.circulation import rules
from mediatheek.circulation.models import Loan, OverdueAction, Reservation

if TYPE_CHECKING:
    from mediatheek.patrons.models import Patron


@dataclass(frozen=True)
class Notice:
    code: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass
class Precheck:
    """What a check-out would run into (Koha's CanBookBeIssued): blockers, things to confirm, notes."""

    blockers: list[Notice] = field(default_factory=list)
    confirmations: list[Notice] = field(default_factory=list)
    notes: list[Notice] = field(default_factory=list)
    due: rules.DueDate | None = None
    rule: rules.EffectiveRule | None = None
    open_loan: Loan | None = None  # the copy's open loan to another patron (returned first when confirmed)
    own_reservation: Reservation | None = None  # the patron's reservation of this title, collected with the loan
    patron_loan_count: int = 0  # the patron's open loans besides this copy

    @property
    def ok(self) -> bool:
        return not self.blockers and not self.confirmations

    def codes(self) -> set[str]:
        return {notice.code for notice in (*self.blockers, *self.confirmations, *self.notes)}


def check_standing(pre: Precheck, patron: Patron) -> None:
    """A deregistered or blocked patron lends nothing, whatever the copy."""
    name = patron.full_name
    if not patron.is_active:
        pre.blockers.append(Notice("deregistered", _("%(name)s is uitgeschreven en kan niet lenen.") % {"name": name}))
    if patron.blocked_reason:
        message = _("%(name)s is geblokkeerd: %(reason)s") % {"name": name, "reason": patron.blocked_reason}
        pre.blockers.append(Notice("blocked", message))


def check_loan_limit(pre: Precheck, *, name: str, count: int, maximum: int) -> bool:
    """Refuse at the loan limit; True when the limit was reached (a blocker was added)."""
    if count < maximum:
        return False
    message = ngettext(
        "%(name)s heeft al %(count)d boek te leen; meer mag niet (maximaal %(max)d).",
        "%(name)s heeft al %(count)d boeken te leen; meer mag niet (maximaal %(max)d).",
        count,
    ) % {"name": name, "count": count, "max": maximum}
    pre.blockers.append(Notice("limit", message))
    return True


def check_overdue(pre: Precheck, *, name: str, overdue: int, action: str) -> None:
    """Books too late: block, ask, or only mention it, as the loan rule says."""
    if not overdue:
        return
    text = ngettext("%(name)s heeft %(count)d boek te laat.", "%(name)s heeft %(count)d boeken te laat.", overdue) % {
        "name": name,
        "count": overdue,
    }
    if action == OverdueAction.BLOCK:
        pre.blockers.append(Notice("overdue", text))
    elif action == OverdueAction.CONFIRM:
        pre.confirmations.append(Notice("overdue", text + " " + confirm_question()))
    else:
        pre.notes.append(Notice("overdue", text))


def check_same_title(pre: Precheck, *, name: str, count: int) -> None:
    """A second copy of a title the patron has on loan already: usually a mistake (two copies in the pile, or the
    same book scanned for the wrong pupil), sometimes meant (a pair reading together); the desk asks."""
    if not count:
        return
    text = ngettext(
        "%(name)s heeft al een exemplaar van deze titel te leen.",
        "%(name)s heeft al %(count)d exemplaren van deze titel te leen.",
        count,
    ) % {"name": name, "count": count}
    pre.confirmations.append(Notice("same_title", text + " " + _("Nog een exemplaar uitlenen?")))


def confirm_question() -> str:
    return _("Toch uitlenen?")
