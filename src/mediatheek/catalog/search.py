"""Catalogue search, shared by the client and the portal.

Full text over title, subtitle, authors, series, subjects, keywords and ISBN, accent-insensitive, every word a
prefix (so results come while typing). The index is built over `Title.search_text` (folded in Python, see text.py):
SQLite uses an FTS5 table, PostgreSQL a generated tsvector column with a GIN index (see search_index.py). Each
school's holdings are inside the index too (FTS5 column `schools`, PostgreSQL school lexemes in `search_document`), kept
current by triggers on catalog_copy, so a search at a school is one intersection of the word lists with the school's
list in the index: broad words ("de", "voetbal") no longer walk every match in the region probing copies.
Facet filters are applied to that set, and all four facets come from the same rows.
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from mediatheek.catalog.models import GONE_STATUSES, HELD_STATUSES, Copy, Title
from mediatheek.catalog.text import query_words

if TYPE_CHECKING:
    from mediatheek.schools.models import School

FACET_FIELDS = ("age_code", "avi_level", "nur", "language")
# Copies that count as "held" by a school: not withdrawn (afgeschreven) and not lost (vermist). Defined once, in
# catalog/models.py (Copy.objects.held(), .on_shelf()); these names stay for the callers that import them.
GONE = GONE_STATUSES
HELD = HELD_STATUSES
MAX_WORDS = 12
# Nobody pages this far; beyond it there are no results anyway.
MAX_OFFSET = 1_000_000


@dataclass
class SearchResults:
    total: int
    titles: list[Title]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


# A word this short only matches as a whole word: "d" or "de" as a prefix would match most of the catalogue.
MIN_PREFIX = 3
# Little words are left out of the match when the query has other words (they are in most titles).
STOPWORDS = frozenset(["de", "het", "een", "en", "van", "der", "den", "in", "op", "te", "ter", "ten", "t", "of"])
# Above this many matches the order is newest first instead of relevance: ranking a large part of the catalogue
# costs more than it is worth while someone is still typing.
RANK_LIMIT = 5000
# The same at one school, on SQLite: above this many of the school's matches (a little word like "de" at a big
# school) the hits come newest first, without bm25 over every one of them. The count is one cheap index intersection.
SCHOOL_RANK_LIMIT = 2000


def _match_expression(words: list[str]) -> str:
    """Every word must match, as a whole word or as the start of one; a whole-word match ranks higher."""
    if connection.vendor == "postgresql":
        return " & ".join(f"({word} | {word}:*)" if len(word) >= MIN_PREFIX else word for word in words)
    # Column filter: the words are looked up in the text only, never among the school tokens of the same table.
    expression = " AND ".join(f'("{word}" OR "{word}"*)' if len(word) >= MIN_PREFIX else f'"{word}"' for word in words)
    return f"search_text : ({expression})"


def _exact_expression(words: list[str]) -> str:
    """PostgreSQL: any of the words as a whole word, ranked on its own so a whole word counts more than a prefix."""
    return " | ".join(words)


def _with_match(queryset: QuerySet[Title], words: list[str], *, ranked: bool) -> QuerySet[Title]:
    """Restrict to titles whose index matches every word (as a prefix); optionally order by relevance."""
    match = _match_expression(words)
    if connection.vendor == "postgresql":
        queryset = queryset.extra(
            where=["catalog_title.search_document @@ to_tsquery('simple'::regconfig, %s)"], params=[match]
        )
        if ranked:
            queryset = queryset.extra(
                select={
                    "search_rank": "ts_rank(catalog_title.search_vector, to_tsquery('simple'::regconfig, %s)) "
                    "+ ts_rank(catalog_title.search_vector, to_tsquery('simple'::regconfig, %s), 1)"
                },
                select_params=[_exact_expression(words), match],
                order_by=["-search_rank", "title", "id"],
            )
        return queryset
    if connection.vendor == "sqlite":
        queryset = queryset.extra(
            tables=["catalog_title_fts"],
            where=["catalog_title_fts.rowid = catalog_title.id", "catalog_title_fts MATCH %s"],
            params=[match],
        )
        if ranked:
            # FTS5's rank is bm25: smaller is better.
            queryset = queryset.extra(
                select={"search_rank": "catalog_title_fts.rank"}, order_by=["search_rank", "title", "id"]
            )
        return queryset
    # Any other database: a plain (slow) containment test on the folded text.
    condition = Q()
    for word in words:
        condition &= Q(search_text__startswith=word) | Q(search_text__contains=f" {word}")
    return queryset.filter(condition)


# {filters} becomes "AND t.<facet field> = %s" per filter: parameters only.
ONE_PASS_SQL = {
    "postgresql": (
        "SELECT t.id, ts_rank(t.search_vector, query.exact) + ts_rank(t.search_vector, query.q, 1), "
        "t.age_code, t.avi_level, t.nur, t.language "
        "FROM catalog_title t, "
        "(SELECT to_tsquery('simple'::regconfig, %s) AS exact, to_tsquery('simple'::regconfig, %s) AS q) AS query "
        "WHERE t.search_document @@ (query.q && %s::tsquery) {filters}"
    ),
    "sqlite": (
        "SELECT t.id, {rank}, t.age_code, t.avi_level, t.nur, t.language "
        "FROM catalog_title_fts f JOIN catalog_title t ON t.id = f.rowid "
        "WHERE catalog_title_fts MATCH %s {filters}"
    ),
}


def school_token(school: School, *, available_only: bool) -> str:
    """The index token for "held by" (s<id>) or "on the shelf at" (a<id>) this school (PostgreSQL: with "@")."""
    return f"{'a' if available_only else 's'}{school.pk}"


def _one_pass(
    words: list[str], school: School, filters: dict[str, str], *, available_only: bool
) -> list[tuple[int, float, str, str, str, str]]:
    """Every title matching the words that the school holds: (id, rank, age_code, avi_level, nur, language), from one
    query. The school is part of the index lookup itself (see search_index.py), so titles that only other schools
    hold are never read; the rank is computed for the school's hits only."""
    match = _match_expression(words)
    conditions = []
    params: list[Any] = []
    for key in FACET_FIELDS:
        if filters.get(key):
            conditions.append(f"AND t.{key} = %s")
            params.append(filters[key])
    head: list[Any]
    if connection.vendor == "postgresql":
        head = [_exact_expression(words), match, f"'@{school_token(school, available_only=available_only)}'"]
        sql = ONE_PASS_SQL["postgresql"]
    else:
        head = [f'{match} AND schools : "{school_token(school, available_only=available_only)}"']
        sql = ONE_PASS_SQL["sqlite"]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM catalog_title_fts WHERE catalog_title_fts MATCH %s", head)
            (count,) = cursor.fetchone()
            sql = sql.replace("{rank}", "f.rank" if count <= SCHOOL_RANK_LIMIT else "0")
        cursor.execute(sql.replace("{filters}", " ".join(conditions)), [*head, *params])
        return list(cursor.fetchall())


