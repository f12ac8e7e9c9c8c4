"""A forgotten password of a client account: a link by mail, valid for an hour and for one use.

- Asking ("Wachtwoord vergeten?") takes a login or an e-mail address and always gets the same answer: whether an
  account exists, or has an address, is never told. Only client accounts (staff, coordinators, volunteers) with an
  e-mail address get a mail; pupils ask their teacher or the coordinator.
- The link carries Django's `PasswordResetTokenGenerator` token: it hashes the account's password and last login,
  so it stops working once the password is set (one use), and after `settings.PASSWORD_RESET_TIMEOUT` (an hour).
- Throttled through the audit log, which every request and mail is written to anyway (one table every worker and
  host shares): `REQUESTS_PER_IP` requests an hour from one IP address (then the page says to wait; that tells
  nothing about accounts), and `MAILS_PER_ACCOUNT` mails an hour to one account (then no mail, the same answer).
- Setting the new password goes through the password validators, ends every session of the account and does not
  log in: the login that follows asks for the second factor as always.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from mediatheek.accounts.models import CLIENT_ROLES, User
from mediatheek.accounts.services import end_sessions
from mediatheek.core import audit
from mediatheek.core.errors import DomainError
from mediatheek.core.models import AuditEvent

log = logging.getLogger(__name__)

REQUESTS_PER_IP = 10
MAILS_PER_ACCOUNT = 3
WINDOW = dt.timedelta(hours=1)
# The audit summaries the throttle counts.
REQUESTED = "wachtwoord vergeten: aangevraagd"
MAILED = "wachtwoord vergeten: link gemaild"


class ResetTokenGenerator(PasswordResetTokenGenerator):
    # Its own salt: a token made for anything else of Django's never works here.
    key_salt = "mediatheek.accounts.password_reset.ResetTokenGenerator"


token_generator = ResetTokenGenerator()


class TooManyRequests(DomainError):
    pass


def _accounts_for(login_or_email: str) -> list[User]:
    """The active client accounts with an e-mail address that `login_or_email` names (an address may be several)."""
    value = login_or_email.strip()
    if not value or "\x00" in value:
        return []
    accounts = User.objects.filter(is_active=True, role__in=CLIENT_ROLES).exclude(email="")
    field = "email__iexact" if "@" in value else "username__iexact"
    return list(accounts.filter(**{field: value}).order_by("pk")[:5])


def request_reset(*, login_or_email: str, request: HttpRequest) -> None:
    """Mail a reset link to the account(s) named, if any; the caller answers the same whatever happens here.

    Raises TooManyRequests when this IP address asked too often in the last hour (nothing is looked up then).
    """
    since = timezone.now() - WINDOW
    ip = audit.client_ip(request)
    if ip and AuditEvent.objects.filter(at__gte=since, summary=REQUESTED, ip_address=ip).count() >= REQUESTS_PER_IP:
        raise TooManyRequests(_("Te veel aanvragen vanaf deze computer. Probeer het over een uur opnieuw."))
    with transaction.atomic():
        audit.record(AuditEvent.Action.UPDATE, summary=REQUESTED, request=request)
        for account in _accounts_for(login_or_email):
            mailed = AuditEvent.objects.filter(
                at__gte=since, summary=MAILED, object_type="accounts.user", object_id=str(account.pk)
            ).count()
            if mailed >= MAILS_PER_ACCOUNT:
                audit.record(
                    AuditEvent.Action.UPDATE,
                    school=account.school,
                    obj=account,
                    summary="wachtwoord vergeten: geen link gemaild, te vaak gevraagd",
                    request=request,
                )
                continue
            uidb64 = urlsafe_base64_encode(force_bytes(account.pk))
            token = token_generator.make_token(account)
            link = settings.BASE_URL + reverse(
                "client:password_reset_confirm", kwargs={"uidb64": uidb64, "token": token}
            )
            audit.record(AuditEvent.Action.UPDATE, school=account.school, obj=account, summary=MAILED, request=request)
            transaction.on_commit(functools.partial(_send_link, account, link))


def _send_link(account: User, link: str) -> bool:
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    subject = _("Nieuw wachtwoord voor Mediatheek")
    body = _(
        "Beste %(name)s,\n\nIemand (hopelijk jij) heeft gevraagd om een nieuw wachtwoord voor je account %(login)s "
        "van de Mediatheek Client. Kies een nieuw wachtwoord via deze link:\n\n%(link)s\n\n"
        "De link werkt %(minutes)s minuten en één keer. Heb je dit niet gevraagd? Dan hoef je niets te doen; "
        "je wachtwoord blijft zoals het was.\n\nMet vriendelijke groet,\nde bibliotheek"
    ) % {"name": account.first_name or account.username, "login": account.username, "link": link, "minutes": minutes}
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [account.email])
    except Exception:  # noqa: BLE001 - a mail server that is down must not turn the page into an error
        log.exception("password reset mail for account %s failed", account.pk)
        return False
    return True


def account_for_link(uidb64: str, token: str) -> User | None:
    """The account a reset link is for, or None when the link is wrong, used or expired."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, UnicodeDecodeError, OverflowError):
        return None
    account = User.objects.filter(pk=pk, is_active=True, role__in=CLIENT_ROLES).first()
    if account is None or not token_generator.check_token(account, token):
        return None
    return account


def complete_reset(*, account: User, new_password: str, request: HttpRequest) -> User:
    """Set the new password from a reset link: validated, every session of the account ended, audited.

    The link stops working (the token hashes the password), and nobody is logged in: the next login asks for the
    password and, for an account with a second factor, its code.
    """
    try:
        validate_password(new_password, account)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages)) from error
    with transaction.atomic():
        account.set_password(new_password)
        account.must_change_password = False
        account.save(update_fields=["password", "must_change_password"])
        ended = end_sessions(account)
        audit.record(
            AuditEvent.Action.UPDATE,
            actor=account,
            school=account.school,
            obj=account,
            summary="wachtwoord opnieuw ingesteld via de link uit de mail",
            request=request,
            sessions_ended=ended,
        )
    return account
