"""Fixtures shared by every app's tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mediatheek.accounts.models import Role
from mediatheek.testing import factories as f


@pytest.fixture(autouse=True)
def _data_dir(settings: Any, tmp_path: Path) -> None:
    """Each test gets its own data folder (uploads, keys)."""
    settings.UPLOAD_DIR = tmp_path / "uploads"


@pytest.fixture
def school_a(db: None) -> Any:
    return f.SchoolFactory(code="11AA00", name="OBS Alfa", slug="alfa")


@pytest.fixture
def school_b(db: None) -> Any:
    return f.SchoolFactory(code="22BB00", name="CBS Beta", slug="beta")


@pytest.fixture
def staff_user(db: None) -> Any:
    return f.staff(username="bieb", first_name="Bea", last_name="Bieb")


@pytest.fixture
def admin_a(school_a: Any) -> Any:
    return f.school_user(Role.SCHOOL_ADMIN, school_a, username="admin-a")


@pytest.fixture
def admin_b(school_b: Any) -> Any:
    return f.school_user(Role.SCHOOL_ADMIN, school_b, username="admin-b")


@pytest.fixture
def volunteer_a(school_a: Any) -> Any:
    return f.school_user(Role.VOLUNTEER, school_a, username="balie-a")


@pytest.fixture
def uploader_a(school_a: Any) -> Any:
    return f.school_user(Role.UPLOADER, school_a, username="700001")


@pytest.fixture
def uploader_b(school_b: Any) -> Any:
    return f.school_user(Role.UPLOADER, school_b, username="700002")


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(os.environ.get("MEDIATHEEK_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright. Skipped loudly without it, except under CI."""
    if not (Path(CHROMIUM).exists() and shutil.which(CHROMIUM)):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: browser tests must run under CI")
        pytest.skip(f"WARNING: {CHROMIUM} not found; browser test skipped (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the tests still talk to the database directly.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(request: Any) -> Any:
    """screenshot(page, "step") saves test-artifacts/<test>/<step>.png."""
    folder = ARTIFACTS / request.node.name

    def take(page: Any, name: str) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{name}.png"
        page.screenshot(path=str(target), full_page=True)
        return target

    return take
