"""Domain errors: exceptions that carry a translatable message the UI can show as it is."""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    """A rule of the domain said no. `message` is safe and translated for the person who asked."""

    def __init__(self, message: str | Promise, code: str = "") -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return str(self.message)


class PermissionDeniedError(DomainError):
    pass
