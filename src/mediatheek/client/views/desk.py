"""The desk: lend (Uitlenen), return (Inleveren), renew, reserve — driven by a barcode scanner.

One scan field per screen; a scanner types the code and Enter. Every field that expects a barcode also knows the
other kinds: a copy barcode in the card field is returned, a card number in the copy field opens that patron.
Forms post normally and redirect (works without JS); with htmx the same POST answers with the panel only.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mediatheek.catalog import queries as catalog_queries
from mediatheek.catalog.models import Copy
from mediatheek.circulation import queries, services
from mediatheek.circulation.models import Loan, Reservation
from mediatheek.client.views import scanning
from mediatheek.core.errors import DomainError
from mediatheek.core.params import id_or_none
from mediatheek.patrons import queries as patron_queries
from mediatheek.patrons.models import Patron
from mediatheek.web.permissions import desk, managers
from mediatheek.web.requests import ClientRequest


def _open_patron(request: ClientRequest, patron: Patron) -> HttpResponse:
    """A card scanned in a copy field: the desk switches to that patron (htmx: the whole page)."""
    if scanning.is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("client:desk_patron", args=[patron.pk])
        return response
    return redirect("client:desk_patron", pk=patron.pk)


def _return_feedback(result: services.CheckInResult, *, from_card_field: bool = False) -> dict[str, str]:
    # A copy that was not lent (returned before, or never lent) is not "ingeleverd": its heading is its title only.
    lent = result.loan is not None
    book = result.copy.title.title
    returned = _("Ingeleverd: %(title)s") % {"title": book} if lent else book
    level, parts = _return_outcome(result)
    if from_card_field:
        parts.insert(
            0, _("Dit was een boek, geen pas: het is ingeleverd.") if lent else _("Dit was een boek, geen pas.")
        )
    if result.hold is None:
        return scanning.feedback(level, " ".join(parts), title=returned)
    # The one thing the desk must not miss: say it first, in the heading.
    until = services.day_label(result.hold.hold_until or timezone.localdate())
    parts = [
        returned + "." if lent else book + ":",
        *parts,
        _("Gereserveerd; apart tot en met %(date)s.") % {"date": until},
    ]
    hold_title = _("Apart leggen voor %(who)s") % {"who": services.patron_label(result.hold.patron)}
    return scanning.feedback("hold", " ".join(parts), title=hold_title)


def _return_outcome(result: services.CheckInResult) -> tuple[str, list[str]]:
    """The level of a return's feedback and what it says about the loan: not lent, on time, or late (and a fine)."""
    if result.loan is None:
        return "info", [_("Dit boek was niet uitgeleend.")]
    who = services.patron_label(result.patron)
    if not result.late:
        return "success", [_("Geleend door %(who)s. Op tijd.") % {"who": who}]
    late = ngettext(
        "Geleend door %(who)s. %(days)d dag te laat.", "Geleend door %(who)s. %(days)d dagen te laat.", result.days_late
    )
    parts = [late % {"who": who, "days": result.days_late}]
    if result.fine:
        parts.append(_("Boete: € %(fine)s.") % {"fine": f"{result.fine:.2f}".replace(".", ",")})
    return "warning", parts


# --- Uitlenen: the start screen (scan a card) -----------------------------------------------------------------


@desk
def start(request: ClientRequest) -> HttpResponse:
    query = services.clean_code(request.GET.get("q", ""))
    matches = patron_queries.desk_name_search(request.school, query)
    return render(
        request,
        "client/desk/start.html",
        {"feedback": scanning.pop_feedback(request), "q": query, "matches": matches, "searched": bool(query)},
    )


@desk
@require_POST
def scan_card(request: ClientRequest) -> HttpResponse:
    """The card field: a card number opens the patron; a copy barcode is returned; else a name search."""
    code = services.clean_code(request.POST.get("code", ""))
    start_url = reverse("client:desk")
    if not code:
        return redirect(start_url)
    patron = services.find_patron(request.school, code)
    if patron is not None:
        return redirect("client:desk_patron", pk=patron.pk)
    copy = services.find_copy(request.school, code)
    if copy is not None:
        result = services.check_in(copy=copy, by=request.user)
        feedback = _return_feedback(result, from_card_field=True)
        return scanning.respond(request, start_url, feedback, lambda fb: _render_start(request, fb))
    if not any(character.isdigit() for character in code):  # words: a name to look up
        return redirect(f"{start_url}?{urlencode({'q': code})}")
    feedback = scanning.feedback("error", _("Onbekend pasnummer of boeknummer: %(code)s") % {"code": code})
    return scanning.respond(request, start_url, feedback, lambda fb: _render_start(request, fb))


def _render_start(request: ClientRequest, feedback: dict[str, str] | None) -> HttpResponse:
    return render(request, "client/desk/_start_panel.html", {"feedback": feedback})


# --- The patron's desk screen --------------------------------------------------------------------------------


def _patron_context(request: ClientRequest, patron: Patron, feedback: dict[str, str] | None) -> dict[str, Any]:
    screen = queries.desk_patron(patron)
    return {
        "patron": screen.patron,
        "loans": screen.loans,
        "loan_count": screen.loan_count,
        "renewable": screen.renewable,
        "rule": screen.rule,
        "today": screen.today,
        "attention": screen.attention,
        "can_reserve": request.user.can_manage_school,
        "feedback": feedback,
    }


def _render_patron(request: ClientRequest, patron: Patron, feedback: dict[str, str] | None) -> HttpResponse:
    return render(request, "client/desk/_patron_main.html", _patron_context(request, patron, feedback))


def _patron(request: ClientRequest, pk: int) -> Patron:
    return get_object_or_404(Patron.objects.for_school(request.school).select_related("group", "school"), pk=pk)


@desk
@require_GET
def patron_screen(request: ClientRequest, pk: int) -> HttpResponse:
    patron = _patron(request, pk)
    return render(request, "client/desk/patron.html", _patron_context(request, patron, scanning.pop_feedback(request)))


@desk
@require_POST
def patron_scan(request: ClientRequest, pk: int) -> HttpResponse:
    """The copy field on the patron's screen: lend the scanned copy at once."""
    # The scan's hot path: the patron's columns a check-out needs and the scanned copy, in one hand-written query.
    code = services.clean_code(request.POST.get("code", ""))
    patron, copy = services.find_patron_and_copy(request.school, pk, code)
    if patron is None:
        raise Http404
    if code and copy is None and (other := services.find_patron(request.school, code)) is not None:
        return _open_patron(request, other)  # the next pupil scanned their card
    context: dict[str, Any] = {"patron": patron, "today": timezone.localdate()}
    feedback = None
    if copy is not None:
        feedback, lent = _lend(request, patron, copy)
        context.update(lent)
    elif code:
        feedback = scanning.unknown_code(code)

    def panel(fb: dict[str, str] | None) -> HttpResponse:
        # htmx: only the scan panel; a new loan rides along as a table row and the new count (out of band).
        return scanning.fragment(request, "client/desk/_scan_panel.html", {**context, "feedback": fb})

    return scanning.respond(request, reverse("client:desk_patron", args=[patron.pk]), feedback, panel)


def _lend(request: ClientRequest, patron: Patron, copy: Copy) -> tuple[dict[str, str], dict[str, Any]]:
    """Lend the copy: the feedback, and for a loan what the panel sends along (the row, the count, the badges)."""
    # The same barcode scanned again after a question ("scan nog een keer") is the confirmation.
    confirmed = request.POST.get("confirm", "") == copy.barcode
    try:
        loan, precheck = services.lend(
            copy=copy, patron=patron, by=request.user, confirmed=confirmed, school=request.school
        )
    except services.ConfirmationRequired as question:
        button = _("Ja, inleveren en uitlenen") if question.code == "lent_to_other" else _("Ja, toch uitlenen")
        return scanning.feedback(
            "warning", str(question), title=copy.title.title, confirm=copy.barcode, button=button
        ), {}
    except DomainError as error:
        return scanning.feedback("error", str(error), title=copy.title.title), {}
    loan.copy = copy
    text = _("Inleveren op %(date)s.") % {"date": services.day_label(loan.due_date)}
    title = _("Uitgeleend: %(title)s") % {"title": copy.title.title}
    feedback = scanning.feedback("success", " ".join([text, *map(str, precheck.notes)]), title=title)
    return feedback, _lent_context(request, patron, loan, precheck)


