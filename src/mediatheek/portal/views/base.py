from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mediatheek.accounts.forms import PortalLoginForm, password_change_form
from mediatheek.accounts.services import TooManyWrongPasswords, WrongCurrentPassword, change_password, log_in
from mediatheek.core.errors import DomainError
from mediatheek.portal.access import portal_login_required, portal_patron, portal_view
from mediatheek.reading.queries import portal_home
from mediatheek.schools.models import School
from mediatheek.web.requests import PortalLoginRequest, PortalRequest


def school_index(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/index.html", {"schools": School.objects.filter(active=True).order_by("name")})


@portal_view
def home(request: PortalRequest) -> HttpResponse:
    """The search box first, then this school's leestips and weetjes, new arrivals and toppers."""
    patron = portal_patron(request)
    return render(request, "portal/home.html", {"home": portal_home(request.school, patron), "patron": patron})


@portal_view
def login_view(request: PortalRequest) -> HttpResponse:
    school = request.school
    form = PortalLoginForm(request, data=request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        log_in(request=request, user=form.get_user())
        next_url = request.POST.get("next") or request.GET.get("next") or ""
        if (
            next_url
            and url_has_allowed_host_and_scheme(next_url, {request.get_host()})
            and next_url.startswith(f"/{school.slug}/")
        ):
            return redirect(next_url)
        return redirect("portal:mine", slug=school.slug)
    return render(request, "portal/login.html", {"form": form, "next": request.GET.get("next", "")})


@require_POST
@portal_view
def logout_view(request: PortalRequest) -> HttpResponse:
    auth_logout(request)
    return redirect("portal:home", slug=request.school.slug)


@portal_view
@portal_login_required()
def mine(request: PortalLoginRequest) -> HttpResponse:
    """Mijn Bibliotheek: the menu for whoever logged in."""
    return render(request, "portal/mine.html")


@portal_view
@portal_login_required()
def password_change(request: PortalLoginRequest) -> HttpResponse:
    user = request.user
    slug = request.school.slug
    form = password_change_form(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change_password(
                request=request,
                user=user,
                new_password=form.cleaned_data["new_password1"],
                current_password=form.cleaned_data.get("old_password"),
            )
        except TooManyWrongPasswords as error:
            messages.error(request, str(error.message))
            return redirect("portal:login", slug=slug)
        except WrongCurrentPassword as error:
            form.add_error("old_password", str(error.message))
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Je wachtwoord is gewijzigd."))
            return redirect("portal:mine", slug=slug)
    return render(request, "portal/password_change.html", {"form": form})
