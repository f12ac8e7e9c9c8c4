from __future__ import annotations

import os
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from mediatheek.catalog.models import Copy, Title
from mediatheek.catalog.search import reindex_title, search_titles
from mediatheek.testing.factories import CopyFactory, TitleFactory

pytestmark = pytest.mark.django_db


def ids(results: Any) -> set[int]:
    return {title.pk for title in results.titles}


def test_accent_insensitive_both_ways() -> None:
    zoe = TitleFactory(title="Ik ben Zoë", authors="Arend van Dam")
    TitleFactory(title="Iets anders")
    assert ids(search_titles("zoe")) == {zoe.pk}
    assert ids(search_titles("Zoë")) == {zoe.pk}
    assert ids(search_titles("ZOË")) == {zoe.pk}


def test_prefix_while_typing_and_all_words_must_match() -> None:
    griezel = TitleFactory(title="De Griezelbus 1", authors="Paul van Loon", series="De Griezelbus")
    TitleFactory(title="Dolfje Weerwolfje", authors="Paul van Loon")
    assert ids(search_titles("griez")) == {griezel.pk}
    assert ids(search_titles("loon griezel")) == {griezel.pk}
    assert len(search_titles("loo").titles) == 2


def test_fields_searched() -> None:
    title = TitleFactory(
        title="X",
        subtitle="ondertitelwoord",
        authors="Annie M.G. Schmidt",
        series="reekswoord",
        subjects="dieren; natuur",
        keywords="trefwoordje",
        isbn="9789045117263",
    )
    for query in ("ondertitelwoord", "schmidt", "reekswoord", "dieren", "trefwoord", "9789045117263"):
        assert ids(search_titles(query)) == {title.pk}, query


def test_isbn_with_hyphens_or_as_isbn10() -> None:
    title = TitleFactory(title="Y", isbn="9789045117263")
    assert ids(search_titles("978-90-451-1726-3")) == {title.pk}
    assert ids(search_titles("90-451-1726-6")) == {title.pk}
    assert ids(search_titles("9045117266")) == {title.pk}


def test_empty_query_lists_all_newest_first() -> None:
    old = TitleFactory(title="Oud")
    new = TitleFactory(title="Nieuw")
    results = search_titles("")
    assert results.total == 2
    assert [t.pk for t in results.titles] == [new.pk, old.pk]


def test_special_characters_do_not_break_the_query() -> None:
    TitleFactory(title="Spijt!")
    for query in ('"', "*", "AND OR NOT", "(", "'", "a:b", "-", "NEAR(", "&|!"):
        search_titles(query)  # no error
    assert search_titles("spijt!").total == 1


def test_school_scope(school_a: Any, school_b: Any) -> None:
    held: Any = TitleFactory(title="Boek alfa")
    other: Any = TitleFactory(title="Boek beta")
    withdrawn: Any = TitleFactory(title="Boek weg")
    lent: Any = TitleFactory(title="Boek uitgeleend")
    CopyFactory(title=held, school=school_a)
    CopyFactory(title=other, school=school_b)
    CopyFactory(title=withdrawn, school=school_a, status=Copy.Status.WITHDRAWN)
    CopyFactory(title=lent, school=school_a, status=Copy.Status.LENT)
    assert ids(search_titles("boek", school=school_a)) == {held.pk, lent.pk}
    assert ids(search_titles("boek", school=school_a, available_only=True)) == {held.pk}
    assert ids(search_titles("boek", school=school_b)) == {other.pk}
    assert ids(search_titles("boek")) == {held.pk, other.pk, withdrawn.pk, lent.pk}


def test_filters_and_facets() -> None:
    TitleFactory(title="Boek een", age_code="A", avi_level="M4", nur="282")
    TitleFactory(title="Boek twee", age_code="A", avi_level="E4", nur="282")
    TitleFactory(title="Boek drie", age_code="B", avi_level="E6", nur="283", language="eng")
    results = search_titles("boek")
    assert results.total == 3
    assert results.facets["age_code"] == [("A", 2), ("B", 1)]
    assert dict(results.facets["language"]) == {"dut": 2, "eng": 1}
    filtered = search_titles("boek", filters={"age_code": "A", "unknown": "x"})
    assert filtered.total == 2
    assert dict(filtered.facets["avi_level"]) == {"M4": 1, "E4": 1}
    assert search_titles("", filters={"language": "eng"}).total == 1


