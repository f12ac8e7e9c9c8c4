"""Rules of the house that no single feature test would notice breaking: migrations that never run live code, a
factory for every model, URL modules by path with the URLs themselves unchanged, and the benchmark's route absent
from a normal install."""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import factory
import pytest
from django.apps import apps
from django.conf import settings
from django.test import override_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, clear_url_caches, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404

import mediatheek
from mediatheek.testing import factories

# --- Migrations never import live project code ------------------------------------------------------------------------

PROJECT = Path(mediatheek.__file__).parent
MIGRATIONS = sorted(PROJECT.glob("*/migrations/[0-9]*.py"))
# makemigrations writes a field's callable (`default=`, `upload_to=`, `validators=[...]`) as a reference to where it
# lives: `import mediatheek.<app>.models` and `mediatheek.<app>.models.<name>` as that keyword's value. Django needs
# the name to stay importable, so such a callable must stay small and stable; nothing else of ours is allowed.
FIELD_CALLABLE_KEYWORDS = frozenset({"default", "upload_to", "validators", "limit_choices_to"})
MODELS_MODULE = re.compile(r"mediatheek\.\w+\.models")


def live_code_in_migration(source: str) -> list[str]:
    """What in a migration's source reaches our own code, other than a field callable named as above."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level or (node.module or "").split(".")[0] == "mediatheek":
                found.append(f"line {node.lineno}: from {'.' * node.level}{node.module or ''} import ...")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "mediatheek" and not (
                    MODELS_MODULE.fullmatch(alias.name) and alias.asname is None
                ):
                    found.append(f"line {node.lineno}: import {alias.name}")
        elif isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in ("import_module", "__import__", "run_path"):
                found.append(f"line {node.lineno}: {name}(...)")
        elif (
            isinstance(node, ast.Name) and node.id == "mediatheek" and not isinstance(parents.get(node), ast.Attribute)
        ):
            found.append(f"line {node.lineno}: the name mediatheek used as it is")
        elif isinstance(node, ast.Attribute) and not isinstance(parents.get(node), ast.Attribute):
            dotted = ast.unparse(node)
            if dotted.split(".")[0] != "mediatheek":
                continue
            parent = parents.get(node)
            if isinstance(parent, ast.List | ast.Tuple):
                parent = parents.get(parent)
            module, _, _name = dotted.rpartition(".")
            if not (
                MODELS_MODULE.fullmatch(module)
                and isinstance(parent, ast.keyword)
                and parent.arg in FIELD_CALLABLE_KEYWORDS
            ):
                found.append(f"line {node.lineno}: {dotted}")
    return found


def test_there_are_migrations_to_check():
    assert len(MIGRATIONS) > 20 and any(path.name == "0003_search_index.py" for path in MIGRATIONS)


@pytest.mark.parametrize("path", MIGRATIONS, ids=lambda path: f"{path.parent.parent.name}/{path.name}")
def test_no_migration_imports_live_project_code(path: Path):
    """A migration's history must not change when the project's code does: SQL and helpers are copied into the
    migration (see catalog/migrations/0003–0008), models come from the `apps` registry it is given."""
    assert live_code_in_migration(path.read_text()) == []


@pytest.mark.parametrize(
    ("source", "broken"),
    [
        ("def f(apps, editor):\n    from mediatheek.catalog import search_index\n", True),
        ("from mediatheek.catalog.text import search_text\n", True),
        ("from ..models import Title\n", True),
        ("import mediatheek.catalog.search_index\n", True),
        ("import mediatheek.reading.models\nx = mediatheek.reading.models.content_picture_path(None, 'a')\n", True),
        ("import mediatheek.reading.models\nf(upload_to=mediatheek.reading.models.content_picture_path)\n", False),
        ("import mediatheek.schools.models\nf(validators=[mediatheek.schools.models.check])\n", False),
        ("Title = apps.get_model('catalog', 'Title')\n", False),
    ],
)
def test_the_migration_rule_itself(source: str, broken: bool):
    assert bool(live_code_in_migration(source)) is broken


def _search_index_schema(cursor: Any, vendor: str) -> list[Any]:
    if vendor == "sqlite":
        cursor.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name LIKE 'catalog_title_fts%' "
            "OR name LIKE 'catalog_copy_holdings%' ORDER BY type, name"
        )
        return cursor.fetchall()
    queries = [
        "SELECT column_name, data_type, column_default, is_nullable, generation_expression "
        "FROM information_schema.columns WHERE table_name = 'catalog_title' AND table_schema = current_schema() "
        "ORDER BY column_name",
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('catalog_title', 'catalog_copy') "
        "ORDER BY indexname",
        "SELECT proname, pg_get_function_identity_arguments(oid), prosrc FROM pg_proc "
        "WHERE proname LIKE 'catalog\\_%' ORDER BY proname",
        "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname",
    ]
    rows: list[Any] = []
    for query in queries:
        cursor.execute(query)
        rows.extend(cursor.fetchall())
    return rows


@pytest.mark.django_db
def test_the_live_search_index_is_what_the_migrations_made():
    """The other direction: catalog/search_index.py (`reindex_catalogue` runs it) builds exactly the index the
    frozen migrations built. When its SQL changes, this fails until a new migration brings databases there too."""
    from django.db import connection

    from mediatheek.catalog import search_index

    with connection.cursor() as cursor:
        migrated = _search_index_schema(cursor, connection.vendor)
        assert migrated
        search_index.uninstall(connection)
        search_index.install(connection, rebuild=True)
        assert _search_index_schema(cursor, connection.vendor) == migrated


# --- A factory for every model ----------------------------------------------------------------------------------------


def _our_models() -> list[Any]:
    return [model for model in apps.get_models() if model.__module__.startswith("mediatheek.")]


def _factories() -> dict[Any, Any]:
    found = {}
    for value in vars(factories).values():
        if isinstance(value, type) and issubclass(value, factory.django.DjangoModelFactory) and value._meta.model:
            found[value._meta.model] = value
    return found


def test_every_model_of_ours_has_a_factory():
    models = _our_models()
    assert len(models) > 20
    missing = sorted(model._meta.label for model in models if model not in _factories())
    assert missing == [], f"add a factory to mediatheek/testing/factories.py for: {missing}"


@pytest.mark.django_db
def test_every_factory_saves_an_object():
    for model, model_factory in _factories().items():
        obj = model_factory()
        assert model.objects.filter(pk=obj.pk).exists(), model._meta.label


# --- URLs: one module per path prefix, every URL and name as before ---------------------------------------------------

# A few key routes with the path each must keep (bookmarks, the desk's scanners, printed links, the tests' walker).
KEY_ROUTES = [
    ("client:home", {}, "/client/"),
    ("client:desk", {}, "/client/balie/"),
    ("client:desk_patron_scan", {"pk": 7}, "/client/balie/lener/7/scan/"),
    ("client:desk_return_scan", {}, "/client/balie/inleveren/scan/"),
    ("client:desk_rule_edit", {"pk": 7}, "/client/balie/regels/7/"),
    ("client:group_list", {}, "/client/groepen/"),
    ("client:patron_list", {}, "/client/leners/"),
    ("client:patron_detail", {"pk": 7}, "/client/leners/7/"),
    ("client:patron_edit", {"pk": 7}, "/client/leners/7/wijzigen/"),
    ("client:cards_pdf", {}, "/client/leners/passen.pdf"),
    ("client:overdue_pdf", {}, "/client/te-laat/lijst.pdf"),
    ("client:catalog_title", {"pk": 7}, "/client/catalogus/titels/7/"),
    ("client:catalog_stocktake_lost", {"pk": 7}, "/client/catalogus/inventarisatie/7/vermist/"),
    ("client:import_apply", {"pk": 7}, "/client/leerlingbestanden/7/toepassen/"),
    ("client:upload_school_history", {"school_pk": 7}, "/client/leerlingbestanden/school/7/"),
    ("client:import_undo", {"run_pk": 7}, "/client/leerlingimports/7/ongedaan-maken/"),
    ("client:content_edit", {"kind": "leestips", "pk": 7}, "/client/leestips/leestips/7/"),
    ("client:school_data", {"pk": 7}, "/client/scholen/7/gegevens/"),
    ("client:account_reset_password", {"pk": 7}, "/client/accounts/7/wachtwoord/"),
    ("client:otp_verify", {}, "/client/tweestaps/"),
    ("client:security_account_update", {"pk": 7}, "/client/beveiliging/accounts/7/"),
    ("client:audit_log_csv", {}, "/client/auditlog/export.csv"),
    ("portal:index", {}, "/"),
    ("portal:home", {"slug": "alfa"}, "/alfa/"),
    ("portal:search", {"slug": "alfa"}, "/alfa/zoeken"),
    ("portal:title", {"slug": "alfa", "pk": 7}, "/alfa/titel/7/"),
    ("portal:reserve", {"slug": "alfa", "pk": 7}, "/alfa/titel/7/reserveren/"),
    ("portal:tip_picture", {"slug": "alfa", "pk": 7}, "/alfa/leestips/7/afbeelding/"),
    ("portal:mine", {"slug": "alfa"}, "/alfa/mijn/"),
    ("portal:mine_loans", {"slug": "alfa"}, "/alfa/mijn/boeken/"),
    ("portal:upload_done", {"slug": "alfa", "pk": 7}, "/alfa/mijn/upload/7/"),
]


@pytest.mark.parametrize(("name", "kwargs", "url"), KEY_ROUTES, ids=[route[0] for route in KEY_ROUTES])
def test_key_routes_keep_their_paths(name: str, kwargs: dict[str, Any], url: str):
    assert reverse(name, kwargs=kwargs) == url
    assert resolve(url).view_name == name


def _routes(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if pattern.name and namespace else (pattern.name or "")
            yield prefix + str(pattern.pattern), name, pattern.callback


def test_every_route_is_reached_by_its_own_path():
    """No route hides another: each route's path, filled in, resolves to that route (the order of the included
    modules cannot matter)."""
    samples = {"int": "7", "slug": "alfa", "str": "leestips", "path": "a/b"}
    routes = list(_routes(get_resolver().url_patterns))
    assert len(routes) > 100
    for route, name, callback in routes:
        url = "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: samples.get(m.group(1) or "str", "x"), route)
        match = resolve(url)
        assert match.func == callback and (not name or match.view_name == name), (route, match.view_name)


@pytest.mark.parametrize("urls", ["mediatheek.client.urls", "mediatheek.portal.urls"])
def test_url_modules_are_split_by_path(urls: str):
    """Each module under client/urls/ and portal/urls/ is included with the path prefix it serves, never at ""."""
    module = importlib.import_module(urls)
    included = [pattern for pattern in module.urlpatterns if isinstance(pattern, URLResolver)]
    assert included
    for pattern in included:
        prefix = str(pattern.pattern)
        assert prefix.endswith("/") and prefix.strip("/"), f"{pattern.urlconf_name} is included without a prefix"


# --- The benchmark's route --------------------------------------------------------------------------------------------


def _reload_urls() -> None:
    importlib.reload(importlib.import_module("mediatheek.client.urls"))
    importlib.reload(importlib.import_module(settings.ROOT_URLCONF))
    clear_url_caches()


@pytest.fixture
def bench_on() -> Iterator[None]:
    try:
        with override_settings(MEDIATHEEK_BENCH=True):
            _reload_urls()
            yield
    finally:
        _reload_urls()


def test_the_bench_route_is_absent_by_default():
    assert settings.MEDIATHEEK_BENCH is False
    with pytest.raises(NoReverseMatch):
        reverse("client:ping")
    with pytest.raises(Resolver404):
        resolve("/client/ping")


@pytest.mark.django_db
def test_the_bench_route_answers_when_the_bench_setting_is_on(bench_on: None, client: Any, volunteer_a: Any):
    assert reverse("client:ping") == "/client/ping"
    assert client.get("/client/ping").status_code == 302  # behind the login, like every desk page
    client.force_login(volunteer_a)
    assert client.get("/client/ping").content == b"ok"
