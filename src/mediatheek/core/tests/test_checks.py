"""`mediatheek check --deploy` warns while mail would still come from a default or example address."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mediatheek.core.checks import default_from_email, is_placeholder_address

ROOT = Path(__file__).resolve().parents[4]


@pytest.mark.parametrize(
    "value",
    ["Mediatheek <mediatheek@localhost>", "webmaster@localhost", "bieb@example.com", "x@school.example", "", "geen"],
)
def test_default_and_example_addresses_are_placeholders(value):
    assert is_placeholder_address(value)


@pytest.mark.parametrize("value", ["Mediatheek <mediatheek@bibliotheek-noord.nl>", "mediatheek@obs-regenboog.nl"])
def test_a_real_address_is_not(value):
    assert not is_placeholder_address(value)


def test_the_check_names_the_setting(settings):
    settings.DEFAULT_FROM_EMAIL = "Mediatheek <mediatheek@localhost>"
    [warning] = default_from_email()
    assert warning.id == "mediatheek.W011" and "DEFAULT_FROM_EMAIL" in warning.msg
    settings.DEFAULT_FROM_EMAIL = "Mediatheek <mediatheek@bibliotheek-noord.nl>"
    assert default_from_email() == []


def test_check_deploy_fails_on_the_default_from_address_in_production(tmp_path):
    dropped = ("DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEFAULT_FROM_EMAIL")
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    env.update(
        MEDIATHEEK_ENV="production",
        SECRET_KEY="test-deploy-check-" + "x9" * 30,
        ALLOWED_HOSTS="bibliotheek.example",
        MEDIATHEEK_DATA_DIR=str(tmp_path),
        PYTHONPATH=str(ROOT / "src"),
    )
    result = subprocess.run(
        [sys.executable, "-m", "mediatheek", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "mediatheek.W011" in result.stdout + result.stderr
