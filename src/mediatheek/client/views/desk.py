"""The desk: lend (Uitlenen), return (Inleveren), renew, reserve — driven by a barcode scanner.

One scan field per screen; a scanner types the code and Enter. Every field that expects a barcode also knows the
other kinds: a copy barcode in the card field is returned, a card number in the copy field opens that patron.
Forms post normally and redirect (works without JS); with htmx the same POST answers with the panel only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from mediatheek.catalog.models import Copy, Title
from mediatheek.circulation import rules, services
from mediatheek.circulation.models import Loan, Reservation
from mediatheek.core.errors import DomainError
from mediatheek.patrons.models import Patron
from mediatheek.web.permissions import desk, managers
from mediatheek.web.requests import ClientRequest

FEEDBACK_KEY = "desk_feedback"
RETURN_LOG_LENGTH = 8


def _feedback(level: str, text: str, *, title: str = "", confirm: str = "", button: str = "") -> dict[str, str]:
    """What the desk says about one scan. level: success, error, warning (needs confirmation), info."""
    return {"level": level, "text": text, "title": title, "confirm": confirm, "button": button}


def _is_htmx(request: ClientRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _respond(request: ClientRequest, url: str, feedback: dict[str, str] | None, render_panel: Any) -> HttpResponse:
    """htmx: answer with the panel at once (one round trip). Without JS: keep the feedback and redirect."""
    if _is_htmx(request):
        return render_panel(feedback)
    if feedback:
        request.session[FEEDBACK_KEY] = feedback
    return redirect(url)


def _fragment(request: ClientRequest, template_name: str, context: dict[str, Any]) -> HttpResponse:
    """A scan's panel: its own context and the CSRF token, without the context processors the full pages need
    (user, permissions, messages, languages), which cost a third of rendering a panel this small."""
    return HttpResponse(render_to_string(template_name, {**context, "csrf_token": get_token(request)}))


def _pop_feedback(request: ClientRequest) -> dict[str, str] | None:
    feedback: dict[str, str] | None = request.session.pop(FEEDBACK_KEY, None)
    return feedback


def _return_feedback(result: services.CheckInResult, *, from_card_field: bool = False) -> dict[str, str]:
    title = result.copy.title.title
    parts = []
    if from_card_field:
        parts.append(_("Dit was een boek, geen pas: het is ingeleverd."))
    if result.loan is None:
        parts.append(_("Dit boek was niet uitgeleend."))
        level = "info"
    else:
        who = services.patron_label(result.patron)
        if result.late:
            parts.append(
                ngettext(
                    "Geleend door %(who)s. %(days)d dag te laat.",
                    "Geleend door %(who)s. %(days)d dagen te laat.",
                    result.days_late,
                )
                % {"who": who, "days": result.days_late}
            )
            if result.fine:
                parts.append(_("Boete: € %(fine)s.") % {"fine": f"{result.fine:.2f}".replace(".", ",")})
            level = "warning"
        else:
            parts.append(_("Geleend door %(who)s. Op tijd.") % {"who": who})
            level = "success"
    returned = _("Ingeleverd: %(title)s") % {"title": title}
    if result.hold is not None:
        # The one thing the desk must not miss: say it first, in the heading.
        parts.insert(0, returned + ".")
        parts.append(
            _("Gereserveerd; apart tot en met %(date)s.")
            % {"date": services.day_label(result.hold.hold_until or timezone.localdate())}
        )
        hold_title = _("Apart leggen voor %(who)s") % {"who": services.patron_label(result.hold.patron)}
        return _feedback("hold", " ".join(parts), title=hold_title)
    return _feedback(level, " ".join(parts), title=returned)


def _return_entry(result: services.CheckInResult) -> dict[str, Any]:
    return {
        "barcode": result.copy.barcode,
        "title": result.copy.title.title,
        "who": services.patron_label(result.patron) if result.loan else "",
        "late": result.days_late,
        "hold": services.patron_label(result.hold.patron) if result.hold else "",
        "lent": result.loan is not None,
    }


def _recent_returns(request: ClientRequest) -> list[dict[str, Any]]:
    """The running list on the Inleveren screen: what this desk account returned in the last hours."""
    since = timezone.now() - dt.timedelta(hours=8)
    loans = list(
        Loan.objects.for_school(request.school)
        .filter(checked_in_by=request.user, returned_at__gte=since)
        .select_related("copy__title", "patron__group")
        .order_by("-returned_at")[:RETURN_LOG_LENGTH]
    )
    holds = {
        reservation.held_copy_id: reservation
        for reservation in Reservation.objects.filter(
            held_copy__in=[loan.copy_id for loan in loans], status=Reservation.Status.READY
        ).select_related("patron__group")
    }
    entries = []
    for loan in loans:
        hold = holds.get(loan.copy_id)
        returned_on = timezone.localdate(loan.returned_at) if loan.returned_at else timezone.localdate()
        entries.append(
            {
                "barcode": loan.copy.barcode,
                "title": loan.copy.title.title,
                "who": services.patron_label(loan.patron),
                "late": max((returned_on - loan.due_date).days, 0),
                "hold": services.patron_label(hold.patron) if hold else "",
                "lent": True,
            }
        )
    return entries


# --- Uitlenen: the start screen (scan a card) -----------------------------------------------------------------


@desk
def start(request: ClientRequest) -> HttpResponse:
    matches: list[Patron] = []
    query = services.clean_code(request.GET.get("q", ""))
    if query:
        matches = list(
            Patron.objects.for_school(request.school)
            .filter(status=Patron.Status.ACTIVE)
            .filter(Q(last_name__icontains=query) | Q(first_name__icontains=query))
            .select_related("group")[:25]
        )
    return render(
        request,
        "client/desk/start.html",
        {"feedback": _pop_feedback(request), "q": query, "matches": matches, "searched": bool(query)},
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
        return _respond(request, start_url, feedback, lambda fb: _render_start(request, fb))
    if not any(character.isdigit() for character in code):  # words: a name to look up
        return redirect(f"{start_url}?{urlencode({'q': code})}")
    feedback = _feedback("error", _("Onbekend pasnummer of boeknummer: %(code)s") % {"code": code})
    return _respond(request, start_url, feedback, lambda fb: _render_start(request, fb))


def _render_start(request: ClientRequest, feedback: dict[str, str] | None) -> HttpResponse:
    return render(request, "client/desk/_start_panel.html", {"feedback": feedback})


# --- The patron's desk screen --------------------------------------------------------------------------------


def _patron_context(
    request: ClientRequest,
    patron: Patron,
    feedback: dict[str, str] | None,
    rule: rules.EffectiveRule | None = None,
) -> dict[str, Any]:
    loans = list(services.open_loans(patron))
    if rule is None or rule.max_loans_per_material:
        rule = rules.resolve(patron=patron)
    return {
        "patron": patron,
        "loans": loans,
        "loan_count": len(loans),
        "rule": rule,
        "today": timezone.localdate(),
        "feedback": feedback,
        **_attention_context(request, patron, loans, rule),
    }


def _attention_context(
    request: ClientRequest, patron: Patron, loans: list[Loan], rule: rules.EffectiveRule
) -> dict[str, Any]:
    """What the patron's screen points out above the scan field, and the reservations list."""
    today = timezone.localdate()
    reservations = list(services.open_reservations(patron))
    attention: list[tuple[str, str]] = []
    if not patron.is_active:
        attention.append(("error", _("Uitgeschreven: kan niet lenen.")))
    if patron.blocked_reason:
        attention.append(("error", _("Geblokkeerd: %(reason)s") % {"reason": patron.blocked_reason}))
    overdue = [loan for loan in loans if loan.due_date < today]
    if overdue:
        attention.append(
            (
                "warning",
                ngettext("%(count)d boek te laat.", "%(count)d boeken te laat.", len(overdue))
                % {"count": len(overdue)},
            )
        )
    if len(loans) >= rule.max_loans:
        attention.append(("warning", _("Maximum bereikt: %(max)d boeken.") % {"max": rule.max_loans}))
    for reservation in reservations:
        if reservation.status == Reservation.Status.READY:
            attention.append(("info", _("Reservering ligt klaar: %(title)s") % {"title": reservation.title.title}))
    return {
        "attention": attention,
        "reservations": reservations,
        "reservation_limit": rule.max_reservations,
        "can_reserve": request.user.can_manage_school,
    }


