"""Read models of the student-import wizard's pages (columns, preview, result, a school's history) and of its report.

Typed dataclasses, built from the engine's plan (mediatheek.studentimport.plan) or from a stored ImportRun; nothing
is attached to model instances on the way to a template.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar

from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy, ngettext

from mediatheek.studentimport.files import ReadResult
from mediatheek.studentimport.leavers import LeaverBook, leaver_books
from mediatheek.studentimport.mapping import FIELDS
from mediatheek.studentimport.models import ImportChange, ImportRun
from mediatheek.studentimport.normalise import RowError
from mediatheek.studentimport.plan import OpenLoan, Plan, PlannedChange
from mediatheek.studentimport.services import can_undo, undo_effect

if TYPE_CHECKING:
    from mediatheek.patrons.models import Patron
    from mediatheek.schools.models import School

FIELD_LABELS: dict[str, Promise] = {
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

OUTCOMES: list[tuple[str, Promise]] = [
    ("new", gettext_lazy("Nieuw")),
    ("reactivated", gettext_lazy("Opnieuw ingeschreven")),
    ("moved", gettext_lazy("Naar andere groep")),
    ("updated", gettext_lazy("Gewijzigd")),
    ("unchanged", gettext_lazy("Ongewijzigd")),
    ("deregistered", gettext_lazy("Uitgeschreven")),
    ("errors", gettext_lazy("Fouten")),
]


def field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))


# --- counts -----------------------------------------------------------------------------------------------------


class CountRow(NamedTuple):
    """One outcome's count; a tuple so a template can write `{% for key, label, n in counts %}`."""

    key: str
    label: Promise
    n: int


def count_rows(counts: Mapping[str, int]) -> list[CountRow]:
    """Every outcome, in the wizard's order, with its count (0 when absent)."""
    return [CountRow(key, label, int(counts.get(key) or 0)) for key, label in OUTCOMES]


# --- step 1: the columns ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MappingField:
    """One field the librarian can map to a column of the file."""

    name: str  # the form's parameter, map_<field>
    field: str
    label: str
    required: bool
    selected: str
    options: list[str]


@dataclass(frozen=True)
class MappingPage:
    fields: list[MappingField]
    missing: list[str]  # labels of the fields that were not recognised


MAP_PREFIX = "map_"


def mapping_page(result: ReadResult) -> MappingPage:
    chosen = result.mapping or {}
    return MappingPage(
        fields=[
            MappingField(
                name=MAP_PREFIX + name,
                field=name,
                label=field_label(name),
                required=name in REQUIRED_FIELDS,
                selected=chosen.get(name) or "",
                options=list(result.columns),
            )
            for name in FIELDS
        ],
        missing=[field_label(name) for name in result.missing],
    )


# --- step 2: the preview ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class PlannedItem:
    """One row of the preview: a planned change or a row error."""

    row: int | None
    student_number: str
    name: str
    old_group: str = ""
    new_group: str = ""
    message: str = ""
    changes: list[FieldChange] = field(default_factory=list)
    open_loans: list[OpenLoan] = field(default_factory=list)


T = TypeVar("T")


@dataclass(frozen=True)
class Section(Generic[T]):
    key: str
    label: Promise
    items: list[T]


@dataclass(frozen=True)
class PreviewPage:
    counts: list[CountRow]
    sections: list[Section[PlannedItem]]


