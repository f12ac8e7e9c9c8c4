"""Receiving, downloading, importing and removing the schools' student files; the yearly reminder."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Iterable
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, Q
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from mediatheek.accounts.models import Role, User
from mediatheek.core import audit
from mediatheek.core.errors import DomainError, PermissionDeniedError
from mediatheek.core.models import AuditEvent
from mediatheek.core.schoolyear import school_year_label, school_year_of, school_year_start
from mediatheek.schools.models import School
from mediatheek.studentimport import services as engine
from mediatheek.studentimport.files import ReadResult
from mediatheek.studentimport.models import ImportRun
from mediatheek.uploads import storage
from mediatheek.uploads.models import StudentUpload, UploadReminder

if TYPE_CHECKING:
    from django.http import HttpRequest

logger = logging.getLogger(__name__)

ACCEPTED_EXTENSIONS = (".xlsx", ".xls", ".ods", ".csv", ".txt", ".xml")


def clean_filename(filename: str) -> str:
    """Only the last part of what the browser sent, without control characters, at most 200 characters."""
    name = PurePath((filename or "").replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|:*?')
    return name.strip()[-200:] or "leerlingbestand"


def check_student_file(*, school: School, data: bytes, filename: str, strict: bool = True) -> ReadResult:
    """Read the file with the import engine; raise a DomainError that says what to fix when it is no student list.

    `strict` (the portal) also refuses a spreadsheet without a recognised student-number column; in the client the
    librarian can still choose that column in the wizard.
    """
    result = engine.read_student_file(data=data, filename=filename, school=school)
    if not strict:
        return result
    missing = list(result.missing)
    if result.columns and (not result.mapping.get("student_number") or "student_number" in missing):
        raise DomainError(
            _(
                "Het bestand heeft geen kolom met het leerlingnummer. Zet in de eerste regel een kolomkop "
                "'Leerlingnummer' (of 'Stamnummer') boven de nummers van de leerlingen en stuur het bestand opnieuw."
            ),
            code="no_student_number",
        )
    if missing:
        labels = {"last_name": _("Achternaam"), "first_name": _("Roepnaam"), "group": _("Groep")}
        raise DomainError(
            _(
                "Het bestand mist een kolom voor: %(fields)s. Zet een kolomkop boven die gegevens "
                "(bijvoorbeeld 'Achternaam') en stuur het bestand opnieuw."
            )
            % {"fields": ", ".join(str(labels.get(name, name)) for name in missing)},
            code="missing_columns",
        )
    if not result.rows and not result.row_errors:
        raise DomainError(
            _("Het bestand bevat geen leerlingen. Controleer of je de juiste export hebt gemaakt."),
            code="no_rows",
        )
    return result


def student_count(result: ReadResult) -> int | None:
    """The students the file holds (usable rows and rows with an error, each a pupil); None when the columns were
    not recognised, so the rows could not be told apart."""
    if result.missing:
        return None
    return len(result.rows) + len(result.row_errors)


def receive_upload(
    *,
    school: School,
    filename: str,
    data: bytes,
    by: User | None,
    request: HttpRequest | None = None,
    source: str = StudentUpload.Source.PORTAL,
    notify: bool = True,
    strict: bool = True,
) -> StudentUpload:
    """Check, encrypt and keep a student file; tell the library (after commit) when it came through the portal."""
    filename = clean_filename(filename)
    max_bytes = settings.STUDENT_FILE_MAX_BYTES
    if not data:
        raise DomainError(_("Het bestand is leeg. Kies het leerlingbestand opnieuw."), code="empty")
    if len(data) > max_bytes:
        raise DomainError(
            _("Het bestand is te groot (%(size)s; hoogstens %(max)s). Sla alleen de leerlinglijst op.")
            % {"size": filesizeformat(len(data)), "max": filesizeformat(max_bytes)},
            code="too_large",
        )
    if not filename.lower().endswith(ACCEPTED_EXTENSIONS):
        raise DomainError(
            _(
                "Dit soort bestand kan niet worden ingelezen. Sla het leerlingbestand op als Excel (.xlsx of .xls), "
                "OpenDocument (.ods), CSV (.csv) of EDEXML (.xml)."
            ),
            code="extension",
        )
    result = check_student_file(school=school, data=data, filename=filename, strict=strict)

    stored_name = storage.save_encrypted(data)
    try:
        with transaction.atomic():
            upload = StudentUpload.objects.create(
                school=school,
                source=source,
                filename=filename,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                stored_name=stored_name,
                uploaded_by=by if getattr(by, "pk", None) else None,
                uploaded_by_label=str(getattr(by, "username", "") or ""),
                student_count=student_count(result),
            )
            audit.record(
                AuditEvent.Action.UPLOAD,
                actor=by,
                school=school,
                obj=upload,
                summary=_("leerlingbestand %(name)s ontvangen") % {"name": filename},
                request=request,
                sha256=upload.sha256,
                size=upload.size,
                source=source,
            )
            if notify:
                upload_id = upload.pk
                transaction.on_commit(lambda: notify_library(upload_id))
    except Exception:
        storage.delete(stored_name)
        raise
    return upload


def client_url(path: str) -> str:
    return f"{settings.BASE_URL}{path}"


def notify_library(upload_id: int) -> bool:
    """Mail the library's contact person of the school: school, file name, time and a link to the client."""
    upload = StudentUpload.objects.select_related("school__library").get(pk=upload_id)
    school = upload.school
    recipient = school.contact_email or school.library.contact_email
    if not recipient:
        logger.warning("No contact e-mail for school %s: upload %s not announced", school.code, upload.pk)
        return False
    with override(school.language or settings.LANGUAGE_CODE):
        local = timezone.localtime(upload.uploaded_at)
        subject = _("Leerlingbestand ontvangen van %(school)s") % {"school": school.name}
        body = _(
            "%(school)s (%(code)s) heeft een leerlingbestand geüpload.\n\n"
            "Bestand: %(filename)s (%(size)s)\n"
            "Ontvangen: %(time)s\n"
            "Door: %(by)s\n\n"
            "Downloaden en importeren in de client:\n%(link)s\n\n"
            "Het portaal van de school: %(portal)s\n\n"
        ) % {
            "school": school.name,
            "code": school.code,
            "filename": upload.filename,
            "size": filesizeformat(upload.size),
            "time": local.strftime("%d-%m-%Y %H:%M"),
            "by": upload.uploaded_by_label or "-",
            "link": client_url(reverse("client:upload_list")),
            "portal": school.portal_url,
        }
        days = school.library.upload_retention_days_unimported
        body += ngettext(
            "Het bestand wordt %(days)s dag na ontvangst automatisch verwijderd als het niet is geïmporteerd.",
            "Het bestand wordt %(days)s dagen na ontvangst automatisch verwijderd als het niet is geïmporteerd.",
            days,
        ) % {"days": days}
    try:
        send_mail(subject, body, None, [recipient])
    except Exception:  # the upload stands; a mail server that is down must not lose the school's file
        logger.exception("Could not send the upload notification for upload %s", upload.pk)
        return False
    StudentUpload.objects.filter(pk=upload.pk).update(notified_at=timezone.now())
    return True


