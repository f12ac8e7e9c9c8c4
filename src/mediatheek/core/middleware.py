from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

# No inline scripts, nothing from another host: everything the pages use is vendored and served here.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# Longer query strings are refused (414). gunicorn already refuses a request line over 4094 bytes; this keeps any
# other server (runserver, a proxy with a larger limit) from handing a view a 100,000-character filter value.
MAX_QUERY_STRING = 8192
NUL = b"\x00"


def _has_nul(encoded: bytes | str) -> bool:
    """A NUL byte, literal or percent-encoded, in a query string or urlencoded body."""
    raw = encoded.encode("latin-1", "replace") if isinstance(encoded, str) else encoded
    return NUL in unquote_to_bytes(raw.replace(b"+", b" "))


class MalformedInputMiddleware:
    """Refuses, with a 400 page, any request whose path, query string or urlencoded form body contains a NUL byte,
    and with a 414 a query string over MAX_QUERY_STRING characters.

    No text field of the application can hold a NUL: PostgreSQL refuses it in text (a 500 in any filter or lookup
    that passes it on), and no person types one. Refusing it here covers every parameter of every view at once.
    A multipart body (the file uploads) is not parsed here: the upload views set their own upload handlers before
    the body is read, and reading `request.POST` here would parse (and buffer) the files first. Its text fields are
    checked by the forms (Django's CharField refuses a NUL) and by the views.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query_string = request.META.get("QUERY_STRING", "")
        if len(query_string) > MAX_QUERY_STRING:
            return _refusal(request, status=414)
        if "\x00" in request.path_info or _has_nul(query_string):
            return _refusal(request, status=400)
        content_type = request.META.get("CONTENT_TYPE", "")
        # Django reads a urlencoded body whole anyway (and refuses one over DATA_UPLOAD_MAX_MEMORY_SIZE with a 400).
        urlencoded = content_type.startswith("application/x-www-form-urlencoded")
        if request.method == "POST" and urlencoded and _has_nul(request.body):
            return _refusal(request, status=400)
        return self.get_response(request)


def _refusal(request: HttpRequest, *, status: int) -> HttpResponse:
    """The translated "bad request" page. This middleware runs before the locale middleware: pick the language here."""
    from django.utils import translation

    from mediatheek.core.views import bad_request_page

    with translation.override(translation.get_language_from_request(request)):
        response = bad_request_page(request, too_long=status == 414, status=status)
    add_never_cache_headers(response)
    return response


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if must_not_be_stored(request, response):
            add_never_cache_headers(response)
            response["Pragma"] = "no-cache"  # for HTTP/1.0 caches on a school network
        return response


# Portal routes that are personal or carry a login form (and its CSRF token), whoever asks for them.
PRIVATE_PORTAL_ROUTES = frozenset({"login", "logout", "password_change", "mine", "upload"})
PRIVATE_PORTAL_PREFIXES = ("mine_", "upload_")


def must_not_be_stored(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether no browser or proxy may keep a copy of this response (`Cache-Control: no-store`).

    - Everything under /client/: staff pages show pupils' data, and a desk PC is shared; the back button after
      logout must show nothing. That includes the client's errors, downloads, manifest and service worker.
    - The portal's Mijn Bibliotheek, upload and login pages, for anyone.
    - Any other response to a logged-in user (a public page shows who is logged in), except one that declares
      itself `public` (a cover image or a published leestip's picture: the same bytes for everyone).
    Public catalogue pages for an anonymous visitor and static files keep their own caching.
    """
    if request.path_info.startswith("/client/"):
        return True
    match = getattr(request, "resolver_match", None)
    if match is not None and match.namespace == "portal":
        name = match.url_name or ""
        if name in PRIVATE_PORTAL_ROUTES or name.startswith(PRIVATE_PORTAL_PREFIXES):
            return True
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return "public" not in response.get("Cache-Control", "")
    return False


SESSION_STARTED_KEY = "_session_started"
SESSION_SEEN_KEY = "_session_seen"


class SessionTimeoutMiddleware:
    """Log out after `SESSION_IDLE_TIMEOUT` seconds without a request and `SESSION_ABSOLUTE_TIMEOUT` after login.

    The request then goes on as an anonymous one, so the view's own guard sends it to the right login page.
    A shared desk PC left logged in is the case this covers.
    """

    # Write the "last seen" time at most once a minute, not on every request.
    TOUCH_EVERY = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        import time

        from django.conf import settings
        from django.contrib import messages
        from django.contrib.auth import logout
        from django.utils.translation import gettext as _

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            session = request.session
            now = int(time.time())
            started = session.get(SESSION_STARTED_KEY)
            seen = session.get(SESSION_SEEN_KEY)
            idle_limit = int(getattr(settings, "SESSION_IDLE_TIMEOUT", 3600))
            absolute_limit = int(getattr(settings, "SESSION_ABSOLUTE_TIMEOUT", 36000))
            expired = (isinstance(seen, int) and now - seen > idle_limit) or (
                isinstance(started, int) and now - started > absolute_limit
            )
            if expired:
                logout(request)
                messages.info(request, _("Je was een tijd niet actief; log opnieuw in."))
            else:
                if not isinstance(started, int):
                    session[SESSION_STARTED_KEY] = now
                if not isinstance(seen, int) or now - seen >= self.TOUCH_EVERY:
                    session[SESSION_SEEN_KEY] = now
        return self.get_response(request)


class RequestIPMiddleware:
    """Every audit event recorded while a request is served carries that request's IP address (`audit.record` reads
    it from a context variable), whether or not the service writing it was handed the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from mediatheek.core import audit

        with audit.request_ip(audit.client_ip(request)):
            return self.get_response(request)
