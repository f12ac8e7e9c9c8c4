"""Hand-written reads for the desk's hot path (every scan runs them).

Each replaces an ORM query whose Python cost dominated a scan: building the SQL of a small ORM query takes about
0.5-0.7 ms, the query itself 0.03 ms (measured on SQLite, see bench/circulation.py). Only plain reads live here,
portable between SQLite and PostgreSQL; every write still goes through the ORM in services.py. Table names come
from the models; the rows come back as (unsaved-looking but primary-keyed) model instances, so the services use
them as if the ORM had loaded them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import connection

from mediatheek.catalog.models import Copy, Title
from mediatheek.circulation.models import Loan, LoanRule, Reservation
from mediatheek.patrons.models import Group, Patron
from mediatheek.schools.models import ClosedDay

LOAN = Loan._meta.db_table
COPY = Copy._meta.db_table
TITLE = Title._meta.db_table
PATRON = Patron._meta.db_table
GROUP = Group._meta.db_table
RESERVATION = Reservation._meta.db_table
RULE = LoanRule._meta.db_table
CLOSED = ClosedDay._meta.db_table


def rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def as_date(value: Any) -> dt.date | None:
    """SQLite hands dates back as text, PostgreSQL as dates."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _from_db(model: Any, values: dict[str, Any]) -> Any:
    """A model instance as the ORM would load it (so that saving it later updates, not inserts)."""
    # from_db takes the values in the order of the model's fields.
    names = [field.attname for field in model._meta.concrete_fields if field.attname in values]
    return model.from_db(connection.alias, names, [values[name] for name in names])


PATRON_COLUMNS = "p.id, p.first_name, p.name_prefix, p.last_name, p.kind, p.year_level, p.school_id, p.group_id, g.name"


def _patron(values: tuple[Any, ...]) -> Patron:
    patron_id, first, prefix, last, kind, year_level, school_id, group_id, group_name = values
    patron: Patron = _from_db(
        Patron,
        {
            "id": patron_id,
            "first_name": first,
            "name_prefix": prefix,
            "last_name": last,
            "kind": kind,
            "year_level": year_level,
            "school_id": school_id,
            "group_id": group_id,
        },
    )
    if group_id is not None:
        patron.group = _from_db(Group, {"id": group_id, "name": group_name})
    return patron


def loan_rules(school_id: int) -> list[LoanRule]:
    columns = (
        "id, school_id, patron_kind, year_level_from, year_level_to, group_id, age_code, loan_days, max_loans, "
        "max_renewals, hold_days, fine_per_day, overdue_action"
    )
    names = [name.strip() for name in columns.split(",")]
    result = []
    for row in rows(f"SELECT {columns} FROM {RULE} WHERE school_id = %s", [school_id]):  # noqa: S608 - names from _meta
        values = dict(zip(names, row, strict=True))
        if values["fine_per_day"] is not None:
            values["fine_per_day"] = Decimal(str(values["fine_per_day"]))
        result.append(_from_db(LoanRule, values))
    return result


def closed_periods(school_id: int, since: dt.date | None, until: dt.date | None) -> list[tuple[dt.date, dt.date, bool]]:
    start, end = connection.ops.quote_name("start"), connection.ops.quote_name("end")
    sql = f"SELECT {start}, {end}, is_summer_holiday FROM {CLOSED} WHERE school_id = %s"  # noqa: S608
    params: list[Any] = [school_id]
    if since is not None and until is not None:
        sql += f" AND {end} >= %s AND {start} <= %s"
        params += [since, until]
    return [(as_date(start), as_date(end), bool(summer)) for start, end, summer in rows(sql, params)]  # type: ignore[misc]


def open_loans_of_copy_or_patron(copy_id: int, patron_id: int) -> list[tuple[Loan, str]]:
    """The copy's open loan and the patron's open loans in one query: (loan, age code of its title)."""
    result = []
    for loan_id, due, copy, patron, age_code in rows(
        f"SELECT l.id, l.due_date, l.copy_id, l.patron_id, t.age_code FROM {LOAN} l "  # noqa: S608
        f"JOIN {COPY} c ON c.id = l.copy_id JOIN {TITLE} t ON t.id = c.title_id "
        "WHERE (l.copy_id = %s OR l.patron_id = %s) AND l.returned_at IS NULL",
        [copy_id, patron_id],
    ):
        loan = _from_db(Loan, {"id": loan_id, "due_date": as_date(due), "copy_id": copy, "patron_id": patron})
        result.append((loan, age_code or ""))
    return result


