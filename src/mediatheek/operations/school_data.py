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
from django.utils.translation import gettext as _

from mediatheek.core import audit
from mediatheek.core.errors import DomainError
from mediatheek.core.exports import xlsx_bytes
from mediatheek.core.models import AuditEvent
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


def export_xlsx(school: School, *, by: User | None = None, request: HttpRequest | None = None) -> bytes:
    data = collect(school)
    sheets: dict[str, tuple[Sequence[str], Iterable[Sequence[Any]]]] = {
        label.replace(".", " ")[:31]: (names, [[_plain(v) for v in row] for row in rows])
        for label, (names, rows) in data.items()
    }
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


@dataclass
class DeletionReport:
    code: str
    name: str
    deleted: dict[str, int] = field(default_factory=dict)
    files_removed: int = 0


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
    *, school: School, confirm_code: str, by: User | None, request: HttpRequest | None = None
) -> DeletionReport:
    """Delete everything of `school` (the school itself too) in one transaction, then check nothing is left.

    `confirm_code` must be the school's code, typed by the person deleting. The audit log keeps its rows (without
    the link to the school) and gets one event saying what was deleted.
    """
    if normalise_school_code(confirm_code) != school.code:
        raise DomainError(_("Typ de schoolcode %(code)s om het verwijderen te bevestigen.") % {"code": school.code})
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
