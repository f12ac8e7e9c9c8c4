"""Mijn Bibliotheek for pupils and teachers: loans, renewing, reservations, reading log, wish list, the class.

Everything is the logged-in patron's own (or, for a teacher, their own group's) at the school of the URL.
Lending rules live in circulation.services; this module only asks and shows the answer.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mediatheek.accounts.models import Role
from mediatheek.catalog.models import Title
from mediatheek.circulation import rules as circulation_rules
from mediatheek.circulation import services as circulation_services
from mediatheek.circulation.models import Loan, Reservation
from mediatheek.core.errors import DomainError
from mediatheek.patrons import pdf as patron_pdf
from mediatheek.patrons import services as patron_services
from mediatheek.patrons.models import Patron
from mediatheek.portal.access import portal_login_required, portal_view
from mediatheek.reading import queries, services
from mediatheek.web.requests import PortalLoginRequest

patron_only = portal_login_required([Role.PATRON])


def _patron(request: PortalLoginRequest) -> Patron:
    patron = request.user.patron
    if patron is None or patron.school_id != request.school.pk:
        raise PermissionDenied
    return patron


def _back(request: PortalLoginRequest, fallback: str) -> HttpResponseRedirect:
    """Back to the page the button was on (only within this portal), else to `fallback`."""
    target = request.POST.get("next", "")
    if (
        target
        and url_has_allowed_host_and_scheme(target, {request.get_host()})
        and target.startswith(f"/{request.school.slug}/")
    ):
        return redirect(target)
    return redirect(fallback, slug=request.school.slug)


@portal_view
@patron_only
def loans(request: PortalLoginRequest) -> HttpResponse:
    patron = _patron(request)
    return render(request, "portal/mine_loans.html", {"loans": queries.patron_loans(patron), "patron": patron})


@require_POST
@portal_view
@patron_only
def renew(request: PortalLoginRequest, pk: int) -> HttpResponse:
    patron = _patron(request)
    loan = get_object_or_404(
        Loan.objects.for_school(request.school).filter(patron=patron, returned_at__isnull=True), pk=pk
    )
    try:
        loan = circulation_services.renew(loan=loan, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Verlengd! Lever %(title)s in vóór %(date)s.")
            % {"title": loan.copy.title.title, "date": _date(loan.due_date)},
        )
    return redirect("portal:mine_loans", slug=request.school.slug)


def _date(day: dt.date) -> str:
    from django.utils.formats import date_format

    return date_format(day, "j F")


@portal_view
@patron_only
def reservations(request: PortalLoginRequest) -> HttpResponse:
    patron = _patron(request)
    context = {
        "reservations": queries.patron_reservations(patron),
        "max_reservations": circulation_rules.resolve(patron=patron).max_reservations,
    }
    return render(request, "portal/mine_reservations.html", context)


@require_POST
@portal_view
@patron_only
def reserve(request: PortalLoginRequest, pk: int) -> HttpResponse:
    patron = _patron(request)
    title = get_object_or_404(Title, pk=pk)
    try:
        circulation_services.place_reservation(title=title, patron=patron, by=request.user)
    except circulation_services.ReservationLimitReached as limit:
        messages.error(request, limit.for_patron())
        return redirect("portal:title", slug=request.school.slug, pk=title.pk)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("portal:title", slug=request.school.slug, pk=title.pk)
    messages.success(request, _("Gereserveerd! Je hoort het als het boek voor je klaarligt."))
    return redirect("portal:mine_reservations", slug=request.school.slug)


@require_POST
@portal_view
@patron_only
def cancel_reservation(request: PortalLoginRequest, pk: int) -> HttpResponse:
    patron = _patron(request)
    reservation = get_object_or_404(Reservation.objects.for_school(request.school).filter(patron=patron), pk=pk)
    try:
        circulation_services.cancel_reservation(reservation=reservation, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Je reservering is geannuleerd."))
    return redirect("portal:mine_reservations", slug=request.school.slug)


@portal_view
@patron_only
def log(request: PortalLoginRequest) -> HttpResponse:
    patron = _patron(request)
    rows = queries.reading_log(patron)
    return render(request, "portal/mine_log.html", {"rows": rows, "star_choices": [1, 2, 3, 4, 5]})


@require_POST
@portal_view
@patron_only
def rate(request: PortalLoginRequest, pk: int) -> HttpResponse:
    patron = _patron(request)
    title = get_object_or_404(Title, pk=pk)
    raw = request.POST.get("stars", "")
    try:
        stars = int(raw) if raw else None
        services.rate_title(
            patron=patron, title=title, stars=stars, keywords=request.POST.get("keywords", ""), by=request.user
        )
    except ValueError:
        messages.error(request, _("Geef 1 tot 5 sterren."))
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Opgeslagen in je leeslog."))
    return _back(request, "portal:mine_log")


@portal_view
@patron_only
def wish_list(request: PortalLoginRequest) -> HttpResponse:
    patron = _patron(request)
    return render(request, "portal/mine_wishlist.html", {"cards": queries.wish_list(patron)})


@require_POST
@portal_view
@patron_only
def wish_add(request: PortalLoginRequest, pk: int) -> HttpResponse:
    patron = _patron(request)
    title = get_object_or_404(Title, pk=pk)
    try:
        services.add_to_wish_list(patron=patron, title=title, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Op je verlanglijst gezet."))
    return _back(request, "portal:mine_wishlist")


@require_POST
@portal_view
@patron_only
def wish_remove(request: PortalLoginRequest, pk: int) -> HttpResponse:
    patron = _patron(request)
    title = get_object_or_404(Title, pk=pk)
    services.remove_from_wish_list(patron=patron, title=title, by=request.user)
    messages.success(request, _("Van je verlanglijst gehaald."))
    return _back(request, "portal:mine_wishlist")


@portal_view
@patron_only
def class_view(request: PortalLoginRequest) -> HttpResponse:
    """Docentmenu: the teacher's own group only — who has which book, what is overdue, what the class reads."""
    patron = _patron(request)
    if patron.kind != Patron.Kind.TEACHER:
        raise PermissionDenied
    overview = queries.class_overview(patron)
    return render(request, "portal/mine_class.html", {"overview": overview, "today": timezone.localdate()})


