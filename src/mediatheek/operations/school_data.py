"""All of one school's data: a complete export (Excel + JSON) and a verified deletion at the end of a contract.

Which models hold a school's data is found from the model graph, not listed by hand: every model with a foreign
key to School, and every model that hangs off one of those (a reading log entry off a patron, an import change
off an import run). A model another area adds later is exported and deleted without anyone remembering.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from mediatheek.circulation.models import Loan
from mediatheek.core import audit
from mediatheek.core.errors import DomainError
from mediatheek.core.exports import xlsx_bytes
from mediatheek.core.models import AuditEvent
from mediatheek.operations.retention import LOGIN_RECORD_DAYS
from mediatheek.schools.models import School, normalise_school_code

if TYPE_CHECKING:
    from mediatheek.accounts.models import User

# Never exported: secrets, and where an encrypted file lies on disk.
SECRET_FIELDS = {"password", "key", "stored_name", "secret", "token"}
# The audit log is the library's record of processing (AVG art. 30): its rows stay, unlinked from the school.
KEPT_MODELS = {"core.auditevent"}


@dataclass(frozen=True)
class Holder:
    """A model that holds school data and the lookup from it to the school (`school`, `run__school`)."""

    model: type[models.Model]
    lookup: str

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def rows(self, school: School | int) -> models.QuerySet[Any]:
        return self.model._base_manager.filter(**{self.lookup: school})


def _foreign_keys(model: type[models.Model]) -> list[models.ForeignKey[Any, Any]]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]


def holders() -> list[Holder]:
    """Every model holding a school's rows, direct owners first; the School model itself is not among them."""
    direct: list[Holder] = []
    for model in apps.get_models():
        if model is School or model._meta.proxy:
            continue
        for fk in _foreign_keys(model):
            if fk.related_model is School:
                direct.append(Holder(model, fk.name))
                break
    owned = {holder.model for holder in direct}
    children: list[Holder] = []
    for model in apps.get_models():
        if model in owned or model is School or model._meta.proxy:
            continue
        for fk in _foreign_keys(model):
            parent = next((h for h in direct if h.model is fk.related_model), None)
            if parent is not None and parent.label not in KEPT_MODELS:
                children.append(Holder(model, f"{fk.name}__{parent.lookup}"))
                break
    return direct + children


def _exported_fields(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if f.name not in SECRET_FIELDS]


def _title_holder() -> tuple[type[models.Model], str] | None:
    """Titles are library-wide; the export includes those the school holds copies of."""
    try:
        return apps.get_model("catalog", "Title"), "copies__school"
    except LookupError:
        return None


def collect(school: School) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """{model label: (field names, rows)} of everything of `school`."""
    data: dict[str, tuple[list[str], list[list[Any]]]] = {
        "schools.school": (
            _exported_fields(School),
            [list(School.objects.filter(pk=school.pk).values_list(*_exported_fields(School)).get())],
        ),
    }
    title = _title_holder()
    if title is not None:
        model, lookup = title
        names = _exported_fields(model)
        data[model._meta.label_lower] = (
            names,
            [
                list(row)
                for row in model._base_manager.filter(**{lookup: school}).distinct().order_by("pk").values_list(*names)
            ],
        )
    for holder in holders():
        names = _exported_fields(holder.model)
        rows = [list(row) for row in holder.rows(school).order_by("pk").values_list(*names)]
        data[holder.label] = (names, rows)
    return data


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, dict | list):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    if isinstance(value, bytes | memoryview):
        return "(binair)"
    if hasattr(value, "quantize"):  # Decimal
        return float(value)
    return value


# Not in the Excel export, which is for people: database ids, links written as ids, hashes and keys, internal
# counters, raw structured data. The JSON export keeps them (it is for a machine: another system, an audit).
INTERNAL_FIELD_NAMES = {
    "rules_version",
    "session_key",
    "session_data",
    "sha256",
    "checksum",
    "digest",
    "nonce",
    "search_text",
    "claim_token",
    "is_superuser",
    "is_staff",
    "object_type",
    "object_id",
}
# Columns whose model gave no Dutch name (Django then makes one from the English field name).
FIELD_WORDS = {
    "created_at": _lazy("Aangemaakt op"),
    "updated_at": _lazy("Gewijzigd op"),
    "created_by": _lazy("Aangemaakt door"),
    "started_by": _lazy("Begonnen door"),
    "checked_out_by": _lazy("Uitgeleend door"),
    "checked_in_by": _lazy("Ingeleverd door"),
    "scanned_at": _lazy("Gescand op"),
    "stocktake": _lazy("Inventarisatie"),
    "copy": _lazy("Exemplaar"),
}
# Sheets whose model gave no Dutch name.
SHEET_WORDS = {"catalog.stocktakescan": _lazy("Inventarisatiescans")}


