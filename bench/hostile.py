"""Hostile input against a real gunicorn server: the workers must survive and their memory stay bounded.

    .venv/bin/python bench/hostile.py [--workers 2]

Builds a throw-away installation (its own data folder; SQLite there, or a fresh PostgreSQL database next to the one
DATABASE_URL names, dropped afterwards), seeds the demo, starts gunicorn with sync workers and sends, logged in as
library staff and as a pupil, to every route of the client and the portal (parameters filled with the demo's first
objects):
- every parameter name the code reads (request.GET/POST keys and the templates' form fields) with a NUL byte, by GET
  and by POST; the same names with 100,000 characters and with 3,000 words by POST;
- the range-bomb xlsx (one cell at XFD1048576) to the portal's upload, and one request of 30 file parts of 19 MB.
Reports the answers by status, every 5xx and dropped connection, whether the workers are the ones it started with
(a dead worker is replaced by gunicorn under a new pid), and the peak resident memory (VmHWM) of each worker.
Exit status 1 on a 5xx, a dropped connection or a replaced worker.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from circulation import BIN, PASSWORD, ROOT, Session, free_port, postgres_admin  # noqa: E402

SRC = ROOT / "src" / "mediatheek"
NUL = "a\x00b"
HUGE = "x" * 100_000
WORDS = " ".join(["woord"] * 3_000)


READ_PARAMETER = r"""(?:GET|POST|params|data)(?:\.get|\.getlist)?[(\[]\s*["']([A-Za-z_][\w-]*)["']"""


def parameter_names() -> list[str]:
    """Every request parameter the code reads and every form field a template renders."""
    names: set[str] = set()
    for path in SRC.rglob("*.py"):
        if "/tests/" in str(path) or "/migrations/" in str(path):
            continue
        text = path.read_text()
        names.update(
            re.findall(r"""(?:GET|POST|params|data)(?:\.get|\.getlist)?[(\[]\s*["']([A-Za-z_][\w-]*)["']""", text)
        )
    for path in SRC.rglob("*.html"):
        names.update(re.findall(r"""name=["']([A-Za-z_][\w-]*)["']""", path.read_text()))
    names.discard("csrfmiddlewaretoken")
    return sorted(names)


def routes(env: dict[str, str]) -> list[str]:
    """Every route of the client and the portal, its parameters filled with the demo's first objects."""
    script = r"""
import json, re
from django.urls import URLPattern, URLResolver, get_resolver
from mediatheek.schools.models import School
slug = School.objects.order_by("pk").first().slug
out = []
def walk(patterns, prefix):
    for p in patterns:
        if isinstance(p, URLResolver):
            walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            if route.startswith("^") or "(?P" in route:
                continue
            route = re.sub(r"<slug:slug>|<slug>", slug, route)
            route = re.sub(r"<int:[^>]+>", "1", route)
            route = re.sub(r"<(?:str:|slug:|path:)?[^>]+>", "x", route)
            out.append("/" + route)
walk(get_resolver().url_patterns, "")
print(json.dumps(sorted(set(r for r in out if r.startswith(("/client/", "/" + slug + "/")) or r == "/"))))
"""
    output = subprocess.run(
        [str(BIN / "mediatheek"), "shell", "-c", script], env=env, check=True, capture_output=True, text=True
    ).stdout
    result: list[str] = json.loads(output.strip().splitlines()[-1])
    return result


def pupil_card(env: dict[str, str]) -> tuple[str, str]:
    script = """
from mediatheek.accounts.models import User
user = User.objects.filter(role="patron", patron__kind="student").order_by("pk").first()
print(user.username, user.patron.school.slug)
"""
    output = subprocess.run(
        [str(BIN / "mediatheek"), "shell", "-c", script], env=env, check=True, capture_output=True, text=True
    ).stdout
    card, slug = output.split()[-2:]
    return card, slug


def portal_login(port: int, slug: str, login: str) -> Session:
    session = Session(port)
    path = f"/{slug}/inloggen/"
    token = session.csrf(path)
    status, _text, _headers = session.request(
        "POST", path, {"csrfmiddlewaretoken": token, "username": login, "password": PASSWORD}
    )
    assert status == 302, f"portal login of {login} failed ({status})"
    return session


def staff_login(port: int) -> Session:
    session = Session(port)
    token = session.csrf("/client/inloggen/")
    status, _text, headers = session.request(
        "POST", "/client/inloggen/", {"csrfmiddlewaretoken": token, "username": "bibliotheek", "password": PASSWORD}
    )
    assert status == 302 and "inloggen" not in headers.get("Location", ""), f"staff login failed ({status})"
    return session


def raw_post(port: int, session: Session, path: str, body: bytes, content_type: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {
        "Cookie": "; ".join(f"{k}={v}" for k, v in session.cookies.items()),
        "Content-Type": content_type,
        "Referer": f"http://127.0.0.1:{port}{path}",
        "X-CSRFToken": session.cookies.get("csrftoken", ""),
    }
    connection.request("POST", path, body=body, headers=headers)
    status = connection.getresponse().status
    connection.close()
    return status


def range_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>leerlingnummer</t></is></c></row>'
            '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>',
        )
    return buffer.getvalue()


def multipart(parts: list[tuple[str, str, bytes]], csrf: str) -> tuple[bytes, str]:
    boundary = "----mediatheekhostile"
    chunks = [f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{csrf}\r\n'.encode()]
    for field, filename, data in parts:
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
        )
        chunks.append(data + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def worker_pids(master: int) -> set[int]:
    output = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True).stdout
    return {int(pid) for pid in output.split()}


def peak_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(r"VmHWM:\s+(\d+)", status)
    return int(match.group(1)) if match else 0


def main() -> int:  # noqa: C901 - one linear script
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="mediatheek-hostile-"))
    env = dict(os.environ, MEDIATHEEK_DATA_DIR=str(data_dir), DEBUG="0", AXES_ENABLED="0")
    env.pop("MEDIATHEEK_ENV", None)
    postgres_url = env.get("DATABASE_URL", "") if env.get("DATABASE_URL", "").startswith("postgres") else ""
    bench_db = ""
    if postgres_url:
        bench_db = f"mediatheek_hostile_{os.getpid()}"
        postgres_admin(postgres_url, f'CREATE DATABASE "{bench_db}"')
        env["DATABASE_URL"] = postgres_url.rsplit("/", 1)[0] + "/" + bench_db
    port = free_port()
    server = None
    answers: collections.Counter[str] = collections.Counter()
    failures: list[str] = []
    try:
        subprocess.run([str(BIN / "mediatheek"), "migrate", "--noinput", "-v0"], env=env, check=True)
        subprocess.run([str(BIN / "mediatheek"), "seed_demo"], env=env, check=True, capture_output=True)
        paths = routes(env)
        names = parameter_names()
        card, slug = pupil_card(env)
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "mediatheek.wsgi",
                f"--bind=127.0.0.1:{port}",
                f"--workers={args.workers}",
                "--log-level=warning",
            ],
            env=env,
            cwd=data_dir,
        )
        time.sleep(2.5)
        workers = worker_pids(server.pid)
        staff = staff_login(port)
        pupil = portal_login(port, slug, card)
        started = time.perf_counter()

        def send(session: Session, method: str, path: str, body: dict[str, str] | None = None) -> None:
            try:
                status, _text, _headers = session.request(method, path, body)
            except (ConnectionError, http.client.HTTPException, TimeoutError) as error:
                failures.append(f"{method} {path}: {type(error).__name__}")
                return
            answers[f"{status // 100}xx"] += 1
            if status >= 500:
                failures.append(f"{method} {path[:120]}: {status}")

        nul_query = "&".join(f"{name}=a%00b" for name in names)
        for path in paths:
            if "uitloggen" in path:
                continue  # logging out would only make the rest of the run anonymous
            session = pupil if path.startswith(f"/{slug}/") else staff
            send(session, "GET", f"{path}?{nul_query[:3000]}")
            token = {"csrfmiddlewaretoken": session.cookies.get("csrftoken", "")}
            send(session, "POST", path, dict.fromkeys(names, NUL) | token)
            for value in (HUGE, WORDS):  # 40 names a request keeps each body under Django's 5 MB cap
                for start in range(0, len(names), 40):
                    send(session, "POST", path, dict.fromkeys(names[start : start + 40], value) | token)

        uploader = portal_login(port, slug, "900012")
        csrf = uploader.cookies.get("csrftoken", "")
        payload, content_type = multipart([("file", "bom.xlsx", range_bomb())], csrf)
        status = raw_post(port, uploader, f"/{slug}/mijn/upload/", payload, content_type)
        answers[f"{status // 100}xx"] += 1
        print(f"range-bomb xlsx on the portal upload: {status}")
        payload, content_type = multipart([("file", f"f{i}.xlsx", b"x" * 19 * 1024 * 1024) for i in range(30)], csrf)
        try:
            status = raw_post(port, uploader, f"/{slug}/mijn/upload/", payload, content_type)
            print(f"30 parts of 19 MB on the portal upload: {status}")
        except (ConnectionError, http.client.HTTPException, TimeoutError) as error:
            # gunicorn may close the connection once the view has refused the request: what counts is the worker.
            print(f"30 parts of 19 MB on the portal upload: connection closed by the server ({type(error).__name__})")
        elapsed = time.perf_counter() - started

        alive = worker_pids(server.pid)
        total = sum(answers.values())
        print(f"\nroutes: {len(paths)}, parameter names: {len(names)}, requests: {total} in {elapsed:.0f} s")
        print("answers:", dict(sorted(answers.items())))
        print(f"workers at the start: {sorted(workers)}; at the end: {sorted(alive)}")
        for pid in sorted(alive):
            print(f"  worker {pid}: peak resident memory {peak_kb(pid) / 1024:.0f} MB")
        if alive != workers:
            failures.append("a worker was replaced (it died)")
        for failure in failures[:30]:
            print("FAILURE:", failure)
        print("\nOK: no 5xx, no dropped connection, no worker lost" if not failures else f"\n{len(failures)} failures")
        return 1 if failures else 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        if bench_db:
            postgres_admin(postgres_url, f'DROP DATABASE IF EXISTS "{bench_db}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