def require_import_right(user: Any) -> None:
    if not getattr(user, "can_import_students", False):
        raise PermissionDeniedError(_("Alleen bibliotheekmedewerkers met importrecht mogen leerlingbestanden openen."))


def read_upload(*, upload: StudentUpload, by: User) -> bytes:
    """The decrypted file for the import wizard (not a download: nothing leaves the server)."""
    require_import_right(by)
    if not upload.has_file:
        raise DomainError(_("Het bestand is al verwijderd."), code="removed")
    return storage.read_decrypted(upload.stored_name)


def read_upload_for_import(
    *, upload: StudentUpload, by: User, mapping: dict[str, str | None] | None = None
) -> ReadResult:
    """The wizard's first step: the upload read with the import engine (its columns and what they were taken for).
    Raises FileRefused when it cannot be a student list of the upload's school."""
    data = read_upload(upload=upload, by=by)
    return engine.read_student_file(data=data, filename=upload.filename, school=upload.school, mapping=mapping)


def preview_upload(
    *, upload: StudentUpload, by: User, mapping: dict[str, str | None] | None = None
) -> engine.ImportPreview:
    """The wizard's preview: what importing the upload would do, computed without writing."""
    data = read_upload(upload=upload, by=by)
    return engine.preview_import(school=upload.school, data=data, filename=upload.filename, mapping=mapping)


