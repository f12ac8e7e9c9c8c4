"""Request types for views behind the client and portal decorators (for the type checker)."""

from __future__ import annotations

from django.http import HttpRequest

from mediatheek.accounts.models import User
from mediatheek.schools.models import School


class ClientRequest(HttpRequest):
    """A request that passed `client_view`: a logged-in client user and the school being worked on."""

    user: User
    school: School
    # The school `current_school` found for this request (None: none); set once, read by later calls.
    _current_school: School | None


class PortalRequest(HttpRequest):
    """A request that passed `portal_view`: the school comes from the URL."""

    school: School


class PortalLoginRequest(PortalRequest):
    """A request that passed `portal_view` and `portal_login_required`: a portal login of the URL's school."""

    user: User
