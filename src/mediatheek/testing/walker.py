"""The URL walker behind the generated tenant-isolation test.

It lists every route of the client and the portal from the URL resolver, and fills each route's parameters with
objects of a given school. A parameter it does not know makes the walk fail: a new view with a new kind of
parameter must be registered here (one line in KWARGS or PK_SEGMENTS), and is then covered automatically.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from mediatheek.testing.school_objects import SchoolData

PLACEHOLDER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")

# Parameter name -> which object of the school fills it (an attribute, or a kind of SchoolData.objects).
KWARGS: dict[str, str] = {
    "slug": "school.slug",
    "school_pk": "school.pk",
    "school_id": "school.pk",
    "patron_pk": "patron",
    "patron_id": "patron",
    "copy_pk": "copy",
    "copy_id": "copy",
    "loan_pk": "loan",
    "loan_id": "loan",
    "reservation_pk": "reservation",
    "reservation_id": "reservation",
    "run_pk": "run",
    "run_id": "run",
    "upload_pk": "upload",
    "upload_id": "upload",
    "group_pk": "group",
    "group_id": "group",
    "title_pk": "title",
    "title_id": "title",
    "tip_pk": "tip",
    "fact_pk": "fact",
    "rule_pk": "loanrule",
    "account_pk": "school_admin",
    "user_pk": "school_admin",
    "barcode": "copy.barcode",
    "card_number": "patron.card_number",
}
# Values tried for parameters that are not objects.
CHOICES: dict[str, list[str]] = {"kind": ["leestips", "weetjes"]}
# The parts of a password-reset link: any value gives the "link does not work" page.
CHOICES.update({"uidb64": ["MQ"], "token": ["verlopen-link"]})
# A bare `pk` is the object named by the path segment just before it ("leners/<int:pk>/" is a patron).
PK_SEGMENTS: dict[str, str] = {
    "leners": "patron",
    "lener": "patron",
    "regels": "loanrule",
    "sluitingsdagen": "closedday",
    "leerlingbestanden": "upload",
    "upload": "upload",
    "leerlingimports": "run",
    "leestips": "tip",
    "weetjes": "fact",
    "scholen": "school",
    "accounts": "school_admin",
    "titel": "title",
    "titels": "title",
    "boeken": "loan",
    "uitleningen": "loan",
    "reserveringen": "reservation",
    "exemplaren": "copy",
    "exemplaar": "copy",
    "groepen": "group",
    "groep": "group",
    "inventarisaties": "stocktake",
    "inventarisatie": "stocktake",
}


@dataclass(frozen=True)
class Route:
    namespace: str
    name: str | None
    route: str  # "client/leners/<int:pk>/"

    @property
    def label(self) -> str:
        return f"{self.namespace}:{self.name or self.route}"

    @property
    def params(self) -> list[str]:
        return [m.group("name") for m in PLACEHOLDER.finditer(self.route)]


def routes(namespaces: tuple[str, ...] = ("client", "portal")) -> list[Route]:
    found: list[Route] = []

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if not isinstance(pattern.pattern, RoutePattern):
                raise AssertionError(f"{prefix}{pattern.pattern}: a regex route; the walker only reads path() routes")
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace in namespaces:
                found.append(Route(namespace, pattern.name, prefix + str(pattern.pattern)))

    walk(get_resolver().url_patterns, "", "")
    return found


class UnfillableRoute(Exception):
    pass


def _value(data: SchoolData, spec: str) -> Any:
    kind, _dot, attribute = spec.partition(".")
    obj = data.school if kind == "school" else data.first(kind)
    if obj is None:
        raise UnfillableRoute(f"no object of kind {kind!r} in the test data")
    return getattr(obj, attribute or "pk")


def fill(route: Route, data: SchoolData, *, slug_school: Any = None) -> Iterator[str]:
    """Every URL of `route` with its parameters filled from `data` (the portal slug from `slug_school` if given)."""
    params = route.params
    choice_sets: list[dict[str, str]] = [{}]
    for name in params:
        if name in CHOICES:
            choice_sets = [{**chosen, name: value} for chosen in choice_sets for value in CHOICES[name]]
    for chosen in choice_sets:
        url = route.route
        for match in list(PLACEHOLDER.finditer(route.route)):
            name = match.group("name")
            if name in chosen:
                value: Any = chosen[name]
            elif name == "slug" and slug_school is not None:
                value = slug_school.slug
            elif name in KWARGS:
                value = _value(data, KWARGS[name])
            elif name == "pk":
                before = route.route[: match.start()].rstrip("/").split("/")[-1]
                segment = (
                    chosen.get(PLACEHOLDER.fullmatch(before).group("name"), "")
                    if PLACEHOLDER.fullmatch(before)
                    else before
                )
                if segment not in PK_SEGMENTS:
                    raise UnfillableRoute(f"{route.label} ({route.route}): which object is <pk> after {before!r}?")
                value = _value(data, PK_SEGMENTS[segment])
            else:
                raise UnfillableRoute(f"{route.label} ({route.route}): unknown parameter <{name}>")
            url = url.replace(match.group(0), str(value), 1)
        yield "/" + url


def body_text(response: Any) -> str:
    """What a person could read in the response: HTML/JSON/CSV text, the strings of an xlsx, the text of a PDF."""
    content = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    content_type = response.get("Content-Type", "")
    text = content.decode("utf-8", errors="replace")
    if "spreadsheetml" in content_type or content[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                text = " ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
        except zipfile.BadZipFile:
            pass
    elif "pdf" in content_type or content[:5] == b"%PDF-":
        from pypdf import PdfReader

        text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    return text + " " + response.get("Location", "")


def is_export(response: Any) -> bool:
    content_type = response.get("Content-Type", "")
    return any(kind in content_type for kind in ("text/csv", "spreadsheetml", "ms-excel", "application/json")) and (
        "attachment" in response.get("Content-Disposition", "")
    )


EXPORT_LINK = re.compile(r"""href=["'](/[^"'#]*(?:\.csv|\.xlsx|\.json|[?&](?:amp;)?(?:formaat|format)=)[^"'#]*)["']""")
EXPORT_QUERIES = ["?formaat=csv", "?formaat=xlsx", "?format=csv", "?format=xlsx"]


def export_links(response: Any) -> list[str]:
    """Links on an HTML page that look like a download (…csv, …xlsx, ?formaat=…), to follow as well."""
    if "text/html" not in response.get("Content-Type", "") or getattr(response, "streaming", False):
        return []
    return sorted(
        {link.replace("&amp;", "&") for link in EXPORT_LINK.findall(response.content.decode(errors="replace"))}
    )


def export_variants(route: Route, url: str) -> list[str]:
    """The URL itself, plus format queries for a route that looks like an export page."""
    name = route.name or ""
    if "export" in name or "rapport" in name:
        return [url, *(url + query for query in EXPORT_QUERIES)]
    return [url]
