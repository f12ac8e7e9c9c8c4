"""In the browser: recovery codes at set-up, one of them logging in once; the wait after too many wrong codes,
then a right code accepted; "App verwijderen" asking first."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from mediatheek.accounts.services import create_account
from mediatheek.testing import factories as f

pytestmark = pytest.mark.browser
PASSWORD = "bieb-wachtwoord-2026"  # noqa: S105 - tests only
WAIT = re.compile(r"Te veel foute codes\. Probeer het over \d+ (seconde|seconden|minuut|minuten) opnieuw\.")


def _code(user: Any) -> str:
    device = TOTPDevice.objects.filter(user=user).latest("pk")
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _log_in(page: Any, login: str) -> None:
    page.goto("/client/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(login)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def _give_code(page: Any, code: str) -> None:
    page.get_by_label("Code uit de authenticator-app").fill(code)
    page.get_by_role("button", name="Controleren").click()


def test_recovery_codes_and_the_wait_after_wrong_codes(page, transactional_db, screenshot, settings):
    # Waits of a minute, two, four... after wrong codes in a row (django-otp doubles this factor each time), so the
    # wait is still on when the right code follows.
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    f.SchoolFactory(code="11AA00", slug="alfa", name="OBS Alfa")
    user, _generated = create_account(role="staff", login="importeur", school=None, password=PASSWORD)
    _log_in(page, "importeur")
    page.wait_for_url("**/client/tweestaps/instellen/**")
    page.get_by_label("Code uit de authenticator-app").fill(_code(user))
    page.get_by_role("button", name="Bevestigen").click()
    codes = page.get_by_test_id("recovery-codes").locator("code")
    expect(codes).to_have_count(10)
    expect(page.get_by_role("button", name="Afdrukken")).to_be_visible()
    expect(page.get_by_role("button", name="Kopiëren")).to_be_visible()
    screenshot(page, "01-recovery-codes")
    recovery_code = codes.nth(0).inner_text()
    page.get_by_role("link", name="Ik heb ze bewaard, verder").click()
    page.wait_for_url("**/client/")

    # A recovery code in place of the app's code: it works once.
    page.get_by_role("button", name="Uitloggen").click()
    _log_in(page, "importeur")
    page.wait_for_url("**/client/tweestaps/**")
    _give_code(page, recovery_code)
    page.wait_for_url("**/client/")
    expect(page.locator(".message-warning")).to_contain_text("Je hebt er nog 9 over")
    screenshot(page, "02-logged-in-with-recovery-code")
    page.get_by_role("button", name="Uitloggen").click()
    _log_in(page, "importeur")
    page.wait_for_url("**/client/tweestaps/**")
    _give_code(page, recovery_code)
    expect(page.locator(".field-error")).to_contain_text("klopt niet")

    # Wrong codes until the page says to wait; then even the right code is not called wrong.
    for _attempt in range(8):
        _give_code(page, "000000")
        page.wait_for_load_state()
        if WAIT.search(page.content()):
            break
    expect(page.get_by_text(WAIT)).to_be_visible()
    screenshot(page, "03-wait")
    _give_code(page, _code(user))
    expect(page.get_by_text(WAIT)).to_be_visible()
    assert "klopt niet" not in page.locator("main").inner_text()

    # The wait is over (moved into the past here rather than slept through): the right code is accepted.
    TOTPDevice.objects.filter(user=user).update(
        throttling_failure_timestamp=timezone.now() - dt.timedelta(hours=1), last_t=-1
    )
    _give_code(page, _code(user))
    page.wait_for_url("**/client/")


def test_app_verwijderen_asks_first(page, transactional_db, screenshot):
    f.SchoolFactory(code="11AA00", slug="alfa", name="OBS Alfa")
    manager, _generated = create_account(role="staff", login="beheerder", school=None, password=PASSWORD)
    colleague, _generated = create_account(role="staff", login="collega", school=None, password=PASSWORD)
    TOTPDevice.objects.create(user=colleague, name="app", confirmed=True)
    _log_in(page, "beheerder")
    page.wait_for_url("**/client/tweestaps/instellen/**")
    page.get_by_label("Code uit de authenticator-app").fill(_code(manager))
    page.get_by_role("button", name="Bevestigen").click()
    page.get_by_role("link", name="Ik heb ze bewaard, verder").click()
    page.wait_for_url("**/client/")

    page.goto("/client/beveiliging/accounts/")
    page.get_by_test_id("security-collega").get_by_role("link", name="App verwijderen").click()
    expect(page.get_by_role("heading", name="Authenticator-app van collega verwijderen?")).to_be_visible()
    screenshot(page, "01-confirm")
    assert TOTPDevice.objects.filter(user=colleague).exists()
    page.get_by_role("button", name="Ja, app verwijderen").click()
    expect(page.locator(".message-success")).to_contain_text("De authenticator-app van collega is verwijderd")
    assert not TOTPDevice.objects.filter(user=colleague).exists()
