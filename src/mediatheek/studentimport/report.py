"""The report of an applied student import, as an Excel file: a summary sheet, a sheet per outcome, the error rows.

Every report is an export of student data and is audited as one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from mediatheek.core import audit, exports
from mediatheek.core.models import AuditEvent
from mediatheek.studentimport.leavers import leaver_books
from mediatheek.studentimport.models import ImportRun
from mediatheek.studentimport.queries import count_rows, run_error_rows, run_sections

if TYPE_CHECKING:
    from django.http import HttpRequest

    from mediatheek.accounts.models import User


def report_filename(run: ImportRun) -> str:
    """Named after the time the school saw on screen (its time zone), not UTC."""
    return f"leerlingimport-{run.school.code}-{timezone.localtime(run.created_at):%Y%m%d-%H%M}.xlsx"


def report_xlsx(run: ImportRun, *, by: User, request: HttpRequest | None = None) -> bytes:
    """The import's report as xlsx bytes; recorded in the audit log as an export by `by`."""
    summary_rows: list[list[Any]] = [
        [_("School"), f"{run.school.name} ({run.school.code})"],
        [_("Bestand"), run.filename],
        [_("Geïmporteerd op"), timezone.localtime(run.created_at)],
        [_("Door"), str(run.created_by or "")],
    ]
    if run.undone_at:
        summary_rows.append([_("Ongedaan gemaakt op"), timezone.localtime(run.undone_at)])
    summary_rows += [[str(row.label), row.n] for row in count_rows(run.counts)]
    sheets: dict[str, tuple[Sequence[str], Iterable[Sequence[Any]]]] = {
        _("Samenvatting"): ([_("Wat"), _("Waarde")], summary_rows)
    }
    header = [_("Leerlingnummer"), _("Naam"), _("Pasnummer"), _("Groep vóór"), _("Groep na"), _("Wijzigingen")]
    for section in run_sections(run):
        rows = [
            [
                change.patron.student_number if change.patron else str(change.after.get("student_number") or ""),
                change.patron.full_name if change.patron else "",
                change.patron.card_number if change.patron else "",
                str(change.before.get("group") or ""),
                str(change.after.get("group") or ""),
                "; ".join(change.changed()),
            ]
            for change in section.items
        ]
        sheets[str(section.label)] = (header, rows)
    sheets[_("Nog in te leveren")] = (
        [_("Leerling"), _("Groep"), _("Titel"), _("Barcode"), _("Inleveren op")],
        [[book.pupil, book.group, book.title, book.barcode, book.due_date] for book in leaver_books(run)],
    )
    sheets[_("Fouten")] = ([_("Regel"), _("Melding")], [[item.row, item.message] for item in run_error_rows(run)])
    content = exports.xlsx_bytes(sheets)
    audit.record(
        AuditEvent.Action.EXPORT,
        actor=by,
        school=run.school,
        obj=run,
        summary=_("rapport leerlingimport %(name)s") % {"name": run.filename},
        request=request,
    )
    return content
