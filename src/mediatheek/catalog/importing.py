"""The catalogue import: one engine behind the client wizard and `mediatheek import_catalogue`.

read (records.py) → plan (no writes: new / matched by ISBN / rejected, and the copies to add) → apply (one
transaction). A matched title keeps its data; only its empty fields are filled from the record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mediatheek.catalog.models import Copy, Title
from mediatheek.catalog.records import ReadResult, RecordData
from mediatheek.catalog.services import next_barcode
from mediatheek.core import audit

if TYPE_CHECKING:
    from mediatheek.schools.models import School

NEW, MATCHED, REJECTED = "new", "matched", "rejected"


@dataclass
class PlannedRecord:
    number: int
    outcome: str
    data: RecordData | None
    message: str = ""
    title_id: int | None = None  # matched: the existing title
    same_as: int | None = None  # matched within the file: the record number that creates the title
    copy_barcode: str | None = None  # with copies: the barcode to add ("" = generate one); None = no copy

    @property
    def label(self) -> str:
        if self.data is None:
            return ""
        return f"{self.data.title} — {self.data.authors}" if self.data.authors else self.data.title


@dataclass
class CataloguePlan:
    format: str
    with_copies: bool
    records: list[PlannedRecord] = field(default_factory=list)

    @property
    def new(self) -> int:
        return sum(1 for r in self.records if r.outcome == NEW)

    @property
    def matched(self) -> int:
        return sum(1 for r in self.records if r.outcome == MATCHED)

    @property
    def rejected(self) -> list[PlannedRecord]:
        return [r for r in self.records if r.outcome == REJECTED]

    @property
    def copies(self) -> int:
        return sum(1 for r in self.records if r.outcome != REJECTED and r.copy_barcode is not None)

    def summary(self, *, applied: bool) -> dict[str, Any]:
        """The `import_catalogue --json` object."""
        return {
            "applied": applied,
            "new": self.new,
            "matched": self.matched,
            "rejected": [{"record": r.number, "message": r.message} for r in self.rejected],
            "copies": self.copies,
        }


def plan_import(read: ReadResult, *, school: School, with_copies: bool = False) -> CataloguePlan:
    """Decide per record, reading the database but writing nothing."""
    plan = CataloguePlan(format=read.format, with_copies=with_copies)
    isbns = {r.data.isbn for r in read.records if r.data is not None and r.data.isbn}
    existing = dict(Title.objects.filter(isbn__in=isbns).values_list("isbn", "id")) if isbns else {}
    barcodes = {r.data.barcode for r in read.records if r.data is not None and r.data.barcode}
    copies_by_barcode = {
        c.barcode: c
        for c in (
            Copy.objects.filter(barcode__in=barcodes).only("barcode", "school_id", "title_id") if barcodes else []
        )
    }
    first_with_isbn: dict[str, int] = {}
    barcodes_in_file: dict[str, int] = {}
    for read_record in read.records:
        data = read_record.data
        if data is None:
            plan.records.append(PlannedRecord(read_record.number, REJECTED, None, read_record.error))
            continue
        planned = PlannedRecord(read_record.number, NEW, data)
        if data.isbn and data.isbn in existing:
            planned.outcome = MATCHED
            planned.title_id = existing[data.isbn]
        elif data.isbn and data.isbn in first_with_isbn:
            planned.outcome = MATCHED
            planned.same_as = first_with_isbn[data.isbn]
        if with_copies:
            barcode = data.barcode
            if barcode and (len(barcode) > 32 or any(ch.isspace() for ch in barcode)):
                planned = PlannedRecord(
                    read_record.number, REJECTED, data, _("ongeldige barcode %(b)s") % {"b": barcode[:40]}
                )
            elif barcode and barcode in barcodes_in_file:
                planned = PlannedRecord(
                    read_record.number,
                    REJECTED,
                    data,
                    _("barcode %(b)s staat ook bij record %(n)d") % {"b": barcode, "n": barcodes_in_file[barcode]},
                )
            elif barcode and barcode in copies_by_barcode:
                copy = copies_by_barcode[barcode]
                if copy.school_id == school.pk and planned.title_id is not None and copy.title_id == planned.title_id:
                    planned.copy_barcode = None  # imported before: the copy is there already
                else:
                    planned = PlannedRecord(
                        read_record.number, REJECTED, data, _("barcode %(b)s is al in gebruik") % {"b": barcode}
                    )
            else:
                planned.copy_barcode = barcode
            if barcode and planned.outcome != REJECTED:
                barcodes_in_file[barcode] = read_record.number
        if planned.outcome == NEW and data.isbn:
            first_with_isbn[data.isbn] = read_record.number
        plan.records.append(planned)
    return plan


def _fill_empty(title: Title, data: RecordData) -> bool:
    changed = False
    for name, value in data.title_fields().items():
        if value in (None, "") or name == "isbn":
            continue
        if getattr(title, name) in (None, ""):
            setattr(title, name, value)
            changed = True
    return changed


@dataclass
class ImportOutcome:
    new: int
    matched: int
    copies: int
    rejected: int


@transaction.atomic
def apply_import(plan: CataloguePlan, *, school: School, by: Any = None, filename: str = "") -> ImportOutcome:
    """Write the plan in one transaction."""
    created: dict[int, Title] = {}
    taken: set[str] = set()
    copies = 0
    today = timezone.localdate()
    for planned in plan.records:
        if planned.outcome == REJECTED or planned.data is None:
            continue
        data = planned.data
        if planned.outcome == NEW:
            title = Title(**data.title_fields())
            title.save()
            created[planned.number] = title
        elif planned.title_id is not None:
            title = Title.objects.get(pk=planned.title_id)
            if _fill_empty(title, data):
                title.save()
        else:
            title = created[planned.same_as] if planned.same_as is not None else None  # type: ignore[assignment]
            if title is None:
                continue
        if planned.copy_barcode is not None:
            barcode = planned.copy_barcode or next_barcode(school, taken=taken)
            taken.add(barcode)
            Copy.objects.create(
                title=title,
                school=school,
                barcode=barcode,
                shelf=data.shelf,
                price=data.price,
                acquired_on=today,
            )
            copies += 1
    outcome = ImportOutcome(new=plan.new, matched=plan.matched, copies=copies, rejected=len(plan.rejected))
    audit.record(
        "catalog.import",
        actor=by,
        school=school,
        summary=_("Catalogusimport %(file)s: %(new)d nieuw, %(matched)d bekend, %(copies)d exemplaren")
        % {"file": filename, "new": outcome.new, "matched": outcome.matched, "copies": copies},
        format=plan.format,
        rejected=outcome.rejected,
    )
    return outcome