def download_upload(*, upload: StudentUpload, by: User, request: HttpRequest | None = None) -> bytes:
    """The decrypted file for a download; every download is in the audit log."""
    data = read_upload(upload=upload, by=by)
    with transaction.atomic():
        StudentUpload.objects.filter(pk=upload.pk).update(download_count=upload.download_count + 1)
        audit.record(
            AuditEvent.Action.DOWNLOAD,
            actor=by,
            school=upload.school,
            obj=upload,
            summary=_("leerlingbestand %(name)s gedownload") % {"name": upload.filename},
            request=request,
            sha256=upload.sha256,
        )
    return data


# --- applying an upload: one apply at a time ---------------------------------------------------------------

# How long a claim holds when its apply never finishes (a worker killed mid-apply cannot release it). A region's
# biggest file applies in well under a minute; after this the file can be imported again.
CLAIM_EXPIRES = dt.timedelta(minutes=15)


class ImportBusy(DomainError):
    """Another request is applying this upload at this moment."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Dit bestand wordt al geïmporteerd. Wacht tot die import klaar is en bekijk dan de "
                "leerlingbestanden opnieuw."
            ),
            code="import_busy",
        )


class AlreadyImported(DomainError):
    """The upload was applied already; `run_id` is that import (None when its record is gone)."""

    def __init__(self, run_id: int | None) -> None:
        super().__init__(_("Dit bestand is al geïmporteerd."), code="already_imported")
        self.run_id = run_id


def _refusal(upload_id: int) -> DomainError:
    """Why an upload cannot be claimed, read from its committed state."""
    upload = StudentUpload.objects.filter(pk=upload_id).only("state", "import_run_id", "stored_name").first()
    if upload is None or not upload.has_file:
        return DomainError(_("Het bestand is al verwijderd."), code="removed")
    if upload.state == StudentUpload.State.IMPORTED:
        return AlreadyImported(upload.import_run_id)
    return ImportBusy()


def _claimable(now: dt.datetime) -> Q:
    stale = Q(state=StudentUpload.State.IMPORTING) & (
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_EXPIRES)
    )
    return Q(state=StudentUpload.State.RECEIVED) | stale


def claim_upload(*, upload: StudentUpload) -> str:
    """Claim the upload for one apply; returns the claim's token. Raises ImportBusy or AlreadyImported.

    The claim is one conditional UPDATE (received -> importing), so of two requests at the same moment exactly one
    gets the row; it commits at once (call this outside a transaction) so every other request sees it while the
    apply runs. Before writing, the state is read: on SQLite a second request gets its answer at once instead of
    waiting for the database's write lock that the running apply holds.
    """
    now = timezone.now()
    if not StudentUpload.objects.filter(pk=upload.pk).filter(_claimable(now)).exclude(stored_name="").exists():
        raise _refusal(upload.pk)
    token = secrets.token_hex(16)
    claimed = (
        StudentUpload.objects.filter(pk=upload.pk)
        .filter(_claimable(now))
        .exclude(stored_name="")
        .update(state=StudentUpload.State.IMPORTING, claimed_at=now, claim_token=token)
    )
    if claimed != 1:
        raise _refusal(upload.pk)
    return token


def release_claim(*, upload: StudentUpload, token: str) -> int:
    """The apply failed (or was refused): the upload is "received" again, if the claim is still this one's."""
    return StudentUpload.objects.filter(pk=upload.pk, state=StudentUpload.State.IMPORTING, claim_token=token).update(
        state=StudentUpload.State.RECEIVED, claimed_at=None, claim_token=""
    )


class UploadSuperseded(DomainError):
    """A newer upload of the school was imported after this one arrived; importing this one needs a confirmation."""

    def __init__(self, upload: StudentUpload) -> None:
        newer = upload.superseded_by
        super().__init__(
            _(
                "Dit bestand is vervangen door de upload van %(date)s, die al is geïmporteerd. Bevestig dat je dit "
                "oudere bestand toch wilt importeren."
            )
            % {"date": timezone.localtime(newer.uploaded_at).strftime("%d-%m-%Y %H:%M") if newer else "?"},
            code="superseded",
        )


