from __future__ import annotations

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mediatheek.accounts.models import Role, User
from mediatheek.accounts.services import LoginReserved, create_account, reset_password
from mediatheek.client.forms import AccountForm
from mediatheek.core.errors import DomainError
from mediatheek.web.permissions import managers
from mediatheek.web.requests import ClientRequest

# Library staff make every kind of account; a school's admin makes the desk's volunteers and the upload login.
STAFF_MAKES = [Role.STAFF, Role.SCHOOL_ADMIN, Role.VOLUNTEER, Role.UPLOADER]
SCHOOL_ADMIN_MAKES = [Role.VOLUNTEER, Role.UPLOADER]
SHOWN_PASSWORD_KEY = "client_shown_password"  # noqa: S105 - a session key, not a password


def _visible_accounts(request: ClientRequest) -> QuerySet[User]:
    user = request.user
    accounts = User.objects.exclude(role=Role.PATRON).select_related("school")
    if user.is_library_staff:
        return accounts
    return accounts.filter(school=user.school).exclude(role=Role.STAFF)


@managers
def account_list(request: ClientRequest) -> HttpResponse:
    accounts = _visible_accounts(request)
    query = request.GET.get("q", "").strip()
    if query:
        accounts = accounts.filter(Q(username__icontains=query) | Q(last_name__icontains=query))
    shown = request.session.pop(SHOWN_PASSWORD_KEY, None)
    return render(
        request,
        "client/accounts/list.html",
        {"accounts": accounts.order_by("role", "username"), "shown": shown, "q": query},
    )


@managers
def account_add(request: ClientRequest) -> HttpResponse:
    user = request.user
    fixed_school = None if user.is_library_staff else user.school
    allowed = STAFF_MAKES if user.is_library_staff else SCHOOL_ADMIN_MAKES
    form = AccountForm(request.POST or None, allowed_roles=allowed, fixed_school=fixed_school)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account, password = create_account(
                role=data["role"],
                login=data["login"],
                school=data.get("school"),
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                created_by=user,
            )
        except LoginReserved as error:
            form.add_error("login", str(error.message))
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            # Shown once, on the next page, then gone from the session.
            request.session[SHOWN_PASSWORD_KEY] = {"login": account.username, "password": password}
            messages.success(request, _("Account %(login)s is aangemaakt.") % {"login": account.username})
            return redirect("client:account_list")
    return render(request, "client/accounts/add.html", {"form": form})


@require_POST
@managers
def account_reset_password(request: ClientRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(_visible_accounts(request), pk=pk)
    password = reset_password(user=account, by=request.user)
    request.session[SHOWN_PASSWORD_KEY] = {"login": account.username, "password": password}
    return redirect("client:account_list")
