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

ROOT = Path(__file__).resolve().parents[3]
SRC = ROOT / "src" / "mediatheek"


def _production_env(tmp_path: Path) -> dict[str, str]:
    # A fresh production environment: nothing of the test process (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE).
    dropped = ("DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    env.update(
        MEDIATHEEK_ENV="production",
        SECRET_KEY="test-deploy-check-" + "x9" * 30,
        ALLOWED_HOSTS="bibliotheek.example",
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
