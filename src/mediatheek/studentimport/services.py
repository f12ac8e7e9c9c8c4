"""The student import engine behind the staff wizard and the `import_students` command.

read_student_file -> preview_import (no writes) -> apply_import (one transaction) -> undo_last_import.

The write path is built for a whole region's file at once: the school's students are loaded with one query,
the plan is computed in memory (mediatheek.studentimport.plan), and the changes are written with a handful of
batched statements (executemany), never one query per student.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mediatheek.core import audit
from mediatheek.core.errors import DomainError, FileRefused
from mediatheek.core.models import AuditEvent
from mediatheek.core.schoolyear import school_year_of
from mediatheek.patrons.models import Group, Patron
from mediatheek.patrons.services import allocate_card_numbers
from mediatheek.schools.models import School
from mediatheek.studentimport.files import ReadResult, read_file, require_usable
from mediatheek.studentimport.mapping import FIELDS
from mediatheek.studentimport.models import ImportChange, ImportRun, Outcome
from mediatheek.studentimport.normalise import RowError, StudentRow
from mediatheek.studentimport.plan import COMPARED_FIELDS, CurrentStudent, OpenLoan, Plan, PlannedChange, make_plan

if TYPE_CHECKING:
    from mediatheek.accounts.models import User

__all__ = [
    "FIELDS",
    "FileRefused",
    "ImportPreview",
    "MassDeregistrationBlocked",
    "ReadResult",
    "apply_import",
    "can_undo",
    "last_import",
    "preview_import",
    "read_student_file",
    "undo_effect",
    "undo_last_import",
]

CHUNK = 5000  # ids or values per IN (...) list; well under every database's parameter limit


class MassDeregistrationBlocked(DomainError):
    """The plan would deregister more than 25 % (and more than 10) of the school's active students."""

    def __init__(self, plan: Plan, preview: ImportPreview | None = None) -> None:
        super().__init__(
            _(
                "Deze import zou %(count)s van de %(active)s ingeschreven leerlingen uitschrijven. Meestal is dit "
                "een gedeeltelijke export of het verkeerde bestand. Controleer het bestand en bevestig de "
                "uitschrijving expliciet als het klopt."
            )
            % {"count": len(plan.deregistered), "active": plan.active_before},
            code="mass_deregistration",
        )
        self.plan = plan
        self.preview = preview


@dataclass
class ImportPreview:
    read: ReadResult
    plan: Plan

    @property
    def counts(self) -> dict[str, int]:
        return self.plan.counts

    @property
    def guard_triggered(self) -> bool:
        return self.plan.guard_triggered

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [error.as_dict() for error in self.plan.errors]


# --- reading ---------------------------------------------------------------------------------------------------


def read_student_file(
    *, data: bytes, filename: str, school: School, mapping: dict[str, str | None] | None = None
) -> ReadResult:
    """Read and normalise the file. Raises FileRefused when it cannot be a student list of this school. A file
    whose key or last-name column is not recognised is returned with `.missing` set (the wizard lets the user
    choose the columns); preview and apply refuse it."""
    return read_file(
        data,
        filename,
        school_code=school.code,
        secondary=school.is_secondary,
        mapping=mapping,
        today=timezone.localdate(),
    )


def _usable(result: ReadResult) -> ReadResult:
    require_usable(result)  # raises FileRefused
    return result


# --- planning --------------------------------------------------------------------------------------------------


@dataclass
class _Snapshot:
    current: list[CurrentStudent]
    group_ids: dict[int, int | None] | None = None  # patron id -> group id, built when first needed

    def group_id_of(self, patron_id: int | None) -> int | None:
        if self.group_ids is None:
            self.group_ids = {patron.id: patron.group_id for patron in self.current}
        return self.group_ids.get(patron_id) if patron_id is not None else None


# What the plan needs of each current student: the file's fields plus who it is.
SNAPSHOT_FIELDS = ["id", "school", *FIELDS, "status", "kind"]


