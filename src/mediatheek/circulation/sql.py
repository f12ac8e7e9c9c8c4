"""Hand-written SQL for the desk's hot path (every scan runs it).

Each replaces an ORM query whose Python cost dominated a scan: building the SQL of a small ORM query takes about
0.3-0.7 ms, the query itself 0.03 ms (measured on SQLite, see bench/circulation.py). Plain reads, and the few
writes of a lend and a return (the loan row and the copy's status), portable between SQLite and PostgreSQL; every
other write goes through the ORM in services.py. Table names come from the models; the rows come back as
(unsaved-looking but primary-keyed) model instances, so the services use them as if the ORM had loaded them.
Nothing listens to the ORM's save signals of Loan or Copy; the search index follows copy statuses through
database triggers (catalog/search_index.py), so these writes keep it current too.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import connection

from mediatheek.catalog.models import Copy, Title
from mediatheek.circulation.models import OPEN_RESERVATION_STATUSES, Loan, LoanRule, Reservation
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

Statement = tuple[str, list[Any]]  # SQL and its parameters

# An open reservation (Reservation.objects.open()), as a condition on `r` with OPEN_RESERVATION_STATUSES as parameters.
OPEN_RESERVATION_WHERE = f"r.status IN ({', '.join(['%s'] * len(OPEN_RESERVATION_STATUSES))})"


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
        "max_renewals, hold_days, max_reservations, fine_per_day, overdue_action"
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


# What a check-out or a check-in reads under its lock. A loan query and the title's reservations go to the database
# as one statement (WITH q0 AS (reservations) SELECT loans UNION ALL SELECT q0): one round trip less on PostgreSQL.
# Both are read after the lock was taken, in a statement of their own (see services.check_in).

LOAN_COPY_OR_PATRON = (
    "l.id, l.due_date, l.copy_id, l.patron_id, t.age_code, c.title_id",
    f"FROM {LOAN} l JOIN {COPY} c ON c.id = l.copy_id JOIN {TITLE} t ON t.id = c.title_id "  # noqa: S608
    "WHERE (l.copy_id = %s OR l.patron_id = %s) AND l.returned_at IS NULL",
)
LOAN_OF_COPY = (
    f"l.id, l.due_date, l.copy_id, {PATRON_COLUMNS}",
    f"FROM {LOAN} l LEFT JOIN {PATRON} p ON p.id = l.patron_id LEFT JOIN {GROUP} g ON g.id = p.group_id "  # noqa: S608
    "WHERE l.copy_id = %s AND l.returned_at IS NULL",
)
QUEUE_COLUMNS = f"r.id, r.status, r.held_copy_id, r.hold_until, r.patron_id, r.placed_at, {PATRON_COLUMNS}"
QUEUE_WIDTH = len(QUEUE_COLUMNS.split(","))


def _queue_query(school_id: int, title_id: int, where: str, params: list[Any], *, limit: int = 0) -> Statement:
    """Reservations of a title at a school matching `where`, first in line first. `limit`: only that many, locked
    (PostgreSQL), skipping the ones another desk is handing out at this moment."""
    tail = ""
    if limit:
        tail = f" LIMIT {int(limit)}"
        if connection.features.has_select_for_update:
            tail += " FOR UPDATE OF r"
            if connection.features.has_select_for_update_skip_locked:
                tail += " SKIP LOCKED"
    sql = (
        f"SELECT {QUEUE_COLUMNS} FROM {RESERVATION} r JOIN {PATRON} p ON p.id = r.patron_id "  # noqa: S608
        f"LEFT JOIN {GROUP} g ON g.id = p.group_id WHERE r.school_id = %s AND r.title_id = %s AND {where} "
        f"ORDER BY r.placed_at, r.id{tail}"
    )
    return sql, [school_id, title_id, *params]


def _reservation(school_id: int, title_id: int, values: tuple[Any, ...]) -> Reservation:
    reservation_id, status, held, until, patron_id, _placed_at, *patron_values = values
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
    return reservation


def _loans_and_queue(
    loans: tuple[str, str], loan_params: list[Any], queues: list[Statement]
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The rows of a loan query and of reservation queries, from one statement (each reservation query a CTE of
    its own, so each keeps its own LIMIT and lock)."""
    columns, from_where = loans
    width = len(columns.split(","))
    nulls = ", ".join(["NULL"] * QUEUE_WIDTH)
    padding = ", ".join(["NULL"] * width)
    ctes = ", ".join(f"q{index} AS ({sql})" for index, (sql, _params) in enumerate(queues))
    parts = "".join(
        f" UNION ALL SELECT 'r', {padding}, q{index}.* FROM q{index}"  # noqa: S608 - module constants
        for index in range(len(queues))
    )
    # Sorted: the loans first, then the reservations by placed_at and id (their columns 6 and 1).
    sql = (
        f"WITH {ctes} SELECT 'l' AS kind, {columns}, {nulls} {from_where}{parts} "  # noqa: S608 - module constants
        f"ORDER BY 1, {2 + width + 5}, {2 + width}"
    )
    found = rows(sql, [*(param for _sql, params in queues for param in params), *loan_params])
    return (
        [row[1 : 1 + width] for row in found if row[0] == "l"],
        [row[1 + width :] for row in found if row[0] == "r"],
    )


