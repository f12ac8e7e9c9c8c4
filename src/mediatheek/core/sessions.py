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
