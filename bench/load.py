"""Load and faults against a real gunicorn server: figures measured in one run.

    .venv/bin/python bench/load.py [--workers 4] [--searches 400] [--pupils 30] [--copies 60]

Builds a throw-away installation (its own data folder; SQLite there, or a fresh PostgreSQL database next to the
one DATABASE_URL names, dropped afterwards), seeds the demo plus a load school, starts gunicorn and runs:

1. portal search: --searches requests from 8 parallel clients over a mix of queries;
2. --pupils parallel pupil logins on the portal from ONE IP (a class at the school's IP): all must get in;
3. two desks lending the same --copies copies at the same moment (each to its own borrower, same order, so
   they collide on every copy): each copy must end with exactly one open loan; the other desk is refused
   ("staat nog uitgeleend") — an expected refusal, not an error.

Reports latencies (median, p95, max) per phase and the errors: anything that is not the expected answer (a 5xx,
a dropped connection, a pupil refused, a double loan) counts as unexpected. Exit status 1 when there is one.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PASSWORD = "laad-test-wachtwoord-2026"  # noqa: S105 - a throw-away installation
QUERIES = [
    "dolfje",
    "geheim",
    "dieren",
    "paul van loon",
    "kikker",
    "voetbal",
    "heks",
    "dino",
    "a",
    "de",
    "ridder",
    "zzzz",
]


# --- preparing the installation (runs in a child process with the installation's environment) -----------------


def prepare(pupils: int, copies: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command

    from mediatheek.accounts.models import Role
    from mediatheek.accounts.services import create_account
    from mediatheek.catalog.models import Copy, Title
    from mediatheek.circulation.models import LoanRule
    from mediatheek.patrons.models import Group, Patron
    from mediatheek.patrons.services import allocate_card_numbers
    from mediatheek.schools.models import Library, School

    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", verbosity=0)
    school = School.objects.create(library=Library.get_default(), code="77LL00", name="Laadschool", slug="laad")
    LoanRule.objects.create(school=school, loan_days=21, max_loans=1000, max_renewals=5)
    group = Group.objects.create(school=school, school_year=2026, name="Groep 6L", year_level=6)
    numbers = allocate_card_numbers(pupils + 2)
    logins = []
    for n in range(pupils):
        patron = Patron.objects.create(
            school=school,
            card_number=numbers[n],
            student_number=f"L{n}",
            first_name="Kind",
            last_name=f"Laad{n}",
            group=group,
        )
        user, _generated = create_account(role=Role.PATRON, login=patron.card_number, school=school, password=PASSWORD)
        user.patron = patron
        user.save(update_fields=["patron"])
        logins.append(patron.card_number)
    borrowers = [
        Patron.objects.create(school=school, kind="teacher", card_number=numbers[pupils + n], last_name=f"Balie{n}")
        for n in range(2)
    ]
    desks = []
    for n in range(2):
        create_account(role=Role.VOLUNTEER, login=f"balie{n}", school=school, password=PASSWORD)
        desks.append(f"balie{n}")
    titles = list(Title.objects.order_by("pk")[:copies])
    barcodes = [f"L{n:06d}" for n in range(len(titles))]
    Copy.objects.bulk_create([Copy(title=t, school=school, barcode=b) for t, b in zip(titles, barcodes, strict=True)])
    search_slug = School.objects.exclude(pk=school.pk).order_by("name").first().slug  # type: ignore[union-attr]
    return {
        "slug": school.slug,
        "search_slug": search_slug,
        "logins": logins,
        "desks": desks,
        "borrowers": [b.pk for b in borrowers],
        "barcodes": barcodes,
        "titles": Title.objects.count(),
    }


def verify(barcodes: list[str]) -> dict[str, Any]:
    import django

    django.setup()
    from django.db.models import Count

    from mediatheek.circulation.models import Loan

    open_loans = Loan.objects.filter(copy__barcode__in=barcodes, returned_at__isnull=True)
    per_copy = open_loans.values("copy_id").annotate(n=Count("id"))
    return {
        "open_loans": open_loans.count(),
        "copies_with_two_open_loans": sum(1 for row in per_copy if row["n"] > 1),
        "copies_lent": per_copy.count(),
    }


# --- HTTP --------------------------------------------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Browser:
    """One person's browser: its own cookies, no automatic redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect)

    def request(
        self, path: str, data: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, str, float]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})  # noqa: S310
        if data is not None:
            request.add_header("Referer", self.base + path)
            token = self.csrf()
            if token:
                request.add_header("X-CSRFToken", token)
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=60) as response:
                text = response.read().decode("utf-8", "replace")
                status = response.status
        except urllib.error.HTTPError as error:
            text = error.read().decode("utf-8", "replace")
            status = error.code
        return status, text, time.perf_counter() - started

    def csrf(self) -> str:
        return next((c.value for c in self.cookies if c.name == "csrftoken"), "") or ""

    def login(self, path: str, username: str, password: str) -> tuple[int, float]:
        status, page, first = self.request(path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        token = match.group(1) if match else self.csrf()
        status, _text, second = self.request(
            path, {"csrfmiddlewaretoken": token, "username": username, "password": password}
        )
        return status, first + second


def percentiles(times: list[float]) -> str:
    if not times:
        return "-"
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"median {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms"
    )