def test_limit_offset_and_total() -> None:
    for n in range(5):
        TitleFactory(title=f"Reeks deel {n}")
    page = search_titles("reeks", limit=2, offset=2)
    assert page.total == 5
    assert len(page.titles) == 2


def test_edits_update_index_and_bulk_create_indexes() -> None:
    title: Any = TitleFactory(title="Eerste naam")
    title.title = "Tweede naam"
    title.save()
    assert search_titles("eerste").total == 0
    assert search_titles("tweede").total == 1
    Title.objects.bulk_create([Title(title="Bulkboek drieën"), Title(title="Bulkboek twee")])
    assert search_titles("bulkboek drieen").total == 1
    Title.objects.filter(pk=title.pk).update(keywords="geheimwoord")
    title.refresh_from_db()
    reindex_title(title)
    assert search_titles("geheimwoord").total == 1
    title.delete()
    assert search_titles("tweede").total == 0


def test_reindex_command(capsys: Any) -> None:
    title = TitleFactory(title="Vergeten")
    Title.objects.filter(pk=title.pk).update(search_text="")
    assert search_titles("vergeten").total == 0
    call_command("reindex_catalogue")
    assert search_titles("vergeten").total == 1


def test_runs_on_the_configured_vendor_with_its_index() -> None:
    """The suite runs on the database DATABASE_URL names (SQLite without it), and that database has the full-text
    index search.py relies on: without it every search would take the slow fallback path without anyone noticing."""
    url = os.environ.get("DATABASE_URL", "")
    assert connection.vendor == ("postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'catalog_title_fts'")
        else:
            cursor.execute(
                "SELECT count(*) FROM information_schema.columns WHERE table_name = 'catalog_title' "
                "AND column_name = 'search_document' AND table_schema = current_schema()"
            )
        assert cursor.fetchone()[0] == 1


def test_whole_word_ranks_above_prefix() -> None:
    TitleFactory(title="Lotje zoekt haar kat")
    zoe = TitleFactory(title="Ik ben Zoë en dit is een langere titel over van alles")
    results = search_titles("zoe")
    assert results.total == 2
    assert results.titles[0].pk == zoe.pk


def test_short_words_match_whole_words_only_and_little_words_are_skipped() -> None:
    de = TitleFactory(title="De heks")
    dertien = TitleFactory(title="Dertien")
    assert ids(search_titles("de")) == {de.pk}
    assert ids(search_titles("der")) == {dertien.pk}
    assert ids(search_titles("de dertien")) == {dertien.pk}  # "de" is left out when there is more


def test_broad_queries_are_ordered_newest_first(monkeypatch: Any) -> None:
    from mediatheek.catalog import search

    monkeypatch.setattr(search, "RANK_LIMIT", 2)
    made = [TitleFactory(title=f"Heksenboek {n}") for n in range(4)]
    results = search_titles("heksen")
    assert results.total == 4
    assert [t.pk for t in results.titles] == [t.pk for t in reversed(made)]


def test_at_a_school_filters_facets_ranking_and_pages(school_a: Any, school_b: Any) -> None:
    best = TitleFactory(title="Heks", age_code="A", avi_level="M4")
    second = TitleFactory(title="Heksenketel en nog veel meer woorden in een lange titel", age_code="B", avi_level="")
    third = TitleFactory(
        title="Een heks", subtitle="met een hele lange ondertitel over van alles", age_code="A", avi_level=""
    )
    only_b = TitleFactory(title="Heks van Beta", age_code="A")
    for title in (best, second, third):
        CopyFactory(title=title, school=school_a)
    CopyFactory(title=only_b, school=school_b)
    results = search_titles("heks", school=school_a)
    assert results.total == 3
    assert results.titles[0].pk == best.pk
    assert dict(results.facets["age_code"]) == {"A": 2, "B": 1}
    assert dict(results.facets["avi_level"]) == {"M4": 1}
    page = search_titles("heks", school=school_a, limit=1, offset=1)
    assert page.total == 3 and len(page.titles) == 1 and page.titles[0].pk in {second.pk, third.pk}
    filtered = search_titles("heks", school=school_a, filters={"age_code": "A"})
    assert ids(filtered) == {best.pk, third.pk}
    assert ids(search_titles("heks", school=school_b)) == {only_b.pk}
