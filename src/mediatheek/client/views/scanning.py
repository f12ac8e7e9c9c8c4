"""What every scan screen of the client shares (the desk, the reservations' pick list): the feedback about one
scan, and the answer — with htmx the panel at once (one round trip), without JS the feedback kept in the session
and a redirect (the page then pops it)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from mediatheek.web.requests import ClientRequest

FEEDBACK_KEY = "desk_feedback"


def feedback(level: str, text: str, *, title: str = "", confirm: str = "", button: str = "") -> dict[str, str]:
    """What the desk says about one scan. level: success, error, warning (needs confirmation), info."""
    return {"level": level, "text": text, "title": title, "confirm": confirm, "button": button}


def is_htmx(request: ClientRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def respond(request: ClientRequest, url: str, feedback: dict[str, str] | None, render_panel: Any) -> HttpResponse:
    """htmx: answer with the panel at once (one round trip). Without JS: keep the feedback and redirect."""
    if is_htmx(request):
        return render_panel(feedback)
    if feedback:
        request.session[FEEDBACK_KEY] = feedback
    return redirect(url)


def fragment(request: ClientRequest, template_name: str, context: dict[str, Any]) -> HttpResponse:
    """A scan's panel: its own context and the CSRF token, without the context processors the full pages need
    (user, permissions, messages, languages), which cost a third of rendering a panel this small."""
    return HttpResponse(render_to_string(template_name, {**context, "csrf_token": get_token(request)}))


def pop_feedback(request: ClientRequest) -> dict[str, str] | None:
    feedback: dict[str, str] | None = request.session.pop(FEEDBACK_KEY, None)
    return feedback


def unknown_code(code: str) -> dict[str, str]:
    return feedback("error", _("Onbekend boeknummer: %(code)s") % {"code": code})
