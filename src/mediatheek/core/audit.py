"""Writing the audit log. Services call `record` themselves (explicit events, no signals)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from mediatheek.core.models import AuditEvent

if TYPE_CHECKING:
    from django.http import HttpRequest

    from mediatheek.schools.models import School


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


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
        ip_address=client_ip(request),
    )
