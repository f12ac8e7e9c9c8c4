"""Read models of accounts: the logins a manager may see, and the second factor of library staff."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from mediatheek.accounts import otp
from mediatheek.accounts.models import Role, User


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


@dataclass(frozen=True)
class StaffSecondFactor:
    account: User
    has_device: bool  # a confirmed authenticator app


def staff_second_factors() -> list[StaffSecondFactor]:
    """Every library staff account, with whether it has set up its authenticator app."""
    accounts = User.objects.filter(role=Role.STAFF).order_by("username")
    devices = {device.user_id for device in otp.TOTPDevice.objects.filter(confirmed=True, user__in=accounts)}
    return [StaffSecondFactor(account=account, has_device=account.pk in devices) for account in accounts]
