"""The second factor: a TOTP app (Google Authenticator, Microsoft Authenticator, FreeOTP...) via django-otp,
with one-time recovery codes for a lost phone.

The QR code is drawn here on the server (segno, as an SVG data URI): nothing is fetched from another host.
Wrong codes are throttled by the device (django-otp: a wait of 1, 2, 4, 8... seconds after each wrong code in a
row), recovery codes included; during the wait no code is checked at all, so a right code is never called wrong.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from typing import Any

import segno
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from mediatheek.accounts.models import RecoveryCode, Role, User
from mediatheek.accounts.passwords import ALPHABET
from mediatheek.core import audit
from mediatheek.core.errors import DomainError

DEVICE_NAME = "authenticator-app"
RECOVERY_CODE_COUNT = 10
# Two groups of five from the letter-safe alphabet: about 50 bits each, readable from a sheet of paper.
RECOVERY_CODE_GROUPS = 2
RECOVERY_CODE_GROUP_LENGTH = 5


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def needs_second_factor(user: Any) -> bool:
    """True while a logged-in client user who must use a second factor has not given it in this session."""
    if not getattr(user, "is_authenticated", False) or not isinstance(user, User):
        return False
    if not (user.otp_required and user.uses_client):
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (callable(is_verified) and is_verified())


@transaction.atomic
def start_setup(user: User) -> TOTPDevice:
    """A fresh, unconfirmed device (a new secret) for the user to scan; an older unconfirmed one is dropped."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def pending_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def uses_second_factor(user: User) -> bool:
    """The account logs in with a second factor: it is required, and an app is set up."""
    return user.otp_required and confirmed_device(user) is not None


