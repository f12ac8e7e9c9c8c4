from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from mediatheek.accounts.models import User

# Paths a half-logged-in user may still reach: static files, language switch, logout, the PWA files.
ALWAYS_OPEN = ("/static/", "/i18n/", "/client/manifest.webmanifest", "/client/sw.js")


class SecondFactorRequiredMiddleware:
    """A client login with `otp_required` gives its TOTP code (or first sets up the app) before any client page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from mediatheek.accounts import otp

        user = getattr(request, "user", None)
        if otp.needs_second_factor(user):
            assert isinstance(user, User)
            verify_url = reverse("client:otp_verify")
            setup_url = reverse("client:otp_setup")
            path = request.path
            if path not in (verify_url, setup_url, reverse("client:logout")) and not path.startswith(ALWAYS_OPEN):
                target = verify_url if otp.confirmed_device(user) is not None else setup_url
                if path.startswith("/client/") and request.method == "GET":
                    target = f"{target}?{urlencode({'next': request.get_full_path()})}"
                return redirect(target)
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """A login with a generated password goes to "change your password" before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if isinstance(user, User) and user.must_change_password:
            target = self._change_url(request)
            if (
                target
                and request.path != target
                and not request.path.startswith(("/static/", "/i18n/", "/client/tweestaps/"))
                and not (request.path.endswith("/uitloggen/"))
            ):
                return redirect(target)
        return self.get_response(request)

    @staticmethod
    def _change_url(request: HttpRequest) -> str | None:
        user = request.user
        assert isinstance(user, User)
        if user.uses_client:
            return reverse("client:password_change")
        if user.school is not None:
            return reverse("portal:password_change", kwargs={"slug": user.school.slug})
        return None