def _lent_context(request: ClientRequest, patron: Patron, loan: Loan, precheck: services.Precheck) -> dict[str, Any]:
    rule = queries.general_rule(patron, precheck.rule)
    count = precheck.patron_loan_count + 1
    # The new loan is renewable when the rule allows any renewal: "Alles verlengen" appears with the first loan.
    context: dict[str, Any] = {"new_loan": loan, "loan_count": count, "rule": rule, "renewable": rule.max_renewals > 0}
    if count >= rule.max_loans or precheck.own_reservation is not None:
        # What the screen points out changed (the limit reached, a collected reservation): send it along. Only
        # then: the usual scan changes none of it and stays without these two queries.
        attention = queries.attention(patron, list(services.open_loans(patron)), rule, timezone.localdate())
        context.update(refresh_attention=True, attention=attention, can_reserve=request.user.can_manage_school)
    return context


@desk
@require_POST
def renew(request: ClientRequest, pk: int, loan_pk: int) -> HttpResponse:
    patron = _patron(request, pk)
    loan = get_object_or_404(
        Loan.objects.for_school(request.school).select_related("copy__title"), pk=loan_pk, patron=patron
    )
    try:
        renewed = services.renew(loan=loan, by=request.user)
        feedback = scanning.feedback(
            "success",
            _("Nieuwe inleverdatum: %(date)s.") % {"date": services.day_label(renewed.due_date)},
            title=_("Verlengd: %(title)s") % {"title": loan.copy.title.title},
        )
    except DomainError as error:
        feedback = scanning.feedback("error", str(error), title=_("Niet verlengd"))
    url = reverse("client:desk_patron", args=[patron.pk])
    return scanning.respond(request, url, feedback, lambda fb: _render_patron(request, patron, fb))


@desk
@require_POST
def renew_all(request: ClientRequest, pk: int) -> HttpResponse:
    patron = _patron(request, pk)
    result = services.renew_all(patron=patron, by=request.user)
    parts = []
    if result.renewed:
        parts.append(
            ngettext("%(count)d boek verlengd.", "%(count)d boeken verlengd.", len(result.renewed))
            % {"count": len(result.renewed)}
        )
    parts.extend(message for _loan, message in result.refused)
    if not parts:
        parts.append(_("Er is niets te verlengen."))
    level = "success" if not result.refused else ("warning" if result.renewed else "error")
    feedback = scanning.feedback(level, " ".join(parts), title=_("Alles verlengen"))
    url = reverse("client:desk_patron", args=[patron.pk])
    return scanning.respond(request, url, feedback, lambda fb: _render_patron(request, patron, fb))


# --- Reservations (coordinator and library staff) ------------------------------------------------------------


@managers
def reserve(request: ClientRequest, pk: int) -> HttpResponse:
    """Find a title by barcode, ISBN or words of its title, and put the patron in its queue."""
    patron = _patron(request, pk)
    if request.method == "POST":
        return _place_reservation(request, patron)
    query = services.clean_code(request.GET.get("q", ""))
    context = {
        "patron": patron,
        "q": query,
        "titles": queries.reservable_titles(request.school, query),
        "searched": bool(query),
        "feedback": scanning.pop_feedback(request),
        "reservation_count": queries.open_reservation_count(patron),
        "reservation_limit": queries.general_rule(patron).max_reservations,
    }
    return render(request, "client/desk/reserve.html", context)


