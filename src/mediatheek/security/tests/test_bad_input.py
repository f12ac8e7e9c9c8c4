"""No parameter of any view gives a server error: generated from the URL walker.

For every client and portal route the walker knows, logged in with the roles that may use it, the test finds the
parameters the view reads (every key a view or form looks up in `request.GET`/`request.POST` during a normal GET
and an empty POST, plus the names of the inputs of the page's own forms) and sends each of them, by GET and by
POST, with a NUL byte, a huge value, ~3,000 words, letters, a negative and a too-large number, and two values
where one is expected. The POST carries the page's form with its own default values, with only the parameter
under test replaced, so the value reaches past the form into the view. Every answer must be below 500.

NUL breaks only PostgreSQL: run this on both databases. A GET with a NUL or an over-long query string is refused
by `MalformedInputMiddleware`; a multipart POST is not (the upload views need the body unparsed), so its values
reach the views and forms themselves.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from unittest import mock

import pytest
from django.db import transaction
from django.http import QueryDict
from django.test import Client

from mediatheek.core.middleware import MAX_QUERY_STRING
from mediatheek.patrons.models import Patron
from mediatheek.testing import factories as f
from mediatheek.testing import walker
from mediatheek.testing.school_objects import SchoolData, populate

ROUTES = walker.routes()
CLIENT_ROLES = ("staff", "school_admin")
# The pupil first (Mijn Bibliotheek), the anonymous visitor (public pages), then the uploader and the teacher for the
# routes only they may use. At most MAX_ROLES of those admitted are used per route, to keep the run short.
PORTAL_ROLES = ("pupil", None, "uploader", "teacher")
MAX_ROLES = 2
SKIP_KEYS = frozenset({"csrfmiddlewaretoken"})
# ~3,000 words that still fit in a query string under MAX_QUERY_STRING (so they reach the view by GET too).
WORDS = " ".join("abcd"[n % 4] for n in range(3000))
BAD_VALUES: list[tuple[str, Any]] = [
    ("nul", "ab\x00cd"),
    ("huge", "x" * 100_000),
    ("3000 words", WORDS),
    ("negative", "-1"),
    ("huge int", "99999999999999999999"),
    # str.isdigit() says yes to a superscript two, int() says no: a check of the one is no guard for the other.
    ("unicode digit", "1\u00b2"),
    # Two values where one is expected; `.get()` sees the last, so this is also the "letters for a number" case.
    ("list", ["1", "abc"]),
]


@contextmanager
def recording_keys() -> Iterator[set[str]]:
    """Every key looked up in any QueryDict (request.GET / request.POST) while the block runs."""
    keys: set[str] = set()

    def wrap(name: str) -> Any:
        original = getattr(QueryDict, name)

        def method(self: QueryDict, key: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(key, str):
                keys.add(key)
            return original(self, key, *args, **kwargs)

        return method

    names = ("get", "getlist", "__getitem__", "__contains__", "pop")
    patches = [mock.patch.object(QueryDict, name, wrap(name)) for name in names]
    for patch in patches:
        patch.start()
    try:
        yield keys
    finally:
        for patch in reversed(patches):
            patch.stop()


class FormReader(HTMLParser):
    """The forms of a page that post back to `path` (or have no action): their fields and default values."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.names: dict[str, set[str]] = {"get": set(), "post": set()}
        self.defaults: dict[str, str] = {}
        self._in_form = False
        self._method = "get"
        self._select: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            action = a.get("action", "")
            self._in_form = action in ("", self.path) or action.startswith(self.path + "?")
            self._method = "post" if a.get("method", "get").lower() == "post" else "get"
            return
        if not self._in_form:
            return
        name = a.get("name", "")
        if tag in ("input", "select", "textarea", "button") and name:
            self.names[self._method].add(name)
        if tag == "input" and name and a.get("type", "text") not in ("submit", "button", "file", "image"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.defaults[name] = a.get("value", "on")
            else:
                self.defaults.setdefault(name, a.get("value", ""))
        elif tag == "select" and name:
            self._select, self._select_first = name, None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
                self.defaults.setdefault(self._select, value)
            if "selected" in a:
                self.defaults[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            self.defaults.setdefault(name, "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.defaults[self._textarea] = self.defaults.get(self._textarea, "") + data


@pytest.fixture
def school(db: None, settings: Any) -> SchoolData:
    # A fast hasher: the walk logs in many times and Argon2 would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    data = populate(f.SchoolFactory(code="11AA00", name="OBS Alfa", slug="alfa"), "Zqxalfa")
    data.add("staff", f.staff(username="bieb"))
    return data


class Walk:
    """One route, one role: sends requests, each in a savepoint so a database error does not end the test's
    transaction (PostgreSQL), and collects every answer of 500 or above with the exception's last frame."""

    def __init__(self, data: SchoolData, role: str | None, route: walker.Route) -> None:
        self.client = Client(raise_request_exception=True)
        self.user = data.first(role) if role else None
        self.role = role or "anonymous"
        self.route = route
        self.relogin = "logout" in (route.name or "")
        self.problems: list[str] = []
        self.asked = 0
        if self.user is not None:
            self.client.force_login(self.user)

    def ask(self, method: str, url: str, data: dict[str, Any] | None = None, *, what: str = "") -> Any:
        if self.relogin and self.user is not None:
            self.client.force_login(self.user)
        self.asked += 1
        try:
            with transaction.atomic():
                response = (self.client.post if method == "post" else self.client.get)(url, data or {})
        except Exception as error:  # noqa: BLE001 - every exception is a finding, reported with its frame
            self.problems.append(
                f"{method.upper()} {url} {what} as {self.role}: {type(error).__name__}: {str(error)[:120]!r} "
                f"at {_where(error)}"
            )
            return None
        if response.status_code >= 500:
            self.problems.append(f"{method.upper()} {url} {what} as {self.role}: status {response.status_code}")
        return response


def _where(error: Exception) -> str:
    """The last frame of the project's own code in the traceback (where a fix goes), and the very last frame."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = ("/security/tests/", "/testing/")
    own = [f for f in frames if "/src/mediatheek/" in f.filename and not any(part in f.filename for part in ours)]
    shown = [own[-1]] if own else []
    if frames[-1] not in shown:
        shown.append(frames[-1])
    return " <- ".join(
        f"{frame.filename.split('/src/')[-1]}:{frame.lineno} in {frame.name}" for frame in reversed(shown)
    )


def _admitted(response: Any) -> bool:
    """Whether the role may use the route: not refused, not sent to a login page."""
    if response is None:
        return True  # a crash is a finding: keep the role so it is reported
    if response.status_code == 403:
        return False
    return not (response.status_code in (301, 302) and "inloggen" in response.get("Location", ""))


@dataclass
class Params:
    """What a role may do on a route, the parameters its view reads by GET and by POST, and the form defaults."""

    admitted: bool
    by: dict[str, set[str]]
    defaults: dict[str, str]


def _discover(walk: Walk, url: str) -> Params:
    with recording_keys() as read_by_get:
        got = walk.ask("get", url, what="(plain GET)")
    with recording_keys() as read_by_post:
        posted = walk.ask("post", url, what="(empty POST)")
    forms = FormReader(url.split("?")[0])
    if got is not None and "text/html" in got.get("Content-Type", "") and not getattr(got, "streaming", False):
        forms.feed(got.content.decode("utf-8", "replace"))
    by = {
        "get": (read_by_get | forms.names["get"]) - SKIP_KEYS,
        "post": (read_by_post | forms.names["post"]) - SKIP_KEYS,
    }
    defaults = {key: value for key, value in forms.defaults.items() if key not in SKIP_KEYS}
    return Params(_admitted(got) or _admitted(posted), by, defaults)


def _roles(route: walker.Route) -> tuple[str | None, ...]:
    return CLIENT_ROLES if route.namespace == "client" else PORTAL_ROLES


def _send(walk: Walk, url: str, method: str, params: Params, values: dict[str, Any], what: str) -> None:
    base = params.defaults if method == "post" else {}
    walk.ask(method, url, {**base, **values}, what=what)


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=[route.label for route in ROUTES])
def test_no_parameter_of_this_route_gives_a_server_error(school, route):
    """The first admitted role gets every parameter alone with every bad value (a view that stops at the first bad
    parameter cannot hide the next); the second gets every bad value in all parameters at once (its own code paths,
    at a fraction of the requests)."""
    problems: list[str] = []
    asked = 0
    for url in walker.fill(route, school):
        tried = 0
        for role in _roles(route):
            if tried >= MAX_ROLES:
                break
            walk = Walk(school, role, route)
            params = _discover(walk, url)
            if params.admitted:
                for method, names in params.by.items():
                    for label, value in BAD_VALUES:
                        if tried == 0:
                            for name in sorted(names):
                                _send(walk, url, method, params, {name: value}, f"{name}=<{label}>")
                        elif names:
                            _send(walk, url, method, params, dict.fromkeys(names, value), f"all=<{label}>")
                tried += 1
            problems += walk.problems
            asked += walk.asked
    assert asked > 0
    assert not problems, f"{len(problems)} of {asked} requests failed:\n" + "\n".join(problems[:40])


def test_the_walk_finds_the_parameters_of_known_views():
    """The parameter discovery itself: a search form's field and a filter only read by the view are found."""
    parser = FormReader("/alfa/zoeken")
    parser.feed(
        '<form action="/i18n/setlang/" method="post"><input name="language"></form>'
        '<form method="get"><input name="q" value="boek"><select name="taal"><option value="">-</option>'
        '<option value="nl" selected>nl</option></select><textarea name="t">x</textarea></form>'
    )
    assert parser.names == {"get": {"q", "taal", "t"}, "post": set()}
    assert parser.defaults == {"q": "boek", "taal": "nl", "t": "x"}
    query = QueryDict("leeftijd=A")
    with recording_keys() as keys:
        query.get("leeftijd")
        "kast" in query  # noqa: B015 - the lookup is what is recorded
    assert keys == {"leeftijd", "kast"}
    assert query.get("leeftijd") == "A"  # the patch is gone, the QueryDict still works


# The middleware itself, on its own: the cases of issue #12 and the edges of the encoding.
@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/alfa/zoeken?leeftijd=%00",
        "/alfa/kast/?kast=reeks&waarde=%00",
        "/alfa/zoeken?q=a%00b",
        "/alfa/zoeken?%00=1",
        "/client/leners/?q=%00",
        "/alfa/zoeken%00",
    ],
)
def test_a_nul_byte_anywhere_in_the_address_is_refused_with_a_400(client, school_a, url):
    response = client.get(url)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Ongeldig verzoek" in text and "Traceback" not in text
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_400_page_is_translated(client, school_a):
    response = client.get("/alfa/zoeken?leeftijd=%00", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    # Rendered in the visitor's language although the locale middleware has not run yet.
    assert '<html lang="en">' in response.content.decode()


@pytest.mark.django_db
def test_a_nul_byte_in_a_urlencoded_form_is_refused_before_any_view(client, admin_a):
    client.force_login(admin_a)
    body = "first_name=Sanne&last_name=Berg%00"
    response = client.post("/client/leners/nieuw/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert not Patron.objects.filter(school=admin_a.school).exists()


@pytest.mark.django_db
def test_a_percent_sign_and_an_encoded_percent_are_not_a_nul(client, school_a):
    assert client.get("/alfa/zoeken?q=100%25").status_code == 200
    assert client.get("/alfa/zoeken?q=%2500").status_code == 200


@pytest.mark.django_db
def test_an_over_long_query_string_is_refused_with_a_414(client, school_a):
    response = client.get("/alfa/zoeken", {"q": "x" * (MAX_QUERY_STRING + 1)})
    assert response.status_code == 414
    assert client.get("/alfa/zoeken", {"q": "x" * 1000}).status_code == 200
