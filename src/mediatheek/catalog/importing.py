"""The catalogue import: one engine behind the client wizard and `mediatheek import_catalogue`.

read (records.py) → plan (no writes: new / matched by ISBN / rejected, and the copies to add) → apply (one
transaction). A matched title keeps its data; only its empty fields are filled from the record.

The wizard's steps keep the file as a draft (import_drafts.py): receive_file → preview_draft → apply_draft, or
discard_draft to cancel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mediatheek.catalog import import_drafts
from mediatheek.catalog.import_drafts import ImportDraft, Session
from mediatheek.catalog.models import Copy, Title
from mediatheek.catalog.records import ReadResult, RecordData, read_file
from mediatheek.catalog.services import next_barcode
from mediatheek.core import audit
from mediatheek.core.errors import FileRefused

if TYPE_CHECKING:
    from django.http import HttpRequest

    from mediatheek.accounts.models import User
    from mediatheek.schools.models import School

MAX_FILE_BYTES = 50 * 1024 * 1024
PREVIEW_RECORDS = 500  # records listed on the preview page

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
def apply_import(plan: CataloguePlan, *, school: School, by: User | None = None, filename: str = "") -> ImportOutcome:
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
        elif planned.same_as is not None:
            title = created[planned.same_as]
        else:
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


# ---------------------------------------------------------------------------------------------- the wizard's draft


def receive_file(
    session: Session,
    *,
    school: School,
    by: User,
    filename: str,
    content: bytes,
    with_copies: bool,
    request: HttpRequest | None = None,
) -> ImportDraft:
    """Check that the file can be read and keep it as this session's draft; FileRefused when it cannot be used."""
    if len(content) > MAX_FILE_BYTES:
        raise FileRefused(_("Het bestand is te groot (meer dan 50 MB)."), code="too_large")
    read = read_file(content)
    draft = import_drafts.save_draft(
        session,
        school_id=school.pk,
        user_id=by.pk,
        name=filename,
        content=content,
        with_copies=with_copies,
        columns=read.columns,
    )
    audit.record("catalog.import_upload", actor=by, school=school, summary=draft.name, request=request)
    return draft


@dataclass
class CataloguePreview:
    """What importing the draft would do, computed without writing; the wizard's preview page."""

    draft: ImportDraft
    read: ReadResult
    plan: CataloguePlan

    @property
    def columns(self) -> list[tuple[int, str, str]]:
        """(index, header, chosen field) per column of a tabular file; empty for MARC."""
        chosen = self.read.mapping or {}
        return [(index, column, chosen.get(column, "")) for index, column in enumerate(self.read.columns)]

    @property
    def shown(self) -> list[PlannedRecord]:
        return self.plan.records[:PREVIEW_RECORDS]


def preview_draft(
    draft: ImportDraft, *, school: School, choice: dict[str, str] | None = None, with_copies: bool | None = None
) -> CataloguePreview:
    """Read the draft with its mapping (or with `choice`, a new one, and `with_copies`), remember what was used, and
    plan. FileRefused when the file cannot be read that way: the mapping is forgotten so the next try detects it."""
    mapping = choice if choice is not None else draft.mapping
    try:
        read = read_file(draft.content(), mapping)
    except FileRefused:
        if draft.mapping is not None:
            draft.mapping = None
            import_drafts.update_draft(draft)
        raise
    draft.mapping = read.mapping if read.columns else None
    draft.columns = list(read.columns)
    if with_copies is not None:
        draft.with_copies = with_copies
    import_drafts.update_draft(draft)
    return CataloguePreview(draft, read, plan_import(read, school=school, with_copies=draft.with_copies))


def apply_draft(session: Session, draft: ImportDraft, *, school: School, by: User) -> ImportOutcome:
    """Import the draft as last previewed (one transaction), then discard it."""
    preview = preview_draft(draft, school=school)
    outcome = apply_import(preview.plan, school=school, by=by, filename=draft.name)
    import_drafts.discard_draft(session)
    return outcome