def _render_patron(
    request: ClientRequest,
    patron: Patron,
    feedback: dict[str, str] | None,
    rule: rules.EffectiveRule | None = None,
) -> HttpResponse:
    return render(request, "client/desk/_patron_main.html", _patron_context(request, patron, feedback, rule))


def _patron(request: ClientRequest, pk: int) -> Patron:
    return get_object_or_404(Patron.objects.for_school(request.school).select_related("group", "school"), pk=pk)


@desk
@require_GET
def patron_screen(request: ClientRequest, pk: int) -> HttpResponse:
    patron = _patron(request, pk)
    return render(request, "client/desk/patron.html", _patron_context(request, patron, _pop_feedback(request)))


@desk
@require_POST
def patron_scan(request: ClientRequest, pk: int) -> HttpResponse:
    """The copy field on the patron's screen: lend the scanned copy at once."""
    # The scan's hot path: the patron's columns a check-out needs and the scanned copy, in one hand-written query.
    code = services.clean_code(request.POST.get("code", ""))
    patron, copy = services.find_patron_and_copy(request.school, pk, code)
    if patron is None:
        raise Http404
    url = reverse("client:desk_patron", args=[patron.pk])
    context: dict[str, Any] = {"patron": patron, "today": timezone.localdate()}

    def panel(fb: dict[str, str] | None) -> HttpResponse:
        # htmx: only the scan panel; a new loan rides along as a table row and the new count (out of band).
        return _fragment(request, "client/desk/_scan_panel.html", {**context, "feedback": fb})

    if not code:
        return _respond(request, url, None, panel)
    if copy is None:
        other = services.find_patron(request.school, code)
        if other is not None:  # the next pupil scanned their card
            if _is_htmx(request):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = reverse("client:desk_patron", args=[other.pk])
                return response
            return redirect("client:desk_patron", pk=other.pk)
        return _respond(request, url, _feedback("error", _("Onbekend boeknummer: %(code)s") % {"code": code}), panel)
    # The same barcode scanned again after a question ("scan nog een keer") is the confirmation.
    confirmed = request.POST.get("confirm", "") == copy.barcode
    try:
        loan = services.check_out(copy=copy, patron=patron, by=request.user, confirmed=confirmed, school=request.school)
    except services.ConfirmationRequired as question:
        lent_to_other = question.code == "lent_to_other"
        feedback = _feedback(
            "warning",
            str(question),
            title=copy.title.title,
            confirm=copy.barcode,
            button=_("Ja, inleveren en uitlenen") if lent_to_other else _("Ja, toch uitlenen"),
        )
    except DomainError as error:
        feedback = _feedback("error", str(error), title=copy.title.title)
    else:
        precheck: services.Precheck = getattr(loan, "precheck", services.Precheck())
        rule = precheck.rule
        if rule is None or rule.max_loans_per_material:
            rule = rules.resolve(patron=patron)
        loan.copy = copy
        context.update(new_loan=loan, loan_count=precheck.patron_loan_count + 1, rule=rule)
        if precheck.patron_loan_count + 1 >= rule.max_loans or precheck.own_reservation is not None:
            # What the screen points out changed ("maximum bereikt", a collected reservation): send it along.
            # Only then: the usual scan changes none of it and stays without these two queries.
            loans = list(services.open_loans(patron))
            context.update(refresh_attention=True, **_attention_context(request, patron, loans, rule))
        notes = [str(note) for note in precheck.notes]
        text = _("Inleveren op %(date)s.") % {"date": services.day_label(loan.due_date)}
        feedback = _feedback(
            "success", " ".join([text, *notes]), title=_("Uitgeleend: %(title)s") % {"title": copy.title.title}
        )
    return _respond(request, url, feedback, panel)