def _display(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    return str(value)


def _planned(change: PlannedChange) -> PlannedItem:
    return PlannedItem(
        row=change.row,
        student_number=change.student_number,
        name=change.name,
        old_group=change.old_group,
        new_group=change.new_group,
        changes=[
            FieldChange(field_label(name), _display(old), _display(new))
            for name, (old, new) in change.changes.items()
            if name != "group"
        ],
        open_loans=list(change.open_loans),
    )


def _row_error(error: RowError) -> PlannedItem:
    name = " ".join(part for part in (error.first_name, error.last_name) if part)
    return PlannedItem(row=error.row, student_number=error.student_number, name=name, message=error.message)


def plan_sections(plan: Plan) -> list[Section[PlannedItem]]:
    """Per outcome: its label and the rows to list."""
    sections = []
    for key, label in OUTCOMES:
        if key == "errors":
            items = [_row_error(error) for error in plan.errors]
        else:
            items = [_planned(change) for change in getattr(plan, key)]
        sections.append(Section(key, label, items))
    return sections


def preview_page(plan: Plan) -> PreviewPage:
    return PreviewPage(counts=count_rows(plan.counts), sections=plan_sections(plan))


# --- step 3: the result, the report, the history ----------------------------------------------------------------


@dataclass(frozen=True)
class RunChange:
    """One student's change in an applied import."""

    patron: Patron | None
    name: str
    student_number: str
    card_number: str
    old_group: str
    new_group: str
    before: dict[str, Any]
    after: dict[str, Any]

    def changed(self) -> list[str]:
        """`Label: old → new` for each kept field (but the group) that the import changed."""
        before, after = self.before, self.after
        return [
            f"{FIELD_LABELS[k]}: {before.get(k) or ''} → {after.get(k) or ''}"
            for k in FIELD_LABELS
            if k != "group" and k in before and k in after and before.get(k) != after.get(k)
        ]


@dataclass(frozen=True)
class ErrorRow:
    row: int | None
    message: str


@dataclass(frozen=True)
class ResultPage:
    run: ImportRun
    counts: list[CountRow]
    changes: list[Section[RunChange]]
    error_rows: list[ErrorRow]
    new_ids: list[int]
    can_undo: bool
    leaver_books: list[LeaverBook]  # books still out with the students it deregistered


@dataclass(frozen=True)
class RunListing:
    """One import in a school's history."""

    run: ImportRun
    counts: list[CountRow]


def run_sections(run: ImportRun) -> list[Section[RunChange]]:
    """The run's changes per outcome (unchanged students have no change; errors are listed apart)."""
    grouped: dict[str, list[RunChange]] = {key: [] for key, _label in OUTCOMES}
    changes = ImportChange.objects.filter(run=run).select_related("patron__group").order_by("pk")
    for change in changes:
        before, after = change.before or {}, change.after or {}
        card = change.patron.card_number if change.patron else after.get("card_number")
        grouped.setdefault(change.outcome, []).append(
            RunChange(
                patron=change.patron,
                name=change.name,
                student_number=change.student_number,
                card_number=card or "",
                old_group=before.get("group") or "",
                new_group=after.get("group") or before.get("group") or "",
                before=before,
                after=after,
            )
        )
    return [Section(key, label, grouped.get(key, [])) for key, label in OUTCOMES if key not in ("unchanged", "errors")]


def run_error_rows(run: ImportRun) -> list[ErrorRow]:
    return [ErrorRow(row=item.get("row"), message=item.get("message", "")) for item in run.error_rows or []]


def result_page(run: ImportRun) -> ResultPage:
    return ResultPage(
        run=run,
        counts=count_rows(run.counts),
        changes=run_sections(run),
        error_rows=run_error_rows(run),
        new_ids=run.new_patron_ids(),
        can_undo=can_undo(run),
        leaver_books=leaver_books(run),
    )


def undo_question(run: ImportRun) -> str | None:
    """ "Dit maakt de import van 1 september ongedaan: 12 nieuwe leerlingen worden verwijderd, ..." in numbers;
    None when the run cannot be undone (not the school's last import, or undone already)."""
    if not can_undo(run):
        return None
    effect = undo_effect(run)
    parts = []
    if effect.removed:
        parts.append(
            ngettext(
                "%(n)d nieuwe leerling wordt verwijderd",
                "%(n)d nieuwe leerlingen worden verwijderd",
                effect.removed,
            )
            % {"n": effect.removed}
        )
    if effect.deregistered:
        parts.append(
            ngettext(
                "%(n)d leerling wordt (weer) uitgeschreven",
                "%(n)d leerlingen worden (weer) uitgeschreven",
                effect.deregistered,
            )
            % {"n": effect.deregistered}
        )
    if effect.reenrolled:
        parts.append(
            ngettext(
                "%(n)d uitgeschreven leerling weer ingeschreven",
                "%(n)d uitgeschreven leerlingen weer ingeschreven",
                effect.reenrolled,
            )
            % {"n": effect.reenrolled}
        )
    if effect.regrouped:
        parts.append(
            ngettext(
                "%(n)d leerling terug naar de vorige groep",
                "%(n)d leerlingen terug naar hun vorige groep",
                effect.regrouped,
            )
            % {"n": effect.regrouped}
        )
    if effect.restored:
        parts.append(
            ngettext(
                "%(n)d leerling krijgt de vorige gegevens terug",
                "%(n)d leerlingen krijgen hun vorige gegevens terug",
                effect.restored,
            )
            % {"n": effect.restored}
        )
    date = formats.date_format(timezone.localtime(run.created_at), "j F Y")
    if not parts:
        return gettext("Dit maakt de import van %(date)s ongedaan. Er verandert geen leerling.") % {"date": date}
    return gettext("Dit maakt de import van %(date)s ongedaan: %(effects)s.") % {
        "date": date,
        "effects": ", ".join(parts),
    }


def run_for_page(pk: int) -> ImportRun | None:
    return ImportRun.objects.select_related("school", "created_by").filter(pk=pk).first()


def runs_of(school: School) -> list[RunListing]:
    runs = ImportRun.objects.filter(school=school).select_related("created_by").order_by("-created_at")
    return [RunListing(run=run, counts=count_rows(run.counts)) for run in runs]