def open_loan_of_copy(copy_id: int) -> Loan | None:
    """The copy's open loan with its borrower's name and group (for "geleend door ...")."""
    found = rows(
        f"SELECT l.id, l.due_date, l.copy_id, {PATRON_COLUMNS} FROM {LOAN} l "  # noqa: S608
        f"LEFT JOIN {PATRON} p ON p.id = l.patron_id LEFT JOIN {GROUP} g ON g.id = p.group_id "
        "WHERE l.copy_id = %s AND l.returned_at IS NULL",
        [copy_id],
    )
    if not found:
        return None
    loan_id, due, copy, *patron_values = found[0]
    loan: Loan = _from_db(
        Loan, {"id": loan_id, "due_date": as_date(due), "copy_id": copy, "patron_id": patron_values[0]}
    )
    if patron_values[0] is not None:
        loan.patron = _patron(tuple(patron_values))
    return loan


def reservations_of_title(
    school_id: int, title_id: int, *, held_copy_id: int | None = None, lock: bool = False
) -> list[Reservation]:
    """Open reservations of a title at a school, first in line first. With `held_copy_id`: only the ready one
    holding that copy and the waiting ones of active patrons (what a check-in needs). `lock` (PostgreSQL): lock
    the rows, skipping those another desk is handing out at this moment."""
    lock_sql = ""
    if lock and connection.features.has_select_for_update:
        lock_sql = " FOR UPDATE OF r"
        if connection.features.has_select_for_update_skip_locked:
            lock_sql += " SKIP LOCKED"
    where = "r.school_id = %s AND r.title_id = %s "
    params: list[Any] = [school_id, title_id]
    if held_copy_id is None:
        where += "AND r.status IN (%s, %s)"
        params += [Reservation.Status.WAITING, Reservation.Status.READY]
    else:
        where += "AND ((r.status = %s AND r.held_copy_id = %s) OR (r.status = %s AND p.status = %s))"
        params += [Reservation.Status.READY, held_copy_id, Reservation.Status.WAITING, Patron.Status.ACTIVE]
    result = []
    for row in rows(
        f"SELECT r.id, r.status, r.held_copy_id, r.hold_until, r.patron_id, {PATRON_COLUMNS} "  # noqa: S608
        f"FROM {RESERVATION} r JOIN {PATRON} p ON p.id = r.patron_id LEFT JOIN {GROUP} g ON g.id = p.group_id "
        f"WHERE {where} ORDER BY r.placed_at, r.id{lock_sql}",
        params,
    ):
        reservation_id, status, held, until, patron_id, *patron_values = row
        reservation: Reservation = _from_db(
            Reservation,
            {
                "id": reservation_id,
                "school_id": school_id,
                "title_id": title_id,
                "status": status,
                "held_copy_id": held,
                "hold_until": as_date(until),
                "patron_id": patron_id,
            },
        )
        reservation.patron = _patron(tuple(patron_values))
        result.append(reservation)
    return result


def copy_by_barcode(school_id: int, barcodes: list[str]) -> Copy | None:
    """The school's copy with one of these barcodes, with its title's name and age code."""
    placeholders = ", ".join(["%s"] * len(barcodes))
    found = rows(
        f"SELECT c.id, c.barcode, c.status, c.school_id, c.title_id, t.title, t.age_code FROM {COPY} c "  # noqa: S608
        f"JOIN {TITLE} t ON t.id = c.title_id WHERE c.school_id = %s AND c.barcode IN ({placeholders})",
        [school_id, *barcodes],
    )
    if not found:
        return None
    copy_id, barcode, status, school, title_id, title, age_code = found[0]
    copy: Copy = _from_db(
        Copy, {"id": copy_id, "barcode": barcode, "status": status, "school_id": school, "title_id": title_id}
    )
    copy.title = _from_db(Title, {"id": title_id, "title": title, "age_code": age_code})
    return copy


def patron_for_desk(school_id: int, patron_id: int) -> Patron | None:
    """What a scan needs of the patron (name, group, kind, year level, status, block)."""
    found = rows(
        f"SELECT {PATRON_COLUMNS}, p.status, p.blocked_reason, p.card_number FROM {PATRON} p "  # noqa: S608
        f"LEFT JOIN {GROUP} g ON g.id = p.group_id WHERE p.school_id = %s AND p.id = %s",
        [school_id, patron_id],
    )
    if not found:
        return None
    *values, status, blocked_reason, card_number = found[0]
    patron = _patron(tuple(values))
    patron.status, patron.blocked_reason, patron.card_number = status, blocked_reason, card_number
    return patron


def lock_copy_status(copy_id: int) -> str | None:
    """PostgreSQL: lock the copy's row for the rest of the transaction and read its status under the lock."""
    found = rows(f"SELECT status FROM {COPY} WHERE id = %s FOR UPDATE", [copy_id])  # noqa: S608
    return str(found[0][0]) if found else None


def lock_patron_state(patron_id: int) -> tuple[str, str] | None:
    """PostgreSQL: lock the patron's row (two desks lending to one pupil count one limit) and read its state."""
    found = rows(f"SELECT status, blocked_reason FROM {PATRON} WHERE id = %s FOR UPDATE", [patron_id])  # noqa: S608
    return (str(found[0][0]), str(found[0][1])) if found else None
