"""Reserveringen: the round that gets reserved books to the pupils, run with the scanner alone.

Ophaallijst (pick list): reserved titles with a copy on the shelf, by shelf place; scanning a copy taken from the
shelf holds it for the first in the queue. Klaargelegd (hold shelf): what lies ready, until when. Terugzetten:
holds that ran out, scanned as they leave the hold shelf. Lending a held copy to its pupil at the desk fulfils the
reservation (circulation.services.lend). The scan fields behave like the desk's (desk.js): htmx answers with the
panel, without JS the POST redirects with the feedback in the session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mediatheek.catalog.models import Copy
from mediatheek.circulation import queries, services
from mediatheek.circulation.models import Reservation
from mediatheek.client.views import scanning
from mediatheek.core.errors import DomainError
from mediatheek.web.permissions import desk, managers
from mediatheek.web.requests import ClientRequest


def _answer_scan(
    request: ClientRequest,
    act: Callable[[Copy], dict[str, str]],
    *,
    panel_template: str,
    context_of: Callable[[ClientRequest, dict[str, str] | None], dict[str, Any]],
    back: str,
) -> HttpResponse:
    """One scan on a reservations list: `act` on the scanned copy gives the feedback; a copy the step does not
    apply to (no reservation, lent) is said plainly and changes nothing; then the panel (htmx) or a redirect."""
    code = services.clean_code(request.POST.get("code", ""))
    copy = services.find_copy(request.school, code) if code else None
    feedback = None
    if copy is not None:
        try:
            feedback = act(copy)
        except DomainError as error:
            level = "error" if error.code == "lent" else "info"
            feedback = scanning.feedback(level, str(error), title=copy.title.title)
    elif code:
        feedback = scanning.unknown_code(code)

    def panel(fb: dict[str, str] | None) -> HttpResponse:
        return scanning.fragment(request, panel_template, {**context_of(request, fb), "oob": True})

    return scanning.respond(request, reverse(back), feedback, panel)


# --- Ophaallijst ------------------------------------------------------------------------------------------------


def _pick_context(request: ClientRequest, feedback: dict[str, str] | None) -> dict[str, Any]:
    return {"feedback": feedback, "rows": queries.pick_list(request.school)}


@desk
@require_GET
def pick_list(request: ClientRequest) -> HttpResponse:
    context = _pick_context(request, scanning.pop_feedback(request))
    return render(request, "client/reservations/pick_list.html", {**context, "active": "pick"})


@desk
@require_POST
def pick_scan(request: ClientRequest) -> HttpResponse:
    """A copy taken from the shelf: held for the first waiting reservation of its title."""
    return _answer_scan(
        request,
        lambda copy: _hold_feedback(services.hold_from_shelf(copy=copy, school=request.school, by=request.user)),
        panel_template="client/reservations/_pick_panel.html",
        context_of=_pick_context,
        back="client:reservations_pick",
    )


def _hold_feedback(hold: services.ShelfHold) -> dict[str, str]:
    reservation = hold.reservation
    until = services.day_label(reservation.hold_until or timezone.localdate())
    who = services.patron_label(reservation.patron)
    parts = {"title": reservation.title.title, "date": until, "name": reservation.patron.first_name or who}
    if not hold.new:
        text = _("%(title)s lag al apart (tot en met %(date)s).") % parts
    elif reservation.patron.email:
        text = _("%(title)s ligt klaar tot en met %(date)s. %(name)s krijgt een e-mail.") % parts
    else:
        text = _("%(title)s ligt klaar tot en met %(date)s. Geen e-mailadres bekend: laat het %(name)s weten.") % parts
    return scanning.feedback("hold", text, title=_("Leg apart voor %(who)s") % {"who": who})


# --- Klaargelegd ------------------------------------------------------------------------------------------------


@desk
@require_GET
def hold_shelf(request: ClientRequest) -> HttpResponse:
    rows = queries.hold_shelf(request.school)
    return render(request, "client/reservations/hold_shelf.html", {"rows": rows, "active": "held"})


# --- Terugzetten ------------------------------------------------------------------------------------------------


def _put_back_context(request: ClientRequest, feedback: dict[str, str] | None) -> dict[str, Any]:
    return {"feedback": feedback, "rows": queries.put_back_list(request.school)}


@desk
@require_GET
def put_back_list(request: ClientRequest) -> HttpResponse:
    context = _put_back_context(request, scanning.pop_feedback(request))
    return render(request, "client/reservations/put_back.html", {**context, "active": "put_back"})


@desk
@require_POST
def put_back_scan(request: ClientRequest) -> HttpResponse:
    """A copy taken from the hold shelf: its ended hold is confirmed (a hold past its date is expired first)."""
    return _answer_scan(
        request,
        lambda copy: _put_back_feedback(services.put_back(copy=copy, school=request.school, by=request.user)),
        panel_template="client/reservations/_put_back_panel.html",
        context_of=_put_back_context,
        back="client:reservations_put_back",
    )


def _put_back_feedback(result: services.PutBack) -> dict[str, str]:
    title = result.copy.title.title
    if result.next_hold is not None:
        until = services.day_label(result.next_hold.hold_until or timezone.localdate())
        return scanning.feedback(
            "hold",
            _("%(title)s gaat naar de volgende in de wachtrij; apart tot en met %(date)s.")
            % {"title": title, "date": until},
            title=_("Leg apart voor %(who)s") % {"who": services.patron_label(result.next_hold.patron)},
        )
    if result.copy.shelf:
        heading = _("Terug op de plank: %(shelf)s") % {"shelf": result.copy.shelf}
    else:
        heading = _("Terug op de plank")
    return scanning.feedback("success", title, title=heading)


# --- A title's queue: cancel a reservation (asks first) -----------------------------------------------------------


@managers
@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request: ClientRequest, pk: int) -> HttpResponse:
    """GET asks (who, which title); the POST cancels and goes back to the title's page."""
    reservation = get_object_or_404(
        Reservation.objects.for_school(request.school).open().select_related("title", "patron__group"), pk=pk
    )
    back = reverse("client:catalog_title", args=[reservation.title_id]) + "#reserveringen"
    if request.method != "POST":
        context = {"reservation": reservation, "who": services.patron_label(reservation.patron), "back": back}
        return render(request, "client/reservations/cancel.html", context)
    try:
        services.cancel_reservation(reservation=reservation, by=request.user)
        messages.success(
            request,
            _("Reservering van %(who)s geannuleerd: %(title)s")
            % {"who": services.patron_label(reservation.patron), "title": reservation.title.title},
        )
    except DomainError as error:
        messages.error(request, str(error))
    return redirect(back)
