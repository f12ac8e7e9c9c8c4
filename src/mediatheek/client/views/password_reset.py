"""Forgotten password of a client account ("Wachtwoord vergeten?"): ask for a link by mail, then set a new password.

Both pages are open to anyone; what they may do is in accounts.password_reset (same answer for every login,
throttled, a link that works an hour and once).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from mediatheek.accounts import password_reset
from mediatheek.accounts.forms import NewPasswordForm, PasswordResetRequestForm
from mediatheek.core.errors import DomainError

# The token is kept in the session and out of the address bar as soon as the link is opened (as Django's own
# reset view does), so it never leaks through a Referer header or the browser history.
SESSION_TOKEN = "password_reset_token"  # noqa: S105 - a session key, not a password
TOKEN_IN_SESSION = "nieuw-wachtwoord"  # noqa: S105 - a path segment


@never_cache
def request_link(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST or None)
    sent = False
    if request.method == "POST" and form.is_valid():
        try:
            password_reset.request_reset(login_or_email=form.cleaned_data["login"], request=request)
        except password_reset.TooManyRequests as error:
            form.add_error(None, str(error.message))
        else:
            sent = True
    status = 429 if form.non_field_errors() else 200
    return render(request, "client/password_reset/request.html", {"form": form, "sent": sent}, status=status)


@never_cache
@sensitive_post_parameters()
def set_password(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    if token != TOKEN_IN_SESSION:
        request.session[SESSION_TOKEN] = token
        return redirect("client:password_reset_confirm", uidb64=uidb64, token=TOKEN_IN_SESSION)
    account = password_reset.account_for_link(uidb64, str(request.session.get(SESSION_TOKEN, "")))
    if account is None:
        return render(request, "client/password_reset/invalid.html", status=400)
    form = NewPasswordForm(account, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_reset.complete_reset(
                account=account, new_password=form.cleaned_data["new_password1"], request=request
            )
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            request.session.pop(SESSION_TOKEN, None)
            messages.success(request, _("Je wachtwoord is gewijzigd. Log in met je nieuwe wachtwoord."))
            return redirect("client:login")
    return render(request, "client/password_reset/set_password.html", {"form": form, "account": account})