def _place_reservation(request: ClientRequest, patron: Patron) -> HttpResponse:
    # The form sends a title's id; anything else (words, NUL, a number beyond the database's range) is refused
    # here, before the database sees it.
    title_id = id_or_none(request.POST.get("title", ""))
    if title_id is None:
        request.session[scanning.FEEDBACK_KEY] = scanning.feedback("error", _("Kies een titel uit de lijst."))
        return redirect("client:desk_reserve", pk=patron.pk)
    title = get_object_or_404(catalog_queries.titles_of_school(request.school), pk=title_id)
    try:
        reservation = services.place_reservation(title=title, patron=patron, by=request.user)
    except DomainError as error:
        request.session[scanning.FEEDBACK_KEY] = scanning.feedback("error", str(error), title=title.title)
        return redirect("client:desk_reserve", pk=patron.pk)
    text = _("Plaats in de wachtrij: %(position)d.") % {"position": services.queue_position(reservation)}
    on_shelf = queries.on_shelf_barcodes(title, request.school)
    if on_shelf:
        text += " " + _("Er staat een exemplaar op de plank: %(barcodes)s.") % {"barcodes": ", ".join(on_shelf)}
    title_text = _("Gereserveerd: %(title)s") % {"title": title.title}
    request.session[scanning.FEEDBACK_KEY] = scanning.feedback("success", text, title=title_text)
    return redirect("client:desk_patron", pk=patron.pk)


@managers
@require_POST
def cancel_reservation(request: ClientRequest, pk: int, reservation_pk: int) -> HttpResponse:
    patron = _patron(request, pk)
    reservation = get_object_or_404(
        Reservation.objects.for_school(request.school).select_related("title"), pk=reservation_pk, patron=patron
    )
    try:
        services.cancel_reservation(reservation=reservation, by=request.user)
        feedback = scanning.feedback(
            "success", "", title=_("Reservering geannuleerd: %(title)s") % {"title": reservation.title.title}
        )
    except DomainError as error:
        feedback = scanning.feedback("error", str(error))
    request.session[scanning.FEEDBACK_KEY] = feedback
    return redirect("client:desk_patron", pk=patron.pk)


# --- Inleveren ---------------------------------------------------------------------------------------------------


@desk
@require_http_methods(["GET", "HEAD", "POST"])
def return_screen(request: ClientRequest) -> HttpResponse:
    """The return screen. A GET changes nothing: holds past their date are listed, and released by the daily
    `expire_holds` job or, for a school without one, by this screen's button (a POST; coordinators and library
    staff: web.permissions lets volunteers read this page, not post to it)."""
    if request.method == "POST":
        count = services.expire_holds(school=request.school)
        text = ngettext(
            "%(count)d reservering verlopen: het boek gaat naar de volgende of terug op de plank.",
            "%(count)d reserveringen verlopen: de boeken gaan naar de volgende of terug op de plank.",
            count,
        ) % {"count": count}
        request.session[scanning.FEEDBACK_KEY] = scanning.feedback("info", text)
        return redirect("client:desk_return")
    context = {
        "feedback": scanning.pop_feedback(request),
        "returns": queries.recent_returns(request.school, request.user),
        "expired_holds": queries.expired_holds(request.school),
        "can_release": request.user.can_manage_school,
    }
    return render(request, "client/desk/return.html", context)


@desk
@require_POST
def return_scan(request: ClientRequest) -> HttpResponse:
    code = services.clean_code(request.POST.get("code", ""))
    copy = services.find_copy(request.school, code) if code else None
    if code and copy is None and (patron := services.find_patron(request.school, code)) is not None:
        return _open_patron(request, patron)
    entry, feedback = None, None
    if copy is not None:
        result = services.check_in(copy=copy, by=request.user)
        feedback = _return_feedback(result)
        # "Zojuist ingeleverd" lists what came back (or now waits for someone), not a book scanned twice.
        if result.loan is not None or result.hold is not None:
            entry = queries.ReturnEntry.of(result)
    elif code:
        feedback = scanning.unknown_code(code)

    def panel(fb: dict[str, str] | None) -> HttpResponse:
        return scanning.fragment(request, "client/desk/_return_panel.html", {"feedback": fb, "entry": entry})

    return scanning.respond(request, reverse("client:desk_return"), feedback, panel)


# --- The framework's floor for the benchmark -----------------------------------------------------------------


@desk
def ping(request: ClientRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
