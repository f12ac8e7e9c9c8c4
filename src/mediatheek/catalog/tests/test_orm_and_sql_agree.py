"""A held copy and a copy on the shelf are defined once (catalog/models.py); the ORM (Copy.objects.held(),
.on_shelf()) and the SQL generated from the same status lists (search_index.py's triggers, the school search of
search.py) must answer the same question the same way. Runs on SQLite and, with DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

import pytest
from django.db import connection

from mediatheek.catalog import search
from mediatheek.catalog.models import GONE_STATUSES, HELD_STATUSES, ON_SHELF_STATUSES, Copy, Title
from mediatheek.catalog.search_index import HELD_SQL, ON_SHELF_SQL
from mediatheek.testing.factories import CopyFactory, TitleFactory

pytestmark = pytest.mark.django_db

STATUSES = list(Copy.Status.values)


def test_the_status_lists_cover_every_status_once() -> None:
    assert set(HELD_STATUSES) | set(GONE_STATUSES) == set(STATUSES)
    assert not set(HELD_STATUSES) & set(GONE_STATUSES)
    assert set(ON_SHELF_STATUSES) <= set(HELD_STATUSES)


def index_holdings() -> dict[int, set[str]]:
    """Per title id, the school tokens the triggers keep in the search index ("s<id>" held, "a<id>" on the shelf)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT rowid, schools FROM catalog_title_fts")
            return {int(pk): set((tokens or "").split()) for pk, tokens in cursor.fetchall()}
        cursor.execute("SELECT id, search_holdings FROM catalog_title")
        return {int(pk): {token.lstrip("@") for token in tokens or []} for pk, tokens in cursor.fetchall()}


def orm_holdings() -> dict[int, set[str]]:
    result: dict[int, set[str]] = {pk: set() for pk in Title.objects.values_list("pk", flat=True)}
    for title_id, school_id in Copy.objects.held().values_list("title_id", "school_id").distinct():
        result[title_id].add(f"s{school_id}")
    for title_id, school_id in Copy.objects.on_shelf().values_list("title_id", "school_id").distinct():
        result[title_id].add(f"a{school_id}")
    return result


def sql_counts(statuses_sql: str) -> Counter[tuple[int, int]]:
    """Copies per (title, school) counted by SQL built from the same constants as the triggers."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT title_id, school_id, count(*) FROM catalog_copy WHERE status IN {statuses_sql} "  # noqa: S608
            "GROUP BY title_id, school_id"
        )
        return Counter({(title, school): n for title, school, n in cursor.fetchall()})


def orm_counts(queryset: Any) -> Counter[tuple[int, int]]:
    return Counter(queryset.values_list("title_id", "school_id"))


def assert_agree() -> None:
    assert index_holdings() == orm_holdings()
    assert sql_counts(HELD_SQL) == orm_counts(Copy.objects.held())
    assert sql_counts(ON_SHELF_SQL) == orm_counts(Copy.objects.on_shelf())


def collection(school_a: Any, school_b: Any) -> list[Copy]:
    """Titles with copies in every mix of statuses at two schools."""
    words = ["heks", "heksenketel", "boek", "de boekenwurm", "draak", "de heks en de draak"]
    copies: list[Copy] = []
    mixes = itertools.cycle(itertools.combinations(STATUSES, 2))
    for index, word in enumerate(words):
        title = TitleFactory(title=f"{word} {index}", age_code="AB"[index % 2], avi_level=["M4", "E4", ""][index % 3])
        first, second = next(mixes)
        copies.append(CopyFactory(title=title, school=school_a, status=first))
        copies.append(CopyFactory(title=title, school=school_b if index % 2 else school_a, status=second))
    TitleFactory(title="heks zonder exemplaren")
    return copies


def test_holdings_in_the_index_follow_every_change_as_the_orm_sees_it(school_a: Any, school_b: Any) -> None:
    copies = collection(school_a, school_b)
    assert_agree()
    # Every status, one copy at a time (the desk's case: one row, one title).
    for status in STATUSES:
        Copy.objects.filter(pk=copies[0].pk).update(status=status)
        assert_agree()
    # Many copies at once (a statement over several titles), a move to another title and school, a delete.
    Copy.objects.filter(pk__in=[copy.pk for copy in copies[2:8]]).update(status=Copy.Status.AVAILABLE)
    assert_agree()
    Copy.objects.filter(school=school_b).update(status=Copy.Status.LOST)
    assert_agree()
    Copy.objects.filter(pk=copies[3].pk).update(title=copies[9].title, school=school_b, status=Copy.Status.ON_HOLD)
    assert_agree()
    Copy.objects.filter(pk=copies[4].pk).delete()
    assert_agree()


QUERIES = ["heks", "boek", "de heks", "draak heks", "hek", "boekenwurm", "niets"]
FILTERS: list[dict[str, str]] = [{}, {"age_code": "A"}, {"avi_level": "M4"}, {"age_code": "B", "avi_level": "E4"}]


def orm_search(monkeypatch: pytest.MonkeyPatch, query: str, **options: Any) -> search.SearchResults:
    """The same search, but through the ORM path (`_search_with_orm`) where it would take the raw SQL one."""
    with monkeypatch.context() as patch:
        patch.setattr(search, "_search_at_school", search._search_with_orm)
        return search.search_titles(query, **options)


def test_search_at_a_school_agrees_with_the_orm_path(
    school_a: Any, school_b: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    copies = collection(school_a, school_b)
    Copy.objects.filter(pk=copies[1].pk).update(status=Copy.Status.LENT)
    compared = 0
    for query, filters, school, available_only in itertools.product(
        QUERIES, FILTERS, [school_a, school_b], [False, True]
    ):
        options = {"school": school, "filters": filters, "available_only": available_only, "limit": 200}
        raw = search.search_titles(query, **options)
        orm = orm_search(monkeypatch, query, **options)
        label = (query, filters, school.pk, available_only)
        assert raw.total == orm.total, label
        assert {t.pk for t in raw.titles} == {t.pk for t in orm.titles}, label
        assert raw.facets == orm.facets, label
        compared += raw.total
    assert compared > 20  # the comparison saw real results, not only empty ones


def test_the_orm_path_is_really_another_path(school_a: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Guard for the test above: with the raw path broken, only the monkeypatched search still answers."""
    CopyFactory(title=TitleFactory(title="heks"), school=school_a)

    def broken(*args: Any, **kwargs: Any) -> search.SearchResults:
        return search.SearchResults(total=0, titles=[])

    monkeypatch.setattr(search, "_search_at_school", broken)
    assert search.search_titles("heks", school=school_a).total == 0
    assert search._search_with_orm(["heks"], school_a, {}, available_only=False, limit=20, offset=0).total == 1
