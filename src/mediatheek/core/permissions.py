"""Who may do what, and which school a request works on.

The school always comes from the logged-in user (or, for library staff, the school they switched to), or from
the portal URL — never from a form field. Deny by default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from mediatheek.accounts.models import CLIENT_ROLES, Role
from mediatheek.schools.models import School

SESSION_SCHOOL_KEY = "client_school_id"

View = Callable[..., HttpResponse]


def current_school(request: HttpRequest) -> School | None:
    """The school the client works on for this request (cached on the request)."""
    if hasattr(request, "_current_school"):
        cached: School | None = request._current_school
        return cached
    user = request.user
    school: School | None = None
    if user.is_authenticated:
        if user.is_library_staff:
            school_id = request.session.get(SESSION_SCHOOL_KEY)
            school = School.objects.filter(pk=school_id).first() if school_id else None
            if school is None:
                school = School.objects.filter(active=True).order_by("name").first()
        else:
            school = user.school
    request._current_school = school  # type: ignore[attr-defined]
    return school


def client_view(roles: Iterable[str] = CLIENT_ROLES, *, needs_school: bool = True) -> Callable[[View], View]:
    """Decorate a client view: logged in with a client role in `roles`; passes the current school along."""
    allowed = frozenset(roles)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated or user.role not in CLIENT_ROLES:
                return redirect_to_login(request.get_full_path(), "client:login")
            if user.role not in allowed:
                raise PermissionDenied
            school = current_school(request)
            if needs_school and school is None:
                raise PermissionDenied
            request.school = school  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


staff_only = client_view([Role.STAFF], needs_school=False)
managers = client_view([Role.STAFF, Role.SCHOOL_ADMIN])
desk = client_view(CLIENT_ROLES)


def require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied
