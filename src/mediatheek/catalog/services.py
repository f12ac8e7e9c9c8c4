"""State changes of the catalogue: titles, copies, withdrawal, stocktake. Each is atomic and raises DomainError."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mediatheek.catalog import lifecycle
from mediatheek.catalog.models import GONE_STATUSES, BarcodeSeries, Copy, Stocktake, StocktakeScan, Title
from mediatheek.catalog.text import InvalidISBN, normalise_isbn, normalise_isbn_or_none
from mediatheek.core import audit
from mediatheek.core.errors import DomainError, PermissionDeniedError

if TYPE_CHECKING:
    from mediatheek.accounts.models import User
    from mediatheek.schools.models import School

TITLE_CREATED = "catalog.title_created"  # also how may_edit_title knows which school entered a title

TITLE_FIELDS = [
    "title",
    "subtitle",
    "authors",
    "author_sort",
    "isbn",
    "publisher",
    "year",
    "language",
    "pages",
    "summary",
    "series",
    "series_number",
    "avi_level",
    "age_code",
    "nur",
    "subjects",
    "keywords",
    "awards",
    "cover",
]


# ---------------------------------------------------------------------------------------------- titles


def clean_isbn(value: str) -> str:
    """Validate an ISBN-10/13 typed or scanned in any form; returns its ISBN-13, "" for empty."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return normalise_isbn(value)
    except InvalidISBN as error:
        raise DomainError(_("%(isbn)s is geen geldig ISBN.") % {"isbn": value[:30]}, code="isbn") from error


def find_title_by_isbn(value: str) -> Title | None:
    isbn = clean_isbn(value)
    return Title.objects.filter(isbn=isbn).first() if isbn else None


def _check_isbn_free(isbn: str, *, exclude_pk: int | None = None) -> None:
    if not isbn:
        return
    others = Title.objects.filter(isbn=isbn)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    other = others.first()
    if other is not None:
        raise DomainError(
            _("Het ISBN %(isbn)s staat al in de catalogus: %(title)s.") % {"isbn": isbn, "title": other.title},
            code="duplicate_isbn",
        )


@transaction.atomic
def create_title(*, data: dict[str, Any], by: User | None = None, school: School | None = None) -> Title:
    values = {key: value for key, value in data.items() if key in TITLE_FIELDS and value is not None}
    values["isbn"] = clean_isbn(values.get("isbn", ""))
    if not (values.get("title") or "").strip():
        raise DomainError(_("Een titel is verplicht."), code="title")
    _check_isbn_free(values["isbn"])
    title = Title(**values)
    if not title.author_sort and title.authors:
        from mediatheek.catalog.records import sort_name

        title.author_sort = sort_name(title.authors.split(";")[0])[:200]
    try:
        with transaction.atomic():
            title.save()
    except IntegrityError as error:  # two desks entering the same book at the same moment
        raise DomainError(_("Dit ISBN staat al in de catalogus."), code="duplicate_isbn") from error
    audit.record(TITLE_CREATED, actor=by, school=school, obj=title, summary=title.title)
    return title


# Who may change a title. Titles are shared by the whole library, copies belong to a school: a change to a title
# shows in every school that holds it. Library staff keep the catalogue and may change any title. A school admin
# may change a title their school holds a copy of (it is in their collection, so they know the book); a title
# nobody holds yet only the school that entered it (correcting a typo before scanning the first copy). A title
# held only by other schools is theirs to keep. Volunteers work the desk and change no catalogue data.


def title_holders(title: Title) -> set[int]:
    """Ids of the schools with a copy of the title still in their collection (withdrawn copies do not count)."""
    return set(
        Copy.objects.filter(title=title)
        .exclude(status=Copy.Status.WITHDRAWN)
        .values_list("school_id", flat=True)
        .order_by()
        .distinct()
    )


def _entered_by(title: Title, school_id: int) -> bool:
    from mediatheek.core.models import AuditEvent

    return AuditEvent.objects.filter(
        action=TITLE_CREATED, object_type=Title._meta.label_lower, object_id=str(title.pk), school_id=school_id
    ).exists()


def may_edit_title(user: Any, title: Title) -> bool:
    """The rule above, for a logged-in user of the client."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_library_staff:
        return True
    if not user.is_school_admin or user.school_id is None:
        return False
    holders = title_holders(title)
    if user.school_id in holders:
        return True
    return not holders and _entered_by(title, user.school_id)


def may_create_titles(user: Any) -> bool:
    """Entering books and copies is catalogue work: library staff and school admins, not volunteers."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.can_manage_school)


def _audit_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)  # an image field's file name, a Decimal...


@transaction.atomic
def update_title(title: Title, *, data: dict[str, Any], by: User | None = None, school: School | None = None) -> Title:
    """Change a shared title. `by` (a user) must be allowed by may_edit_title; None is an operator's command.

    The audit event holds the before and after of every changed field, and which other schools hold the title:
    a school admin's change shows in those schools' catalogues too.
    """
    if by is not None and not may_edit_title(by, title):
        raise PermissionDeniedError(
            _("Deze titel staat alleen bij andere scholen; alleen de bibliotheek kan hem wijzigen."),
            code="title_not_yours",
        )
    locked = Title.objects.select_for_update().get(pk=title.pk)
    before = {name: _audit_value(getattr(locked, name)) for name in TITLE_FIELDS}
    for key, value in data.items():
        if key in TITLE_FIELDS:
            setattr(title, key, value if value is not None or key in ("year", "pages") else "")
    title.isbn = clean_isbn(title.isbn)
    if not title.title.strip():
        raise DomainError(_("Een titel is verplicht."), code="title")
    _check_isbn_free(title.isbn, exclude_pk=title.pk)
    title.save()
    changes = {
        name: [before[name], _audit_value(getattr(title, name))]
        for name in TITLE_FIELDS
        if before[name] != _audit_value(getattr(title, name))
    }
    # Library staff keep the whole catalogue; for a school admin every other holder is "another school".
    own = by.school_id if by is not None and by.is_school_admin else None
    others = sorted(holder for holder in title_holders(title) if holder != own)
    audit.record(
        "catalog.title_updated",
        actor=by,
        school=school,
        obj=title,
        summary=title.title,
        changes=changes,
        held_by_other_schools=others,
    )
    return title


# ---------------------------------------------------------------------------------------------- copies


# Copy barcodes. A school may keep its own series (BarcodeSeries: "R000123"); without one a new copy gets the
# school's code and a running number ("12AB00-00017"). Barcodes are unique in the whole library: a number already
# on a copy (of any school, typed in by hand or imported) is skipped, never handed out twice.

SERIES_BATCH = 100  # candidate numbers looked up per query while skipping taken ones
SERIES_MAX_WIDTH = 12
SERIES_PREFIX_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-")
BARCODE_SERIES_CHANGED = "catalog.barcode_series_changed"


class BarcodeSeriesFull(DomainError):
    pass


def series_barcode(prefix: str, width: int, number: int) -> str:
    """One barcode of a series: the prefix and the number with leading zeros ("R" 6 123 -> "R000123")."""
    return f"{prefix}{number:0{width}d}"


def _first_free_in_series(series: BarcodeSeries, taken: set[str] | None) -> tuple[str, int]:
    """The first barcode of the series from its next number on that no copy has, and its number."""
    limit = 10**series.width  # one more digit would leave the school's format
    start = series.next_number
    while start < limit:
        numbers = range(start, min(start + SERIES_BATCH, limit))
        candidates = {series_barcode(series.prefix, series.width, n): n for n in numbers}
        used = set(Copy.objects.filter(barcode__in=list(candidates)).values_list("barcode", flat=True))
        for barcode, number in candidates.items():
            if barcode not in used and (taken is None or barcode not in taken):
                return barcode, number
        start = numbers.stop
    raise BarcodeSeriesFull(
        _("De barcodereeks %(prefix)s is vol: alle nummers van %(width)d cijfers zijn gebruikt. Kies een andere reeks.")
        % {"prefix": series.prefix or "—", "width": series.width},
        code="barcode_series_full",
    )


def _next_default_barcode(school: School, taken: set[str] | None) -> str:
    prefix = f"{school.code}-"
    last = (
        Copy.objects.filter(barcode__startswith=prefix, barcode__regex=r"-[0-9]{5,}$")
        .order_by("-barcode")
        .values_list("barcode", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) if last else 0
    while True:
        number += 1
        candidate = f"{prefix}{number:05d}"
        if (taken is None or candidate not in taken) and not Copy.objects.filter(barcode=candidate).exists():
            return candidate


@transaction.atomic
def next_barcode(school: School, *, taken: set[str] | None = None) -> str:
    """A new copy barcode for a school: from its own series ("R000123") or its code and a number ("12AB00-00017").

    The series row stays locked until the caller's transaction ends (PostgreSQL: SELECT ... FOR UPDATE; SQLite:
    the IMMEDIATE transaction's write lock), so a second desk adding a copy at the same moment waits, then sees the
    advanced counter and the first desk's copy. `taken`: barcodes the caller is about to use (an import's batch).
    """
    series = BarcodeSeries.objects.select_for_update().filter(school_id=school.pk).first()
    if series is None:
        return _next_default_barcode(school, taken)
    barcode, number = _first_free_in_series(series, taken)
    BarcodeSeries.objects.filter(pk=series.pk).update(next_number=number + 1)
    return barcode


def preview_next_barcode(school: School) -> str:
    """The barcode the next new copy would get, without taking it (for the settings page)."""
    series = BarcodeSeries.objects.filter(school_id=school.pk).first()
    if series is None:
        return _next_default_barcode(school, None)
    try:
        return _first_free_in_series(series, None)[0]
    except BarcodeSeriesFull:
        return ""


def clean_series(prefix: str, width: int, next_number: int) -> str:
    prefix = (prefix or "").strip()
    if len(prefix) > 16 or not set(prefix) <= SERIES_PREFIX_CHARACTERS:
        raise DomainError(
            _("Het voorvoegsel mag alleen letters, cijfers en streepjes bevatten (hoogstens 16)."),
            code="barcode_prefix",
        )
    if not 1 <= width <= SERIES_MAX_WIDTH:
        raise DomainError(
            _("Het aantal cijfers moet tussen 1 en %(max)d liggen.") % {"max": SERIES_MAX_WIDTH}, code="barcode_width"
        )
    if len(prefix) + width > 32:
        raise DomainError(_("Een barcode is hoogstens 32 tekens lang."), code="barcode_width")
    if not 1 <= next_number < 10**width:
        raise DomainError(
            _("Het volgende nummer moet tussen 1 en %(max)d liggen.") % {"max": 10**width - 1},
            code="barcode_next_number",
        )
    return prefix


def _require_manager(by: User | None) -> None:
    if by is not None and not by.can_manage_school:
        raise PermissionDeniedError(_("Alleen de coördinator of de bibliotheek kan de barcodereeks instellen."))


def _series_state(series: BarcodeSeries | None) -> dict[str, Any] | None:
    if series is None:
        return None
    return {"prefix": series.prefix, "width": series.width, "next_number": series.next_number}


@transaction.atomic
def set_barcode_series(
    *, school: School, prefix: str, width: int, next_number: int, by: User | None = None
) -> BarcodeSeries:
    """Give a school its own barcode series, or change it; the change (before and after) is audited."""
    _require_manager(by)
    prefix = clean_series(prefix, width, next_number)
    series = BarcodeSeries.objects.select_for_update().filter(school_id=school.pk).first()
    before = _series_state(series)
    if series is None:
        series = BarcodeSeries(school=school)
    series.prefix, series.width, series.next_number = prefix, width, next_number
    series.save()
    audit.record(
        BARCODE_SERIES_CHANGED,
        actor=by,
        school=school,
        obj=series,
        summary=series_barcode(prefix, width, next_number),
        before=before,
        after=_series_state(series),
    )
    return series


@transaction.atomic
def clear_barcode_series(*, school: School, by: User | None = None) -> None:
    """Back to the default barcodes (the school's code and a number); audited."""
    _require_manager(by)
    series = BarcodeSeries.objects.select_for_update().filter(school_id=school.pk).first()
    if series is None:
        return
    before = _series_state(series)
    series.delete()
    audit.record(BARCODE_SERIES_CHANGED, actor=by, school=school, summary="", before=before, after=None)


def clean_barcode(value: str) -> str:
    barcode = (value or "").strip()
    if len(barcode) > 32 or any(ch.isspace() for ch in barcode):
        raise DomainError(_("%(barcode)s is geen geldige barcode.") % {"barcode": barcode[:40]}, code="barcode")
    if barcode[:3] in ("978", "979") and len(barcode) == 13 and normalise_isbn_or_none(barcode) == barcode:
        # The book's own EAN scanned instead of the copy's label: every copy of the title carries it.
        raise DomainError(
            _("%(barcode)s is het ISBN van het boek. Scan de barcode van het exemplaar (het etiket).")
            % {"barcode": barcode},
            code="barcode_is_isbn",
        )
    return barcode


@transaction.atomic
def add_copy(
    *,
    title: Title,
    school: School,
    barcode: str = "",
    shelf: str = "",
    acquired_on: dt.date | None = None,
    price: Decimal | None = None,
    by: User | None = None,
) -> Copy:
    """Add one copy of a title to a school's collection; an empty barcode gets a new one."""
    barcode = clean_barcode(barcode) or next_barcode(school)
    existing = Copy.objects.filter(barcode=barcode).select_related("title").first()
    if existing is not None:
        if existing.school_id == school.pk:
            message = _("Barcode %(barcode)s is al in gebruik voor %(title)s.") % {
                "barcode": barcode,
                "title": existing.title.title,
            }
        else:
            message = _("Barcode %(barcode)s is al in gebruik (bij een andere school).") % {"barcode": barcode}
        raise DomainError(message, code="duplicate_barcode")
    copy = Copy(
        title=title,
        school=school,
        barcode=barcode,
        shelf=shelf.strip()[:60],
        acquired_on=acquired_on or timezone.localdate(),
        price=price,
    )
    try:
        with transaction.atomic():
            copy.save()
    except IntegrityError as error:
        raise DomainError(_("Barcode %(barcode)s is al in gebruik.") % {"barcode": barcode}) from error
    audit.record("catalog.copy_added", actor=by, school=school, obj=copy, summary=f"{barcode} {title.title}")
    return copy


def copies_by_barcodes(school: School, barcodes: Iterable[str]) -> tuple[list[Copy], list[str]]:
    """The school's copies with these barcodes, and the barcodes not found at this school."""
    wanted = [b.strip() for b in barcodes if b.strip()]
    found = {c.barcode: c for c in Copy.objects.for_school(school).filter(barcode__in=wanted).select_related("title")}
    missing = [b for b in dict.fromkeys(wanted) if b not in found]
    return [found[b] for b in dict.fromkeys(wanted) if b in found], missing


@transaction.atomic
def withdraw_copies(*, school: School, copies: Iterable[Copy], reason: str, by: User | None = None) -> int:
    """Afschrijven: take copies out of the collection for good, with a reason. A lent copy is refused."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Geef een reden voor het afschrijven."), code="reason")
    ids = [copy.pk for copy in copies]
    queryset = Copy.objects.for_school(school).select_for_update().filter(pk__in=ids)
    if len(ids) != queryset.count():
        raise DomainError(_("Een van de exemplaren hoort niet bij deze school."))
    # The lifecycle refuses to withdraw a lent copy (it has an open loan exactly when its status is "lent").
    refused = queryset.exclude(status__in=lifecycle.sources(lifecycle.Action.WITHDRAW))
    lent = list(refused.values_list("barcode", flat=True))
    if lent:
        raise DomainError(
            _("Uitgeleende exemplaren kunnen niet worden afgeschreven: %(barcodes)s.") % {"barcodes": ", ".join(lent)},
            code="lent",
        )
    count = queryset.exclude(status=Copy.Status.WITHDRAWN).update(
        status=Copy.Status.WITHDRAWN, withdrawn_reason=reason[:200], withdrawn_on=timezone.localdate()
    )
    audit.record("catalog.copies_withdrawn", actor=by, school=school, summary=f"{count}: {reason}", copies=ids)
    return count


# What a status set by hand means in the copy's lifecycle (lifecycle.py).
STATUS_ACTIONS: dict[str, lifecycle.Action] = {
    Copy.Status.AVAILABLE: lifecycle.Action.SHELVE,
    Copy.Status.DAMAGED: lifecycle.Action.DAMAGE,
    Copy.Status.LOST: lifecycle.Action.LOSE,
}


@transaction.atomic
def set_copy_status(*, copy: Copy, status: str, by: User | None = None) -> Copy:
    """Mark a copy damaged, lost, or back on the shelf (not for lending: circulation does that)."""
    action = STATUS_ACTIONS.get(status)
    if action is None:
        raise DomainError(_("Deze status kan hier niet worden gezet."))
    current = Copy.objects.filter(pk=copy.pk).values_list("status", flat=True).first() or copy.status
    if not lifecycle.allowed(action, current):  # lent: it is returned first
        raise DomainError(_("Dit exemplaar is uitgeleend; neem het eerst in."), code="lent")
    copy.status = status
    if status == Copy.Status.AVAILABLE:
        copy.withdrawn_reason = ""
        copy.withdrawn_on = None
    copy.save(update_fields=["status", "withdrawn_reason", "withdrawn_on"])
    audit.record("catalog.copy_status", actor=by, school=copy.school, obj=copy, summary=f"{copy.barcode} {status}")
    return copy


# ---------------------------------------------------------------------------------------------- stocktake


@transaction.atomic
def start_stocktake(*, school: School, shelf: str = "", by: User | None = None) -> Stocktake:
    stocktake = Stocktake.objects.create(school=school, shelf=shelf.strip()[:60], started_by=by if by else None)
    audit.record("catalog.stocktake_started", actor=by, school=school, obj=stocktake, summary=shelf or "*")
    return stocktake


@dataclass
class ScanOutcome:
    barcode: str
    kind: str  # "ok", "again", "unknown", "other_school", "other_shelf", "marked_lent", "marked_gone"
    message: str
    copy: Copy | None = None


def stocktake_scope(stocktake: Stocktake) -> QuerySet[Copy]:
    """The copies a stocktake expects to find: the school's (or the shelf's) copies still in the collection."""
    queryset = Copy.objects.for_school(stocktake.school).held()
    if stocktake.shelf:
        queryset = queryset.filter(shelf__iexact=stocktake.shelf)
    return queryset


def _classify(stocktake: Stocktake, barcode: str, copy: Copy | None) -> ScanOutcome:
    if copy is None:
        return ScanOutcome(barcode, "unknown", _("%(barcode)s: onbekende barcode.") % {"barcode": barcode})
    if copy.school_id != stocktake.school_id:
        return ScanOutcome(
            barcode, "other_school", _("%(barcode)s: hoort bij een andere school.") % {"barcode": barcode}, copy
        )
    name = copy.title.title
    if copy.status in GONE_STATUSES:
        return ScanOutcome(
            barcode,
            "marked_gone",
            _("%(barcode)s %(title)s: staat als %(status)s geregistreerd.")
            % {"barcode": barcode, "title": name, "status": copy.get_status_display()},
            copy,
        )
    if copy.status == Copy.Status.LENT:
        return ScanOutcome(
            barcode,
            "marked_lent",
            _("%(barcode)s %(title)s: staat als uitgeleend geregistreerd.") % {"barcode": barcode, "title": name},
            copy,
        )
    if stocktake.shelf and copy.shelf.lower() != stocktake.shelf.lower():
        return ScanOutcome(
            barcode,
            "other_shelf",
            _("%(barcode)s %(title)s: hoort op plaats %(shelf)s.")
            % {"barcode": barcode, "title": name, "shelf": copy.shelf or "—"},
            copy,
        )
    return ScanOutcome(barcode, "ok", _("%(barcode)s %(title)s: gevonden.") % {"barcode": barcode, "title": name}, copy)


@transaction.atomic
def scan_for_stocktake(*, stocktake: Stocktake, barcode: str) -> ScanOutcome:
    barcode = (barcode or "").strip()
    if not barcode:
        raise DomainError(_("Scan een barcode."))
    if not stocktake.is_open:
        raise DomainError(_("Deze inventarisatie is afgesloten."))
    copy = Copy.objects.filter(barcode=barcode[:32]).select_related("title").first()
    outcome = _classify(stocktake, barcode[:32], copy)
    _scan, created = StocktakeScan.objects.get_or_create(
        stocktake=stocktake, barcode=barcode[:32], defaults={"copy": copy}
    )
    if not created:
        outcome.kind = "again"
        outcome.message = _("%(barcode)s was al gescand.") % {"barcode": barcode}
    return outcome


@dataclass
class StocktakeReport:
    scanned: int
    expected: int
    found: int
    missing: list[Copy] = field(default_factory=list)
    elsewhere: list[ScanOutcome] = field(default_factory=list)


def stocktake_report(stocktake: Stocktake) -> StocktakeReport:
    """Missing: expected copies neither scanned nor lent. Elsewhere: scans that do not belong on this shelf/school
    (or were registered lent, lost or withdrawn)."""
    scanned_ids = StocktakeScan.objects.filter(stocktake=stocktake, copy__isnull=False).values("copy_id")
    expected = stocktake_scope(stocktake)
    missing: list[Copy] = list(
        expected.exclude(pk__in=scanned_ids)
        .filter(status__in=lifecycle.sources(lifecycle.Action.LOSE))  # not the lent ones
        .select_related("title")
        .order_by("shelf", "title__author_sort", "barcode")
    )
    scans = list(StocktakeScan.objects.filter(stocktake=stocktake).select_related("copy", "copy__title"))
    elsewhere = []
    found = 0
    for scan in scans:
        outcome = _classify(stocktake, scan.barcode, scan.copy)
        if outcome.kind == "ok":
            found += 1
        else:
            elsewhere.append(outcome)
    return StocktakeReport(
        scanned=len(scans), expected=expected.count(), found=found, missing=missing, elsewhere=elsewhere
    )


@transaction.atomic
def mark_missing_lost(*, stocktake: Stocktake, by: User | None = None) -> int:
    """Mark every missing copy of the report as lost (vermist), in one step."""
    report = stocktake_report(stocktake)
    ids = [copy.pk for copy in report.missing]
    count = Copy.objects.for_school(stocktake.school).filter(pk__in=ids).update(status=Copy.Status.LOST)
    stocktake.lost_marked += count
    stocktake.save(update_fields=["lost_marked"])
    audit.record(
        "catalog.stocktake_lost",
        actor=by,
        school=stocktake.school,
        obj=stocktake,
        summary=_("%(n)d exemplaren als vermist gemeld") % {"n": count},
        copies=ids,
    )
    return count


@transaction.atomic
def finish_stocktake(*, stocktake: Stocktake, by: User | None = None) -> Stocktake:
    if stocktake.is_open:
        stocktake.finished_at = timezone.now()
        stocktake.save(update_fields=["finished_at"])
        audit.record("catalog.stocktake_finished", actor=by, school=stocktake.school, obj=stocktake)
    return stocktake
