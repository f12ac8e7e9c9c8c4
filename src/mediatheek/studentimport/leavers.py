"""Leavers' books: the books still out with the students an import deregistered, for the result page, the report,
the school's printout ("Nog in te leveren") and the reminder mail to the school.

The list is read live (a book handed in after the import drops off it): the open loans of the students the run
deregistered who are still deregistered, in the group they were in when they left.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from mediatheek.core import audit
from mediatheek.core.errors import DomainError
from mediatheek.core.models import AuditEvent
from mediatheek.patrons.models import Patron
from mediatheek.studentimport.models import ImportChange, ImportRun, Outcome
from mediatheek.studentimport.pdf import leaver_books_pdf

if TYPE_CHECKING:
    from django.http import HttpRequest

    from mediatheek.accounts.models import User

logger = logging.getLogger(__name__)

CHUNK = 5000  # ids per IN (...) list


@dataclass(frozen=True)
class LeaverBook:
    """One book still out with a student the import deregistered."""

    patron_id: int
    pupil: str  # "Berg, Sanne van den"
    group: str  # the group the student left from
    title: str
    barcode: str
    due_date: dt.date


def leaver_books(run: ImportRun) -> list[LeaverBook]:
    """The open loans of the students this run deregistered (and who are still deregistered), by group, pupil and
    due date. Empty once the run is undone."""
    from mediatheek.circulation.models import Loan

    if run.undone_at is not None:
        return []
    groups: dict[int, str] = {}
    for patron_id, before in ImportChange.objects.filter(run=run, outcome=Outcome.DEREGISTERED).values_list(
        "patron_id", "before"
    ):
        if patron_id is not None:
            groups[patron_id] = str((before or {}).get("group") or "")
    ids = list(groups)
    books: list[LeaverBook] = []
    for start in range(0, len(ids), CHUNK):
        loans = (
            Loan.objects.for_school(run.school)
            .filter(
                returned_at__isnull=True,
                patron_id__in=ids[start : start + CHUNK],
                patron__status=Patron.Status.DEREGISTERED,
            )
            .select_related("patron", "copy__title")
        )
        for loan in loans:
            patron = loan.patron
            assert patron is not None  # filtered on patron_id
            books.append(
                LeaverBook(
                    patron_id=patron.pk,
                    pupil=patron.sort_name,
                    group=groups.get(patron.pk, ""),
                    title=loan.copy.title.title,
                    barcode=loan.copy.barcode,
                    due_date=loan.due_date,
                )
            )
    books.sort(key=lambda book: (book.group.casefold(), book.pupil.casefold(), book.due_date, book.barcode))
    return books


def by_group(books: Sequence[LeaverBook]) -> list[tuple[str, list[LeaverBook]]]:
    """The books per group (the list is sorted by group already), for the printout: one page per group."""
    grouped: dict[str, list[LeaverBook]] = {}
    for book in books:
        grouped.setdefault(book.group, []).append(book)
    return list(grouped.items())


def leaver_books_filename(run: ImportRun) -> str:
    return f"nog-in-te-leveren-{run.school.code}-{timezone.localtime(run.created_at):%Y%m%d}.pdf"


# --- the reminder mail to the school ---------------------------------------------------------------------------


def remind_school(*, run: ImportRun, by: User, request: HttpRequest | None = None) -> str:
    """Mail the school's contact address the list of books its leavers still have (the printout attached); sent
    after commit, audited now. Returns the address. DomainError when the school has no contact address or there is
    nothing left to hand in."""
    school = run.school
    recipient = school.contact_email
    if not recipient:
        raise DomainError(
            _(
                "%(school)s heeft geen e-mailadres voor contact. Vul het in bij de gegevens van de school en "
                "probeer het opnieuw, of druk de lijst af."
            )
            % {"school": school.name},
            code="no_contact_email",
        )
    books = leaver_books(run)
    if not books:
        raise DomainError(_("Er zijn geen boeken meer in te leveren."), code="nothing_to_hand_in")
    with transaction.atomic():
        audit.record(
            AuditEvent.Action.EXPORT,
            actor=by,
            school=school,
            obj=run,
            summary=_("school gemaild: nog in te leveren (%(count)s boeken)") % {"count": len(books)},
            request=request,
            recipient=recipient,
            count=len(books),
        )
        run_id = run.pk
        transaction.on_commit(lambda: send_reminder(run_id, recipient))
    return recipient


def send_reminder(run_id: int, recipient: str) -> bool:
    """Build and send the mail (after the audit committed); a mail server that is down is logged, not raised."""
    run = ImportRun.objects.select_related("school").get(pk=run_id)
    school = run.school
    books = leaver_books(run)
    with override(school.language or settings.LANGUAGE_CODE):
        imported = formats.date_format(timezone.localtime(run.created_at), "j F Y")
        lines = []
        for group, items in by_group(books):
            lines.append(f"\n{group or _('Zonder groep')}")
            lines += [
                f"- {book.pupil}: {book.title} ({book.barcode}), "
                + _("inleveren op %(date)s") % {"date": formats.date_format(book.due_date, "d-m-Y")}
                for book in items
            ]
        subject = _("Nog in te leveren: boeken van leerlingen die %(school)s hebben verlaten") % {"school": school.name}
        body = (
            ngettext(
                "Beste school,\n\nBij de leerlingimport van %(date)s zijn leerlingen uitgeschreven die nog een boek "
                "van de mediatheek hebben. Dit boek is nog niet ingeleverd:\n",
                "Beste school,\n\nBij de leerlingimport van %(date)s zijn leerlingen uitgeschreven die nog boeken "
                "van de mediatheek hebben. Deze %(count)s boeken zijn nog niet ingeleverd:\n",
                len(books),
            )
            % {"date": imported, "count": len(books)}
            + "\n".join(lines)
            + "\n\n"
            + _("Wilt u de boeken laten inleveren bij de mediatheek? De lijst per groep zit als PDF bij deze mail.")
            + "\n"
        )
        attachment = leaver_books_pdf(school, by_group(books))
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
    message.attach(leaver_books_filename(run), attachment, "application/pdf")
    try:
        message.send()
    except Exception:  # the audit stands; the librarian can print the list instead
        logger.exception("Could not send the leavers' books reminder of import %s", run_id)
        return False
    return True