def held_by(school: School, *, available_only: bool = False) -> Exists:
    """Per title: does the school hold a copy (or have one on the shelf)? Probed per matching title."""
    copies = Copy.objects.filter(title=OuterRef("pk"), school=school)
    return Exists(copies.on_shelf() if available_only else copies.held())


def _held_title_ids(school: School, *, available_only: bool) -> QuerySet[Copy, Any]:
    """The titles a school holds, read from the copies index once (cheaper than a probe per title when there is
    no text match to start from)."""
    copies = Copy.objects.filter(school=school)
    return (copies.on_shelf() if available_only else copies.held()).values("title_id")


def search_titles(
    query: str,
    *,
    school: School | None = None,
    filters: dict[str, str] | None = None,
    available_only: bool = False,
    limit: int = 20,
    offset: int = 0,
) -> SearchResults:
    """Titles matching `query` (all titles, newest first, when it is empty).

    With a school: only titles that school holds a copy of (not withdrawn or lost); `available_only`: with a copy on
    the shelf there. `filters` keys: age_code, avi_level, nur, language (others are ignored).
    """
    words = query_words(query or "")[:MAX_WORDS]
    if any(word not in STOPWORDS for word in words):
        words = [word for word in words if word not in STOPWORDS]
    limit = max(0, min(limit, 200))
    # A page number from the URL becomes the offset: a huge one overflows the database's integer (a 500).
    offset = max(0, min(offset, MAX_OFFSET))
    if words and school is not None and connection.vendor in ("sqlite", "postgresql"):
        return _search_at_school(
            words, school, filters or {}, available_only=available_only, limit=limit, offset=offset
        )
    return _search_with_orm(words, school, filters or {}, available_only=available_only, limit=limit, offset=offset)


