"""In the browser: a library employee who may import logs in, sets up the authenticator app, looks at the audit log
and a school's data page; a parent reads the portal's privacy page."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from mediatheek.accounts.services import create_account
from mediatheek.testing import factories as f
from mediatheek.testing.school_objects import populate

pytestmark = pytest.mark.browser
PASSWORD = "bieb-wachtwoord-2026"


def _code(user: Any) -> str:
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_staff_second_factor_audit_log_and_school_data(page, transactional_db, screenshot):
    school = f.SchoolFactory(code="11AA00", slug="alfa", name="OBS Alfa")
    populate(school, "Zqxprivalfa")
    user, _generated = create_account(role="staff", login="importeur", school=None, password=PASSWORD)
    assert user.otp_required

    page.goto("/client/")
    page.get_by_label("Gebruikersnaam").fill("importeur")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/client/tweestaps/instellen/**")
    expect(page.get_by_role("img", name="QR-code voor de authenticator-app")).to_be_visible()
    screenshot(page, "01-otp-setup")
    page.get_by_label("Code uit de authenticator-app").fill(_code(user))
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("heading", name="Je herstelcodes")).to_be_visible()
    assert "Tweestapsverificatie staat aan" in page.locator(".message-success").inner_text()
    page.get_by_role("link", name="Ik heb ze bewaard, verder").click()
    page.wait_for_url("**/client/")

    nav = page.get_by_role("navigation", name="Hoofdmenu")
    nav.get_by_role("link", name="Auditlog").click()
    page.wait_for_url("**/client/auditlog/")
    assert "tweestapsverificatie ingesteld" in page.content()
    screenshot(page, "02-audit-log")

    nav = page.get_by_role("navigation", name="Hoofdmenu")
    nav.get_by_role("link", name="Gegevens school").click()
    page.wait_for_url("**/gegevens/")
    expect(page.get_by_role("heading", name="Alle gegevens verwijderen (einde contract)")).to_be_visible()
    screenshot(page, "03-school-data")

    nav = page.get_by_role("navigation", name="Hoofdmenu")
    nav.get_by_role("link", name="Beveiliging").click()
    expect(page.get_by_test_id("security-importeur")).to_be_visible()
    screenshot(page, "04-security")


def test_portal_privacy_page(page, transactional_db, screenshot):
    school = f.SchoolFactory(code="11AA00", slug="alfa", name="OBS Alfa")
    page.goto(f"/{school.slug}/")
    page.get_by_role("link", name="Privacy").click()
    page.wait_for_url("**/alfa/privacy/")
    assert "730 dagen" in page.get_by_test_id("loan-retention").inner_text()
    assert "12 maanden" in page.get_by_test_id("deregistered-retention").inner_text()
    screenshot(page, "privacy")
