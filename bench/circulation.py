"""Desk benchmark: lend + return round trips through the real desk endpoints on a real server.

Starts gunicorn (2 workers) on a fresh data folder (migrate + seed_demo; SQLite, or PostgreSQL when DATABASE_URL is
set), logs N clients in through the login form (CSRF and all), and lets each of them scan: lend a copy to its own
pupil (the htmx POST the desk's scan field sends), then return it on the Inleveren screen, over and over.
Beside it, in the same run and on the same server, the same N clients hit a trivial logged-in view (/client/ping):
the framework's floor. Prints p50/p95/p99 latency and requests per second of both, and the ratio.

    .venv/bin/python bench/circulation.py [--clients 10] [--seconds 10]

Targets (issue 4): desk p95 < 30 ms with 10 concurrent clients; desk throughput >= 40 % of the floor's.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookies
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
LOGIN = "regenboog-balie"
PASSWORD = "leesplezier-2026"  # noqa: S105 - the demo's published password
SCHOOL = "12AB00"


def postgres_admin(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute(statement)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Session:
    """A logged-in browser-like client: cookies, CSRF token, one connection per request (gunicorn sync)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: dict[str, str] | None = None, htmx: bool = False
    ) -> tuple[int, str, dict[str, str]]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
            if "csrftoken" in self.cookies:
                headers["X-CSRFToken"] = self.cookies["csrftoken"]
        if htmx:
            headers["HX-Request"] = "true"
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                cookie = http.cookies.SimpleCookie(value)
                for key, morsel in cookie.items():
                    self.cookies[key] = morsel.value
        connection.close()
        return response.status, text, dict(response.getheaders())

    def login(self) -> None:
        status, page, _headers = self.request("GET", "/client/inloggen/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, f"no CSRF token on the login page ({status})"
        status, _text, headers = self.request(
            "POST",
            "/client/inloggen/",
            {"csrfmiddlewaretoken": token.group(1), "username": LOGIN, "password": PASSWORD},
        )
        assert status == 302 and "inloggen" not in headers.get("Location", ""), f"login failed ({status})"

    def csrf(self, path: str) -> str:
        _status, page, _headers = self.request("GET", path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, f"no CSRF token on {path}"
        return token.group(1)


@dataclass
class Timings:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def prepare(env: dict[str, str], clients: int) -> list[dict[str, object]]:
    """Per client: a pupil without loans and a few copies nobody has or waits for (read from the database)."""
    script = f"""
import json
from mediatheek.catalog.models import Copy
from mediatheek.circulation.models import Reservation
from mediatheek.patrons.models import Patron
from mediatheek.schools.models import School
school = School.objects.get(code="{SCHOOL}")
patrons = list(
    Patron.objects.for_school(school)
    .filter(kind="student", status="active", blocked_reason="", group__year_level__gte=3)
    .exclude(loans__returned_at__isnull=True)
    .order_by("pk")
    .values_list("pk", "card_number")[:{clients}]
)
reserved = Reservation.objects.filter(status__in=["waiting", "ready"]).values("title_id")
copies = list(Copy.objects.for_school(school).filter(status="available").exclude(title_id__in=reserved)
    .order_by("pk").values_list("barcode", flat=True)[:{clients * 4}])
plan = [{{"patron": p[0], "card": p[1], "copies": copies[i * 4 : (i + 1) * 4]}} for i, p in enumerate(patrons)]
print(json.dumps(plan))
"""
    output = subprocess.run(
        [str(BIN / "mediatheek"), "shell", "-c", script], env=env, check=True, capture_output=True, text=True
    ).stdout
    plan: list[dict[str, object]] = json.loads(output.strip().splitlines()[-1])
    assert len(plan) == clients and all(len(item["copies"]) == 4 for item in plan), "not enough demo data"  # type: ignore[arg-type]
    return plan


def run_phase(sessions: list[Session], work, seconds: float) -> tuple[Timings, float]:
    timings = [Timings() for _ in sessions]
    stop = time.perf_counter() + seconds
    barrier = threading.Barrier(len(sessions) + 1)

    def loop(index: int) -> None:
        barrier.wait()
        step = 0
        while time.perf_counter() < stop:
            work(index, step, sessions[index], timings[index])
            step += 1

    threads = [threading.Thread(target=loop, args=(index,)) for index in range(len(sessions))]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    merged = Timings()
    for timing in timings:
        merged.latencies.extend(timing.latencies)
        merged.errors.extend(timing.errors)
    return merged, elapsed


def timed(session: Session, timing: Timings, method: str, path: str, body=None, htmx=False, expect: str = "") -> str:
    start = time.perf_counter()
    status, text, _headers = session.request(method, path, body, htmx=htmx)
    timing.latencies.append((time.perf_counter() - start) * 1000)
    if status != 200 or (expect and expect not in text):
        timing.errors.append(f"{method} {path} -> {status} {text[:200]!r}")
    return text


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def report(name: str, timing: Timings, elapsed: float) -> float:
    rate = len(timing.latencies) / elapsed if elapsed else 0.0
    lat = timing.latencies
    print(
        f"{name:<34} {len(lat):>7} req  {rate:>8.1f} req/s  p50 {statistics.median(lat):6.1f} ms  "
        f"p95 {percentile(lat, 0.95):6.1f} ms  p99 {percentile(lat, 0.99):6.1f} ms  errors {len(timing.errors)}"
    )
    for error in timing.errors[:3]:
        print("   !", error)
    return rate


def server_side(access_log: Path) -> None:
    """Time spent inside the server per request (gunicorn's %(D)s), without the wait in the listen queue."""
    time.sleep(0.5)  # let the workers flush their log lines
    groups: dict[str, list[float]] = {}
    for line in access_log.read_text().splitlines():
        parts = line.split()
        if len(parts) != 4:
            continue
        method, path, _status, micros = parts
        kind = "ping" if path == "/client/ping" else ("lend" if "/lener/" in path else "return")
        groups.setdefault(kind, []).append(int(micros) / 1000)
    summary = ", ".join(
        f"{kind} p50 {statistics.median(values):.1f} / p95 {percentile(values, 0.95):.1f} ms"
        for kind, values in sorted(groups.items())
    )
    print(f"inside the server (no queueing): {summary}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5, help="floor and desk alternate this many times")
    parser.add_argument(
        "--think-ms",
        type=float,
        default=0.0,
        help="pause of each client between round trips (0: back to back, the hardest case)",
    )
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="mediatheek-bench-"))
    # MEDIATHEEK_BENCH: routes /client/ping, the floor the desk is compared with (absent from a normal install).
    env = dict(os.environ, MEDIATHEEK_DATA_DIR=str(data_dir), DEBUG="0", AXES_ENABLED="0", MEDIATHEEK_BENCH="1")
    env.pop("MEDIATHEEK_ENV", None)
    postgres_url = env.get("DATABASE_URL", "") if env.get("DATABASE_URL", "").startswith("postgres") else ""
    database = "PostgreSQL" if postgres_url else "SQLite (WAL)"
    bench_db = ""
    if postgres_url:
        # A database of its own on the same server, dropped afterwards: never the one DATABASE_URL names.
        bench_db = f"mediatheek_bench_{os.getpid()}"
        postgres_admin(postgres_url, f'CREATE DATABASE "{bench_db}"')
        env["DATABASE_URL"] = postgres_url.rsplit("/", 1)[0] + "/" + bench_db
    port = free_port()
    server = None
    try:
        subprocess.run([str(BIN / "mediatheek"), "migrate", "--noinput", "-v0"], env=env, check=True)
        subprocess.run([str(BIN / "mediatheek"), "seed_demo"], env=env, check=True, capture_output=True)
        plan = prepare(env, args.clients)
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "mediatheek.wsgi",
                f"--bind=127.0.0.1:{port}",
                f"--workers={args.workers}",
                "--log-level=warning",
                f"--access-logfile={data_dir / 'access.log'}",
                "--access-logformat=%(m)s %(U)s %(s)s %(D)s",
            ],
            env=env,
            cwd=data_dir,
        )
        for _attempt in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        sessions = [Session(port) for _ in range(args.clients)]
        for session in sessions:
            session.login()
        tokens = [
            session.csrf(f"/client/balie/lener/{item['patron']}/") for session, item in zip(sessions, plan, strict=True)
        ]
        for session in sessions:
            session.csrf("/client/balie/inleveren/")

        think = args.think_ms / 1000

        def floor(index: int, step: int, session: Session, timing: Timings) -> None:
            timed(session, timing, "GET", "/client/ping", expect="ok")
            if think:
                time.sleep(think)

        def desk(index: int, step: int, session: Session, timing: Timings) -> None:
            item = plan[index]
            barcode = item["copies"][step % 4]  # type: ignore[index]
            token = tokens[index]
            timed(
                session,
                timing,
                "POST",
                f"/client/balie/lener/{item['patron']}/scan/",
                {"csrfmiddlewaretoken": token, "code": barcode, "confirm": ""},
                htmx=True,
                expect="scan-success",
            )
            timed(
                session,
                timing,
                "POST",
                "/client/balie/inleveren/scan/",
                {"csrfmiddlewaretoken": token, "code": barcode},
                htmx=True,
                expect="Ingeleverd",
            )
            if think:
                time.sleep(think)

        print(
            f"Mediatheek desk benchmark: gunicorn {args.workers} workers, {database}, "
            f"{args.clients} concurrent clients (pause {args.think_ms:.0f} ms), {args.seconds:.0f} s per phase in "
            f"{args.rounds} alternating slices, "
            f"{os.cpu_count()} CPUs"
        )
        run_phase(sessions, floor, 1.0)  # warm up both paths
        run_phase(sessions, desk, 1.0)
        access_log = data_dir / "access.log"
        access_log.write_text("")  # only the measured phases count in the server-side figures
        # Floor and desk take turns in short slices, so a change in the machine's load hits both alike.
        floor_timing, desk_timing = Timings(), Timings()
        floor_elapsed = desk_elapsed = 0.0
        for _round in range(args.rounds):
            for timing, work, add in ((floor_timing, floor, "floor"), (desk_timing, desk, "desk")):
                part, elapsed = run_phase(sessions, work, args.seconds / args.rounds)
                timing.latencies.extend(part.latencies)
                timing.errors.extend(part.errors)
                if add == "floor":
                    floor_elapsed += elapsed
                else:
                    desk_elapsed += elapsed
        floor_rate = report("floor: GET /client/ping", floor_timing, floor_elapsed)
        desk_rate = report("desk: lend + return (htmx POSTs)", desk_timing, desk_elapsed)
        server_side(access_log)
        p95 = percentile(desk_timing.latencies, 0.95)
        ratio = desk_rate / floor_rate if floor_rate else 0.0
        print(f"desk round trips (lend + return): {len(desk_timing.latencies) / 2 / desk_elapsed:.1f} per second")
        floor_p95 = percentile(floor_timing.latencies, 0.95)
        print(
            f"desk throughput / floor throughput: {ratio:.0%} (target >= 40 %: {'met' if ratio >= 0.40 else 'NOT met'})"
        )
        print(
            f"desk p95: {p95:.1f} ms (target < 30 ms: {'met' if p95 < 30 else 'NOT met'}; "
            f"the floor's own p95 in this run: {floor_p95:.1f} ms)"
        )
        ok = p95 < 30 and ratio >= 0.40 and not desk_timing.errors
        print("ALL TARGETS MET" if ok else "NOT ALL TARGETS MET")
        return 0 if ok else 1
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(data_dir, ignore_errors=True)
        if bench_db:
            postgres_admin(postgres_url, f'DROP DATABASE IF EXISTS "{bench_db}"')


if __name__ == "__main__":
    sys.exit(main())
