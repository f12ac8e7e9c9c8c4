"""Retention (AVG): keep personal data no longer than the library's settings say. Run daily by `mediatheek retention`.

- Loan history: a returned loan older than the school's `loan_history_days` (its own period, else the library's)
  loses its patron (the row stays for the statistics: which copy, when, which school).
- Deregistered patrons: the school's `deregistered_months` (its own, else the library's) after they left, and once
  they have no open loans, they are deleted with their portal login, reservations, reading log and wish list
  (their old loans lose the patron as above). A patron something still protects is anonymised instead.
- Student files: the uploads area's own purge (`purge_uploads`) is called.
- Login records (django-axes: login name, IP address, browser): kept `LOGIN_RECORD_DAYS` days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.management import call_command, get_commands
from django.db import transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone

from mediatheek.circulation.models import Loan
from mediatheek.core import audit
from mediatheek.core.models import AuditEvent
from mediatheek.patrons.models import Patron
from mediatheek.schools.models import Library, School


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` months earlier (the last day of that month when it is shorter)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(candidate, day.day))
        except ValueError:
            continue
    raise ValueError(day)


# How long django-axes' records of logins and failed logins (login name, IP, browser) are kept.
LOGIN_RECORD_DAYS = 30


@dataclass
class RetentionReport:
    loans_anonymised: int = 0
    patrons_deleted: int = 0
    patrons_anonymised: int = 0
    uploads_purged: int | None = None
    login_records_removed: int = 0
    per_library: dict[str, dict[str, int]] = field(default_factory=dict)


def _anonymise(patron: Patron) -> None:
    patron.first_name = ""
    patron.name_prefix = ""
    patron.last_name = "(geanonimiseerd)"
    patron.student_number = ""
    patron.birth_date = None
    patron.email = ""
    patron.note = ""
    patron.blocked_reason = ""
    patron.group = None
    patron.card_number = f"X{patron.pk:019d}"[-20:]
    patron.save()


def _purge_login_records(before: dt.datetime, *, dry_run: bool) -> int:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    removed = 0
    for model in (AccessLog, AccessFailureLog, AccessAttempt):
        old = model.objects.filter(attempt_time__lt=before)
        removed += old.count() if dry_run else old.delete()[0]
    return removed


def run(*, now: dt.datetime | None = None, dry_run: bool = False, purge_files: bool = True) -> RetentionReport:
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = RetentionReport()
    for library in Library.objects.order_by("pk"):
        old_loans = Loan.objects.none()
        leavers = Patron.objects.none()
        # Each school its own periods (the school is the controller), OR-ed into one query per kind of data.
        for school in School.objects.filter(library=library).select_related("library").order_by("pk"):
            loan_cutoff = now - dt.timedelta(days=school.loan_history_days)
            left_before = months_before(today, school.deregistered_months)
            old_loans |= Loan.objects.filter(
                school=school, returned_at__isnull=False, returned_at__lt=loan_cutoff, patron__isnull=False
            )
            leavers |= Patron.objects.filter(
                school=school,
                status=Patron.Status.DEREGISTERED,
                deregistered_on__isnull=False,
                deregistered_on__lt=left_before,
            )
        leavers = leavers.exclude(
            pk__in=Loan.objects.filter(returned_at__isnull=True, patron__isnull=False).values("patron_id")
        )
        counts = {"loans_anonymised": 0, "patrons_deleted": 0, "patrons_anonymised": 0}
        if dry_run:
            counts["loans_anonymised"] = old_loans.count()
            counts["patrons_deleted"] = leavers.count()
        else:
            with transaction.atomic():
                counts["loans_anonymised"] = old_loans.update(patron=None)
                for patron in leavers.select_for_update():
                    Loan.objects.filter(patron=patron, returned_at__isnull=False).update(patron=None)
                    try:
                        with transaction.atomic():
                            patron.delete()
                        counts["patrons_deleted"] += 1
                    except (ProtectedError, RestrictedError):
                        _anonymise(patron)
                        counts["patrons_anonymised"] += 1
                if any(counts.values()):
                    audit.record(
                        AuditEvent.Action.PURGE,
                        summary=f"bewaartermijnen {library.name}: {counts['loans_anonymised']} uitleningen "
                        f"geanonimiseerd, {counts['patrons_deleted'] + counts['patrons_anonymised']} "
                        "uitgeschreven leners verwijderd",
                        loans_anonymised=counts["loans_anonymised"],
                        patrons_deleted=counts["patrons_deleted"],
                        patrons_anonymised=counts["patrons_anonymised"],
                    )
        report.loans_anonymised += counts["loans_anonymised"]
        report.patrons_deleted += counts["patrons_deleted"]
        report.patrons_anonymised += counts["patrons_anonymised"]
        report.per_library[library.name] = counts
    report.login_records_removed = _purge_login_records(now - dt.timedelta(days=LOGIN_RECORD_DAYS), dry_run=dry_run)
    if purge_files and "purge_uploads" in get_commands():
        args: list[Any] = ["--dry-run"] if dry_run else []
        from io import StringIO

        out = StringIO()
        call_command("purge_uploads", *args, stdout=out)
        last_line = (out.getvalue().strip().splitlines() or ["0"])[-1]
        report.uploads_purged = int(last_line.split()[0]) if last_line.split()[0].isdigit() else 0
    return report
