"""Writing the audit log, and reading it back in words.

Services call `record` themselves (explicit events, no signals). The IP address of the request being served comes
from a context variable that `core.middleware.RequestIPMiddleware` sets, so a service need not be handed the request
to have the address recorded; a command or task has none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models

from mediatheek.core.models import AuditEvent

if TYPE_CHECKING:
    import datetime as dt

    from django.http import HttpRequest

    from mediatheek.schools.models import School

# The address of the request this thread or task is serving (None outside a request).
_request_ip: ContextVar[str | None] = ContextVar("mediatheek_request_ip", default=None)


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from: REMOTE_ADDR. Behind a proxy, the proxy (gunicorn's `--forwarded-allow-ips`
    or the proxy's PROXY protocol) must put the client's address there; a client-sent X-Forwarded-For is not trusted.
    """
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


@contextmanager
def request_ip(address: str | None) -> Iterator[None]:
    """Events recorded inside this block carry `address` (the middleware wraps every request in it)."""
    token = _request_ip.set(address)
    try:
        yield
    finally:
        _request_ip.reset(token)


def record(
    action: str,
    *,
    actor: Any = None,
    school: School | None = None,
    obj: models.Model | None = None,
    summary: str = "",
    request: HttpRequest | None = None,
    **detail: Any,
) -> AuditEvent:
    user = actor if getattr(actor, "pk", None) else None
    return AuditEvent.objects.create(
        action=action,
        actor=user,
        actor_label=str(getattr(actor, "username", "") or actor or "systeem"),
        school=school,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:300],
        detail=detail,
        ip_address=client_ip(request) or _request_ip.get(),
    )


# Names objects of one model in words: given the ids stored in the log (as text), {id: "leerling Sanne de Vries"}.
# Ids whose object is gone are simply missing from the answer. One query per model, whatever the number of rows.
Namer = Callable[[set[str]], Mapping[str, str]]


@dataclass(frozen=True)
class AuditRow:
    """One event as its readers see it: who and what in words, not `accounts.user 10`."""

    at: dt.datetime
    actor: str
    school_code: str
    action: str
    action_label: str
    subject: str
    summary: str
    ip_address: str


def rows_in_words(events: Iterable[AuditEvent], namers: Mapping[str, Namer]) -> list[AuditRow]:
    """The events with actor and object named by `namers` ({model label: Namer}), batched by model.

    Actors are accounts (`namers["accounts.user"]`). An object or actor that is gone falls back to what was stored
    at the time: the actor's login, and the summary alone.
    """
    events = list(events)
    wanted: dict[str, set[str]] = defaultdict(set)
    user_label = "accounts.user"
    for event in events:
        if event.actor_id is not None:
            wanted[user_label].add(str(event.actor_id))
        if event.object_type and event.object_id:
            wanted[event.object_type].add(event.object_id)
    names: dict[str, Mapping[str, str]] = {
        label: namers[label](ids) for label, ids in wanted.items() if label in namers and ids
    }
    rows = []
    for event in events:
        actor = names.get(user_label, {}).get(str(event.actor_id)) if event.actor_id is not None else None
        subject = names.get(event.object_type, {}).get(event.object_id, "") if event.object_type else ""
        if event.object_type == user_label and event.object_id == str(event.actor_id):
            subject = ""  # their own account (a login, their own password): the "by" column already names them
        rows.append(
            AuditRow(
                at=event.at,
                actor=actor or event.actor_label,
                school_code=event.school.code if event.school_id is not None and event.school else "",
                action=event.action,
                action_label=str(event.get_action_display()),
                subject=subject,
                summary=event.summary,
                ip_address=event.ip_address or "",
            )
        )
    return rows
