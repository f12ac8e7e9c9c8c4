"""The portal's privacy page: what is kept about pupils, why, and how long (the library's own numbers)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from mediatheek.portal.access import portal_view
from mediatheek.web.requests import PortalRequest


@portal_view
def privacy(request: PortalRequest) -> HttpResponse:
    library = request.school.library
    return render(request, "portal/privacy.html", {"library": library})
