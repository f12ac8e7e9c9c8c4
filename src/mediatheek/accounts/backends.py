"""The login backend: Django's, but the user's school comes with the user.

Every client and portal request needs both (the school decides what the request may see), so they are read in one
query instead of two.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from mediatheek.accounts.models import User


class UserBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User._default_manager.select_related("school").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
