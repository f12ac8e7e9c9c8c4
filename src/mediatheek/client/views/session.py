"""The client's idle warning: "Blijf ingelogd" refreshes the session, and a page left alone is logged out."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mediatheek.core.sessions import keep_alive
from mediatheek.web.permissions import client_view
from mediatheek.web.requests import ClientRequest


@require_POST
@client_view(needs_school=False)
def session_keep_alive(request: ClientRequest) -> HttpResponse:
    """Cheap on purpose (no school, no query beyond the session): the seconds the session now has left."""
    return JsonResponse({"seconds_left": keep_alive(request.session)})


@require_POST
def session_idle_logout(request: HttpRequest) -> HttpResponse:
    """The idle warning ran out: log out (if the session is still there) and say why on the login page."""
    logout(request)
    messages.info(request, _("Je was een tijd niet actief; log opnieuw in."))
    return redirect("client:login")