def _for_people(field: models.Field[Any, Any]) -> bool:
    if field.name.startswith("throttling_"):
        return False
    if field.primary_key or field.name in SECRET_FIELDS or field.name in INTERNAL_FIELD_NAMES:
        return False
    if isinstance(field, models.BinaryField | models.JSONField):
        return False
    return not (isinstance(field, models.ForeignKey) and field.related_model is School)


def _sheet_name(model: type[models.Model], taken: set[str]) -> str:
    """The model's plural name as a sheet name: "Leners", "Uitleningen" (Excel: at most 31 characters, unique);
    the school's own sheet is "School"."""
    plural = SHEET_WORDS.get(model._meta.label_lower, model._meta.verbose_name_plural)
    base = capfirst(str(model._meta.verbose_name if model is School else plural))
    for char in "[]:*?/\\":
        base = base.replace(char, " ")
    name, n = base[:31], 2
    while name.lower() in taken:
        name, n = f"{base[:27]} ({n})", n + 1
    taken.add(name.lower())
    return name


def _column_name(field: models.Field[Any, Any]) -> str:
    named_by_django = str(field.verbose_name) == field.name.replace("_", " ")
    return capfirst(str(FIELD_WORDS.get(field.name, field.verbose_name) if named_by_django else field.verbose_name))


def _names_of(model: type[models.Model], pks: set[Any]) -> dict[Any, str]:
    """{pk: the object in words} for the linked rows of one model: a query per 10,000 of them, not one per row
    (and under SQLite's limit on the number of parameters of one statement)."""
    wanted = sorted(pks)
    names: dict[Any, str] = {}
    for start in range(0, len(wanted), 10_000):
        chunk = wanted[start : start + 10_000]
        names.update((obj.pk, str(obj)) for obj in model._base_manager.select_related().filter(pk__in=chunk))
    return names


def _readable_sheet(model: type[models.Model], rows: models.QuerySet[Any]) -> tuple[list[str], list[list[Any]]]:
    """One model's rows in words: Dutch column names, choices as their label, links as the linked object's name."""
    fields = [f for f in model._meta.concrete_fields if _for_people(f)]
    header = [_column_name(f) for f in fields]
    values = [list(row) for row in rows.order_by("pk").values_list(*[f.attname for f in fields])]
    for column, f in enumerate(fields):
        if isinstance(f, models.ForeignKey):
            related = f.related_model if isinstance(f.related_model, type) else model  # "self": the model itself
            names = _names_of(related, {row[column] for row in values if row[column] is not None})
            for row in values:
                row[column] = names.get(row[column], "") if row[column] is not None else ""
        elif f.choices:
            labels = {key: str(label) for key, label in f.flatchoices}
            for row in values:
                row[column] = labels.get(row[column], row[column])
        elif isinstance(f, models.BooleanField):
            for row in values:
                row[column] = _("ja") if row[column] else _("nee") if row[column] is not None else ""
    return header, [[_plain(v) for v in row] for row in values]


def readable_sheets(school: School) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """Everything of `school` for people: a sheet per kind of data, named in Dutch, without internal fields."""
    taken: set[str] = set()
    sheets = {_sheet_name(School, taken): _readable_sheet(School, School.objects.filter(pk=school.pk))}
    title = _title_holder()
    if title is not None:
        model, lookup = title
        titles = model._base_manager.filter(pk__in=model._base_manager.filter(**{lookup: school}).values("pk"))
        sheets[_sheet_name(model, taken)] = _readable_sheet(model, titles)
    for holder in holders():
        # Other packages' rows (the second factor's device: a secret and its counters) are not for people.
        if holder.model.__module__.startswith("mediatheek."):
            sheets[_sheet_name(holder.model, taken)] = _readable_sheet(holder.model, holder.rows(school))
    return sheets


def export_xlsx(school: School, *, by: User | None = None, request: HttpRequest | None = None) -> bytes:
    sheets: dict[str, tuple[Sequence[str], Iterable[Sequence[Any]]]] = dict(readable_sheets(school))
    audit.record(
        AuditEvent.Action.EXPORT,
        actor=by,
        school=school,
        obj=school,
        summary="volledige export (Excel)",
        request=request,
    )
    return xlsx_bytes(sheets)


def export_json(school: School, *, by: User | None = None, request: HttpRequest | None = None) -> bytes:
    data = collect(school)
    document = {
        "school": {"code": school.code, "name": school.name},
        "exported_at": timezone.now(),
        "tables": {
            label: [dict(zip(names, row, strict=True)) for row in rows] for label, (names, rows) in data.items()
        },
    }
    audit.record(
        AuditEvent.Action.EXPORT,
        actor=by,
        school=school,
        obj=school,
        summary="volledige export (JSON)",
        request=request,
    )
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode("utf-8")


def counts(school: School | int) -> dict[str, int]:
    return {holder.label: holder.rows(school).count() for holder in holders() if holder.label not in KEPT_MODELS}


@dataclass(frozen=True)
class DataCount:
    """How many rows of one kind of data a school has: `label` ("patrons.patron"), `name` (its plural name)."""

    label: str
    name: str
    rows: int


