"""Benchmark of the student import: figures and ratios measured in one run.

    .venv/bin/python bench/import_students.py [--rows 100000] [--naive-rows 10000]

Generates a 100,000-row and a 2,000-row xlsx, then measures on a temporary SQLite database (its own data dir,
./var is never touched) and, when DATABASE_URL is set, on a temporary PostgreSQL test database:

- the bare python-calamine read of the file (the floor);
- the full preview (read + plan, no writes) of both files;
- the apply of all rows into an empty school;
- the re-import of the same file (everything unchanged);
- a naive import that looks up and saves one student at a time through the ORM (the baseline most systems
  do), on the first --naive-rows rows, compared with the engine's apply of the same rows;
- peak memory (max RSS of the measuring process).

Targets: apply <= 4x the bare read; re-import <= 3x the bare read; >= 20x faster than naive; preview of the
2,000-row file < 0.3 s; peak memory < 400 MB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

FIRST = ["Sanne", "Daan", "Zoë", "Mohamed", "Fleur", "Noah", "Emma", "Lucas", "Julia", "Sem", "Anouk", "Mila"]
PREFIX = ["", "", "", "van", "de", "van den", "van der", "ter"]
LAST = ["Berg", "Jansen", "Vries", "Öztürk", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Peters"]
HEADER = ["Leerlingnummer", "Roepnaam", "Tussenvoegsel", "Achternaam", "Groep", "Jaargroep", "Geboortedatum", "BSN"]


def make_xlsx(path: Path, rows: int, seed: int = 7) -> None:
    import xlsxwriter

    rnd = random.Random(seed)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Leerlingen")
    date_format = workbook.add_format({"num_format": "dd-mm-yyyy"})
    sheet.write(0, 0, "Leerlingenlijst (benchmark)")
    sheet.write_row(2, 0, HEADER)
    for index in range(rows):
        year = rnd.randint(1, 8)
        born = dt.datetime(2025 - 5 - year, 1, 1) + dt.timedelta(days=rnd.randint(0, 364))
        r = index + 3
        sheet.write_string(r, 0, f"{index + 1:07d}")
        sheet.write_string(r, 1, rnd.choice(FIRST))
        sheet.write_string(r, 2, rnd.choice(PREFIX))
        sheet.write_string(r, 3, rnd.choice(LAST))
        sheet.write_string(r, 4, f"Groep {year}{'ABCDEFGHIJ'[rnd.randint(0, 9)]}-{index % 40}")
        sheet.write_number(r, 5, year)
        sheet.write_datetime(r, 6, born, date_format)
        sheet.write_string(r, 7, f"{rnd.randint(100000000, 999999999)}")
    workbook.close()


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children: the import reads the file in a forked child (the
    parser sandbox), whose work must count too."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed(label: str, results: dict[str, Any], func: Any, repeat: int = 1) -> Any:
    """Run `func` (best of `repeat`); record wall-clock and CPU time of this process (the CPU time is what stays
    fair on a shared machine; it leaves out a database server's own work, so on PostgreSQL read the wall time)."""
    best_wall = best_cpu = None
    value = None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), cpu_seconds()
        value = func()
        wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
        best_wall = wall if best_wall is None else min(best_wall, wall)
        best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
    results[label] = best_wall
    results[f"cpu_{label}"] = best_cpu
    results[f"rss_after_{label}"] = rss_mb()
    print(
        f"  {label:<34} {best_wall:8.3f} s wall {best_cpu:8.3f} s CPU   (max RSS so far {rss_mb():6.0f} MB)",
        flush=True,
    )
    return value