def _snapshot(school: School) -> _Snapshot:
    """The school's patrons as the plan sees them: one query, straight from the cursor (no model instances and no
    per-row converters), its columns in CurrentStudent's order."""
    q = connection.ops.quote_name
    p = {name: f"p.{q(_field(Patron, name).column)}" for name in SNAPSHOT_FIELDS}
    sql = (
        f"SELECT {p['id']}, {p['student_number']}, {p['first_name']}, {p['name_prefix']}, {p['last_name']}, "  # noqa: S608
        f"COALESCE(g.{q(_field(Group, 'name').column)}, ''), g.{q(_field(Group, 'school_year').column)}, "
        f"{p['year_level']}, {p['birth_date']}, {p['card_number']}, {p['email']}, "
        f"CASE WHEN {p['status']} = %s THEN 1 ELSE 0 END, CASE WHEN {p['kind']} = %s THEN 1 ELSE 0 END, "
        f"{p['group']} "
        f"FROM {q(Patron._meta.db_table)} p LEFT JOIN {q(Group._meta.db_table)} g ON g.{q('id')} = {p['group']} "
        f"WHERE {p['school']} = %s"
    )
    current: list[CurrentStudent] = []
    parse = dt.date.fromisoformat
    with connection.cursor() as cursor:
        cursor.execute(sql, [Patron.Status.ACTIVE.value, Patron.Kind.STUDENT.value, school.pk])
        while batch := cursor.fetchmany(10_000):
            current.extend([CurrentStudent(*row) for row in batch])
    if isinstance(next((patron.birth_date for patron in current if patron.birth_date is not None), None), str):
        for patron in current:  # a database that hands back dates as text
            if isinstance(patron.birth_date, str):
                patron.birth_date = parse(patron.birth_date)
    return _Snapshot(current=current)


def _chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _foreign_card_numbers(school: School, rows: list[StudentRow]) -> frozenset[str]:
    """Card numbers in the file that belong to another patron than the student the row is about."""
    wanted = {row.card_number: row.student_number for row in rows if row.card_number}
    if not wanted:
        return frozenset()
    foreign: set[str] = set()
    cards = list(wanted)
    for chunk in _chunks(cards):
        owners = Patron.objects.filter(card_number__in=chunk).values_list("card_number", "school_id", "student_number")
        for card, school_id, key in owners:
            if school_id != school.pk or key != wanted[card]:
                foreign.add(card)
    return frozenset(foreign)


def _open_loans(school: School) -> dict[int, list[OpenLoan]]:
    from mediatheek.circulation.models import Loan

    loans: dict[int, list[OpenLoan]] = defaultdict(list)
    rows = (
        Loan.objects.for_school(school)
        .filter(returned_at__isnull=True, patron__isnull=False)
        .values_list("patron_id", "copy__title__title", "copy__barcode", "due_date")
        .order_by("due_date")
    )
    for patron_id, title, barcode, due in rows:
        loans[patron_id].append(OpenLoan(title=title, barcode=barcode, due_date=due))
    return loans


def _plan(school: School, result: ReadResult, snapshot: _Snapshot, today: dt.date) -> Plan:
    return make_plan(
        result.rows,
        result.row_errors,
        snapshot.current,
        school_year=school_year_of(today),
        fields=result.fields,
        open_loans=_open_loans(school),
        foreign_card_numbers=_foreign_card_numbers(school, result.rows),
    )


def preview_import(
    *, school: School, data: bytes, filename: str, mapping: dict[str, str | None] | None = None
) -> ImportPreview:
    """What the import would do; writes nothing."""
    result = _usable(read_student_file(data=data, filename=filename, school=school, mapping=mapping))
    plan = _plan(school, result, _snapshot(school), timezone.localdate())
    return ImportPreview(read=result, plan=plan)


# --- applying --------------------------------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _student_values(row: StudentRow) -> dict[str, Any]:
    values = {name: _json_value(getattr(row, name)) for name in FIELDS}
    return {name: value for name, value in values.items() if value not in ("", None)}


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    return cast("models.Field[Any, Any]", model._meta.get_field(name))


def _attname(name: str) -> str:
    return _field(Patron, name).attname


class _Writer:
    """Batched writes of one import, with the database's own value adaptation (SQLite and PostgreSQL)."""

    def __init__(self) -> None:
        self.ops = connection.ops
        self.quote = connection.ops.quote_name
        self.now = timezone.now()
        self.now_db = self.ops.adapt_datetimefield_value(self.now)
        self.table = self.quote(Patron._meta.db_table)

    def date(self, value: dt.date | None) -> Any:
        return self.ops.adapt_datefield_value(value)

    def column(self, name: str) -> str:
        return self.quote(_field(Patron, name).column)

    def executemany(self, sql: str, params: list[Sequence[Any]]) -> None:
        if not params:
            return
        with connection.cursor() as cursor:
            for chunk in _chunks(params, 20_000):
                cursor.executemany(sql, chunk)

    def insert(self, model: type[models.Model], names: list[str], params: list[Sequence[Any]]) -> None:
        columns = ", ".join(self.quote(_field(model, name).column) for name in names)
        marks = ", ".join(["%s"] * len(names))
        table = self.quote(model._meta.db_table)
        if connection.vendor == "postgresql" and params:
            # PostgreSQL: COPY is several times faster than row-by-row INSERTs for a big file.
            with connection.cursor() as cursor:
                raw = cursor.cursor  # the psycopg cursor under Django's wrapper
                with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in params:
                        copy.write_row(row)
            return
        self.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", params)  # noqa: S608

    def update_patrons(self, names: Sequence[str], params: list[Sequence[Any]]) -> None:
        """params: (value per name..., id); updated_at is set too."""
        assignments = ", ".join(f"{self.column(name)} = %s" for name in (*names, "updated_at"))
        sql = f"UPDATE {self.table} SET {assignments} WHERE {self.quote('id')} = %s"  # noqa: S608
        self.executemany(sql, [(*values[:-1], self.now_db, values[-1]) for values in params])

    def db_value(self, name: str, value: Any) -> Any:
        if name in ("birth_date", "deregistered_on", "enrolled_on"):
            return self.date(value)
        return value


def _ensure_groups(school: School, plan: Plan) -> tuple[dict[str, int], list[int]]:
    """Group name -> id for the school year, creating the groups the file names; returns the created ids."""
    wanted: dict[str, int | None] = {}
    if "group" in plan.fields:
        rows = [change.student for change in (*plan.new, *plan.reactivated, *plan.moved) if change.student]
        # Per group the year level of its first row that gives one (a dict keeps the last value: go backwards).
        wanted = {row.group: None for row in rows if row.group}
        wanted.update({row.group: row.year_level for row in reversed(rows) if row.group and row.year_level is not None})
    existing = dict(
        Group.objects.for_school(school).filter(school_year=plan.school_year).values_list("name", "id").order_by()
    )
    missing = [name for name in wanted if name not in existing]
    created: list[int] = []
    if missing:
        Group.objects.bulk_create(
            [
                Group(school=school, school_year=plan.school_year, name=name, year_level=wanted[name])
                for name in missing
            ],
            batch_size=500,
        )
        fresh = dict(
            Group.objects.for_school(school)
            .filter(school_year=plan.school_year, name__in=missing)
            .values_list("name", "id")
            .order_by()
        )
        existing.update(fresh)
        created = sorted(fresh.values())
    return existing, created


PATRON_INSERT_FIELDS = [
    "school",
    "kind",
    "card_number",
    "student_number",
    "first_name",
    "name_prefix",
    "last_name",
    "group",
    "year_level",
    "birth_date",
    "email",
    "status",
    "enrolled_on",
    "deregistered_on",
    "blocked_reason",
    "note",
    "created_at",
    "updated_at",
]

CHANGE_INSERT_FIELDS = ["run", "patron", "outcome", "student_number", "name", "row", "before", "after"]


def _insert_new(school: School, plan: Plan, groups: dict[str, int], writer: _Writer, today: dt.date) -> None:
    """Enrol the new students: one executemany, card numbers from the library's sequence."""
    if not plan.new:
        return
    needed = sum(1 for change in plan.new if change.student is not None and not change.student.card_number)
    fresh: list[str] = []
    for start in range(0, needed, CHUNK):
        fresh.extend(allocate_card_numbers(min(CHUNK, needed - start)))
    numbers = iter(fresh)
    use_group = "group" in plan.fields
    enrolled, now = writer.date(today), writer.now_db
    date = writer.date
    student, active = Patron.Kind.STUDENT.value, Patron.Status.ACTIVE.value
    school_id = school.pk
    rows = [change.student for change in plan.new if change.student is not None]
    params: list[Sequence[Any]] = [
        (
            school_id,
            student,
            row.card_number or next(numbers),
            row.student_number,
            row.first_name,
            row.name_prefix,
            row.last_name,
            groups.get(row.group) if use_group and row.group else None,
            row.year_level,
            date(row.birth_date) if row.birth_date else None,
            row.email,
            active,
            enrolled,
            None,
            "",
            "",
            now,
            now,
        )
        for row in rows
    ]
    writer.insert(Patron, PATRON_INSERT_FIELDS, params)


