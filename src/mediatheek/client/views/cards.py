"""Printouts for patrons: library cards and portal login letters (PDF). Coordinators and library staff only."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mediatheek.core.errors import DomainError
from mediatheek.core.params import int_or_none
from mediatheek.patrons import pdf, queries, services
from mediatheek.patrons.models import Group, Patron
from mediatheek.studentimport.models import ImportRun
from mediatheek.web.permissions import managers
from mediatheek.web.requests import ClientRequest


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # Personal data (and, in letters, passwords): never kept in a cache.
    patch_cache_control(response, private=True, no_store=True)
    return response


def _selection(request: ClientRequest) -> tuple[QuerySet[Patron], Group | None]:
    """The patrons of `?group=<id>` (its active patrons), `?import_run=<id>` (the students it enrolled) or
    `?patron=<id>&patron=<id>...`, of this school only."""
    params = request.POST if request.method == "POST" else request.GET
    patrons = Patron.objects.for_school(request.school).select_related("group")
    if params.get("import_run"):
        # The students an import enrolled: one short link, however many there are.
        run = get_object_or_404(ImportRun.objects.for_school(request.school), pk=_id_or_404(params["import_run"]))
        return patrons.filter(pk__in=run.new_patron_ids()), None
    if params.get("group"):
        group = get_object_or_404(Group.objects.for_school(request.school), pk=_id_or_404(params["group"]))
        return patrons.filter(group=group, status=Patron.Status.ACTIVE), group
    ids = [number for number in map(int_or_none, params.getlist("patron")) if number is not None]
    if not ids:
        raise Http404
    selected = patrons.filter(pk__in=ids)
    if selected.count() != len(set(ids)):
        # An id of another school (or one that does not exist): refuse rather than print part of the selection.
        raise Http404
    return selected, None


def _id_or_404(value: str) -> int:
    number = int_or_none(value)
    if number is None:
        raise Http404
    return number


@managers
def cards_pdf(request: ClientRequest) -> HttpResponse:
    """Library cards, bank-card size, 10 per A4: `?group=<id>` or `?patron=<id>&patron=<id>...`."""
    patrons, group = _selection(request)
    chosen = list(patrons)
    content = pdf.cards_pdf(request.school, chosen)
    services.record_print(
        school=request.school,
        what="bibliotheekpassen" + (f" {group.name}" if group else ""),
        count=len(chosen),
        by=request.user,
        request=request,
        patrons=[patron.pk for patron in chosen],
    )
    name = slugify(group.name) if group else "selectie"
    return pdf_response(content, f"passen-{name}.pdf")


@managers
def login_letters(request: ClientRequest) -> HttpResponse:
    """Portal login letters: GET asks for confirmation (every password is reset), POST gives the PDF.

    A pupil whose card number is already another account's login gets no letter; the others do, and the coordinator
    is told whom it concerns (on the confirmation page beforehand, and as a message after printing).
    """
    patrons, group = _selection(request)
    students = patrons.filter(status=Patron.Status.ACTIVE)
    portal_url = request.school.portal_url
    error = ""
    if request.method == "POST":
        try:
            issued = services.issue_portal_logins(school=request.school, patrons=list(students), by=request.user)
        except DomainError as problem:
            error = str(problem.message)
        else:
            if issued:
                if issued.conflicts:  # shown on the next page of the client (the PDF itself cannot carry it)
                    messages.warning(request, issued.conflict_message())
                return _letters_pdf(request, issued, group, portal_url)
            error = issued.conflict_message()
    preview = queries.letters_preview(students)
    context = {"group": group, "preview": preview, "portal_url": portal_url, "error": error, "title": _("Inlogbrieven")}
    return render(request, "client/patrons/letters.html", context, status=400 if error else 200)


def _letters_pdf(
    request: ClientRequest, issued: services.PortalLogins, group: Group | None, portal_url: str
) -> HttpResponse:
    content = pdf.login_letters_pdf(request.school, issued, portal_url)
    services.record_print(
        school=request.school,
        what="inlogbrieven" + (f" {group.name}" if group else ""),
        count=len(issued),
        by=request.user,
        request=request,
        patrons=[login.patron.pk for login in issued],
        created=sum(1 for login in issued if login.created),
        skipped=[patron.pk for patron in issued.conflicts],
    )
    name = slugify(group.name) if group else "selectie"
    return pdf_response(content, f"inlogbrieven-{name}.pdf")
