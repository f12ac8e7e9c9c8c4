"""`{% idle_warning %}`: the dialog that warns before the idle log-out, with what its script needs to count down."""

from __future__ import annotations

from typing import Any

from django import template

from mediatheek.core.sessions import idle_seconds_left, idle_timeout, idle_warning_seconds

register = template.Library()


@register.inclusion_tag("client/_idle_warning.html", takes_context=True)
def idle_warning(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    return {
        "seconds_left": idle_seconds_left(request.session),
        "timeout": idle_timeout(),
        "warning": idle_warning_seconds(),
    }
