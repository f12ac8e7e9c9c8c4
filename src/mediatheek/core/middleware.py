from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


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
