"""Tenant isolation, generated from the URL resolver.

Every route of the client and the portal is asked for, with its parameters filled with school B's objects, by
every role of school A (school admin, volunteer, uploader, pupil, teacher), with GET and with an empty POST.
Each answer must be a refusal or show nothing of school B; school B's data must be exactly as before. A new
view is covered without anyone remembering; a view with a parameter the walker cannot fill fails the test
until it is registered in walker.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from mediatheek.operations import school_data
from mediatheek.testing import factories as f
from mediatheek.testing import walker
from mediatheek.testing.school_objects import populate

# Markers: B's private data (never shown to A, nor on B's public portal) and B's portal content (shown on B's
# portal, never in A's client or on A's portal). Titles are library-wide and carry no secret marker.
B_PRIVATE = "Zqxprivbeta"
B_CONTENT = "Zqxcontbeta"
A_BIRTH_DATE = dt.date(2015, 3, 14)
BIRTH_DATE_TEXTS = ["14-03-2015", "2015-03-14", "14 maart 2015", "14 mrt 2015", "14/03/2015", "14-3-2015", "14.03.2015"]
ROLES = ["school_admin", "volunteer", "uploader", "pupil", "teacher"]
SKIP_POST = ("logout",)  # would end the session the walk runs in


@pytest.fixture
def two_schools(db):
    school_a = f.SchoolFactory(code="11AA00", name="OBS Alfa", slug="alfa")
    school_b = f.SchoolFactory(code="22BB00", name="CBS Beta", slug="beta")
    a = populate(school_a, "Zqxprivalfa", content="Zqxcontalfa", title_marker="Zqxtitlealfa")
    b = populate(school_b, B_PRIVATE, content=B_CONTENT, title_marker="Zqxtitlebeta")
    return a, b


def _ask(client: Client, user, method: str, url: str):
    client.force_login(user)
    return client.post(url, {}) if method == "post" else client.get(url)


@pytest.mark.django_db
def test_every_route_refuses_school_b_to_every_role_of_school_a(two_schools):
    a, b = two_schools
    routes = walker.routes()
    assert len(routes) > 20
    b_before = school_data.collect(b.school)
    client = Client(raise_request_exception=False)
    problems: list[str] = []
    asked = 0
    unfillable: list[str] = []
    for route in routes:
        slug_variants = [a.school, b.school] if "slug" in route.params else [None]
        for slug_school in slug_variants:
            try:
                urls = list(walker.fill(route, b, slug_school=slug_school))
            except walker.UnfillableRoute as error:
                unfillable.append(str(error))
                continue
            # On B's own public portal, B's portal content may show; B's private data never.
            forbidden = [B_PRIVATE] if slug_school is b.school else [B_PRIVATE, B_CONTENT]
            for url in urls:
                for role in ROLES:
                    user = a.first(role)
                    for method in ("get", "post"):
                        if method == "post" and any(word in (route.name or "") for word in SKIP_POST):
                            continue
                        response = _ask(client, user, method, url)
                        asked += 1
                        where = f"{method.upper()} {url} as {role} of A ({route.label})"
                        if response.status_code >= 500:
                            problems.append(f"{where}: server error {response.status_code}")
                            continue
                        text = walker.body_text(response)
                        shown = [marker for marker in forbidden if marker in text]
                        if shown:
                            problems.append(f"{where}: {response.status_code} shows {shown}")
    assert not unfillable, "register these routes in testing/walker.py:\n" + "\n".join(unfillable)
    assert not problems, f"{len(problems)} of {asked} answers leak or fail:\n" + "\n".join(problems[:60])
    assert school_data.collect(b.school) == b_before, "school B's data changed"
    print(f"\nisolation walk: {len(routes)} routes, {asked} requests (routes x kwargs x roles x GET/POST)")


@pytest.mark.django_db
def test_volunteers_see_no_birth_dates_and_reach_no_export(two_schools):
    a, _b = two_schools
    volunteer = a.first("volunteer")
    client = Client(raise_request_exception=False)
    client.force_login(volunteer)
    problems: list[str] = []
    asked = 0
    for route in walker.routes(("client",)):
        queue = [u for url in walker.fill(route, a) for u in walker.export_variants(route, url)]
        seen: set[str] = set()
        while queue:
            url = queue.pop()
            if url in seen:
                continue
            seen.add(url)
            response = client.get(url)
            queue += walker.export_links(response)
            asked += 1
            if response.status_code >= 500:
                problems.append(f"GET {url}: server error {response.status_code}")
                continue
            text = walker.body_text(response)
            if any(date in text for date in BIRTH_DATE_TEXTS):
                problems.append(f"GET {url} ({route.label}): shows a birth date")
            if walker.is_export(response):
                problems.append(f"GET {url} ({route.label}): a volunteer got an export")
            client.force_login(volunteer)
    assert not problems, "\n".join(problems)
    assert asked > 20
    print(f"\nvolunteer walk: {asked} pages and downloads of the own school, no birth date, no export")