def checkout_reads(
    *, copy_id: int, patron_id: int, school_id: int, title_id: int
) -> tuple[list[tuple[Loan, str]], list[Reservation]]:
    """The copy's open loan and the patron's open loans, as (loan, age code of its title), and the title's open
    reservations at the school: in one query. Each loan's copy knows its title id (a second copy of a title the
    patron has already is asked about)."""
    open_reservations = _queue_query(school_id, title_id, OPEN_RESERVATION_WHERE, list(OPEN_RESERVATION_STATUSES))
    loan_rows, queue_rows = _loans_and_queue(LOAN_COPY_OR_PATRON, [copy_id, patron_id], [open_reservations])
    loans = []
    for loan_id, due, copy, patron, code, title in loan_rows:
        loan = _from_db(Loan, {"id": loan_id, "due_date": as_date(due), "copy_id": copy, "patron_id": patron})
        loan.copy = _from_db(Copy, {"id": copy, "title_id": title})
        loans.append((loan, code or ""))
    return loans, [_reservation(school_id, title_id, row) for row in queue_rows]


def checkin_reads(*, copy_id: int, school_id: int, title_id: int) -> tuple[Loan | None, list[Reservation]]:
    """The copy's open loan with its borrower's name and group (for "geleend door ..."), and what can claim the
    copy now: the ready reservation holding it, and the first waiting one of an active patron. Each is locked on
    PostgreSQL, and the waiting one skips those another desk is handing out at this moment: copies of one title
    coming back at once serve different pupils (test_race). Only the one row is locked, not the whole queue."""
    held = _queue_query(
        school_id, title_id, "r.status = %s AND r.held_copy_id = %s", [Reservation.Status.READY, copy_id], limit=1
    )
    first_waiting = _queue_query(
        school_id,
        title_id,
        "r.status = %s AND p.status = %s",
        [Reservation.Status.WAITING, Patron.Status.ACTIVE],
        limit=1,
    )
    loan_rows, queue_rows = _loans_and_queue(LOAN_OF_COPY, [copy_id], [held, first_waiting])
    loan = _loan_with_patron(loan_rows[0]) if loan_rows else None
    return loan, [_reservation(school_id, title_id, row) for row in queue_rows]


def _loan_with_patron(values: tuple[Any, ...]) -> Loan:
    """A loan from (id, due_date, copy_id, *PATRON_COLUMNS), with its borrower (when there is one)."""
    loan_id, due, copy, *patron_values = values
    loan: Loan = _from_db(
        Loan, {"id": loan_id, "due_date": as_date(due), "copy_id": copy, "patron_id": patron_values[0]}
    )
    if patron_values[0] is not None:
        loan.patron = _patron(tuple(patron_values))
    return loan