@transaction.atomic
def confirm_setup(request: HttpRequest, user: User, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the new device with a first code; older devices of the user are removed.

    Returns a fresh set of recovery codes (any older ones stop working), to be shown once.
    """
    waiting = _wait_seconds(device)
    if waiting:
        raise DomainError(Verification(ok=False, wait_seconds=waiting).wait_message())
    if device.user_id != user.pk or not device.verify_token(token.strip().replace(" ", "")):
        raise DomainError(_("Die code klopt niet. Kijk of de tijd op je telefoon goed staat en probeer het opnieuw."))
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    audit.record(
        audit.AuditEvent.Action.UPDATE, actor=user, obj=user, summary="tweestapsverificatie ingesteld", request=request
    )
    return _new_recovery_codes(user)


# --- Recovery codes ------------------------------------------------------------------------------------------------


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _new_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [
        "-".join(
            "".join(secrets.choice(ALPHABET) for _i in range(RECOVERY_CODE_GROUP_LENGTH))
            for _g in range(RECOVERY_CODE_GROUPS)
        )
        for _c in range(RECOVERY_CODE_COUNT)
    ]
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=make_password(_normalise(c))) for c in codes)
    return codes


@transaction.atomic
def renew_recovery_codes(request: HttpRequest, user: User) -> list[str]:
    """A new set of recovery codes for the user's own account; the old ones stop working. Shown once."""
    if needs_second_factor(user) or confirmed_device(user) is None:
        raise DomainError(_("Stel eerst je authenticator-app in en log in met een code."))
    codes = _new_recovery_codes(user)
    audit.record(
        audit.AuditEvent.Action.UPDATE, actor=user, obj=user, summary="nieuwe herstelcodes gemaakt", request=request
    )
    return codes


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def _use_recovery_code(user: User, code: str) -> bool:
    """Mark the matching unused code as used; False when none matches. Called under the device's row lock."""
    plain = _normalise(code)
    if not plain:
        return False
    for candidate in RecoveryCode.objects.filter(user=user, used_at__isnull=True).order_by("pk"):
        if check_password(plain, candidate.code_hash):
            # Conditional: a code is spent once, even by two requests at the same moment.
            return bool(
                RecoveryCode.objects.filter(pk=candidate.pk, used_at__isnull=True).update(used_at=timezone.now())
            )
    return False


# --- Checking a code at login --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """The outcome of a code: accepted, wrong, or not checked because of the wait after wrong codes."""

    ok: bool
    wait_seconds: int = 0
    recovery_code_used: bool = False
    recovery_codes_left: int = 0

    @property
    def throttled(self) -> bool:
        return self.wait_seconds > 0

    def refusal_message(self) -> str:
        """Why the code was not accepted: the wait, or that it is wrong."""
        if self.throttled:
            return self.wait_message()
        return _("Die code klopt niet (of is verlopen). Probeer de code die nu in de app staat.")

    def recovery_message(self) -> str:
        return ngettext(
            "Je bent ingelogd met een herstelcode. Je hebt er nog %(count)s over.",
            "Je bent ingelogd met een herstelcode. Je hebt er nog %(count)s over.",
            self.recovery_codes_left,
        ) % {"count": self.recovery_codes_left}

    def wait_message(self) -> str:
        """ "Te veel foute codes. Probeer het over 4 minuten opnieuw." """
        if self.wait_seconds >= 60:
            minutes = math.ceil(self.wait_seconds / 60)
            return ngettext(
                "Te veel foute codes. Probeer het over %(count)s minuut opnieuw.",
                "Te veel foute codes. Probeer het over %(count)s minuten opnieuw.",
                minutes,
            ) % {"count": minutes}
        return ngettext(
            "Te veel foute codes. Probeer het over %(count)s seconde opnieuw.",
            "Te veel foute codes. Probeer het over %(count)s seconden opnieuw.",
            self.wait_seconds,
        ) % {"count": self.wait_seconds}


def _wait_seconds(device: TOTPDevice) -> int:
    """Seconds until the device accepts a code again after wrong ones (0: now)."""
    allowed, info = device.verify_is_allowed()
    if allowed:
        return 0
    locked_until = (info or {}).get("locked_until")
    seconds = (locked_until - timezone.now()).total_seconds() if locked_until else 60
    return max(1, math.ceil(seconds))


def verify(request: HttpRequest, user: User, token: str) -> Verification:
    """Check a code (six digits from the app, or a recovery code) for the user's confirmed device.

    On success the session counts as verified. A wrong code is audited and makes the next try wait; while the wait
    lasts, nothing is checked and the answer says how long to wait.
    """
    device = confirmed_device(user)
    if device is None:
        return Verification(ok=False)
    plain = _normalise(token)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        waiting = _wait_seconds(device)
        if waiting:
            return Verification(ok=False, wait_seconds=waiting)
        recovery = not (plain.isdigit() and len(plain) == device.digits)
        if recovery:
            ok = _use_recovery_code(user, plain)
            if ok:
                device.throttle_reset()
            else:
                device.throttle_increment()
        else:
            ok = device.verify_token(plain)  # resets or increments the throttle itself
        if not ok:
            audit.record(
                audit.AuditEvent.Action.LOGIN,
                actor=user,
                obj=user,
                summary="tweestapsverificatie: foute " + ("herstelcode" if recovery else "code"),
                request=request,
                failures_in_a_row=device.throttling_failure_count,
            )
        elif recovery:
            audit.record(
                audit.AuditEvent.Action.LOGIN,
                actor=user,
                obj=user,
                summary="ingelogd met een herstelcode",
                request=request,
            )
    if not ok:
        return Verification(ok=False)
    otp_login(request, device)
    return Verification(ok=True, recovery_code_used=recovery, recovery_codes_left=recovery_codes_left(user))


# --- Managing other accounts' second factor -------------------------------------------------------------------------


def _require_own_second_factor(by: User) -> None:
    """Only someone who logs in with a second factor may weaken another account's (or their own)."""
    if not uses_second_factor(by):
        raise DomainError(
            _(
                "Alleen wie zelf inlogt met tweestapsverificatie mag die van een ander account uitzetten of "
                "herstellen. Stel eerst je eigen authenticator-app in."
            )
        )


@transaction.atomic
def set_required(*, account: User, required: bool, by: User) -> User:
    """Library staff switch the second factor on or off for a staff account (off: only if they use it themselves)."""
    if account.role != Role.STAFF:
        raise DomainError(_("Tweestapsverificatie is er voor accounts van bibliotheekmedewerkers."))
    if not required:
        _require_own_second_factor(by)
    account.otp_required = required
    account.save(update_fields=["otp_required"])
    audit.record(
        audit.AuditEvent.Action.UPDATE,
        actor=by,
        obj=account,
        summary=f"tweestapsverificatie {'aan' if required else 'uit'} voor {account.username}",
    )
    return account


@transaction.atomic
def reset_devices(*, account: User, by: User) -> int:
    """Remove the account's authenticator app and recovery codes (lost phone); at the next login it sets up a new
    app. Only by someone who logs in with a second factor."""
    _require_own_second_factor(by)
    removed, _detail = TOTPDevice.objects.filter(user=account).delete()
    RecoveryCode.objects.filter(user=account).delete()
    audit.record(
        audit.AuditEvent.Action.DELETE,
        actor=by,
        obj=account,
        summary=f"authenticator-app van {account.username} verwijderd",
    )
    return removed


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URI as a QR code, an SVG data URI rendered here (no external service)."""
    return str(segno.make(device.config_url, error="m").svg_data_uri(scale=5))


def secret_base32(device: TOTPDevice) -> str:
    import base64

    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