def _search_with_orm(
    words: list[str], school: School | None, filters: dict[str, str], *, available_only: bool, limit: int, offset: int
) -> SearchResults:
    """Every other search: no words, no school, or another database. Also the ORM twin of `_search_at_school`
    (the tests ask both the same question and compare)."""
    base: QuerySet[Title] = Title.objects.all()
    for key, value in filters.items():
        if key in FACET_FIELDS and value:
            base = base.filter(**{key: value})
    if school is not None and words:
        base = base.filter(held_by(school, available_only=available_only))
    elif school is not None:
        base = base.filter(pk__in=_held_title_ids(school, available_only=available_only))
    elif available_only:
        base = base.filter(Exists(Copy.objects.filter(title=OuterRef("pk")).on_shelf()))

    matching = _with_match(base, words, ranked=False) if words else base

    # One grouped query gives the total and all four facets.
    combos = matching.order_by().values_list(*FACET_FIELDS).annotate(n=Count("id"))
    counters: dict[str, Counter[str]] = {name: Counter() for name in FACET_FIELDS}
    total = 0
    for *values, n in combos:
        total += n
        for name, value in zip(FACET_FIELDS, values, strict=True):
            if value:
                counters[name][value] += n
    facets = {name: sorted(counter.items(), key=lambda item: (-item[1], item[0])) for name, counter in counters.items()}
    if not words:
        page_qs = base.order_by("-id")  # newest first: ids grow with time, and the primary key needs no sort
    elif total > RANK_LIMIT and connection.vendor == "sqlite":
        # Too many matches to rank while someone types: newest first, walking the index backwards (its rowid is the
        # title id) and stopping at the page, with no sort of all matches.
        page_qs = matching.extra(order_by=["-catalog_title_fts.rowid"])
    elif total > RANK_LIMIT:
        page_qs = matching.order_by("-id")
    else:
        page_qs = _with_match(base, words, ranked=True)
    titles = list(page_qs[offset : offset + limit]) if total and limit else []
    return SearchResults(total=total, titles=titles, facets=facets)


def _search_at_school(
    words: list[str], school: School, filters: dict[str, str], *, available_only: bool, limit: int, offset: int
) -> SearchResults:
    """The usual portal and client search: words, at one school. One pass gives total, facets and ranking."""
    rows = _one_pass(words, school, filters, available_only=available_only)
    # Facets: a Counter per column (C speed; a broad word at a big school gives a few thousand rows).
    columns = list(zip(*rows, strict=True)) if rows else [()] * (2 + len(FACET_FIELDS))
    facets: dict[str, list[tuple[str, int]]] = {}
    for name, values in zip(FACET_FIELDS, columns[2:], strict=True):
        counter: Counter[str] = Counter(values)
        counter.pop("", None)
        counter.pop(None, None)  # type: ignore[call-overload]
        facets[name] = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    # SQLite's bm25 rank: smaller is better; PostgreSQL's ts_rank: larger is better. Ties: newest first.
    # Only the rows up to the page are put in order (a partial sort), not all matches.
    sign = -1 if connection.vendor == "postgresql" else 1
    head = heapq.nsmallest(offset + limit, rows, key=lambda row: (sign * (row[1] or 0), -row[0]))
    page_ids = [row[0] for row in head[offset : offset + limit]]
    found = Title.objects.in_bulk(page_ids)
    return SearchResults(total=len(rows), titles=[found[pk] for pk in page_ids if pk in found], facets=facets)


def reindex_title(title: Title) -> None:
    """Bring one title's index entry up to date (saving a Title does this already; for code that used update())."""
    title.search_text = title.compute_search_text()
    Title.objects.filter(pk=title.pk).update(search_text=title.search_text)


def reindex_all(*, batch_size: int = 2000) -> int:
    """Recompute every title's search text and rebuild the index; returns the number of titles."""
    from mediatheek.catalog import search_index

    count = 0
    batch: list[Title] = []
    for title in Title.objects.order_by("pk").iterator(chunk_size=batch_size):
        text = title.compute_search_text()
        count += 1
        if text != title.search_text:
            title.search_text = text
            batch.append(title)
        if len(batch) >= batch_size:
            Title.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        Title.objects.bulk_update(batch, ["search_text"])
    search_index.install(connection, rebuild=True)
    return count