# What a scan needs of the patron (name, group, kind, year level, status, block) and of a copy (with its title).
DESK_PATRON_COLUMNS = f"{PATRON_COLUMNS}, p.status, p.blocked_reason, p.card_number"
DESK_PATRON_WIDTH = len(DESK_PATRON_COLUMNS.split(","))
COPY_COLUMNS = "c.id, c.barcode, c.status, c.school_id, c.title_id, t.title, t.age_code"


def copy_by_barcode(school_id: int, barcodes: list[str]) -> Copy | None:
    """The school's copy with one of these barcodes, with its title's name and age code."""
    placeholders = ", ".join(["%s"] * len(barcodes))
    found = rows(
        f"SELECT {COPY_COLUMNS} FROM {COPY} c "  # noqa: S608
        f"JOIN {TITLE} t ON t.id = c.title_id WHERE c.school_id = %s AND c.barcode IN ({placeholders})",
        [school_id, *barcodes],
    )
    return _copy(found[0]) if found else None


def _copy(values: tuple[Any, ...]) -> Copy:
    copy_id, barcode, status, school, title_id, title, age_code = values
    copy: Copy = _from_db(
        Copy, {"id": copy_id, "barcode": barcode, "status": status, "school_id": school, "title_id": title_id}
    )
    copy.title = _from_db(Title, {"id": title_id, "title": title, "age_code": age_code})
    return copy


def patron_for_desk(school_id: int, patron_id: int) -> Patron | None:
    """The school's patron, with what a scan needs (DESK_PATRON_COLUMNS)."""
    found = rows(
        f"SELECT {DESK_PATRON_COLUMNS} FROM {PATRON} p "  # noqa: S608
        f"LEFT JOIN {GROUP} g ON g.id = p.group_id WHERE p.school_id = %s AND p.id = %s",
        [school_id, patron_id],
    )
    return _desk_patron(found[0]) if found else None


def _desk_patron(values: tuple[Any, ...]) -> Patron:
    *names, status, blocked_reason, card_number = values
    patron = _patron(tuple(names))
    patron.status, patron.blocked_reason, patron.card_number = status, blocked_reason, card_number
    return patron


def patron_and_copy_for_desk(school_id: int, patron_id: int, barcodes: list[str]) -> tuple[Patron | None, Copy | None]:
    """`patron_for_desk` and `copy_by_barcode` in one query: the patron, and the school's copy with one of these
    barcodes (None when it is not a copy of this school; then it may be the next pupil's card)."""
    placeholders = ", ".join(["%s"] * len(barcodes))
    found = rows(
        f"SELECT {DESK_PATRON_COLUMNS}, {COPY_COLUMNS} FROM {PATRON} p "  # noqa: S608
        f"LEFT JOIN {GROUP} g ON g.id = p.group_id "
        f"LEFT JOIN {COPY} c ON c.school_id = p.school_id AND c.barcode IN ({placeholders}) "
        f"LEFT JOIN {TITLE} t ON t.id = c.title_id WHERE p.school_id = %s AND p.id = %s",
        [*barcodes, school_id, patron_id],
    )
    if not found:
        return None, None
    patron = _desk_patron(found[0][:DESK_PATRON_WIDTH])
    copy = _copy(found[0][DESK_PATRON_WIDTH:]) if found[0][DESK_PATRON_WIDTH] is not None else None
    return patron, copy


def lock_copy_and_patron(copy_id: int, patron_id: int) -> tuple[str, str, str] | None:
    """PostgreSQL: `lock_copy_status` and `lock_patron_state` in one round trip: (copy status, patron status,
    blocked reason). The rows are locked in the order of the FROM list (PostgreSQL locks the row marks in range
    table order): the copy, then the patron, as everywhere (services: lock order). None: one of them is gone."""
    found = rows(
        f"SELECT c.status, p.status, p.blocked_reason FROM {COPY} c, {PATRON} p "  # noqa: S608
        "WHERE c.id = %s AND p.id = %s FOR UPDATE",
        [copy_id, patron_id],
    )
    return (str(found[0][0]), str(found[0][1]), str(found[0][2])) if found else None