# --- the run -----------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def child(env: dict[str, str], mode: str, payload: dict[str, Any]) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, __file__, f"--{mode}", json.dumps(payload)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def postgres_database(url: str) -> tuple[str, Any]:
    """A fresh database next to the one in `url`; returns its URL and a function that drops it."""
    import psycopg

    parsed = urllib.parse.urlparse(url)
    name = f"{parsed.path.lstrip('/') or 'mediatheek'}_load_{secrets.token_hex(3)}"
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return parsed._replace(path=f"/{name}").geturl(), drop


def run(args: argparse.Namespace) -> int:
    data_dir = Path(tempfile.mkdtemp(prefix="mediatheek-load-"))
    (data_dir / "static").mkdir()
    env = {key: value for key, value in os.environ.items() if key not in ("DEBUG",)}
    env.update(
        MEDIATHEEK_DATA_DIR=str(data_dir),
        SECRET_KEY="load-" + secrets.token_urlsafe(40),
        DJANGO_SETTINGS_MODULE="mediatheek.settings",
        PYTHONPATH=str(ROOT / "src"),
        LOG_LEVEL="ERROR",
        DEBUG="0",
    )
    drop = None
    database = "sqlite (WAL, in the data folder)"
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        env["DATABASE_URL"], drop = postgres_database(os.environ["DATABASE_URL"])
        database = "postgresql (a fresh database, dropped afterwards)"
    else:
        env.pop("DATABASE_URL", None)
    server = None
    unexpected: list[str] = []
    try:
        started = time.perf_counter()
        info = child(env, "prepare", {"pupils": args.pupils, "copies": args.copies})
        print(
            f"prepared in {time.perf_counter() - started:.1f} s: {info['titles']} titles, {args.pupils} pupils, "
            f"{len(info['barcodes'])} copies; database {database}"
        )
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "mediatheek.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                str(args.workers),
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=data_dir,
        )
        for _attempt in range(100):
            try:
                if Browser(base).request(f"/{info['search_slug']}/")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not come up")
        print(f"gunicorn: {args.workers} workers on {base}\n")

        # 1. Portal search.
        times: list[float] = []
        errors = 0

        def search(n: int) -> None:
            nonlocal errors
            query = urllib.parse.quote(QUERIES[n % len(QUERIES)])
            status, _text, took = Browser(base).request(f"/{info['search_slug']}/zoeken?q={query}")
            times.append(took)
            if status != 200:
                errors += 1
                unexpected.append(f"search {query}: HTTP {status}")

        with ThreadPoolExecutor(8) as pool:
            wall = time.perf_counter()
            list(pool.map(search, range(args.searches)))
            wall = time.perf_counter() - wall
        print(
            f"portal search: {args.searches} requests, 8 clients: {percentiles(times)}; "
            f"{args.searches / wall:.0f} req/s; errors {errors}"
        )

        # 2. A class logging in at once from one IP.
        barrier = threading.Barrier(len(info["logins"]))
        login_times: list[float] = []
        refused: list[str] = []

        def pupil(login: str) -> None:
            browser = Browser(base)
            browser.request(f"/{info['slug']}/inloggen/")
            barrier.wait()
            status, took = browser.login(f"/{info['slug']}/inloggen/", login, PASSWORD)
            login_times.append(took)
            if status != 302:
                refused.append(f"{login}: HTTP {status}")

        with ThreadPoolExecutor(len(info["logins"])) as pool:
            list(pool.map(pupil, info["logins"]))
        unexpected += [f"pupil login refused: {r}" for r in refused]
        print(
            f"{len(info['logins'])} pupils logging in at once from one IP: {len(info['logins']) - len(refused)} in, "
            f"{len(refused)} refused; {percentiles(login_times)}"
        )

        # 3. Two desks lending the same copies at the same moment.
        desks = []
        for login, borrower in zip(info["desks"], info["borrowers"], strict=True):
            browser = Browser(base)
            status, _took = browser.login("/client/inloggen/", login, PASSWORD)
            if status != 302:
                raise SystemExit(f"desk login {login} failed: HTTP {status}")
            desks.append((browser, borrower))
        outcome = {"lent": 0, "refused (already lent)": 0}
        scan_times: list[float] = []
        start = threading.Barrier(2)

        def desk(browser: Browser, borrower: int) -> None:
            start.wait()
            for barcode in info["barcodes"]:
                status, text, took = browser.request(
                    f"/client/balie/lener/{borrower}/scan/", {"code": barcode}, {"HX-Request": "true"}
                )
                scan_times.append(took)
                if status == 200 and "Uitgeleend" in text:
                    outcome["lent"] += 1
                elif status == 200 and "staat nog uitgeleend" in text:
                    outcome["refused (already lent)"] += 1
                else:
                    unexpected.append(f"desk scan {barcode}: HTTP {status} {re.sub(r'<[^>]+>', ' ', text)[:200]!r}")

        threads = [threading.Thread(target=desk, args=pair) for pair in desks]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        check = child(env, "verify", {"barcodes": info["barcodes"]})
        if check["copies_with_two_open_loans"]:
            unexpected.append(f"{check['copies_with_two_open_loans']} copies lent twice")
        if check["copies_lent"] != len(info["barcodes"]) or outcome["lent"] != check["open_loans"]:
            unexpected.append(
                f"desks said {outcome['lent']} lent, database has {check['open_loans']} open loans "
                f"on {check['copies_lent']} copies"
            )
        print(
            f"two desks, same {len(info['barcodes'])} copies at once: {outcome}; {percentiles(scan_times)}; "
            f"database: {check['open_loans']} open loans, {check['copies_with_two_open_loans']} copies lent twice"
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if drop is not None:
            drop()
        shutil.rmtree(data_dir, ignore_errors=True)
    print(f"\nunexpected errors: {len(unexpected)}")
    for line in unexpected[:30]:
        print("  " + line)
    return 1 if unexpected else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--searches", type=int, default=400)
    parser.add_argument("--pupils", type=int, default=30)
    parser.add_argument("--copies", type=int, default=60)
    parser.add_argument("--prepare", help=argparse.SUPPRESS)
    parser.add_argument("--verify", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        options = json.loads(args.prepare)
        print(json.dumps(prepare(options["pupils"], options["copies"])))
        return 0
    if args.verify:
        print(json.dumps(verify(json.loads(args.verify)["barcodes"])))
        return 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
