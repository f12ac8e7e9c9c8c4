"""Patrons in the client: search, groups, the patron's page, adding and editing, deregistering.

Volunteers see names, groups and card numbers (what the desk needs) and nothing else: no birth dates, no student
numbers, no edits, no printouts.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mediatheek.circulation import queries as circulation_queries
from mediatheek.core.errors import DomainError
from mediatheek.core.params import int_or_none
from mediatheek.patrons import queries, services
from mediatheek.patrons.forms import PatronForm, current_groups
from mediatheek.patrons.models import Patron
from mediatheek.web.permissions import desk, managers
from mediatheek.web.requests import ClientRequest


@desk
def patron_list(request: ClientRequest) -> HttpResponse:
    filters = queries.PatronFilters.of(request.GET)
    can_manage = request.user.can_manage_school
    listing = queries.patron_list(request.school, filters, with_student_numbers=can_manage)
    if listing.exact is not None:  # a scanned card number that matches one patron opens the patron at once
        return redirect("client:patron_detail", listing.exact.pk)
    return render(
        request,
        "client/patrons/list.html",
        {
            "page": listing.page,
            "q": filters.query,
            "groups": listing.groups,
            "group": listing.group,
            "group_id": filters.group_id,
            "status": filters.status,
            "statuses": Patron.Status.choices,
            "kind": filters.kind,
            "kinds": Patron.Kind.choices,
            "can_manage": can_manage,
        },
    )


@desk
def group_list(request: ClientRequest) -> HttpResponse:
    """The school's groups this school year, with the number of active patrons in each."""
    active = Q(patrons__status=Patron.Status.ACTIVE)
    groups = current_groups(request.school).annotate(active_count=Count("patrons", filter=active))
    no_group = Patron.objects.for_school(request.school).filter(status=Patron.Status.ACTIVE, group__isnull=True)
    return render(
        request,
        "client/patrons/groups.html",
        {"groups": groups, "no_group_count": no_group.count(), "can_manage": request.user.can_manage_school},
    )


@desk
def patron_detail(request: ClientRequest, pk: int) -> HttpResponse:
    patron = get_object_or_404(Patron.objects.for_school(request.school).select_related("group"), pk=pk)
    can_manage = request.user.can_manage_school
    return render(
        request,
        "client/patrons/detail.html",
        {
            "patron": patron,
            "circulation": circulation_queries.patron_circulation(patron),
            "show_private": can_manage,
            "can_manage": can_manage,
            "has_login": can_manage and hasattr(patron, "account"),
        },
    )


@managers
def patron_add(request: ClientRequest) -> HttpResponse:
    school = request.school
    initial: dict[str, object] = {}
    group_pk = int_or_none(request.GET.get("groep", ""))
    if group_pk is not None:
        initial["group"] = current_groups(school).filter(pk=group_pk).first()
    if request.GET.get("soort") in Patron.Kind.values:
        initial["kind"] = request.GET["soort"]
    form = PatronForm(request.POST or None, school=school, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            patron = services.create_patron(
                school=school,
                details=services.PatronDetails.from_data(form.cleaned_data),
                card_number=form.cleaned_data["card_number"],
                by=request.user,
            )
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(
                request,
                _("%(name)s is ingeschreven met pasnummer %(number)s.")
                % {"name": patron.full_name, "number": patron.card_number},
            )
            return redirect("client:patron_detail", patron.pk)
    return render(request, "client/patrons/form.html", {"form": form, "patron": None})


@managers
def patron_edit(request: ClientRequest, pk: int) -> HttpResponse:
    patron = get_object_or_404(Patron.objects.for_school(request.school), pk=pk)
    form = PatronForm(request.POST or None, school=request.school, initial=_initial_of(patron), patron=patron)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_patron(
                patron=patron,
                details=services.PatronDetails.from_data(form.cleaned_data),
                card_number=form.cleaned_data["card_number"],
                new_card_number=form.cleaned_data.get("new_card_number", False),
                by=request.user,
            )
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("De gegevens van %(name)s zijn bewaard.") % {"name": patron.full_name})
            return redirect("client:patron_detail", patron.pk)
    return render(request, "client/patrons/form.html", {"form": form, "patron": patron})


def _initial_of(patron: Patron) -> dict[str, object]:
    initial: dict[str, object] = {name: getattr(patron, name) for name in services.PatronDetails.FIELDS}
    initial["card_number"] = patron.card_number
    return initial


@managers
def patron_deregister(request: ClientRequest, pk: int) -> HttpResponse:
    """GET asks first, saying what happens to the books the patron still has; POST deregisters."""
    patron = get_object_or_404(Patron.objects.for_school(request.school).select_related("group"), pk=pk)
    if request.method != "POST":
        context = {"patron": patron, "circulation": circulation_queries.patron_circulation(patron)}
        return render(request, "client/patrons/confirm_deregister.html", context)
    try:
        services.deregister(patron=patron, by=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("%(name)s is uitgeschreven.") % {"name": patron.full_name})
    return redirect("client:patron_detail", patron.pk)


@require_POST
@managers
def patron_reactivate(request: ClientRequest, pk: int) -> HttpResponse:
    patron = get_object_or_404(Patron.objects.for_school(request.school), pk=pk)
    try:
        services.reactivate(patron=patron, by=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("%(name)s is weer ingeschreven.") % {"name": patron.full_name})
    return redirect("client:patron_detail", patron.pk)
