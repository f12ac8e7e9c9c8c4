"""The second factor: a TOTP app (Google Authenticator, Microsoft Authenticator, FreeOTP...) via django-otp.

The QR code is drawn here on the server (segno, as an SVG data URI): nothing is fetched from another host.
"""

from __future__ import annotations

from typing import Any

import segno
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from mediatheek.accounts.models import Role, User
from mediatheek.core import audit
from mediatheek.core.errors import DomainError

DEVICE_NAME = "authenticator-app"


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


@transaction.atomic
def confirm_setup(request: HttpRequest, user: User, device: TOTPDevice, token: str) -> TOTPDevice:
    """Confirm the new device with a first code; older devices of the user are removed."""
    from django.utils.translation import gettext as _

    if device.user_id != user.pk or not device.verify_token(token.strip().replace(" ", "")):
        raise DomainError(_("Die code klopt niet. Kijk of de tijd op je telefoon goed staat en probeer het opnieuw."))
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    audit.record(
        audit.AuditEvent.Action.UPDATE, actor=user, obj=user, summary="tweestapsverificatie ingesteld", request=request
    )
    return device


def verify(request: HttpRequest, user: User, token: str) -> bool:
    """Check a code for the user's confirmed device; on success the session counts as verified."""
    device = confirmed_device(user)
    if device is None:
        return False
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        ok = device.verify_token(token.strip().replace(" ", ""))
    if ok:
        otp_login(request, device)
    return ok


@transaction.atomic
def set_required(*, account: User, required: bool, by: User) -> User:
    """Library staff switch the second factor on or off for a staff account."""
    from django.utils.translation import gettext as _

    if account.role != Role.STAFF:
        raise DomainError(_("Tweestapsverificatie is er voor accounts van bibliotheekmedewerkers."))
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
    """Remove the account's authenticator app (lost phone); at the next login it sets up a new one."""
    removed, _detail = TOTPDevice.objects.filter(user=account).delete()
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
