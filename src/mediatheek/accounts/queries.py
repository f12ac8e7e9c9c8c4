"""Read models of accounts: the logins a manager may see, and the second factor of library staff."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mediatheek.accounts import otp
from mediatheek.accounts.models import CLIENT_ROLES, LoginSession, Role, User
from mediatheek.accounts.services import SCHOOL_ADMIN_MAKES, may_manage


def visible_accounts(user: User) -> QuerySet[User]:
    """The client and upload logins `user` may see: all of them for library staff, else their school's (not staff)."""
    accounts = User.objects.exclude(role=Role.PATRON).select_related("school")
    if user.is_library_staff:
        return accounts
    return accounts.filter(school=user.school).exclude(role=Role.STAFF)


def find_accounts(user: User, query: str = "") -> QuerySet[User]:
    """The visible accounts whose login or last name contains `query`, by role and login."""
    accounts = visible_accounts(user)
    if query:
        accounts = accounts.filter(Q(username__icontains=query) | Q(last_name__icontains=query))
    return accounts.order_by("role", "username")


def managed_accounts(user: User) -> QuerySet[User]:
    """The accounts `user` may edit, reset, switch off or delete (`services.may_manage` as a query)."""
    accounts = visible_accounts(user)
    if user.is_library_staff:
        return accounts
    if not user.is_school_admin:
        return accounts.none()
    return accounts.filter(role__in=SCHOOL_ADMIN_MAKES)


@dataclass(frozen=True)
class AccountRow:
    account: User
    manageable: bool  # the viewer may edit, reset, switch off or delete it
    is_self: bool  # the viewer's own account: its password is changed with "Wachtwoord wijzigen"


def account_rows(user: User, query: str = "") -> list[AccountRow]:
    """The accounts list: each visible account with what the viewer may do with it."""
    return [
        AccountRow(account=account, manageable=may_manage(user, account), is_self=account.pk == user.pk)
        for account in find_accounts(user, query)
    ]


def open_sessions(account: User) -> int:
    """How many sessions of the account are still valid (devices it is logged in on)."""
    return LoginSession.objects.filter(user_id=account.pk, expire_date__gt=timezone.now()).count()


@dataclass(frozen=True)
class LoginPlace:
    """Where an account logs in, in the words its letter and the shown-once password use."""

    address: str
    login_label: str  # "Gebruikersnaam" (client) or "Pasnummer" (a school's portal)
    on_portal: bool


def login_place(account: User) -> LoginPlace:
    """The client's address for client logins; the school's portal (login "Pasnummer") for the others."""
    if account.role in CLIENT_ROLES or account.school is None:
        return LoginPlace(address=f"{settings.BASE_URL}/client/", login_label=_("Gebruikersnaam"), on_portal=False)
    return LoginPlace(address=f"{settings.BASE_URL}/{account.school.slug}/", login_label="Pasnummer", on_portal=True)


@dataclass(frozen=True)
class ShownPassword:
    """A generated password, shown once: whose it is and where they log in with it."""

    account: User
    password: str
    place: LoginPlace


def shown_password(viewer: User, account_pk: int, password: str) -> ShownPassword | None:
    """The shown-once password of an account `viewer` manages (None when it is not, or no longer, theirs)."""
    account = managed_accounts(viewer).filter(pk=account_pk).first()
    if account is None:
        return None
    return ShownPassword(account=account, password=password, place=login_place(account))


@dataclass(frozen=True)
class StaffSecondFactor:
    account: User
    has_device: bool  # a confirmed authenticator app


def staff_second_factors() -> list[StaffSecondFactor]:
    """Every library staff account, with whether it has set up its authenticator app."""
    accounts = User.objects.filter(role=Role.STAFF).order_by("username")
    devices = {device.user_id for device in otp.TOTPDevice.objects.filter(confirmed=True, user__in=accounts)}
    return [StaffSecondFactor(account=account, has_device=account.pk in devices) for account in accounts]
