"""The portal's school comes from the URL; its logins only ever see their own school."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from mediatheek.accounts.models import PORTAL_ROLES, Role
from mediatheek.schools.models import School
from mediatheek.web.requests import PortalRequest

if TYPE_CHECKING:
    from mediatheek.patrons.models import Patron

View = Callable[..., HttpResponse]


def portal_view(view: View) -> View:
    """Resolve `slug` to an active school and put it on the request."""

    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
        portal_request = cast(PortalRequest, request)
        portal_request.school = get_object_or_404(School, slug=slug, active=True)
        return view(portal_request, *args, **kwargs)

    return wrapper


def portal_login_required(roles: Iterable[str] = PORTAL_ROLES) -> Callable[[View], View]:
    """Logged in on *this* school's portal with one of `roles`; anyone else goes to this portal's login."""
    allowed = frozenset(roles)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            school = cast(PortalRequest, request).school
            user = request.user
            if not user.is_authenticated or user.role not in PORTAL_ROLES or user.school_id != school.pk:
                login_url = reverse("portal:login", kwargs={"slug": school.slug})
                return redirect(f"{login_url}?next={request.path}")
            if user.role not in allowed:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def portal_patron(request: PortalRequest) -> Patron | None:
    """The pupil or teacher logged in on this school's portal, or None."""
    user = request.user
    if (
        user.is_authenticated
        and user.role == Role.PATRON
        and user.school_id == request.school.pk
        and user.patron_id is not None
    ):
        return user.patron
    return None
