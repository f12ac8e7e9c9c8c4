"""The student-import wizard's glue to the import engine (mediatheek.studentimport.services).

Views stay short: they call these helpers, which call the engine and shape its results for the templates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mediatheek.core import audit, exports
from mediatheek.core.errors import DomainError
from mediatheek.core.models import AuditEvent
from mediatheek.schools.models import School
from mediatheek.studentimport import services as engine
from mediatheek.studentimport.models import ImportChange, ImportRun
from mediatheek.uploads import services
from mediatheek.uploads.models import StudentUpload

if TYPE_CHECKING:
    from mediatheek.accounts.models import User

FIELD_LABELS = {
    "student_number": gettext_lazy("Leerlingnummer"),
    "first_name": gettext_lazy("Roepnaam"),
    "name_prefix": gettext_lazy("Voorvoegsel"),
    "last_name": gettext_lazy("Achternaam"),
    "group": gettext_lazy("Groep / klas"),
    "year_level": gettext_lazy("Jaargroep / leerjaar"),
    "birth_date": gettext_lazy("Geboortedatum"),
    "card_number": gettext_lazy("Pasnummer"),
    "email": gettext_lazy("E-mail"),
}
REQUIRED_FIELDS = ("student_number", "last_name")

OUTCOMES = [
    ("new", gettext_lazy("Nieuw")),
    ("reactivated", gettext_lazy("Opnieuw ingeschreven")),
    ("moved", gettext_lazy("Naar andere groep")),
    ("updated", gettext_lazy("Gewijzigd")),
    ("unchanged", gettext_lazy("Ongewijzigd")),
    ("deregistered", gettext_lazy("Uitgeschreven")),
    ("errors", gettext_lazy("Fouten")),
]
OUTCOME_LABELS = dict(OUTCOMES)

MAP_PREFIX = "map_"


def mapping_from(data: Mapping[str, Any]) -> dict[str, str | None] | None:
    """The mapping the user chose (map_<field>=<header>; empty = not used); None = let the engine detect it."""
    if not any(key.startswith(MAP_PREFIX) for key in data):
        return None
    return {field: (data.get(MAP_PREFIX + field) or None) for field in engine.FIELDS}


def mapping_query(mapping: Mapping[str, str | None] | None) -> str:
    if mapping is None:
        return ""
    return urlencode({MAP_PREFIX + field: mapping.get(field) or "" for field in engine.FIELDS})


def mapping_hidden(mapping: Mapping[str, str | None] | None) -> list[tuple[str, str]]:
    if mapping is None:
        return []
    return [(MAP_PREFIX + field, mapping.get(field) or "") for field in engine.FIELDS]


def read(*, upload: StudentUpload, data: bytes, mapping: dict[str, str | None] | None) -> Any:
    return engine.read_student_file(data=data, filename=upload.filename, school=upload.school, mapping=mapping)


def mapping_fields(result: Any) -> list[dict[str, Any]]:
    return [
        {
            "name": MAP_PREFIX + field,
            "field": field,
            "label": FIELD_LABELS.get(field, field),
            "required": field in REQUIRED_FIELDS,
            "selected": (result.mapping or {}).get(field) or "",
            "options": result.columns,
        }
        for field in engine.FIELDS
    ]


def missing_labels(result: Any) -> list[str]:
    return [str(FIELD_LABELS.get(name, name)) for name in getattr(result, "missing", []) or []]


def preview(*, upload: StudentUpload, data: bytes, mapping: dict[str, str | None] | None) -> Any:
    return engine.preview_import(school=upload.school, data=data, filename=upload.filename, mapping=mapping)


def apply(*, upload: StudentUpload, mapping: dict[str, str | None] | None, by: User, confirmed: bool) -> ImportRun:
    # The claim (one apply per upload at a time), the import and the upload's "imported" are the upload
    # service's: it reads the file itself once it holds the claim.
    run: ImportRun = services.apply_upload(upload=upload, by=by, mapping=mapping, allow_mass_deregistration=confirmed)
    return run


def count_rows(counts: Mapping[str, Any]) -> list[tuple[str, Any, int]]:
    rows = []
    for key, label in OUTCOMES:
        value = counts.get(key, counts.get("error") if key == "errors" else 0)
        if isinstance(value, list | tuple):
            value = len(value)
        rows.append((key, label, int(value or 0)))
    return rows


def _get(item: Any, name: str, default: Any = "") -> Any:
    if isinstance(item, Mapping):
        return item.get(name, default)
    return getattr(item, name, default)


def _display(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if hasattr(value, "strftime"):
        return value.strftime("%d-%m-%Y")
    return str(value)


def _planned_item(item: Any) -> dict[str, Any]:
    changes = _get(item, "changes", {}) or {}
    return {
        "row": _get(item, "row", None),
        "student_number": _get(item, "student_number"),
        "name": _get(item, "name")
        or " ".join(part for part in (_get(item, "first_name"), _get(item, "last_name")) if part),
        "old_group": _get(item, "old_group"),
        "new_group": _get(item, "new_group"),
        "message": _get(item, "message"),
        "changes": [
            {"label": FIELD_LABELS.get(name, name), "old": _display(old), "new": _display(new)}
            for name, (old, new) in changes.items()
            if name != "group"
        ],
        "open_loans": list(_get(item, "open_loans", ()) or ()),
    }


def plan_sections(preview: Any) -> list[dict[str, Any]]:
    """Per outcome: its label and the rows to list, shaped for the template."""
    plan = preview.plan
    sections = []
    for key, label in OUTCOMES:
        items = _get(plan, key, None) or []
        sections.append({"key": key, "label": label, "items": [_planned_item(item) for item in items]})
    return sections


def get_run(run_pk: int) -> ImportRun:
    return get_object_or_404(ImportRun.objects.select_related("school", "created_by"), pk=run_pk)


def runs_of(school: School) -> list[ImportRun]:
    runs = list(ImportRun.objects.filter(school=school).select_related("created_by").order_by("-created_at"))
    for run in runs:
        run.count_rows = count_rows(run.counts or {})  # type: ignore[attr-defined]
    return runs


def run_sections(run: ImportRun) -> list[dict[str, Any]]:
    changes = ImportChange.objects.filter(run=run).select_related("patron__group").order_by("pk")
    grouped: dict[str, list[Any]] = {key: [] for key, _label in OUTCOMES}
    for change in changes:
        before, after = change.before or {}, change.after or {}
        change.old_group = before.get("group") or ""  # type: ignore[attr-defined]
        change.new_group = after.get("group") or before.get("group") or ""  # type: ignore[attr-defined]
        card = change.patron.card_number if change.patron else after.get("card_number")
        change.card_number = card or ""  # type: ignore[attr-defined]
        grouped.setdefault(change.outcome, []).append(change)
    return [
        {"key": key, "label": label, "items": grouped.get(key, [])}
        for key, label in OUTCOMES
        if key not in ("unchanged", "errors")
    ]


def run_error_rows(run: ImportRun) -> list[dict[str, Any]]:
    rows = getattr(run, "error_rows", None) or getattr(run, "errors", None) or []
    return [{"row": _get(item, "row"), "message": _get(item, "message")} for item in rows]


def can_undo(run: ImportRun) -> bool:
    if run.undone_at is not None:
        return False
    last = engine.last_import(run.school)
    return last is not None and last.pk == run.pk


def undo(*, run: ImportRun, by: User) -> ImportRun:
    if run.undone_at is not None:
        raise DomainError(_("Deze import is al ongedaan gemaakt."))
    if not can_undo(run):
        raise DomainError(_("Alleen de laatste import van een school kan ongedaan worden gemaakt."))
    # Checked again under the school's lock by the service: a second click at the same moment is refused there.
    undone: ImportRun = services.undo_upload_import(run=run, by=by)
    return undone


def _value(data: Any, name: str) -> Any:
    return _get(data or {}, name, "")


def _group_of(data: Any) -> str:
    return str(_value(data, "group") or "")


def report_xlsx(run: ImportRun, *, by: User, request: HttpRequest | None = None) -> bytes:
    """The import's report: a summary sheet, a sheet per outcome, the error rows. Audited as an export."""
    if run is None:
        raise Http404
    summary_rows: list[list[Any]] = [
        [_("School"), f"{run.school.name} ({run.school.code})"],
        [_("Bestand"), run.filename],
        [_("Geïmporteerd op"), run.created_at],
        [_("Door"), str(run.created_by or "")],
    ]
    if run.undone_at:
        summary_rows.append([_("Ongedaan gemaakt op"), run.undone_at])
    summary_rows += [[str(label), n] for _key, label, n in count_rows(run.counts or {})]
    sheets: dict[str, tuple[Sequence[str], Iterable[Sequence[Any]]]] = {
        _("Samenvatting"): ([_("Wat"), _("Waarde")], summary_rows)
    }
    header = [
        _("Leerlingnummer"),
        _("Naam"),
        _("Pasnummer"),
        _("Groep vóór"),
        _("Groep na"),
        _("Wijzigingen"),
    ]
    for section in run_sections(run):
        rows = []
        for change in section["items"]:
            patron = change.patron
            before, after = change.before or {}, change.after or {}
            changed = [
                f"{FIELD_LABELS[k]}: {before.get(k) or ''} → {after.get(k) or ''}"
                for k in FIELD_LABELS
                if k != "group" and k in before and k in after and before.get(k) != after.get(k)
            ]
            rows.append(
                [
                    patron.student_number if patron else _value(after, "student_number"),
                    patron.full_name if patron else "",
                    patron.card_number if patron else "",
                    _group_of(before),
                    _group_of(after),
                    "; ".join(changed),
                ]
            )
        sheets[str(section["label"])] = (header, rows)
    sheets[_("Fouten")] = (
        [_("Regel"), _("Melding")],
        [[item["row"], item["message"]] for item in run_error_rows(run)],
    )
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
