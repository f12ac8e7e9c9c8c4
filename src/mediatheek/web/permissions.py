"""Who may do what, and which school a request works on.

The school always comes from the logged-in user (or, for library staff, the school they switched to), or from
the portal URL — never from a form field. Deny by default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from mediatheek.accounts.models import CLIENT_ROLES, Role
from mediatheek.schools.models import School
from mediatheek.web.requests import ClientRequest

SESSION_SCHOOL_KEY = "client_school_id"

View = Callable[..., HttpResponse]


def current_school(request: HttpRequest) -> School | None:
    """The school the client works on for this request (cached on the request)."""
    client_request = cast(ClientRequest, request)
    if hasattr(client_request, "_current_school"):
        return client_request._current_school
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
    client_request._current_school = school
    return school


def switch_school(request: HttpRequest, school: School) -> None:
    """Library staff work on `school` from now on: this request and the next ones (the session remembers it)."""
    request.session[SESSION_SCHOOL_KEY] = school.pk
    client_request = cast(ClientRequest, request)
    client_request.school = school
    client_request._current_school = school


def forget_school(request: HttpRequest, school_pk: int) -> None:
    """The school with `school_pk` is gone: library staff who worked on it go back to the default school."""
    if request.session.get(SESSION_SCHOOL_KEY) == school_pk:
        del request.session[SESSION_SCHOOL_KEY]


# Volunteers (parents, pupils) work the desk: lend, return, renew, and look up the patron or the title that needs.
# That is all a volunteer may reach, whatever role list a view names: deny by default, so a view added later with
# the broad `desk` decorator is closed to volunteers until it is named here. URL names of the client's routes.
VOLUNTEER_ACTIONS = frozenset(
    {
        "client:desk_scan",  # a card scanned (or a name typed) at the desk
        "client:desk_patron_scan",  # lend
        "client:desk_renew",
        "client:desk_renew_all",
        "client:desk_return_scan",  # return (inleveren)
        "client:reservations_pick_scan",  # a reserved book taken from the shelf: on the hold shelf
        "client:reservations_put_back_scan",  # a hold that ran out: off the hold shelf
        "client:password_change",  # their own account
        "client:otp_verify",
        "client:otp_setup",
        "client:session_keep_alive",  # "Blijf ingelogd" in the idle warning
    }
)
# Pages a volunteer may read (GET only): the desk's screens and the look-ups the desk needs.
VOLUNTEER_PAGES = frozenset(
    {
        "client:home",
        "client:desk",
        "client:desk_patron",
        "client:desk_return",
        "client:reservations_pick",
        "client:reservations_hold_shelf",
        "client:reservations_put_back",
        "client:ping",
        "client:catalog_search",
        "client:catalog_title",
        "client:patron_list",
        "client:patron_detail",
        "client:group_list",
    }
)
SAFE_METHODS = frozenset({"GET", "HEAD"})


def volunteer_may(request: HttpRequest) -> bool:
    """Whether a volunteer may make this request; a request not routed by a known name is refused."""
    match = request.resolver_match
    name = match.view_name if match is not None else ""
    if name in VOLUNTEER_ACTIONS:
        return True
    return name in VOLUNTEER_PAGES and request.method in SAFE_METHODS


def client_view(roles: Iterable[str] = CLIENT_ROLES, *, needs_school: bool = True) -> Callable[[View], View]:
    """Decorate a client view: logged in with a client role in `roles`; passes the current school along.

    Volunteers are further held to the desk (volunteer_may), even where `roles` names them.
    """
    allowed = frozenset(roles)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated or user.role not in CLIENT_ROLES:
                return redirect_to_login(request.get_full_path(), "client:login")
            if user.role not in allowed:
                raise PermissionDenied
            if user.role == Role.VOLUNTEER and not volunteer_may(request):
                raise PermissionDenied
            school = current_school(request)
            if needs_school and school is None:
                raise PermissionDenied
            # `needs_school=False` views may get None here (library staff before any school exists).
            client_request = cast(ClientRequest, request)
            client_request.school = school  # type: ignore[assignment]
            return view(client_request, *args, **kwargs)

        return wrapper

    return decorator


staff_only = client_view([Role.STAFF], needs_school=False)
managers = client_view([Role.STAFF, Role.SCHOOL_ADMIN])
desk = client_view(CLIENT_ROLES)


def require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied
