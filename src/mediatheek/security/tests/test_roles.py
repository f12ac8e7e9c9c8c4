"""Volunteers work the desk: lend, return, renew, and look up a patron or a title for it. Nothing else.

Generated from the URL resolver like the isolation test: every client route, filled with the volunteer's OWN
school's objects (the hard case: the tenant check alone lets these through), is asked for as that school's
volunteer with a POST that carries plausible form data, and with a GET. Every route outside the explicit
allow-lists below must refuse (403, 405, or the login page), and the school's data and the shared catalogue must
be exactly as before. A new client view is closed to volunteers unless it is added here on purpose.
"""

from __future__ import annotations

import pytest
from django.test import Client

from mediatheek.catalog.models import Title
from mediatheek.core.models import AuditEvent
from mediatheek.operations import school_data
from mediatheek.testing import factories as f
from mediatheek.testing import walker
from mediatheek.testing.school_objects import populate

# What a volunteer may change: the desk's lend (scan at the patron), return, renew; their own password and second
# factor; logging in and out.
VOLUNTEER_POSTS = {
    "client:desk_scan",  # the card scan that opens a patron (or a name search)
    "client:desk_patron_scan",  # lend
    "client:desk_renew",
    "client:desk_renew_all",
    "client:desk_return_scan",  # return
    "client:reservations_pick_scan",  # a reserved book from the shelf to the hold shelf
    "client:reservations_put_back_scan",  # a hold that ran out, off the hold shelf
    "client:password_change",
    "client:otp_verify",
    "client:otp_setup",
    "client:session_keep_alive",  # "Blijf ingelogd": refreshes the volunteer's own session, changes no data
}
# What a volunteer may read: the desk's screens and the look-ups the desk needs.
VOLUNTEER_PAGES = {
    "client:home",
    "client:desk",
    "client:desk_patron",
    "client:desk_return",
    "client:reservations_pick",
    "client:reservations_hold_shelf",
    "client:reservations_put_back",
    "client:catalog_search",
    "client:catalog_title",
    "client:patron_list",
    "client:patron_detail",
    "client:group_list",
    "client:password_change",
    "client:otp_verify",
    "client:otp_setup",
}
# Not behind a login at all: the login and logout pages and the app's static manifest and service worker.
PUBLIC = {"client:login", "client:logout", "client:manifest", "client:service_worker"}
PUBLIC |= {"client:password_reset", "client:password_reset_confirm"}  # "Wachtwoord vergeten?" by mail
LOGIN_URL = "/client/inloggen/"


def _payload(data) -> dict[str, object]:
    """Form fields the catalogue, patron, account, rule and content forms use, filled so that a view that wrongly
    accepts the POST would write something."""
    copy, patron, title = data.first("copy"), data.first("patron"), data.first("title")
    return {
        "title": "Zqxvrijwilliger",
        "isbn": "9789045117263",
        "authors": "Zqx",
        "language": "dut",
        "barcode": "ZQXVRIJ1",
        "barcodes": copy.barcode,
        "copy": copy.pk,
        "shelf": "Zqxkast",
        "reason": "Zqx weg",
        "status": "lost",
        "first_name": "Zqx",
        "last_name": "Zqxvrijwilliger",
        "student_number": "ZQX1",
        "card_number": patron.card_number,
        "role": "volunteer",
        "login": "zqxvrijwilliger",
        "loan_days": "99",
        "name": "Zqx",
        "start": "2030-01-01",
        "end": "2030-01-02",
        "heading": "Zqx",
        "body": "Zqx",
        "kind": "both",
        "prefer": "auto",
        "sheet": "3x8",
        "skip": "0",
        "title_id": title.pk,
        "confirm": "1",
        "apply": "1",
        "mapping": "1",
    }


def _snapshot(school) -> dict[str, object]:
    """The school's data, without the accounts' last_login (the walk logs the volunteer in before each request)."""
    snapshot: dict[str, object] = {}
    for label, (names, rows) in school_data.collect(school).items():
        if "last_login" in names:
            at = names.index("last_login")
            rows = [[*row[:at], None, *row[at + 1 :]] for row in rows]
        snapshot[label] = (names, rows)
    return snapshot


def _refused(response) -> bool:
    if response.status_code in (403, 405):
        return True
    return response.status_code == 302 and response["Location"].startswith(LOGIN_URL)


@pytest.mark.django_db
def test_a_volunteer_changes_nothing_outside_the_desk():
    school = f.SchoolFactory(code="11AA00", name="OBS Alfa", slug="alfa")
    data = populate(school, "Zqxprivalfa", content="Zqxcontalfa", title_marker="Zqxtitlealfa")
    volunteer = data.first("volunteer")
    payload = _payload(data)
    before = _snapshot(school)
    titles_before = list(Title.objects.order_by("pk").values_list("pk", "title", "isbn", "summary", "authors"))
    client = Client(raise_request_exception=False)
    open_posts: list[str] = []
    open_pages: list[str] = []
    asked = 0
    routes = walker.routes(("client",))
    for route in routes:
        for url in walker.fill(route, data):
            for method in ("post", "get"):
                allowed = VOLUNTEER_POSTS if method == "post" else VOLUNTEER_PAGES
                if route.label in allowed or route.label in PUBLIC:
                    continue
                client.force_login(volunteer)
                response = client.post(url, payload) if method == "post" else client.get(url)
                asked += 1
                if not _refused(response):
                    where = f"{method.upper()} {url} ({route.label}): {response.status_code}"
                    (open_posts if method == "post" else open_pages).append(where)
    assert asked > 40
    assert not open_posts, "a volunteer's POST was not refused:\n" + "\n".join(open_posts)
    assert not open_pages, "a volunteer reached a page beyond the desk:\n" + "\n".join(open_pages)
    assert _snapshot(school) == before, "the school's data changed"
    assert list(Title.objects.order_by("pk").values_list("pk", "title", "isbn", "summary", "authors")) == titles_before
    assert not AuditEvent.objects.filter(action__startswith="catalog.").exists()
    print(f"\nvolunteer roles walk: {len(routes)} routes, {asked} refused requests")


@pytest.mark.django_db
def test_the_allow_lists_name_real_routes_and_the_desk_still_works_for_a_volunteer():
    """The allow-lists above are not stale, and the desk (lend, return) works as a volunteer: the walk's
    refusals come from the rule, not from a volunteer who can do nothing."""
    labels = {route.label for route in walker.routes(("client",))}
    named = VOLUNTEER_POSTS | VOLUNTEER_PAGES | PUBLIC
    assert named <= labels, named - labels

    school = f.SchoolFactory(code="11AA00", name="OBS Alfa", slug="alfa")
    volunteer = f.school_user("volunteer", school)
    patron = f.PatronFactory(school=school)
    copy = f.CopyFactory(school=school)
    client = Client()
    client.force_login(volunteer)
    response = client.post(f"/client/balie/lener/{patron.pk}/scan/", {"code": copy.barcode})
    assert response.status_code in (200, 302)
    copy.refresh_from_db()
    assert copy.status == copy.Status.LENT
    client.post("/client/balie/inleveren/scan/", {"code": copy.barcode})
    copy.refresh_from_db()
    assert copy.status == copy.Status.AVAILABLE
    assert client.get(f"/client/catalogus/titels/{copy.title_id}/").status_code == 200
    assert client.get(f"/client/leners/{patron.pk}/").status_code == 200