def data_counts(school: School) -> list[DataCount]:
    """Every kind of the school's data that has rows, by name (what the staff see before an export or deletion)."""
    found = [
        DataCount(label=label, name=str(apps.get_model(label)._meta.verbose_name_plural), rows=n)
        for label, n in counts(school).items()
        if n
    ]
    return sorted(found, key=lambda count: count.name.lower())


# Deleting a school asks for an export made within this many days; without one, an extra confirmation.
RECENT_EXPORT_DAYS = 7


@dataclass(frozen=True)
class DeletionCheck:
    """What the person deleting a school must know first, and what stays afterwards."""

    loans_out: int  # books the school's patrons still have
    patrons_with_loans: int
    last_export: dt.datetime | None  # the last complete export (Excel or JSON) of the school
    export_is_recent: bool
    audit_rows: int  # the school's rows in the audit log: they stay, unlinked from the school
    login_record_days: int  # how long records of logins (login name, IP address) stay after the last one


def deletion_check(school: School, *, now: dt.datetime | None = None) -> DeletionCheck:
    now = now or timezone.now()
    open_loans = Loan.objects.open().filter(school=school)
    last_export = (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.EXPORT, school=school, object_type="schools.school", object_id=str(school.pk)
        )
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    return DeletionCheck(
        loans_out=open_loans.count(),
        patrons_with_loans=open_loans.exclude(patron=None).values("patron_id").distinct().count(),
        last_export=last_export,
        export_is_recent=last_export is not None and now - last_export <= dt.timedelta(days=RECENT_EXPORT_DAYS),
        audit_rows=AuditEvent.objects.filter(school=school).count(),
        login_record_days=LOGIN_RECORD_DAYS,
    )


@dataclass
class DeletionReport:
    code: str
    name: str
    deleted: dict[str, int] = field(default_factory=dict)
    files_removed: int = 0


class NoRecentExport(DomainError):
    """A school is deleted without a recent export, and that was not confirmed."""


def _stored_files(school: School) -> list[str]:
    try:
        upload_model = apps.get_model("uploads", "StudentUpload")
    except LookupError:
        return []
    return [
        name for name in upload_model._base_manager.filter(school=school).values_list("stored_name", flat=True) if name
    ]


def _delete_files(names: list[str]) -> None:
    from mediatheek.uploads import storage

    for name in names:
        storage.delete(name)


def delete_school(
    *,
    school: School,
    confirm_code: str,
    by: User | None,
    request: HttpRequest | None = None,
    without_recent_export: bool = False,
) -> DeletionReport:
    """Delete everything of `school` (the school itself too) in one transaction, then check nothing is left.

    `confirm_code` must be the school's code, typed by the person deleting. Without a complete export in the last
    RECENT_EXPORT_DAYS days, `without_recent_export` must say that this is meant. The audit log keeps its rows
    (without the link to the school) and gets one event saying what was deleted.
    """
    if normalise_school_code(confirm_code) != school.code:
        raise DomainError(_("Typ de schoolcode %(code)s om het verwijderen te bevestigen.") % {"code": school.code})
    if not without_recent_export and not deletion_check(school).export_is_recent:
        raise NoRecentExport(
            ngettext(
                "Er is de afgelopen %(days)d dag geen export van de school gemaakt. Exporteer eerst, of bevestig "
                "dat u zonder recente export verwijdert.",
                "Er is de afgelopen %(days)d dagen geen export van de school gemaakt. Exporteer eerst, of bevestig "
                "dat u zonder recente export verwijdert.",
                RECENT_EXPORT_DAYS,
            )
            % {"days": RECENT_EXPORT_DAYS}
        )
    report = DeletionReport(code=school.code, name=school.name)
    school_pk = school.pk
    before = counts(school)
    files = _stored_files(school)
    pending = [holder for holder in holders() if holder.label not in KEPT_MODELS]
    with transaction.atomic():
        # Delete holder by holder; a protected row (a loan holds its copy and patron) waits for the next pass.
        for _pass in range(len(pending) + 1):
            waiting = []
            for holder in pending:
                try:
                    with transaction.atomic():
                        holder.rows(school).delete()
                except (ProtectedError, RestrictedError):
                    waiting.append(holder)
            if not waiting:
                break
            pending = waiting
        School.objects.filter(pk=school_pk).delete()
        left = {label: n for label, n in counts(school_pk).items() if n}
        if left or School.objects.filter(pk=school_pk).exists():
            raise DomainError(_("Niet alles van de school kon worden verwijderd: %(left)s") % {"left": left})
        report.deleted = {label: n for label, n in before.items() if n}
        report.files_removed = len(files)
        audit.record(
            AuditEvent.Action.DELETE,
            actor=by,
            school=None,
            summary=f"alle gegevens van school {report.code} ({report.name}) verwijderd en gecontroleerd",
            request=request,
            deleted=report.deleted,
            files=report.files_removed,
            school_code=report.code,
        )
        transaction.on_commit(lambda: _delete_files(files))
    return report