def apply_upload(
    *,
    upload: StudentUpload,
    by: User,
    mapping: dict[str, str | None] | None = None,
    allow_mass_deregistration: bool = False,
    allow_superseded: bool = False,
) -> ImportRun:
    """Import a school's upload once: claim it, apply it with the import engine, mark it imported; returns the run.

    A second request while the apply runs gets ImportBusy ("wordt al geïmporteerd"), one after it AlreadyImported
    (with the run). The import and the upload's "imported" are one transaction, and that transaction only commits
    while the claim is still this request's: if the claim expired and another request took the file over, this
    apply is rolled back, so a file is never applied twice. Any failure releases the claim.

    An upload that a newer imported upload of its school superseded is refused (UploadSuperseded) unless
    `allow_superseded`; the import marks the school's older waiting uploads superseded by this one.
    """
    require_import_right(by)
    upload.refresh_from_db(fields=["superseded_by"])
    if upload.superseded_by_id is not None and not allow_superseded:
        raise UploadSuperseded(upload)
    token = claim_upload(upload=upload)
    try:
        data = read_upload(upload=upload, by=by)
        with transaction.atomic():
            run = engine.apply_import(
                school=upload.school,
                data=data,
                filename=upload.filename,
                by=by,
                mapping=mapping,
                allow_mass_deregistration=allow_mass_deregistration,
            )
            finished = StudentUpload.objects.filter(
                pk=upload.pk, state=StudentUpload.State.IMPORTING, claim_token=token
            ).update(
                state=StudentUpload.State.IMPORTED,
                imported_at=timezone.now(),
                import_run=run,
                claimed_at=None,
                claim_token="",
            )
            if finished != 1:
                raise ImportBusy()
            mark_older_superseded(upload=upload)
    except BaseException:
        release_claim(upload=upload, token=token)
        raise
    upload.refresh_from_db()
    return run


def undo_upload_import(*, run: ImportRun, by: User) -> ImportRun:
    """Undo an import from the client: only while it is still the school's last import and not undone (the rule is
    the engine's, `can_undo`). The check runs under the engine's school lock, so two undos at once undo it once (the
    second is refused) and never the import before it. Its uploads are "received" again, in the same transaction."""
    require_import_right(by)
    with transaction.atomic():
        undone = engine.undo_last_import(school=run.school, by=by, run=run)
        mark_import_undone(run=undone)
    return undone


def mark_older_superseded(*, upload: StudentUpload) -> int:
    """The school's uploads that arrived before `upload` and still wait for an import are out of date now."""
    return (
        StudentUpload.objects.for_school(upload.school)
        .filter(uploaded_at__lt=upload.uploaded_at, state=StudentUpload.State.RECEIVED)
        .exclude(pk=upload.pk)
        .update(superseded_by=upload)
    )


def mark_import_undone(*, run: ImportRun) -> int:
    """The import of these uploads was undone: they are "received" again (and may be imported again), and the
    uploads they had superseded are no longer out of date."""
    StudentUpload.objects.filter(superseded_by__import_run=run).update(superseded_by=None)
    return StudentUpload.objects.filter(import_run=run, state=StudentUpload.State.IMPORTED).update(
        state=StudentUpload.State.RECEIVED, imported_at=None, import_run=None
    )


def remove_file(*, upload: StudentUpload, by: User | None = None, reason: str = "purge") -> StudentUpload:
    """Delete the raw file; the record stays (name, size, hash, dates) as the school's history."""
    with transaction.atomic():
        name = upload.stored_name
        upload.state = StudentUpload.State.REMOVED
        upload.removed_at = timezone.now()
        upload.stored_name = ""
        upload.save(update_fields=["state", "removed_at", "stored_name"])
        audit.record(
            AuditEvent.Action.PURGE if reason == "purge" else AuditEvent.Action.DELETE,
            actor=by,
            school=upload.school,
            obj=upload,
            summary=_("leerlingbestand %(name)s verwijderd") % {"name": upload.filename},
            reason=reason,
        )
        if name:
            transaction.on_commit(lambda: storage.delete(name))
    return upload


def purge_due(*, now: dt.datetime | None = None) -> list[StudentUpload]:
    """The uploads whose raw file is past its retention (per the school's library)."""
    now = now or timezone.now()
    due: list[StudentUpload] = []
    candidates = (
        StudentUpload.objects.exclude(state=StudentUpload.State.REMOVED)
        .exclude(stored_name="")
        .select_related("school__library")
    )
    for upload in candidates:
        library = upload.school.library
        if upload.state == StudentUpload.State.IMPORTED and upload.imported_at:
            if upload.imported_at <= now - dt.timedelta(days=library.upload_retention_days_after_import):
                due.append(upload)
        elif upload.uploaded_at <= now - dt.timedelta(days=library.upload_retention_days_unimported):
            due.append(upload)
    return due