@portal_view
@patron_only
def class_pupil_password(request: PortalLoginRequest, pk: int) -> HttpResponse:
    """Docentmenu, "Nieuw wachtwoord": GET asks (saying what happens), POST gives the pupil of the teacher's own
    group a new password, shown once on the screen or printed as a login letter (PDF); nothing keeps it."""
    teacher = _patron(request)
    if teacher.kind != Patron.Kind.TEACHER or teacher.group_id is None:
        raise PermissionDenied
    pupil = get_object_or_404(
        Patron.objects.for_school(request.school).filter(
            group_id=teacher.group_id, kind=Patron.Kind.STUDENT, status=Patron.Status.ACTIVE
        ),
        pk=pk,
    )
    if request.method != "POST":
        return render(request, "portal/mine_class_password.html", {"pupil": pupil})
    try:
        login = patron_services.reset_pupil_login(teacher=teacher, pupil=pupil, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("portal:mine_class", slug=request.school.slug)
    if request.POST.get("letter"):
        portal_url = f"{settings.BASE_URL}/{request.school.slug}/"
        content = patron_pdf.login_letters_pdf(request.school, [login], portal_url)
        patron_services.record_print(
            school=request.school, what="inlogbrief", count=1, by=request.user, request=request, patrons=[pupil.pk]
        )
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="inlogbrief-{pupil.card_number}.pdf"'
    else:
        response = render(request, "portal/mine_class_password_done.html", {"login": login})
    # A password: never kept in a cache.
    patch_cache_control(response, private=True, no_store=True)
    return response
