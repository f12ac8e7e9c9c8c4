"""Portal search benchmark: a regional catalogue, and portal search requests against it.

Generates a regional catalogue — 200,000 titles and 1,000,000 copies over 100 schools, a fifth of the copies lent
(with their open loans) — in a temporary SQLite database, or in a temporary PostgreSQL database when DATABASE_URL is
set (a database `<name>_bench_<pid>` is created next to the one DATABASE_URL names and dropped afterwards). Rows are
written with executemany (COPY on PostgreSQL) in large batches; the full-text index (words and holdings) is built
once after the copies.

Then it measures, for a set of realistic pupil queries with and without facets, on the portal of one school:
  request   GET /<slug>/zoeken?q=... through Django's test client (middleware, session, search, availability,
            template: everything but the socket)
  search    mediatheek.catalog.search.search_titles() + availability() alone
  floor     the bare database full-text query for the same words (FTS5 MATCH / tsvector @@), first 20 by rank,
            over the whole region
  at school the same bare query restricted to the school's holdings inside the index (FTS5 `schools:s<id>` /
            `search_document @@ (words && '@s<id>')`), first 20 by rank: what a search at one school costs at the least
and prints p50/p95 per kind and the ratios request/floor.

    .venv/bin/python bench/search.py [--titles 200000] [--copies 1000000] [--schools 100] [--repeat 15]

Target (issue 5): request p95 < 50 ms on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

FIRST = [
    "Paul",
    "Annie",
    "Thea",
    "Francine",
    "Jacques",
    "Tonke",
    "Carry",
    "Guus",
    "Harmen",
    "Anna",
    "Max",
    "Tosca",
    "Marc",
    "Bies",
    "Jozua",
    "Simon",
    "Mirjam",
    "Sjoerd",
]
LAST = [
    "van Loon",
    "Schmidt",
    "Beckman",
    "Oldenhave",
    "Vriens",
    "Dragt",
    "Slee",
    "Kuijer",
    "van Straaten",
    "Woltz",
    "Velthuijs",
    "Menten",
    "de Bel",
    "van Gestel",
    "Douwes",
    "van der Heijden",
    "Oud",
    "Kuyper",
    "Donaldson",
    "Rowling",
]
ADJECTIVES = [
    "geheime",
    "verborgen",
    "vrolijke",
    "gevaarlijke",
    "magische",
    "verloren",
    "dappere",
    "kleine",
    "grote",
    "gouden",
    "zilveren",
    "donkere",
    "wilde",
    "stille",
    "snelle",
    "rare",
    "slimme",
    "gekke",
    "spannende",
    "koude",
]
NOUNS = [
    "draak",
    "heks",
    "ridder",
    "piraat",
    "weerwolf",
    "vampier",
    "kasteel",
    "school",
    "voetbal",
    "paard",
    "dino",
    "robot",
    "spion",
    "detective",
    "prinses",
    "vriend",
    "jungle",
    "zee",
    "eiland",
    "tijdmachine",
    "circus",
    "bos",
    "berg",
    "brief",
    "schat",
    "kat",
    "hond",
    "kikker",
    "muis",
    "beer",
    "wolf",
    "uil",
]
PLACES = [
    "in de nacht",
    "op zolder",
    "in het bos",
    "op school",
    "aan zee",
    "in de stad",
    "op de boerderij",
    "in de ruimte",
]
SUBJECTS = [
    "vriendschap",
    "avontuur",
    "dieren",
    "sport",
    "humor",
    "griezelen",
    "sprookjes",
    "geschiedenis",
    "oorlog",
    "natuur",
    "techniek",
    "ruimtevaart",
    "familie",
    "pesten",
    "liefde",
    "detectives",
    "paarden",
    "dinosaurussen",
    "voetbal",
    "muziek",
]
SERIES = [f"{adjective.capitalize()} {noun}" for adjective in ADJECTIVES[:10] for noun in NOUNS[:20]] + [
    "Dolfje Weerwolfje",
    "Dummie de mummie",
    "Kikker",
    "Harry Potter",
    "De Gorgels",
]
AGE_CODES = ["AP", "AK", "E", "A", "A", "B", "B", "B", "C", "D", "AJ", "J", "J"]
AVI = ["AVI-Start", "M3", "E3", "M4", "E4", "M5", "E5", "M6", "E6", "M7", "E7", "AVI-Plus", "", "", ""]
NUR = ["273", "277", "281", "282", "282", "283", "283", "283", "284", "285", "287", "290", "290"]
LANGUAGES = ["dut"] * 17 + ["eng", "eng", "fry"]

QUERIES: list[tuple[str, dict[str, str]]] = [
    ("dolfje", {}),
    ("weerwolf", {}),
    ("draak", {}),
    ("paul van loon", {}),
    ("geheime schat", {}),
    ("voetbal", {}),
    ("dino", {}),
    ("kikker", {}),
    ("heks", {}),
    ("schmidt", {}),
    ("de", {}),
    ("draak", {"avi": "E5"}),
    ("voetbal", {"leeftijd": "B", "aanwezig": "1"}),
    ("paard", {"taal": "dut", "genre": "283"}),
    ("weerwolf", {"aanwezig": "1"}),
    ("geheime", {"avi": "M4", "leeftijd": "A"}),
]


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def prepare_database() -> tuple[str, Any]:
    """Point Django at a fresh temporary database; returns (label, cleanup)."""
    url = os.environ.get("DATABASE_URL", "")
    data_dir = tempfile.mkdtemp(prefix="mediatheek-bench-search-")
    os.environ["MEDIATHEEK_DATA_DIR"] = data_dir
    if not url.startswith("postgres"):
        os.environ.pop("DATABASE_URL", None)

        def remove() -> None:
            from django.db import connections

            connections.close_all()
            shutil.rmtree(data_dir, ignore_errors=True)

        return "SQLite", remove
    import psycopg

    parts = urlsplit(url)
    bench_name = f"{parts.path.lstrip('/') or 'mediatheek'}_bench_{os.getpid()}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{bench_name}"')
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{bench_name}"))

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{bench_name}"')
        shutil.rmtree(data_dir, ignore_errors=True)

    return "PostgreSQL", drop


def row_template(model: Any, sample: Any, varying: list[str]) -> tuple[list[str], list[Any], list[int]]:
    """Column names, the values of one sample row (db-prepared), and the indexes of the varying columns."""
    from django.db import connection

    columns, values, positions = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        values.append(field.get_db_prep_save(getattr(sample, field.attname), connection))
    for name in varying:
        positions.append(columns.index(model._meta.get_field(name).column))
    return columns, values, positions


def insert_rows(model: Any, columns: list[str], rows: list[list[Any]]) -> None:
    from django.db import connection

    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        # COPY is PostgreSQL's bulk path: several times faster than executemany.
        copy_sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


@contextlib.contextmanager
def indexes_dropped(table: str) -> Iterator[None]:
    """Drop a table's secondary indexes while it is filled, and build them once afterwards (much faster)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                [table],
            )
        else:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                [table],
            )
        indexes = cursor.fetchall()
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for _name, sql in indexes:
            cursor.execute(sql)


