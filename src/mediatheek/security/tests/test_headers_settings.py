"""Headers and production settings: CSP without inline script, HSTS and secure cookies, `check --deploy` clean,
bandit without high findings, and no template with an inline script or style."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]
SRC = ROOT / "src" / "mediatheek"


def _production_env(tmp_path: Path) -> dict[str, str]:
    # A fresh production environment: nothing of the test process (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE).
    dropped = ("DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    env.update(
        MEDIATHEEK_ENV="production",
        SECRET_KEY="test-deploy-check-" + "x9" * 30,
        ALLOWED_HOSTS="bibliotheek.example",
        DEFAULT_FROM_EMAIL="Mediatheek <mediatheek@bibliotheek-noord.nl>",
        MEDIATHEEK_DATA_DIR=str(tmp_path),
        PYTHONPATH=str(ROOT / "src"),
    )
    return env


def test_check_deploy_is_clean_in_production(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "mediatheek", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_send_hsts_and_secure_cookies(tmp_path):
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({"
        "'debug': s.DEBUG, 'hsts': s.SECURE_HSTS_SECONDS, 'session': s.SESSION_COOKIE_SECURE, "
        "'csrf': s.CSRF_COOKIE_SECURE, 'ssl': s.SECURE_SSL_REDIRECT, 'httponly': s.SESSION_COOKIE_HTTPONLY}))"
    )
    env = _production_env(tmp_path) | {"DJANGO_SETTINGS_MODULE": "mediatheek.settings"}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values == {
        "debug": False,
        "hsts": 31536000,
        "session": True,
        "csrf": True,
        "ssl": True,
        "httponly": True,
    }


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = _production_env(tmp_path)
    del env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "-m", "mediatheek", "check"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/client/inloggen/", "/", "/alfa/", "/alfa/inloggen/"])
def test_every_page_sends_a_csp_without_inline_script(client, school_a, url):
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", re.I), "an inline <script> body"),
    (re.compile(r"\sstyle\s*=", re.I), "a style= attribute"),
    (re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I), "an on...= event handler"),
    (re.compile(r"<style[\s>]", re.I), "a <style> element"),
    (re.compile(r"(src|href)\s*=\s*[\"']https?://", re.I), "a resource from another host"),
]


def test_no_template_needs_an_inline_script_or_style():
    problems = []
    for template in sorted(SRC.glob("*/templates/**/*.html")):
        text = template.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{template.relative_to(SRC)}:{line}: {what}")
    assert not problems, "CSP would block:\n" + "\n".join(problems)


@pytest.mark.skipif(shutil.which("bandit", path=str(Path(sys.executable).parent)) is None, reason="bandit missing")
def test_bandit_finds_nothing_of_high_severity():
    bandit = shutil.which("bandit", path=str(Path(sys.executable).parent))
    assert bandit is not None
    result = subprocess.run(
        [bandit, "-q", "-c", str(ROOT / "pyproject.toml"), "-r", str(SRC), "--severity-level", "high", "-f", "json"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    report = json.loads(result.stdout)
    high = [issue for issue in report["results"] if issue["issue_severity"] == "HIGH"]
    assert not high, high


# Cache-Control: no browser or proxy keeps a copy of a page with pupils' data (the back button after logout on a
# shared desk PC shows nothing). Generated from the URL walker: every client route and every personal portal route.
PERSONAL_PORTAL_ROUTES = ("login", "logout", "password_change", "mine", "mine_", "upload")


def _personal(route) -> bool:
    name = route.name or ""
    return route.namespace == "portal" and any(
        name == prefix or (prefix.endswith("_") and name.startswith(prefix)) or name.startswith("upload")
        for prefix in PERSONAL_PORTAL_ROUTES
    )


@pytest.fixture
def filled_school(db, settings):
    from mediatheek.testing import factories as f
    from mediatheek.testing.school_objects import populate

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    data = populate(f.SchoolFactory(code="11AA00", name="OBS Alfa", slug="alfa"), "Zqxalfa")
    data.add("staff", f.staff(username="bieb"))
    return data


def _not_stored(response) -> bool:
    return "no-store" in response.get("Cache-Control", "") and "public" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_every_client_page_and_every_mijn_bibliotheek_page_is_sent_no_store(filled_school):
    from django.test import Client

    from mediatheek.testing import walker

    data = filled_school
    routes = [r for r in walker.routes() if r.namespace == "client" or _personal(r)]
    assert len(routes) > 80
    problems, asked = [], 0
    for route in routes:
        roles = ("staff", "volunteer", None) if route.namespace == "client" else ("pupil", "teacher", "uploader", None)
        for url in walker.fill(route, data):
            for role in roles:
                client = Client(raise_request_exception=False)
                if role:
                    client.force_login(data.first(role))
                response = client.get(url)
                asked += 1
                if not _not_stored(response):
                    problems.append(
                        f"GET {url} as {role or 'anonymous'}: {response.status_code}, "
                        f"Cache-Control {response.get('Cache-Control')!r}"
                    )
    assert not problems, f"{len(problems)} of {asked} responses may be stored:\n" + "\n".join(problems[:40])


@pytest.mark.django_db
def test_a_public_page_for_an_anonymous_visitor_is_not_forced_no_store(filled_school, client):
    for url in ("/alfa/", "/alfa/zoeken?q=boek", "/alfa/leestips/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" not in response.get("Cache-Control", ""), url


@pytest.mark.django_db
def test_a_public_page_for_a_logged_in_pupil_is_no_store_but_a_cover_stays_public(filled_school, client, tmp_path):
    from django.core.files.base import ContentFile

    data = filled_school
    title = data.first("title")
    title.cover.save("omslag.png", ContentFile(b"\x89PNG\r\n\x1a\n" + b"0" * 64), save=True)
    client.force_login(data.first("pupil"))
    assert _not_stored(client.get("/alfa/"))
    cover = client.get(f"/alfa/titel/{title.pk}/omslag/")
    assert cover.status_code == 200 and cover["Cache-Control"] == "public, max-age=86400"


@pytest.mark.django_db
def test_after_logout_the_desk_page_is_neither_stored_nor_shown(filled_school, client):
    data = filled_school
    client.force_login(data.first("volunteer"))
    page = client.get("/client/leners/")
    assert page.status_code == 200 and _not_stored(page) and page["Expires"]
    client.post("/client/uitloggen/")
    again = client.get("/client/leners/")
    assert again.status_code == 302 and "inloggen" in again["Location"] and _not_stored(again)
