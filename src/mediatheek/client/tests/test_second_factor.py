"""The client's second-factor pages: the wait after wrong codes, recovery codes, and "App verwijderen"."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from mediatheek.accounts import otp
from mediatheek.accounts.models import RecoveryCode
from mediatheek.testing import factories as f

pytestmark = pytest.mark.django_db


def _with_app(user: Any) -> TOTPDevice:
    user.otp_required = True
    user.save(update_fields=["otp_required"])
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def _verified(client: Any, user: Any) -> TOTPDevice:
    device = _with_app(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def test_during_the_wait_the_page_says_how_long(client, staff_user):
    device = _with_app(staff_user)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=9, throttling_failure_timestamp=timezone.now()
    )
    client.force_login(staff_user)
    page = client.post(reverse("client:otp_verify"), {"token": "123456"}).content.decode()
    assert "Te veel foute codes. Probeer het over 5 minuten opnieuw." in page
    assert "klopt niet" not in page


def test_a_recovery_code_logs_in_and_says_how_many_are_left(client, staff_user):
    _with_app(staff_user)
    f.RecoveryCodeFactory(user=staff_user, code="abcde-fghjk")
    f.RecoveryCodeFactory(user=staff_user, code="mnpqr-stuvw")
    client.force_login(staff_user)
    response = client.post(
        reverse("client:otp_verify"), {"token": "ABCDE-FGHJK", "next": "/client/beveiliging/accounts/"}
    )
    assert response.status_code == 302 and response["Location"] == "/client/beveiliging/accounts/"
    assert "nog 1 over" in client.get(response["Location"]).content.decode()


def test_new_recovery_codes_ask_first_then_are_shown_once(client, staff_user):
    _verified(client, staff_user)
    f.RecoveryCodeFactory(user=staff_user)
    page = client.get(reverse("client:otp_recovery_codes"))
    assert page.status_code == 200 and "werken je oude herstelcodes niet meer" in page.content.decode()
    assert RecoveryCode.objects.filter(user=staff_user).count() == 1
    response = client.post(reverse("client:otp_recovery_codes"))
    assert response.status_code == 200 and 'data-testid="recovery-codes"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert RecoveryCode.objects.filter(user=staff_user).count() == otp.RECOVERY_CODE_COUNT


def test_app_verwijderen_asks_first_and_says_what_happens(client, staff_user):
    _verified(client, staff_user)
    other = f.staff(username="collega")
    _with_app(other)
    page = client.get(reverse("client:security_account_reset", args=[other.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and "Ja, app verwijderen" in text and "herstelcodes" in text
    assert TOTPDevice.objects.filter(user=other).exists()
    client.post(reverse("client:security_account_reset", args=[other.pk]))
    assert not TOTPDevice.objects.filter(user=other).exists()


def test_a_manager_without_a_second_factor_cannot_remove_anothers_app(client, staff_user):
    other = f.staff(username="collega")
    _with_app(other)
    client.force_login(staff_user)
    page = client.get(reverse("client:security_account_reset", args=[other.pk])).content.decode()
    assert "Ja, app verwijderen" not in page and "Alleen wie zelf inlogt met tweestapsverificatie" in page
    client.post(reverse("client:security_account_reset", args=[other.pk]))
    client.post(reverse("client:security_account_update", args=[other.pk]), {"action": "off"})
    other.refresh_from_db()
    assert TOTPDevice.objects.filter(user=other).exists() and other.otp_required


def test_app_verwijderen_is_for_library_staff_and_staff_accounts_only(client, admin_a, staff_user):
    client.force_login(admin_a)
    assert client.get(reverse("client:security_account_reset", args=[staff_user.pk])).status_code == 403
    client.force_login(staff_user)
    assert client.get(reverse("client:security_account_reset", args=[admin_a.pk])).status_code == 404
