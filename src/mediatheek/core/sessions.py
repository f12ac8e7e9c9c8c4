"""The session store: Django's database sessions, read with one hand-written query.

Every request reads its session; building that small query through the ORM cost more than running it (about
0.3 ms of the desk's 3-4 ms scan, see bench/circulation.py). Writing, expiry and `clearsessions` stay Django's.
The query reads the table of whatever model `get_model_class()` names, so a subclass may store its sessions in a
model of its own (accounts.sessions keeps the user id next to each session).
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.db import connection
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Any:
        key = self.session_key
        if not key:
            self._session_key = None
            return None
        model = self.model
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data FROM {model._meta.db_table} WHERE session_key = %s AND expire_date > %s",  # noqa: S608
                [key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=key, session_data=row[0])


# --- The idle time-out, as the browser's warning needs it ------------------------------------------------------------
# `core.middleware.SessionTimeoutMiddleware` logs a session out after SESSION_IDLE_TIMEOUT seconds without a request;
# it keeps the time of the last request in the session (updated at most once a minute). These read and refresh it.


def idle_timeout() -> int:
    from django.conf import settings

    return int(getattr(settings, "SESSION_IDLE_TIMEOUT", 3600))


def idle_seconds_left(session: Any, *, now: float | None = None) -> int:
    """Seconds until the middleware logs this session out for being idle (the full time-out for a fresh one)."""
    import time

    from mediatheek.core.middleware import SESSION_SEEN_KEY

    seen = session.get(SESSION_SEEN_KEY)
    timeout = idle_timeout()
    if not isinstance(seen, int):
        return timeout
    current = time.time() if now is None else now
    return max(0, min(timeout, int(seen + timeout - current)))


def keep_alive(session: Any) -> int:
    """The user is still there ("Blijf ingelogd"): the idle time starts again now. Returns the seconds left."""
    import time

    from mediatheek.core.middleware import SESSION_SEEN_KEY

    session[SESSION_SEEN_KEY] = int(time.time())
    return idle_timeout()


# The warning comes this long before the idle log-out (at most half the time-out, for a short one).
IDLE_WARNING_SECONDS = 60


def idle_warning_seconds() -> int:
    return max(1, min(IDLE_WARNING_SECONDS, idle_timeout() // 2))