def child(big: Path, small: Path, naive_rows: int, backend: str) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediatheek.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    if backend == "postgresql":
        # A database of its own (never the one DATABASE_URL names, nor a test run's): created and dropped here.
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"mediatheek_bench_{os.getpid()}"
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    else:
        call_command("migrate", verbosity=0)

    import python_calamine

    from mediatheek.patrons.models import Group, Patron
    from mediatheek.patrons.services import allocate_card_numbers
    from mediatheek.schools.models import Library, School
    from mediatheek.studentimport import services

    results: dict[str, Any] = {"backend": connection.vendor}
    library = Library.get_default()

    def school(code: str) -> School:
        return School.objects.create(library=library, code=code, name=f"Bench {code}", slug=f"bench-{code.lower()}")

    big_data, small_data = big.read_bytes(), small.read_bytes()

    def bare_read(data: bytes) -> int:
        import io

        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        return len(workbook.get_sheet_by_index(0).to_python())

    def rows_in(data: bytes) -> int:
        return bare_read(data) - 3

    print(f"[{connection.vendor}]", flush=True)
    timed("bare_read_100k", results, lambda: bare_read(big_data), repeat=3)
    timed("bare_read_2k", results, lambda: bare_read(small_data), repeat=3)

    a, b, c, d = school("90AA00"), school("90BB00"), school("90CC00"), school("90DD00")
    timed(
        "preview_2k_empty_school",
        results,
        lambda: services.preview_import(school=b, data=small_data, filename="small.xlsx"),
        repeat=3,
    )
    services.apply_import(school=b, data=small_data, filename="small.xlsx", by=None)
    timed(
        "preview_2k_existing_students",
        results,
        lambda: services.preview_import(school=b, data=small_data, filename="small.xlsx"),
        repeat=3,
    )
    preview = timed(
        "preview_100k_empty_school", results, lambda: services.preview_import(school=a, data=big_data, filename="big")
    )
    assert preview.counts["new"] == rows_in(big_data), preview.counts
    del preview
    run = timed(
        "apply_100k_empty_school",
        results,
        lambda: services.apply_import(school=a, data=big_data, filename="big.xlsx", by=None),
    )
    results["apply_counts"] = run.counts
    again = timed(
        "reimport_100k_unchanged",
        results,
        lambda: services.apply_import(school=a, data=big_data, filename="big.xlsx", by=None),
    )
    results["reimport_counts"] = again.counts
    assert again.counts["unchanged"] == run.counts["new"], again.counts

    # The naive baseline: one student at a time through the ORM (read with calamine, then look up and save).
    def naive() -> int:
        import io

        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(big_data))
        rows = workbook.get_sheet_by_index(0).to_python()[3 : 3 + naive_rows]
        year = 2025
        with transaction.atomic():
            for number, first, prefix, last, group_name, level, born, _bsn in rows:
                patron = Patron.objects.filter(school=c, student_number=str(number)).first()
                group, _created = Group.objects.get_or_create(
                    school=c, school_year=year, name=group_name, defaults={"year_level": int(level)}
                )
                if patron is None:
                    patron = Patron(school=c, student_number=str(number), card_number=allocate_card_numbers(1)[0])
                patron.first_name, patron.name_prefix, patron.last_name = first, prefix, last
                patron.group, patron.year_level, patron.birth_date = group, int(level), born
                patron.save()
        return len(rows)

    timed(f"naive_{naive_rows}_rows", results, naive)
    subset = small_subset(big, naive_rows)
    timed(
        f"engine_apply_{naive_rows}_rows",
        results,
        lambda: services.apply_import(school=d, data=subset, filename="subset.xlsx", by=None),
    )
    results["peak_rss_mb"] = rss_mb()
    if backend == "postgresql":
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
    return results


def small_subset(big: Path, rows: int) -> bytes:
    """The first `rows` students of the big file, as an xlsx of their own (same content as the naive run)."""
    import io

    import python_calamine
    import xlsxwriter

    data = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(big.read_bytes()))
    table = data.get_sheet_by_index(0).to_python()
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    date_format = workbook.add_format({"num_format": "dd-mm-yyyy"})
    for r, row in enumerate(table[2 : 3 + rows]):
        for col, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, col, dt.datetime.combine(value, dt.time()), date_format)
            else:
                sheet.write(r, col, value)
    workbook.close()
    return buffer.getvalue()