def _update_existing(
    plan: Plan, groups: dict[str, int], snapshot: _Snapshot, writer: _Writer
) -> list[tuple[PlannedChange, dict[str, Any], dict[str, Any]]]:
    """Write reactivated/moved/updated students, grouped by the set of columns that change."""
    batches: dict[tuple[str, ...], list[Sequence[Any]]] = defaultdict(list)
    done: list[tuple[PlannedChange, dict[str, Any], dict[str, Any]]] = []
    for change in (*plan.reactivated, *plan.moved, *plan.updated):
        assert change.patron_id is not None
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        names: list[str] = []
        values: list[Any] = []
        for name, (old, new) in change.changes.items():
            if name == "group":
                new_id = groups.get(new) if new else None
                before.update(group=old, group_id=snapshot.group_id_of(change.patron_id))
                after.update(group=new, group_id=new_id)
                names.append("group")
                values.append(new_id)
            else:
                before[name] = _json_value(old)
                after[name] = _json_value(new)
                names.append(name)
                values.append(writer.db_value(name, new))
        if change.outcome == Outcome.REACTIVATED:
            before.update(status=Patron.Status.DEREGISTERED, deregistered_on=None)
            after.update(status=Patron.Status.ACTIVE, deregistered_on=None)
            names += ["status", "deregistered_on"]
            values += [Patron.Status.ACTIVE, None]
        if "group" not in after:
            before.setdefault("group", change.old_group)
        batches[tuple(names)].append((*values, change.patron_id))
        done.append((change, before, after))
    # The old deregistration date, so undo of a reactivation restores it exactly.
    reactivated = [change.patron_id for change in plan.reactivated if change.patron_id is not None]
    old_dates: dict[int, Any] = {}
    for chunk in _chunks(reactivated):
        old_dates.update(Patron.objects.filter(pk__in=chunk).values_list("id", "deregistered_on"))
    for change, before, _after in done:
        if change.outcome == Outcome.REACTIVATED and change.patron_id is not None:
            before["deregistered_on"] = _json_value(old_dates.get(change.patron_id))
    for columns, rows in batches.items():
        writer.update_patrons([_attname(name) for name in columns], rows)
    return done


def _deregister(plan: Plan, writer: _Writer, today: dt.date) -> None:
    ids = [change.patron_id for change in plan.deregistered]
    for chunk in _chunks(ids):
        Patron.objects.filter(pk__in=chunk).update(
            status=Patron.Status.DEREGISTERED, deregistered_on=today, updated_at=writer.now
        )


