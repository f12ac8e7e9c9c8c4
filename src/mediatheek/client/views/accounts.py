from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mediatheek.accounts.forms import AccountForm
from mediatheek.accounts.queries import find_accounts, visible_accounts
from mediatheek.accounts.services import (
    LoginReserved,
    create_account,
    reset_password,
    roles_made_by,
    school_of_new_accounts,
)
from mediatheek.core.errors import DomainError
from mediatheek.web.permissions import managers
from mediatheek.web.requests import ClientRequest

SHOWN_PASSWORD_KEY = "client_shown_password"  # noqa: S105 - a session key, not a password


@managers
def account_list(request: ClientRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    shown = request.session.pop(SHOWN_PASSWORD_KEY, None)
    context = {"accounts": find_accounts(request.user, query), "shown": shown, "q": query}
    return render(request, "client/accounts/list.html", context)


@managers
def account_add(request: ClientRequest) -> HttpResponse:
    user = request.user
    form = AccountForm(
        request.POST or None, allowed_roles=roles_made_by(user), fixed_school=school_of_new_accounts(user)
    )
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
    account = get_object_or_404(visible_accounts(request.user), pk=pk)
    password = reset_password(user=account, by=request.user)
    request.session[SHOWN_PASSWORD_KEY] = {"login": account.username, "password": password}
    return redirect("client:account_list")