@desk
@require_POST
def renew(request: ClientRequest, pk: int, loan_pk: int) -> HttpResponse:
    patron = _patron(request, pk)
    loan = get_object_or_404(
        Loan.objects.for_school(request.school).select_related("copy__title"), pk=loan_pk, patron=patron
    )
    try:
        renewed = services.renew(loan=loan, by=request.user)
        feedback = _feedback(
            "success",
            _("Nieuwe inleverdatum: %(date)s.") % {"date": services.day_label(renewed.due_date)},
            title=_("Verlengd: %(title)s") % {"title": loan.copy.title.title},
        )
    except DomainError as error:
        feedback = _feedback("error", str(error), title=_("Niet verlengd"))
    url = reverse("client:desk_patron", args=[patron.pk])
    return _respond(request, url, feedback, lambda fb: _render_patron(request, patron, fb))


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
    feedback = _feedback(level, " ".join(parts), title=_("Alles verlengen"))
    url = reverse("client:desk_patron", args=[patron.pk])
    return _respond(request, url, feedback, lambda fb: _render_patron(request, patron, fb))


# --- Reservations (coordinator and library staff) ------------------------------------------------------------


@managers
def reserve(request: ClientRequest, pk: int) -> HttpResponse:
    """Find a title by barcode, ISBN or words of its title, and put the patron in its queue."""
    patron = _patron(request, pk)
    if request.method == "POST":
        # The form sends a title's id; anything else (words, NUL, a number beyond the database's range) is refused
        # here, before the database sees it.
        title_id = services.valid_id(request.POST.get("title", ""))
        if title_id is None:
            request.session[FEEDBACK_KEY] = _feedback("error", _("Kies een titel uit de lijst."))
            return redirect("client:desk_reserve", pk=patron.pk)
        title = get_object_or_404(Title.objects.filter(copies__school=request.school).distinct(), pk=title_id)
        try:
            reservation = services.place_reservation(title=title, patron=patron, by=request.user)
            text = _("Plaats in de wachtrij: %(position)d.") % {"position": services.queue_position(reservation)}
            on_shelf = Copy.objects.for_school(request.school).filter(title=title, status=Copy.Status.AVAILABLE)
            if on_shelf.exists():
                text += " " + _("Er staat een exemplaar op de plank: %(barcodes)s.") % {
                    "barcodes": ", ".join(on_shelf.values_list("barcode", flat=True)[:3])
                }
            request.session[FEEDBACK_KEY] = _feedback(
                "success", text, title=_("Gereserveerd: %(title)s") % {"title": title.title}
            )
            return redirect("client:desk_patron", pk=patron.pk)
        except DomainError as error:
            request.session[FEEDBACK_KEY] = _feedback("error", str(error), title=title.title)
            return redirect("client:desk_reserve", pk=patron.pk)
    query = services.clean_code(request.GET.get("q", ""))
    titles: list[Title] = []
    if query:
        copies = Copy.objects.for_school(request.school)
        by_barcode = copies.filter(barcode__iexact=query).values("title_id")
        title_ids = copies.filter(
            Q(title__title__icontains=query) | Q(title__isbn=query) | Q(title__authors__icontains=query)
        ).values("title_id")
        titles = list(Title.objects.filter(Q(pk__in=by_barcode) | Q(pk__in=title_ids)).order_by("title")[:30])
        for title in titles:
            title_copies = list(copies.filter(title=title))
            title.copy_count = len(title_copies)  # type: ignore[attr-defined]
            title.available = sum(1 for copy in title_copies if copy.status == Copy.Status.AVAILABLE)  # type: ignore[attr-defined]
            title.waiting = services.queue(title, request.school).count()  # type: ignore[attr-defined]
    return render(
        request,
        "client/desk/reserve.html",
        {
            "patron": patron,
            "q": query,
            "titles": titles,
            "searched": bool(query),
            "feedback": _pop_feedback(request),
            "reservation_count": services.open_reservations(patron).count(),
            "reservation_limit": rules.resolve(patron=patron).max_reservations,
        },
    )


