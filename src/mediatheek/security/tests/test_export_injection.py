"""Every CSV/Excel export the walker can reach neutralises cells a spreadsheet would run as a formula.

School A's data is full of formula payloads; every client and portal route is asked for (as library staff, the
school's admin, its uploader and a pupil); every response that is a CSV or Excel file is opened and each cell is
checked: no formula, and no cell starting with = + - @ tab or CR that holds one of our payloads."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.test import Client

from mediatheek.testing import factories as f
from mediatheek.testing import walker
from mediatheek.testing.school_objects import populate
from mediatheek.web.permissions import SESSION_SCHOOL_KEY

PAYLOADS = [
    '=HYPERLINK("http://evil.example","klik")',
    "+31612345678",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "\tTAB",
    "\rCR",
]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _poison(data) -> None:
    """Put a payload in every text field a school export is likely to show."""
    for n, patron in enumerate(data.objects["patron"]):
        patron.first_name = PAYLOADS[n % len(PAYLOADS)]
        patron.last_name = PAYLOADS[(n + 1) % len(PAYLOADS)] + " Berg"
        patron.email = ""
        patron.save()
    group = data.first("group")
    group.name = PAYLOADS[3]
    group.save()
    for title in data.objects["title"]:
        title.title = PAYLOADS[0]
        title.authors = PAYLOADS[2]
        title.save()
    for copy in data.objects["copy"]:
        copy.shelf = PAYLOADS[3]
        copy.save()


def _cells(response) -> list[tuple[object, str]]:
    """(value, data type) of every cell of a CSV or xlsx response."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in response["Content-Type"]:
        book = openpyxl.load_workbook(io.BytesIO(content))
        return [(cell.value, cell.data_type) for sheet in book for row in sheet.iter_rows() for cell in row]
    text = content.decode("utf-8-sig", errors="replace")
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t") if text.strip() else csv.excel
    return [(cell, "s") for row in csv.reader(io.StringIO(text), dialect) for cell in row]


def _unsafe(cells) -> list[str]:
    problems = []
    for value, data_type in cells:
        if data_type == "f":
            problems.append(f"formula cell {value!r}")
        elif isinstance(value, str) and value.startswith(TRIGGERS) and any(p.strip()[:6] in value for p in PAYLOADS):
            problems.append(f"unneutralised cell {value!r}")
    return problems


@pytest.mark.django_db
def test_every_reachable_export_neutralises_formula_cells():
    school = f.SchoolFactory(code="11AA00", slug="alfa", name="OBS Alfa")
    data = populate(school, "Zqxprivalfa")
    _poison(data)
    staff = f.staff(username="bieb-export")
    client = Client(raise_request_exception=False)
    exports: dict[str, int] = {}
    problems: list[str] = []
    users = [("staff", staff)] + [(role, data.first(role)) for role in ("school_admin", "uploader", "pupil")]
    for role, user in users:
        for route in walker.routes():
            queue = [u for url in walker.fill(route, data) for u in walker.export_variants(route, url)]
            seen: set[str] = set()
            while queue:
                url = queue.pop()
                if url in seen:
                    continue
                seen.add(url)
                client.force_login(user)
                if role == "staff":
                    session = client.session
                    session[SESSION_SCHOOL_KEY] = school.pk
                    session.save()
                response = client.get(url)
                if response.status_code >= 500:
                    problems.append(f"GET {url} as {role}: server error")
                    continue
                queue += walker.export_links(response)
                content_type = response.get("Content-Type", "")
                if not any(kind in content_type for kind in ("text/csv", "spreadsheetml")):
                    continue
                exports[route.label] = exports.get(route.label, 0) + 1
                problems += [f"GET {url} as {role}: {p}" for p in _unsafe(_cells(response))]
    assert not problems, "\n".join(problems[:40])
    assert exports, "no export found"
    print(f"\nexports checked: {len(exports)} routes: {sorted(exports)}")
