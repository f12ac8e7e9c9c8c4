from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/404.html", status=404)


def bad_request_page(request: HttpRequest, *, too_long: bool = False, status: int = 400) -> HttpResponse:
    """The page for input no view can use (a NUL byte, an address too long): what happened, no technical detail."""
    return render(request, "core/400.html", {"too_long": too_long}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: Django's own refusals (a request body too large, too many fields, a bad host) look the same."""
    return bad_request_page(request)
