from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mediatheek.accounts.forms import ClientLoginForm, password_change_form
from mediatheek.accounts.models import User
from mediatheek.accounts.services import TooManyWrongPasswords, WrongCurrentPassword, change_password, log_in
from mediatheek.core.errors import DomainError
from mediatheek.core.params import int_or_none
from mediatheek.schools.models import School
from mediatheek.web import permissions
from mediatheek.web.permissions import client_view
from mediatheek.web.requests import ClientRequest


class ClientLoginView(auth_views.LoginView):
    template_name = "client/login.html"
    authentication_form = ClientLoginForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # Only a client login skips the form; a portal session (pupil, uploader) sees the form, never a redirect loop.
        user = request.user
        if isinstance(user, User) and user.uses_client:
            return HttpResponseRedirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: ClientLoginForm) -> HttpResponse:  # type: ignore[override]
        # LoginView.form_valid logs in without a word in the audit log: the service logs in and records it.
        log_in(request=self.request, user=form.get_user())
        return HttpResponseRedirect(self.get_success_url())

    def get_redirect_url(self) -> str:
        # Only a path of this site: `next=abc` or `next=//evil.example` falls back to the client's home.
        url = super().get_redirect_url()
        return url if url.startswith("/") and not url.startswith("//") else ""

    def get_default_redirect_url(self) -> str:
        return "/client/"


class ClientLogoutView(auth_views.LogoutView):
    next_page = "client:login"


@client_view(needs_school=False)
def password_change(request: ClientRequest) -> HttpResponse:
    form = password_change_form(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change_password(
                request=request,
                user=request.user,
                new_password=form.cleaned_data["new_password1"],
                current_password=form.cleaned_data.get("old_password"),
            )
        except TooManyWrongPasswords as error:
            messages.error(request, str(error.message))
            return redirect("client:login")
        except WrongCurrentPassword as error:
            form.add_error("old_password", str(error.message))
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Je wachtwoord is gewijzigd."))
            return redirect("client:home")
    return render(request, "client/password_change.html", {"form": form})


@require_POST
@client_view(["staff"], needs_school=False)
def switch_school(request: ClientRequest) -> HttpResponse:
    school_id = request.POST.get("school", "")
    school_pk = int_or_none(school_id)
    school = School.objects.filter(pk=school_pk).first() if school_pk is not None else None
    if school is not None:
        permissions.switch_school(request, school)
    next_url = request.POST.get("next") or "/client/"
    if not next_url.startswith("/client/"):
        next_url = "/client/"
    return redirect(next_url)