def generate(titles: int, copies: int, schools: int, seed: int = 5) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.utils import timezone

    from mediatheek.catalog import search_index
    from mediatheek.catalog.models import Copy, Title
    from mediatheek.catalog.text import search_text
    from mediatheek.circulation.models import Loan
    from mediatheek.schools.models import Library, School

    rng = random.Random(seed)
    started = time.perf_counter()
    library = Library.objects.create(name="Regiobibliotheek")
    School.objects.bulk_create(
        School(library=library, code=f"{10 + n % 90:02d}R{chr(65 + n // 90)}00", name=f"School {n}", slug=f"s{n}")
        for n in range(schools)
    )
    school_ids = list(School.objects.order_by("pk").values_list("pk", flat=True))
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
    search_index.uninstall(connection)  # fill first, index once

    now = timezone.now()
    sample = Title(title="x", created_at=now, updated_at=now)
    columns, base, (p_title, p_authors, p_sort, p_isbn, p_series, p_number, p_year, p_lang, p_avi, p_age, p_nur,
                    p_subjects, p_summary, p_search, p_created) = row_template(
        Title,
        sample,
        ["title", "authors", "author_sort", "isbn", "series", "series_number", "year", "language", "avi_level",
         "age_code", "nur", "subjects", "summary", "search_text", "created_at"],
    )  # fmt: skip
    batch: list[list[Any]] = []
    with indexes_dropped(Title._meta.db_table), transaction.atomic():
        for n in range(titles):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            words = f"{rng.choice(['De', 'Het', 'Een'])} {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
            name = f"{words} {rng.choice(PLACES)}" if rng.random() < 0.4 else words
            series = rng.choice(SERIES) if rng.random() < 0.35 else ""
            number = str(rng.randint(1, 20)) if series else ""
            subjects = "; ".join(rng.sample(SUBJECTS, 2))
            isbn = f"978{n:09d}0"
            row = list(base)
            row[p_title] = name
            row[p_authors] = f"{first} {last}"
            row[p_sort] = f"{last}, {first}"
            row[p_isbn] = isbn
            row[p_series], row[p_number] = series, number
            row[p_year] = rng.randint(1980, 2026)
            row[p_lang] = rng.choice(LANGUAGES)
            row[p_avi], row[p_age], row[p_nur] = rng.choice(AVI), rng.choice(AGE_CODES), rng.choice(NUR)
            row[p_subjects] = subjects
            row[p_summary] = f"{name}. Een verhaal over {subjects}."
            row[p_search] = search_text(
                title=name,
                authors=f"{first} {last}",
                author_sort=f"{last}, {first}",
                series=series,
                subjects=subjects,
                isbn=isbn,
            )
            batch.append(row)
            if len(batch) == 10_000:
                insert_rows(Title, columns, batch)
                batch = []
        if batch:
            insert_rows(Title, columns, batch)
    title_done = time.perf_counter()

    title_ids = list(Title.objects.order_by("pk").values_list("pk", flat=True))
    # Popular titles are in many schools: a skewed pick (about a fifth of the titles hold most copies).
    copy_sample = Copy(title_id=0, school_id=0, barcode="", created_at=now)
    c_columns, c_base, (c_title, c_school, c_barcode, c_status, c_created) = row_template(
        Copy, copy_sample, ["title", "school", "barcode", "status", "created_at"]
    )
    statuses = ["available"] * 75 + ["lent"] * 20 + ["lost"] * 2 + ["withdrawn"] * 3
    lent_rows: list[tuple[int, int]] = []  # (barcode number, school)
    moments = [connection.ops.adapt_datetimefield_value(now - dt.timedelta(days=day)) for day in range(3001)]
    batch = []
    with indexes_dropped(Copy._meta.db_table), transaction.atomic():
        for n in range(copies):
            index = int(len(title_ids) * (rng.random() ** 2.2))
            row = list(c_base)
            row[c_title] = title_ids[index]
            row[c_school] = rng.choice(school_ids)
            row[c_barcode] = f"B{n:09d}"
            row[c_status] = rng.choice(statuses)
            row[c_created] = moments[rng.randint(0, 3000)]
            if row[c_status] == "lent":
                lent_rows.append((n, row[c_school]))
            batch.append(row)
            if len(batch) == 20_000:
                insert_rows(Copy, c_columns, batch)
                batch = []
        if batch:
            insert_rows(Copy, c_columns, batch)
    copies_done = time.perf_counter()
    # The index (words and each title's holding schools) is built once, after the copies: its triggers on
    # catalog_copy would otherwise refresh a title per inserted copy.
    search_index.install(connection, rebuild=True)
    index_done = time.perf_counter()

    barcode_to_id = dict(Copy.objects.filter(status="lent").values_list("barcode", "pk"))
    loan_sample = Loan(school_id=0, copy_id=0, checked_out_at=now, due_date=now.date())
    l_columns, l_base, (l_school, l_copy, l_out, l_due) = row_template(
        Loan, loan_sample, ["school", "copy", "checked_out_at", "due_date"]
    )
    batch = []
    with indexes_dropped(Loan._meta.db_table), transaction.atomic():
        for n, school_id in lent_rows:
            row = list(l_base)
            row[l_school], row[l_copy] = school_id, barcode_to_id[f"B{n:09d}"]
            out = now - dt.timedelta(days=rng.randint(0, 40))
            row[l_out] = connection.ops.adapt_datetimefield_value(out)
            row[l_due] = connection.ops.adapt_datefield_value((out + dt.timedelta(days=21)).date())
            batch.append(row)
            if len(batch) == 20_000:
                insert_rows(Loan, l_columns, batch)
                batch = []
        if batch:
            insert_rows(Loan, l_columns, batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    finished = time.perf_counter()
    return {
        "titles": titles,
        "copies": copies,
        "loans": len(lent_rows),
        "schools": schools,
        "seconds": {
            "titles": title_done - started,
            "copies": copies_done - title_done,
            "index": index_done - copies_done,
            "loans+analyze": finished - index_done,
            "total": finished - started,
        },
    }


def floor_query(words: list[str]) -> tuple[str, list[Any]]:
    from django.db import connection

    from mediatheek.catalog.search import _match_expression

    match = _match_expression(words)
    if connection.vendor == "postgresql":
        return (
            "SELECT id FROM catalog_title WHERE search_document @@ to_tsquery('simple'::regconfig, %s) "
            "ORDER BY ts_rank(search_vector, to_tsquery('simple'::regconfig, %s)) DESC LIMIT 20",
            [match, match],
        )
    return "SELECT rowid FROM catalog_title_fts WHERE catalog_title_fts MATCH %s ORDER BY rank LIMIT 20", [match]


def school_floor_query(words: list[str], school: Any, *, available_only: bool) -> tuple[str, list[Any]]:
    from django.db import connection

    from mediatheek.catalog.search import _match_expression, school_token

    match = _match_expression(words)
    token = school_token(school, available_only=available_only)
    if connection.vendor == "postgresql":
        return (
            "SELECT id FROM catalog_title "
            "WHERE search_document @@ (to_tsquery('simple'::regconfig, %s) && %s::tsquery) "
            "ORDER BY ts_rank(search_vector, to_tsquery('simple'::regconfig, %s)) DESC LIMIT 20",
            [match, f"'@{token}'", match],
        )
    return (
        "SELECT rowid FROM catalog_title_fts WHERE catalog_title_fts MATCH %s ORDER BY rank LIMIT 20",
        [f'{match} AND schools : "{token}"'],
    )


def measure(repeat: int) -> dict[str, dict[str, list[float]]]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from mediatheek.catalog import search
    from mediatheek.catalog.portal_queries import FACET_PARAMS
    from mediatheek.catalog.text import query_words
    from mediatheek.circulation.availability import availability
    from mediatheek.schools.models import School

    settings.DEBUG = False
    # The school holding the most copies is the usual case of a big school; s0 is as good as any.
    school = School.objects.order_by("pk").first()
    assert school is not None
    client = Client()
    reverse_params = {param: key for key, param in FACET_PARAMS.items()}
    times: dict[str, dict[str, list[float]]] = {
        kind: {"plain": [], "facets": []} for kind in ("request", "search", "floor", "school")
    }
    per_query: list[tuple[str, int, float, float, float]] = []
    for query, facets in QUERIES:
        kind = "facets" if facets else "plain"
        params = {"q": query, **facets}
        url = f"/{school.slug}/zoeken?{urlencode(params)}"
        response = client.get(url)  # warm
        assert response.status_code == 200, (url, response.status_code)
        filters = {reverse_params[k]: v for k, v in facets.items() if k in reverse_params}
        available_only = facets.get("aanwezig") == "1"
        sql, sql_params = floor_query(query_words(query))
        school_sql, school_params = school_floor_query(query_words(query), school, available_only=available_only)
        marks = {kind_: len(times[kind_][kind]) for kind_ in times}
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url)
            times["request"][kind].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            results = search.search_titles(query, school=school, filters=filters, available_only=available_only)
            availability(results.titles, school)
            times["search"][kind].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(sql, sql_params)
                cursor.fetchall()
            times["floor"][kind].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(school_sql, school_params)
                cursor.fetchall()
            times["school"][kind].append((time.perf_counter() - started) * 1000)
        medians = [
            statistics.median(times[kind_][kind][marks[kind_] :]) for kind_ in ("request", "search", "floor", "school")
        ]
        per_query.append((urlencode(params), results.total, *medians))
    print(f"\n{'query':<44}{'hits':>8}{'request':>9}{'search':>8}{'floor':>8}{'school':>8}   (medians, ms)")
    for name, hits, request, searched, floor, at_school in per_query:
        print(f"{name:<44}{hits:>8}{request:9.1f}{searched:8.1f}{floor:8.1f}{at_school:8.1f}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--titles", type=int, default=200_000)
    parser.add_argument("--copies", type=int, default=1_000_000)
    parser.add_argument("--schools", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the generated database (its path is printed)")
    args = parser.parse_args()

    label, cleanup = prepare_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediatheek.settings")
    os.environ.setdefault("AXES_ENABLED", "false")
    import django

    django.setup()
    from django.core.management import call_command

    try:
        call_command("migrate", verbosity=0)
        info = generate(args.titles, args.copies, args.schools)
        seconds = info["seconds"]
        print(
            f"{label}: generated {info['titles']:,} titles, {info['copies']:,} copies, {info['loans']:,} open loans "
            f"over {info['schools']} schools in {seconds['total']:.1f} s "
            f"(titles {seconds['titles']:.1f}, copies {seconds['copies']:.1f}, index {seconds['index']:.1f}, "
            f"loans+analyze {seconds['loans+analyze']:.1f})"
        )
        reference = []
        for _ in range(5):
            started = time.perf_counter()
            sum(range(2_000_000))
            reference.append((time.perf_counter() - started) * 1000)
        print(
            f"CPU reference: sum(range(2,000,000)) takes {statistics.median(reference):.1f} ms in this run "
            "(compare runs with it: on a busy machine it and every figure below grow together)"
        )
        times = measure(args.repeat)
        print(f"\n{len(QUERIES)} queries × {args.repeat} runs on one school's portal (ms)")
        print(f"{'':28}{'p50':>8}{'p95':>8}{'max':>8}")
        for kind, label_text in (
            ("request", "portal request"),
            ("search", "search_titles+availability"),
            ("floor", "bare full-text query"),
            ("school", "bare query at the school"),
        ):
            for subset in ("plain", "facets", "all"):
                samples = times[kind]["plain"] + times[kind]["facets"] if subset == "all" else times[kind][subset]
                name = f"{label_text} ({subset})"
                print(f"{name:<40}{statistics.median(samples):8.1f}{percentile(samples, 0.95):8.1f}{max(samples):8.1f}")
        request = times["request"]["plain"] + times["request"]["facets"]
        floor = times["floor"]["plain"] + times["floor"]["facets"]
        at_school = times["school"]["plain"] + times["school"]["facets"]
        p95 = percentile(request, 0.95)
        print(
            f"\nrequest p50 / floor p50 = {statistics.median(request) / statistics.median(floor):.1f}×; "
            f"request p50 / at-school p50 = {statistics.median(request) / statistics.median(at_school):.1f}×; "
            f"request p95 {p95:.1f} ms: {'within' if p95 < 50 else 'OVER'} the 50 ms target"
        )
    finally:
        if args.keep:
            from django.db import connection

            print(f"kept: {connection.settings_dict['NAME']}")
        else:
            cleanup()


if __name__ == "__main__":
    main()