def lock_copy_status(copy_id: int) -> str | None:
    """PostgreSQL: lock the copy's row for the rest of the transaction and read its status under the lock."""
    found = rows(f"SELECT status FROM {COPY} WHERE id = %s FOR UPDATE", [copy_id])  # noqa: S608
    return str(found[0][0]) if found else None


def lock_patron_state(patron_id: int) -> tuple[str, str] | None:
    """PostgreSQL: lock the patron's row (two desks lending to one pupil count one limit) and read its state."""
    found = rows(f"SELECT status, blocked_reason FROM {PATRON} WHERE id = %s FOR UPDATE", [patron_id])  # noqa: S608
    return (str(found[0][0]), str(found[0][1])) if found else None


# --- Writes ----------------------------------------------------------------------------------------------------


def _write(statements: list[Statement], *, returning_id: bool = False) -> int | None:
    """Run writes that belong together. `returning_id`: the last one is an INSERT; its new id is returned.

    PostgreSQL: as one statement, the first ones in WITH and the last one the main statement (one round trip
    instead of several; triggers and constraints act as for separate statements). SQLite: one by one (it has no
    writes inside WITH, and a statement there is a function call, not a round trip).
    """
    if returning_id and connection.features.can_return_columns_from_insert:
        statements = [*statements[:-1], (statements[-1][0] + " RETURNING id", statements[-1][1])]
    if connection.vendor == "postgresql" and len(statements) > 1:
        *first, last = statements
        parts = ", ".join(f"w{index} AS ({sql})" for index, (sql, _params) in enumerate(first))
        statements = [(f"WITH {parts} {last[0]}", [param for _sql, params in statements for param in params])]
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
        if not returning_id:
            return None
        if connection.features.can_return_columns_from_insert:
            return int(cursor.fetchone()[0])
        return int(cursor.lastrowid)


def _copy_status(copy_id: int, status: str) -> Statement:
    return f"UPDATE {COPY} SET status = %s WHERE id = %s", [status, copy_id]  # noqa: S608


def lend(
    *,
    school_id: int,
    copy_id: int,
    patron_id: int,
    checked_out_at: dt.datetime,
    due_date: dt.date,
    by_id: int | None,
    copy_status: str = Copy.Status.LENT,
) -> Loan:
    """A new open loan, and the copy's new status (lent: the lifecycle's lend step). The partial unique index
    refuses a second open loan of the copy (IntegrityError)."""
    ops = connection.ops
    insert = (
        f"INSERT INTO {LOAN} (school_id, copy_id, patron_id, checked_out_at, due_date, renewals, checked_out_by_id) "  # noqa: S608
        "VALUES (%s, %s, %s, %s, %s, 0, %s)",
        [
            school_id,
            copy_id,
            patron_id,
            ops.adapt_datetimefield_value(checked_out_at),
            ops.adapt_datefield_value(due_date),
            by_id,
        ],
    )
    loan_id = _write([_copy_status(copy_id, copy_status), insert], returning_id=True)
    loan: Loan = _from_db(
        Loan,
        {
            "id": loan_id,
            "school_id": school_id,
            "copy_id": copy_id,
            "patron_id": patron_id,
            "checked_out_at": checked_out_at,
            "due_date": due_date,
            "returned_at": None,
            "renewals": 0,
            "checked_out_by_id": by_id,
            "checked_in_by_id": None,
        },
    )
    return loan


def record_return(
    *, copy_id: int, loan_id: int | None, returned_at: dt.datetime, by_id: int | None, copy_status: str = ""
) -> None:
    """A return's writes: the loan closed (when there is one) and the copy's new status (when it changes)."""
    statements: list[Statement] = []
    if loan_id is not None:
        statements.append(
            (
                f"UPDATE {LOAN} SET returned_at = %s, checked_in_by_id = %s WHERE id = %s",  # noqa: S608
                [connection.ops.adapt_datetimefield_value(returned_at), by_id, loan_id],
            )
        )
    if copy_status:
        statements.append(_copy_status(copy_id, copy_status))
    if statements:
        _write(statements)
