"""The schools holding each title live inside the search index (search_index.py): every way a copy changes keeps
them current, on SQLite (triggers per row) and PostgreSQL (statement triggers)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from mediatheek.catalog import services
from mediatheek.catalog.models import Copy
from mediatheek.catalog.search import search_titles
from mediatheek.testing.factories import CopyFactory, TitleFactory

pytestmark = pytest.mark.django_db


def found(query: str, school: Any, *, available_only: bool = False) -> set[int]:
    return {title.pk for title in search_titles(query, school=school, available_only=available_only, limit=200).titles}


def test_add_copy_through_the_service_makes_the_title_findable(school_a: Any, school_b: Any) -> None:
    title = TitleFactory(title="Zeepaardje")
    assert found("zeepaard", school_a) == set()
    services.add_copy(title=title, school=school_a)
    assert found("zeepaard", school_a) == {title.pk}
    assert found("zeepaard", school_a, available_only=True) == {title.pk}
    assert found("zeepaard", school_b) == set()


def test_status_changes_move_the_title_in_and_out(school_a: Any) -> None:
    title = TitleFactory(title="Zeepaardje")
    copy: Any = CopyFactory(title=title, school=school_a)
    services.set_copy_status(copy=copy, status=Copy.Status.DAMAGED)
    assert found("zeepaard", school_a) == {title.pk}
    assert found("zeepaard", school_a, available_only=True) == set()
    services.set_copy_status(copy=copy, status=Copy.Status.AVAILABLE)
    assert found("zeepaard", school_a, available_only=True) == {title.pk}
    services.withdraw_copies(school=school_a, copies=[copy], reason="kapot")
    assert found("zeepaard", school_a) == set()


def test_lending_and_returning_at_the_desk_follow_the_shelf(school_a: Any) -> None:
    """The desk writes with hand-written SQL (circulation/sql.py): the triggers see those writes too."""
    from mediatheek.circulation import services as circulation
    from mediatheek.testing.factories import PatronFactory

    title = TitleFactory(title="Zeepaardje")
    copies = [CopyFactory(title=title, school=school_a) for _ in range(2)]
    # Two pupils: a second copy of a title for the same pupil would need the desk's confirmation.
    pupils = [PatronFactory(school=school_a) for _ in range(2)]
    circulation.check_out(copy=copies[0], patron=pupils[0], by=None)
    assert found("zeepaard", school_a, available_only=True) == {title.pk}  # the other copy is on the shelf
    circulation.check_out(copy=copies[1], patron=pupils[1], by=None)
    assert found("zeepaard", school_a, available_only=True) == set()
    assert found("zeepaard", school_a) == {title.pk}
    circulation.check_in(copy=copies[0], by=None)
    assert found("zeepaard", school_a, available_only=True) == {title.pk}


def test_bulk_update_delete_and_a_move_to_another_school(school_a: Any, school_b: Any) -> None:
    first, second = TitleFactory(title="Zeepaardje een"), TitleFactory(title="Zeepaardje twee")
    copies = [CopyFactory(title=first, school=school_a), CopyFactory(title=second, school=school_a)]
    Copy.objects.filter(pk__in=[c.pk for c in copies]).update(status=Copy.Status.LENT)  # as the desk does
    assert found("zeepaard", school_a) == {first.pk, second.pk}
    assert found("zeepaard", school_a, available_only=True) == set()
    Copy.objects.filter(pk=copies[0].pk).update(school=school_b)
    assert found("zeepaard", school_a) == {second.pk}
    assert found("zeepaard", school_b) == {first.pk}
    Copy.objects.filter(pk=copies[1].pk).delete()
    assert found("zeepaard", school_a) == set()
    # Another copy of the same title keeps it held when one goes.
    CopyFactory(title=first, school=school_b, status=Copy.Status.LOST)
    assert found("zeepaard", school_b) == {first.pk}


def test_bulk_create_and_a_copy_moved_to_another_title(school_a: Any) -> None:
    first, second = TitleFactory(title="Zeepaardje een"), TitleFactory(title="Zeepaardje twee")
    Copy.objects.bulk_create([Copy(title=first, school=school_a, barcode=f"Z{n}") for n in range(3)])
    assert found("zeepaard", school_a) == {first.pk}
    Copy.objects.filter(title=first).update(title=second)
    assert found("zeepaard", school_a) == {second.pk}


def test_title_edit_keeps_its_holdings(school_a: Any) -> None:
    title: Any = TitleFactory(title="Zeepaardje")
    CopyFactory(title=title, school=school_a)
    title.title = "Zeester"
    title.save()
    assert found("zeester", school_a) == {title.pk}
    assert found("zeepaard", school_a) == set()


def test_reindex_repairs_holdings_written_past_the_triggers(school_a: Any) -> None:
    title = TitleFactory(title="Zeepaardje")
    CopyFactory(title=title, school=school_a)
    with connection.cursor() as cursor:  # a stale index, as after a restore or a load with the triggers off
        if connection.vendor == "sqlite":
            cursor.execute("UPDATE catalog_title_fts SET schools = '' WHERE rowid = %s", [title.pk])
        else:
            cursor.execute("UPDATE catalog_title SET search_holdings = '{}' WHERE id = %s", [title.pk])
    assert found("zeepaard", school_a) == set()
    call_command("reindex_catalogue")
    assert found("zeepaard", school_a) == {title.pk}


def test_school_tokens_are_not_searchable_words(school_a: Any) -> None:
    title = TitleFactory(title="Iets")
    CopyFactory(title=title, school=school_a)
    assert found(f"s{school_a.pk}", school_a) == set()
    assert found(f"a{school_a.pk}", school_a) == set()
    assert search_titles(f"s{school_a.pk}").total == 0


def test_broad_queries_at_a_school_are_ordered_newest_first_on_sqlite(monkeypatch: Any, school_a: Any) -> None:
    from mediatheek.catalog import search

    monkeypatch.setattr(search, "SCHOOL_RANK_LIMIT", 2)
    made = [TitleFactory(title=f"Heksenboek {n}", subjects="heksen" if n == 0 else "") for n in range(4)]
    for title in made:
        CopyFactory(title=title, school=school_a)
    results = search_titles("heksen", school=school_a)
    assert results.total == 4
    if connection.vendor == "sqlite":
        assert [t.pk for t in results.titles] == [t.pk for t in reversed(made)]
    else:  # PostgreSQL ranks them all: the one with "heksen" as a whole word first
        assert results.titles[0].pk == made[0].pk
