"""Domain errors: exceptions that carry a translatable message the UI can show as it is.

One hierarchy for the whole project:

    DomainError                 a rule of the domain said no (the UI shows `message`)
    ├── PermissionDeniedError   the person may not do this
    └── FileRefused             an uploaded file is refused as a whole; nothing was changed
        └── sandbox.ParseAborted    the parser's child crashed or ran out of memory or time

The readers of uploaded files (studentimport.readers, catalog.records) are pure code that imports this module and
nothing of Django's models; they raise FileRefused, which crosses the parser sandbox's pipe as itself (pickled).
"""

from __future__ import annotations

from typing import Any

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


class FileRefused(DomainError):
    """The whole file is refused; `message` says what is wrong and what to do (translated). Nothing was changed.

    Picklable (the parser sandbox sends it from its child to the parent): the message is sent as text."""

    def __init__(self, message: str | Promise, code: str = "file_refused") -> None:
        super().__init__(message, code)

    def __reduce__(self) -> tuple[Any, ...]:
        state = {key: value for key, value in self.__dict__.items() if key not in ("message", "code")}
        return type(self), (str(self.message), self.code), state