def _record_new(run: ImportRun, school: School, plan: Plan, writer: _Writer) -> None:
    """One ImportChange per new student, written by the database itself (INSERT ... SELECT) from the rows just
    inserted: `after` holds the student number, card number and group; the patron row holds the rest."""
    if not plan.new:
        return
    q = writer.quote
    p = {name: f"p.{q(_field(Patron, name).column)}" for name in PATRON_INSERT_FIELDS}
    group_name = f"g.{q(_field(Group, 'name').column)}"
    pairs = [("student_number", p["student_number"]), ("card_number", p["card_number"]), ("group", group_name)]
    if connection.vendor == "postgresql":
        after = "jsonb_build_object(" + ", ".join(f"'{key}', {column}" for key, column in pairs) + ")"
    else:
        after = "json_object(" + ", ".join(f"'{key}', {column}" for key, column in pairs) + ")"
    name = f"TRIM(REPLACE({p['first_name']} || ' ' || {p['name_prefix']} || ' ' || {p['last_name']}, '  ', ' '))"
    columns = ", ".join(q(_field(ImportChange, field).column) for field in CHANGE_INSERT_FIELDS)
    sql = (
        f"INSERT INTO {q(ImportChange._meta.db_table)} ({columns}) "  # noqa: S608
        f"SELECT %s, p.{q('id')}, %s, {p['student_number']}, {name}, NULL, NULL, {after} "
        f"FROM {writer.table} p LEFT JOIN {q(Group._meta.db_table)} g ON g.{q('id')} = {p['group']} "
        f"WHERE {p['school']} = %s AND {p['created_at']} = %s AND {p['kind']} = %s ORDER BY p.{q('id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [run.pk, Outcome.NEW, school.pk, writer.now_db, Patron.Kind.STUDENT])


def _record_changes(
    run: ImportRun,
    existing: list[tuple[PlannedChange, dict[str, Any], dict[str, Any]]],
    plan: Plan,
    writer: _Writer,
    today: dt.date,
) -> None:
    before_field = _field(ImportChange, "before")
    after_field = _field(ImportChange, "after")

    def as_json(field: models.Field[Any, Any], value: Any) -> Any:
        return field.get_db_prep_save(value, connection) if value is not None else None

    params: list[Sequence[Any]] = []
    for change, before, after in existing:
        params.append(
            (
                run.pk,
                change.patron_id,
                change.outcome,
                change.student_number,
                change.name[:300],
                change.row,
                as_json(before_field, before),
                as_json(after_field, after),
            )
        )
    gone_after = as_json(after_field, {"status": Patron.Status.DEREGISTERED, "deregistered_on": today.isoformat()})
    for change in plan.deregistered:
        before = {"status": Patron.Status.ACTIVE, "deregistered_on": None, "group": change.old_group}
        if change.open_loans:
            before["open_loans"] = len(change.open_loans)
        params.append(
            (
                run.pk,
                change.patron_id,
                Outcome.DEREGISTERED,
                change.student_number,
                change.name[:300],
                None,
                as_json(before_field, before),
                gone_after,
            )
        )
    writer.insert(ImportChange, CHANGE_INSERT_FIELDS, params)


def apply_import(
    *,
    school: School,
    data: bytes,
    filename: str,
    by: User | None,
    mapping: dict[str, str | None] | None = None,
    allow_mass_deregistration: bool = False,
) -> ImportRun:
    """Apply the file to the school's students in one transaction and record it as an ImportRun.

    Raises FileRefused (nothing changed) or MassDeregistrationBlocked (nothing changed; carries the plan).
    """
    result = _usable(read_student_file(data=data, filename=filename, school=school, mapping=mapping))
    today = timezone.localdate()
    with transaction.atomic():
        # One import per school at a time (PostgreSQL row lock; SQLite serialises writers anyway).
        School.objects.select_for_update().filter(pk=school.pk).first()
        snapshot = _snapshot(school)
        plan = _plan(school, result, snapshot, today)
        if plan.guard_triggered and not allow_mass_deregistration:
            raise MassDeregistrationBlocked(plan, ImportPreview(read=result, plan=plan))
        counts = plan.counts
        run = ImportRun.objects.create(
            school=school,
            created_by=by if getattr(by, "pk", None) else None,
            filename=filename[:255],
            sha256=hashlib.sha256(data).hexdigest(),
            format=result.format,
            school_year=plan.school_year,
            mapping=result.mapping,
            error_rows=[error.as_dict() for error in plan.errors],
            mass_deregistration_confirmed=plan.guard_triggered and allow_mass_deregistration,
            **counts,
        )
        writer = _Writer()
        groups, created_groups = _ensure_groups(school, plan)
        _insert_new(school, plan, groups, writer, today)
        _record_new(run, school, plan, writer)
        existing = _update_existing(plan, groups, snapshot, writer)
        _deregister(plan, writer, today)
        _record_changes(run, existing, plan, writer, today)
        if created_groups:
            run.created_group_ids = created_groups
            run.save(update_fields=["created_group_ids"])
        audit.record(
            AuditEvent.Action.IMPORT,
            actor=by,
            school=school,
            obj=run,
            summary=f"leerlingimport {filename}"[:300],
            filename=filename,
            sha256=run.sha256,
            counts=counts,
        )
    return run


# --- undo ------------------------------------------------------------------------------------------------------


def last_import(school: School) -> ImportRun | None:
    """The school's last applied import that has not been undone."""
    return ImportRun.objects.for_school(school).filter(undone_at__isnull=True).order_by("-created_at", "-id").first()


def can_undo(run: ImportRun) -> bool:
    """Only the school's last import, and only once, can be undone (checked again under the school's lock by
    undo_last_import)."""
    if run.undone_at is not None:
        return False
    last = last_import(run.school)
    return last is not None and last.pk == run.pk


def _referenced_patrons(ids: list[int]) -> set[int]:
    """Patrons that something else points at (loans, reservations, reading log, a login...): never deleted."""
    referenced: set[int] = set()
    for relation in Patron._meta.related_objects:
        model = relation.related_model
        if model is ImportChange or not isinstance(model, type):
            continue
        field = relation.field
        for chunk in _chunks(ids):
            referenced.update(
                model._default_manager.filter(**{f"{field.name}__in": chunk})
                .values_list(field.attname, flat=True)
                .order_by()
            )
    return referenced


def _parse_date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None


RESTORED_FIELDS = (*COMPARED_FIELDS, "group_id", "status", "deregistered_on")


@dataclass(frozen=True)
class UndoEffect:
    """What undoing an import would do, in numbers (for the question before the undo)."""

    removed: int  # new students without any history: deleted
    deregistered: int  # new students who already borrowed (kept, deregistered) and reactivated ones
    reenrolled: int  # students it deregistered
    regrouped: int  # students back to their previous group
    restored: int  # students whose other details go back


def undo_effect(run: ImportRun) -> UndoEffect:
    """The numbers of `undo_last_import(run=run)`, computed without writing (as undo decides them)."""
    new_ids = [pk for pk in run.changes_of(Outcome.NEW).values_list("patron_id", flat=True) if pk is not None]
    kept = len(_referenced_patrons(new_ids) & set(new_ids))
    return UndoEffect(
        removed=len(new_ids) - kept,
        deregistered=kept + run.reactivated,
        reenrolled=run.deregistered,
        regrouped=run.moved,
        restored=run.updated,
    )


def undo_last_import(*, school: School, by: User | None, run: ImportRun | None = None) -> ImportRun:
    """Undo the school's last import: new students removed (or, when something already refers to them,
    deregistered), every other change restored to its value before the import.

    `run`: the import the user saw and chose to undo. It is checked under the school's lock that it is still the
    last one: two undo clicks at once must undo it once, not it and then the import before it.
    """
    with transaction.atomic():
        School.objects.select_for_update().filter(pk=school.pk).first()
        expected = run
        run = last_import(school)
        if expected is not None and (run is None or run.pk != expected.pk):
            if ImportRun.objects.filter(pk=expected.pk, undone_at__isnull=False).exists():
                raise DomainError(_("Deze import is al ongedaan gemaakt."), code="already_undone")
            raise DomainError(
                _("Alleen de laatste import van een school kan ongedaan worden gemaakt."), code="not_last"
            )
        if run is None:
            raise DomainError(_("Er is geen import van deze school om ongedaan te maken."), code="nothing_to_undo")
        writer = _Writer()
        changes = list(run.changes.values_list("patron_id", "outcome", "before").order_by("id"))
        new_ids = [pk for pk, outcome, _before in changes if outcome == Outcome.NEW and pk is not None]
        keep = _referenced_patrons(new_ids)
        removable = [pk for pk in new_ids if pk not in keep]
        for chunk in _chunks(removable):
            Patron.objects.filter(pk__in=chunk, school=school).delete()
        kept_new = [pk for pk in new_ids if pk in keep]
        for chunk in _chunks(kept_new):
            Patron.objects.filter(pk__in=chunk, school=school).update(
                status=Patron.Status.DEREGISTERED, deregistered_on=timezone.localdate(), updated_at=writer.now
            )
        existing_groups = set(Group.objects.for_school(school).values_list("id", flat=True))
        batches: dict[tuple[str, ...], list[Sequence[Any]]] = defaultdict(list)
        for pk, outcome, before in changes:
            if outcome == Outcome.NEW or pk is None or not before:
                continue
            names = tuple(name for name in RESTORED_FIELDS if name in before)
            values: list[Any] = []
            for name in names:
                value = before[name]
                if name in ("birth_date", "deregistered_on"):
                    value = writer.date(_parse_date(value))
                elif name == "group_id" and value not in existing_groups:
                    value = None
                values.append(value)
            batches[names].append((*values, pk))
        own = set(Patron.objects.for_school(school).values_list("id", flat=True))
        for names, params in batches.items():
            writer.update_patrons(
                [_attname(name) for name in names],
                [values for values in params if values[-1] in own],
            )
        if run.created_group_ids:
            Group.objects.for_school(school).filter(pk__in=run.created_group_ids, patrons__isnull=True).delete()
        run.undone_at = writer.now
        run.undone_by = by if getattr(by, "pk", None) else None
        run.save(update_fields=["undone_at", "undone_by"])
        audit.record(
            AuditEvent.Action.UNDO_IMPORT,
            actor=by,
            school=school,
            obj=run,
            summary=f"leerlingimport ongedaan gemaakt: {run.filename}"[:300],
            removed=len(removable),
            deregistered_instead=len(kept_new),
        )
    return run


def plan_errors(plan: Plan) -> list[RowError]:
    return plan.errors