def report(results: dict[str, Any], rows: int, naive_rows: int) -> None:
    print(f"\n== {results['backend']}: {rows:,} rows (wall-clock s / CPU s of the measuring process) ==")

    def line(label: str, key: str, target: str = "", floor_key: str = "bare_read_100k") -> None:
        wall, cpu = results[key], results[f"cpu_{key}"]
        ratio = ""
        if floor_key != key and floor_key:
            ratio = f" = {wall / results[floor_key]:5.2f}x / {cpu / results['cpu_' + floor_key]:5.2f}x the read"
        print(f"  {label:<34} {wall:8.3f} / {cpu:7.3f}{ratio}   {target}")

    line("bare calamine read (the floor)", "bare_read_100k", floor_key="")
    line("preview, all rows (read + plan)", "preview_100k_empty_school")
    line("apply into an empty school", "apply_100k_empty_school", "(target <= 4x)")
    line("re-import, all unchanged", "reimport_100k_unchanged", "(target <= 3x)")
    naive, engine = results[f"naive_{naive_rows}_rows"], results[f"engine_apply_{naive_rows}_rows"]
    naive_cpu, engine_cpu = results[f"cpu_naive_{naive_rows}_rows"], results[f"cpu_engine_apply_{naive_rows}_rows"]
    print(
        f"  naive one-at-a-time, {naive_rows:,} rows {naive:8.3f} / {naive_cpu:7.3f}   engine on the same rows "
        f"{engine:.3f} / {engine_cpu:.3f} = {naive / engine:5.1f}x / {naive_cpu / engine_cpu:5.1f}x faster "
        "(target >= 20x)"
    )
    naive_full = naive * rows / naive_rows
    apply_ = results["apply_100k_empty_school"]
    print(
        f"  naive extrapolated to {rows:,} rows {naive_full:8.1f} s wall vs the engine's apply {apply_:.3f} s"
        f" = {naive_full / apply_:5.1f}x faster"
    )
    print(
        f"  preview of 2,000 rows              {results['preview_2k_existing_students']:8.3f} s wall with 2,000"
        f" students present, {results['preview_2k_empty_school']:.3f} s into an empty school   (target < 0.3 s)"
    )
    print(f"  peak memory (max RSS)              {results['peak_rss_mb']:8.0f} MB   (target < 400 MB)")
    print(f"  load average at the end            {os.getloadavg()[0]:8.1f} on {os.cpu_count()} CPUs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--naive-rows", type=int, default=10_000)
    parser.add_argument("--child", nargs=3, metavar=("BIG", "SMALL", "BACKEND"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        big, small, backend = args.child
        results = child(Path(big), Path(small), args.naive_rows, backend)
        print("RESULTS " + json.dumps(results, default=str), flush=True)
        return

    with tempfile.TemporaryDirectory(prefix="mediatheek-bench-") as tmp:
        folder = Path(tmp)
        big, small = folder / "big.xlsx", folder / "small.xlsx"
        start = time.perf_counter()
        make_xlsx(big, args.rows)
        make_xlsx(small, 2_000, seed=11)
        print(
            f"generated {args.rows:,}-row xlsx ({big.stat().st_size / 1e6:.1f} MB) and 2,000-row xlsx "
            f"in {time.perf_counter() - start:.1f} s",
            flush=True,
        )
        runs = [("sqlite", {k: v for k, v in os.environ.items() if k != "DATABASE_URL"})]
        if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
            runs.append(("postgresql", dict(os.environ)))
        for backend, env in runs:
            data_dir = folder / f"data-{backend}"
            data_dir.mkdir()
            env["MEDIATHEEK_DATA_DIR"] = str(data_dir)
            env["DJANGO_SETTINGS_MODULE"] = "mediatheek.settings"
            command = [sys.executable, __file__, "--rows", str(args.rows), "--naive-rows", str(args.naive_rows)]
            command += ["--child", str(big), str(small), backend]
            process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
            assert process.stdout is not None
            found = ""
            for line in process.stdout:
                if line.startswith("RESULTS "):
                    found = line[len("RESULTS ") :]
                else:
                    sys.stdout.write(line)
                    sys.stdout.flush()
            if process.wait() != 0 or not found:
                raise SystemExit(f"{backend} run failed")
            report(json.loads(found), args.rows, args.naive_rows)


if __name__ == "__main__":
    main()
