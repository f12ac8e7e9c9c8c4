"""The session engine of the project (`SESSION_ENGINE = "mediatheek.accounts.sessions"`).

Core's store (one hand-written read per request), writing to `accounts.LoginSession`, whose rows carry the id of
the user logged in with them: a password change ends the account's other sessions with one indexed delete
(`accounts.services.end_sessions`), on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.base_session import AbstractBaseSession

from mediatheek.core.sessions import SessionStore as CoreSessionStore

if TYPE_CHECKING:
    from mediatheek.accounts.models import LoginSession


class SessionStore(CoreSessionStore):
    @classmethod
    def get_model_class(cls) -> type[AbstractBaseSession]:
        from mediatheek.accounts.models import LoginSession

        return LoginSession

    def create_model_instance(self, data: dict[str, Any]) -> AbstractBaseSession:
        # Called on every save, so the column follows login, logout and `cycle_key()`.
        session = cast("LoginSession", super().create_model_instance(data))
        raw = data.get(SESSION_KEY)
        session.user_id = int(raw) if isinstance(raw, (int, str)) and str(raw).isdigit() else None
        return session
