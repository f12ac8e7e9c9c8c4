from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from mediatheek.accounts.models import User


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
                and not request.path.startswith(("/static/", "/i18n/"))
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
