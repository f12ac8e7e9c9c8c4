"""Second factor (TOTP) in the client: set up the authenticator app, give the code after the password,
and library staff switching it on/off per staff account."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mediatheek.accounts import otp
from mediatheek.accounts.forms import SecondFactorForm, TokenForm
from mediatheek.accounts.models import Role, User
from mediatheek.accounts.queries import staff_second_factors
from mediatheek.core.errors import DomainError
from mediatheek.web.permissions import client_view, staff_only
from mediatheek.web.requests import ClientRequest


def _next_url(request: ClientRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/client/") and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return "/client/"


@client_view(needs_school=False)
def otp_verify(request: ClientRequest) -> HttpResponse:
    user = request.user
    if not otp.needs_second_factor(user):
        return redirect(_next_url(request))
    if otp.confirmed_device(user) is None:
        return redirect("client:otp_setup")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = otp.verify(request, user, form.cleaned_data["token"])
        if result.ok:
            if result.recovery_code_used:
                messages.warning(request, result.recovery_message())
            return redirect(_next_url(request))
        form.add_error("token", result.refusal_message())
    return render(request, "client/security/otp_verify.html", {"form": form, "next": _next_url(request)})


@client_view(needs_school=False)
def otp_setup(request: ClientRequest) -> HttpResponse:
    """Set up (or replace) the authenticator app. Replacing a confirmed app needs a verified session."""
    user = request.user
    has_device = otp.confirmed_device(user) is not None
    if has_device and otp.needs_second_factor(user):
        # Someone with only the password may not swap the second factor.
        return redirect("client:otp_verify")
    device = otp.pending_device(user)
    if device is None or request.method == "GET" and request.GET.get("nieuw"):
        device = otp.start_setup(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = otp.confirm_setup(request, user, device, form.cleaned_data["token"])
        except DomainError as error:
            form.add_error("token", str(error.message))
        else:
            messages.success(
                request, _("Tweestapsverificatie staat aan. Voortaan vraagt de client na je wachtwoord een code.")
            )
            # Shown in this response only: the codes are stored hashed and cannot be shown again.
            return _recovery_codes_page(request, codes)
    context = {
        "form": form,
        "qr": otp.qr_data_uri(device),
        "secret": otp.secret_base32(device),
        "uri": device.config_url,
        "has_device": has_device,
        "next": _next_url(request),
    }
    return render(request, "client/security/otp_setup.html", context)


def _recovery_codes_page(request: ClientRequest, codes: list[str]) -> HttpResponse:
    response = render(request, "client/security/recovery_codes.html", {"codes": codes, "next": _next_url(request)})
    patch_cache_control(response, private=True, no_store=True)
    return response


@client_view(needs_school=False)
def recovery_codes(request: ClientRequest) -> HttpResponse:
    """New recovery codes for one's own account: GET says what happens (the old ones stop working), POST makes them."""
    user = request.user
    if otp.confirmed_device(user) is None:
        return redirect("client:otp_setup")
    if request.method == "POST":
        try:
            codes = otp.renew_recovery_codes(request, user)
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            return _recovery_codes_page(request, codes)
    return render(request, "client/security/recovery_codes_new.html", {"left": otp.recovery_codes_left(user)})


@staff_only
def security_accounts(request: ClientRequest) -> HttpResponse:
    return render(request, "client/security/security_accounts.html", {"rows": staff_second_factors()})


@require_POST
@staff_only
def security_account_update(request: ClientRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User.objects.filter(role=Role.STAFF), pk=pk)
    action = request.POST.get("action", "")
    try:
        if action in ("on", "off"):
            otp.set_required(account=account, required=action == "on", by=request.user)
            messages.success(request, _("Instelling voor %(login)s opgeslagen.") % {"login": account.username})
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("client:security_accounts")


@staff_only
def security_account_reset(request: ClientRequest, pk: int) -> HttpResponse:
    """ "App verwijderen": GET says what happens and asks, POST removes the account's app and recovery codes."""
    account = get_object_or_404(User.objects.filter(role=Role.STAFF), pk=pk)
    if request.method == "POST":
        try:
            otp.reset_devices(account=account, by=request.user)
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(
                request,
                _(
                    "De authenticator-app van %(login)s is verwijderd; "
                    "bij de volgende keer inloggen stelt die een nieuwe in."
                )
                % {"login": account.username},
            )
        return redirect("client:security_accounts")
    context = {"account": account, "may": otp.uses_second_factor(request.user)}
    return render(request, "client/security/reset_confirm.html", context)
