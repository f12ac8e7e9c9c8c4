from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mediatheek.accounts import services
from mediatheek.accounts.forms import AccountEditForm, AccountForm
from mediatheek.accounts.models import User
from mediatheek.accounts.queries import (
    ShownPassword,
    account_rows,
    login_place,
    managed_accounts,
    open_sessions,
    shown_password,
)
from mediatheek.accounts.services import (
    LoginReserved,
    create_account,
    reset_password,
    roles_made_by,
    school_of_new_accounts,
)
from mediatheek.core.errors import DomainError
from mediatheek.patrons import pdf
from mediatheek.web.permissions import managers
from mediatheek.web.requests import ClientRequest

SHOWN_PASSWORD_KEY = "client_shown_password"  # noqa: S105 - a session key, not a password


def _show_password_once(request: ClientRequest, account: User, password: str) -> None:
    # Shown once, on the next page, then gone from the session.
    request.session[SHOWN_PASSWORD_KEY] = {"pk": account.pk, "password": password}


def _shown_password(request: ClientRequest) -> ShownPassword | None:
    shown = request.session.pop(SHOWN_PASSWORD_KEY, None)
    if not isinstance(shown, dict) or not isinstance(shown.get("pk"), int):
        return None
    return shown_password(request.user, shown["pk"], str(shown.get("password", "")))


@managers
def account_list(request: ClientRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    context = {"rows": account_rows(request.user, query), "shown": _shown_password(request), "q": query}
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
            if password is not None:
                _show_password_once(request, account, password)
            messages.success(request, _("Account %(login)s is aangemaakt.") % {"login": account.username})
            return redirect("client:account_list")
    return render(request, "client/accounts/add.html", {"form": form})


@managers
def account_edit(request: ClientRequest, pk: int) -> HttpResponse:
    """An account's name, role, school and e-mail, with its other actions (password, switch off, delete)."""
    account = get_object_or_404(managed_accounts(request.user), pk=pk)
    user = request.user
    form = AccountEditForm(
        request.POST or None,
        initial=AccountEditForm.initial_for(account),
        allowed_roles=roles_made_by(user),
        fixed_school=school_of_new_accounts(user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_account(
                account=account,
                by=user,
                role=data["role"],
                school=data.get("school"),
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
            )
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Account %(login)s is bijgewerkt.") % {"login": account.username})
            return redirect("client:account_list")
        account.refresh_from_db()
    context = {"account": account, "form": form, "is_self": account.pk == user.pk, "place": login_place(account)}
    return render(request, "client/accounts/edit.html", context)


@managers
def account_reset_password(request: ClientRequest, pk: int) -> HttpResponse:
    """GET asks first (what happens, to whom); POST makes the new password and shows it once."""
    account = get_object_or_404(managed_accounts(request.user), pk=pk)
    if account.pk == request.user.pk:
        # Your own password you change yourself, knowing the current one: a reset would show it on screen.
        return redirect("client:password_change")
    if request.method == "POST":
        _show_password_once(request, account, reset_password(user=account, by=request.user))
        return redirect("client:account_list")
    context = {"account": account, "sessions": open_sessions(account), "place": login_place(account)}
    return render(request, "client/accounts/confirm_reset.html", context)


@managers
def account_deactivate(request: ClientRequest, pk: int) -> HttpResponse:
    """GET asks first (or says why it cannot be done); POST switches the account off."""
    account = get_object_or_404(managed_accounts(request.user), pk=pk)
    if request.method == "POST":
        try:
            services.deactivate_account(account=account, by=request.user)
        except DomainError as error:
            messages.error(request, str(error.message))
            return redirect("client:account_edit", account.pk)
        messages.success(request, _("%(login)s staat uit en kan niet meer inloggen.") % {"login": account.username})
        return redirect("client:account_list")
    context = {
        "account": account,
        "sessions": open_sessions(account),
        "refusal": services.locking_out_refusal(account, by=request.user, deleting=False),
    }
    return render(request, "client/accounts/confirm_deactivate.html", context)


@require_POST
@managers
def account_reactivate(request: ClientRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(managed_accounts(request.user), pk=pk)
    try:
        services.reactivate_account(account=account, by=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("%(login)s staat weer aan en kan weer inloggen.") % {"login": account.username})
    return redirect("client:account_edit", account.pk)


@managers
def account_delete(request: ClientRequest, pk: int) -> HttpResponse:
    """GET asks first, or says why the account cannot go (its work is on record) and offers to switch it off."""
    account = get_object_or_404(managed_accounts(request.user), pk=pk)
    if request.method == "POST":
        try:
            services.delete_account(account=account, by=request.user)
        except DomainError as error:
            messages.error(request, str(error.message))
            return redirect("client:account_delete", account.pk)
        messages.success(request, _("Account %(login)s is verwijderd.") % {"login": account.username})
        return redirect("client:account_list")
    context = {
        "account": account,
        "references": services.account_references(account),
        "refusal": services.locking_out_refusal(account, by=request.user, deleting=True),
    }
    return render(request, "client/accounts/confirm_delete.html", context)


@require_POST
@managers
def account_letter(request: ClientRequest, pk: int) -> HttpResponse:
    """The printable letter of an upload login, with the password just shown (posted back from that page).

    The password is not kept anywhere to print it later: the page that showed it sends it along, and it is only
    printed while it is still the account's generated one (not yet changed at a first login).
    """
    account = get_object_or_404(managed_accounts(request.user), pk=pk)
    password = request.POST.get("password", "")
    place = login_place(account)
    try:
        services.record_login_letter(account=account, password=password, by=request.user, request=request)
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("client:account_list")
    assert account.school is not None
    content = pdf.upload_login_letter_pdf(
        account.school,
        addressee=account.get_full_name() or _("Uploadaccount %(school)s") % {"school": account.school.name},
        login=account.username,
        password=password,
        portal_url=place.address,
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="inlogbrief-{slugify(account.username)}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