@managers
@require_POST
def cancel_reservation(request: ClientRequest, pk: int, reservation_pk: int) -> HttpResponse:
    patron = _patron(request, pk)
    reservation = get_object_or_404(
        Reservation.objects.for_school(request.school).select_related("title"), pk=reservation_pk, patron=patron
    )
    try:
        services.cancel_reservation(reservation=reservation, by=request.user)
        feedback = _feedback(
            "success", "", title=_("Reservering geannuleerd: %(title)s") % {"title": reservation.title.title}
        )
    except DomainError as error:
        feedback = _feedback("error", str(error))
    request.session[FEEDBACK_KEY] = feedback
    return redirect("client:desk_patron", pk=patron.pk)


# --- Inleveren ---------------------------------------------------------------------------------------------------


@desk
def return_screen(request: ClientRequest) -> HttpResponse:
    # Holds that ran out are released here too, so a school without a daily cron job still gets them back.
    services.expire_holds(school=request.school)
    return render(request, "client/desk/return.html", _return_context(request, _pop_feedback(request)))


def _return_context(request: ClientRequest, feedback: dict[str, str] | None) -> dict[str, Any]:
    return {"feedback": feedback, "returns": _recent_returns(request)}


@desk
@require_POST
def return_scan(request: ClientRequest) -> HttpResponse:
    code = services.clean_code(request.POST.get("code", ""))
    url = reverse("client:desk_return")

    entry: dict[str, Any] | None = None

    def panel(fb: dict[str, str] | None) -> HttpResponse:
        return _fragment(request, "client/desk/_return_panel.html", {"feedback": fb, "entry": entry})

    if not code:
        return _respond(request, url, None, panel)
    copy = services.find_copy(request.school, code)
    if copy is None:
        patron = services.find_patron(request.school, code)
        if patron is not None:
            if _is_htmx(request):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = reverse("client:desk_patron", args=[patron.pk])
                return response
            return redirect("client:desk_patron", pk=patron.pk)
        return _respond(request, url, _feedback("error", _("Onbekend boeknummer: %(code)s") % {"code": code}), panel)
    result = services.check_in(copy=copy, by=request.user)
    entry = _return_entry(result)
    return _respond(request, url, _return_feedback(result), panel)


# --- The framework's floor for the benchmark -----------------------------------------------------------------


@desk
def ping(request: ClientRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