def purge_uploads(*, now: dt.datetime | None = None, dry_run: bool = False) -> list[StudentUpload]:
    due = purge_due(now=now)
    if not dry_run:
        for upload in due:
            remove_file(upload=upload, reason="purge")
    return due


ORPHAN_GRACE = dt.timedelta(days=1)


def orphan_files(*, now: dt.datetime | None = None) -> list[str]:
    """Encrypted files that no upload refers to (a worker killed between writing the file and the database),
    older than a day so an upload in progress is never touched."""
    now = now or timezone.now()
    known = set(StudentUpload.objects.exclude(stored_name="").values_list("stored_name", flat=True))
    orphans = []
    for name, modified in storage.stored_files():
        if name not in known and modified <= (now - ORPHAN_GRACE).timestamp():
            orphans.append(name)
    return orphans


def purge_orphans(*, now: dt.datetime | None = None, dry_run: bool = False) -> list[str]:
    orphans = orphan_files(now=now)
    if not dry_run:
        for name in orphans:
            storage.delete(name)
        if orphans:
            audit.record(
                AuditEvent.Action.PURGE,
                summary=_("%(n)s losse leerlingbestanden verwijderd") % {"n": len(orphans)},
                files=orphans,
            )
    return orphans


def last_import_dates(schools: Iterable[School] | None = None) -> dict[int, dt.datetime]:
    """Per school id: when its last import (not undone) was applied."""
    runs = ImportRun.objects.filter(undone_at__isnull=True)
    if schools is not None:
        runs = runs.filter(school__in=list(schools))
    return {row["school"]: row["last"] for row in runs.values("school").annotate(last=Max("created_at"))}


def imported_this_school_year(last: dt.datetime | None, today: dt.date | None = None) -> bool:
    if last is None:
        return False
    today = today or timezone.localdate()
    return timezone.localtime(last).date() >= school_year_start(school_year_of(today))


def reminder_recipients(school: School) -> list[str]:
    """The school's uploaders with an e-mail address; without any, the library's contact person of the school."""
    emails = sorted(
        set(
            User.objects.filter(school=school, role=Role.UPLOADER, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )
    if not emails and school.contact_email:
        emails = [school.contact_email]
    return emails


def send_upload_reminders(*, today: dt.date | None = None, dry_run: bool = False) -> list[tuple[School, list[str]]]:
    """Mail each active school without an import in the current school year, once per school year."""
    today = today or timezone.localdate()
    year = school_year_of(today)
    schools = list(School.objects.filter(active=True).order_by("name"))
    last = last_import_dates(schools)
    reminded = set(UploadReminder.objects.filter(school_year=year).values_list("school_id", flat=True))
    sent: list[tuple[School, list[str]]] = []
    for school in schools:
        if school.pk in reminded or imported_this_school_year(last.get(school.pk), today):
            continue
        recipients = reminder_recipients(school)
        if not recipients:
            logger.warning("School %s has no address for the upload reminder", school.code)
            sent.append((school, []))
            continue
        if dry_run:
            sent.append((school, recipients))
            continue
        with override(school.language or settings.LANGUAGE_CODE):
            portal = client_url(reverse("portal:upload", kwargs={"slug": school.slug}))
            subject = _("Herinnering: upload het leerlingbestand voor schooljaar %(year)s") % {
                "year": school_year_label(year)
            }
            body = _(
                "Beste school,\n\n"
                "Voor schooljaar %(year)s is het leerlingbestand van %(school)s nog niet geïmporteerd in de "
                "mediatheek. Nieuwe leerlingen kunnen pas lenen als ze zijn ingeschreven.\n\n"
                "Maak het leerlingbestand in jullie leerlingadministratie (ParnasSys, ESIS, Dot.com, Magister of "
                "SOMtoday), log in op het portaal met het uploadaccount (Mijn Bibliotheek) en kies "
                "'Upload leerlingbestand':\n%(portal)s\n\n"
                "De bibliotheek krijgt automatisch bericht zodra het bestand binnen is.\n"
            ) % {"year": school_year_label(year), "school": school.name, "portal": portal}
        with transaction.atomic():
            UploadReminder.objects.create(school=school, school_year=year, recipients=", ".join(recipients))
            send_mail(subject, body, None, recipients)
        sent.append((school, recipients))
    return sent
