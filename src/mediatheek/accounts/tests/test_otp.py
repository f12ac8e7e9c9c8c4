"""The second factor's rules: recovery codes, the wait after wrong codes, and who may weaken another's 2FA."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mediatheek.accounts import otp
from mediatheek.accounts.models import RecoveryCode, User
from mediatheek.core.errors import DomainError
from mediatheek.core.models import AuditEvent
from mediatheek.testing import factories as f

pytestmark = pytest.mark.django_db


def _request(user: User):
    request = RequestFactory().post("/client/tweestaps/", REMOTE_ADDR="192.0.2.7")
    request.session = SessionStore()
    request.user = user
    return request


def _code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def user_with_app():
    user = f.staff(otp_required=True)
    device = otp.start_setup(user)
    codes = otp.confirm_setup(_request(user), user, device, _code(device))
    return user, device, codes


def test_setup_gives_ten_recovery_codes_stored_only_as_hashes(user_with_app):
    user, _device, codes = user_with_app
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = list(RecoveryCode.objects.filter(user=user).values_list("code_hash", flat=True))
    assert len(stored) == 10
    assert not any(code.replace("-", "") in hashed for code in codes for hashed in stored)
    assert all(hashed.startswith("argon2") for hashed in stored)


def test_a_recovery_code_logs_in_once(user_with_app):
    user, _device, codes = user_with_app
    first = otp.verify(_request(user), user, codes[3].upper().replace("-", " "))
    assert first.ok and first.recovery_code_used and first.recovery_codes_left == 9
    again = otp.verify(_request(user), user, codes[3])
    assert not again.ok


def test_a_wrong_code_is_audited(user_with_app):
    user, _device, _codes = user_with_app
    assert not otp.verify(_request(user), user, "000000").ok
    event = AuditEvent.objects.get(summary="tweestapsverificatie: foute code")
    assert event.object_id == str(user.pk) and event.ip_address == "192.0.2.7"
    assert event.detail["failures_in_a_row"] == 1


def test_during_the_wait_a_right_code_is_not_checked_and_the_wait_is_told(user_with_app):
    user, device, _codes = user_with_app
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=9, throttling_failure_timestamp=timezone.now(), last_t=-1
    )
    result = otp.verify(_request(user), user, _code(device))
    assert not result.ok and result.throttled
    assert result.wait_message() == "Te veel foute codes. Probeer het over 5 minuten opnieuw."
    # Not counted as another wrong code, and not audited as one.
    device.refresh_from_db()
    assert device.throttling_failure_count == 9
    assert not AuditEvent.objects.filter(summary__startswith="tweestapsverificatie: foute").exists()


def test_after_the_wait_a_right_code_is_accepted(user_with_app):
    user, device, _codes = user_with_app
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=9,
        throttling_failure_timestamp=timezone.now() - dt.timedelta(minutes=10),
        last_t=-1,
    )
    assert otp.verify(_request(user), user, _code(device)).ok


def test_wait_message_in_seconds_under_a_minute():
    assert otp.Verification(ok=False, wait_seconds=1).wait_message() == (
        "Te veel foute codes. Probeer het over 1 seconde opnieuw."
    )
    assert otp.Verification(ok=False, wait_seconds=61).wait_message() == (
        "Te veel foute codes. Probeer het over 2 minuten opnieuw."
    )


def test_new_recovery_codes_replace_the_old_ones(user_with_app):
    user, _device, codes = user_with_app
    with pytest.raises(DomainError):  # a session that has not given its code yet
        otp.renew_recovery_codes(_request(user), user)
    user.is_verified = lambda: True  # what django-otp's middleware says after the code
    new = otp.renew_recovery_codes(_request(user), user)
    assert len(new) == 10
    assert not otp.verify(_request(user), user, codes[0]).ok
    TOTPDevice.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    assert otp.verify(_request(user), user, new[0]).ok


def test_only_someone_with_a_second_factor_may_remove_anothers_app(user_with_app):
    other, _device, _codes = user_with_app
    without = f.staff()
    with pytest.raises(DomainError):
        otp.reset_devices(account=other, by=without)
    with pytest.raises(DomainError):
        otp.set_required(account=other, required=False, by=without)
    assert TOTPDevice.objects.filter(user=other).exists() and User.objects.get(pk=other.pk).otp_required
    # Switching it on is always allowed: it only makes an account safer.
    otp.set_required(account=f.staff(), required=True, by=without)


def test_someone_with_a_second_factor_removes_the_app_and_the_recovery_codes(user_with_app):
    other, _device, _codes = user_with_app
    manager = f.staff(otp_required=True)
    TOTPDevice.objects.create(user=manager, name="app", confirmed=True)
    otp.reset_devices(account=other, by=manager)
    assert not TOTPDevice.objects.filter(user=other).exists()
    assert not RecoveryCode.objects.filter(user=other).exists()
