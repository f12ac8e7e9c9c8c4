"""Patrons in the client: search, groups, the patron's page, adding and editing, deregistering.

Volunteers see names, groups and card numbers (what the desk needs) and nothing else: no birth dates, no student
numbers, no edits, no printouts.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mediatheek.circulation.models import Loan
from mediatheek.core.errors import DomainError
from mediatheek.core.params import int_or_none, search_words
from mediatheek.patrons import services
from mediatheek.patrons.forms import PatronForm, current_groups
from mediatheek.patrons.models import Patron
from mediatheek.web.permissions import desk, managers
from mediatheek.web.requests import ClientRequest

PAGE_SIZE = 100


def _search(request: ClientRequest, query: str) -> Q:
    """Every word must match a part of the name; a whole query may also be a card number or a group."""
    words = search_words(query)
    names = Q()
    for word in words:
        names &= Q(first_name__icontains=word) | Q(name_prefix__icontains=word) | Q(last_name__icontains=word)
    match = names | Q(card_number__iexact=query) | Q(group__name__iexact=query)
    if request.user.can_manage_school:
        # Student numbers are not shown to volunteers, so they cannot search on them either.
        match |= Q(student_number=query)
    return match


@desk
def patron_list(request: ClientRequest) -> HttpResponse:
    school = request.school
    patrons = Patron.objects.for_school(school).select_related("group")
    query = request.GET.get("q", "").strip()
    group_id = request.GET.get("groep", "")
    status = request.GET.get("status", Patron.Status.ACTIVE)
    kind = request.GET.get("soort", "")
    if status in Patron.Status.values:
        patrons = patrons.filter(status=status)
    if kind in Patron.Kind.values:
        patrons = patrons.filter(kind=kind)
    if query:
        patrons = patrons.filter(_search(request, query))
    groups = current_groups(school)
    group = None
    group_pk = int_or_none(group_id)
    if group_pk is not None:
        patrons = patrons.filter(group_id=group_pk)
        group = groups.filter(pk=group_pk).first()
    # A scanned card number that matches one patron opens the patron at once.
    if query and not group_id and request.GET.get("pagina") is None:
        exact = Patron.objects.for_school(school).filter(card_number__iexact=query).first()
        if exact is not None:
            return redirect("client:patron_detail", exact.pk)
    page = Paginator(patrons, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "client/patrons/list.html",
        {
            "page": page,
            "q": query,
            "groups": groups,
            "group": group,
            "group_id": group_id,
            "status": status,
            "statuses": Patron.Status.choices,
            "kind": kind,
            "kinds": Patron.Kind.choices,
            "can_manage": request.user.can_manage_school,
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
    school = request.school
    patron = get_object_or_404(Patron.objects.for_school(school).select_related("group"), pk=pk)
    loans = Loan.objects.for_school(school).filter(patron=patron).select_related("copy__title")
    open_loans = list(loans.filter(returned_at__isnull=True).order_by("due_date"))
    history = list(loans.filter(returned_at__isnull=False).order_by("-returned_at")[:50])
    today = timezone.localdate()
    can_manage = request.user.can_manage_school
    return render(
        request,
        "client/patrons/detail.html",
        {
            "patron": patron,
            "open_loans": open_loans,
            "overdue_ids": {loan.pk for loan in open_loans if loan.due_date < today},
            "history": history,
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


@require_POST
@managers
def patron_deregister(request: ClientRequest, pk: int) -> HttpResponse:
    patron = get_object_or_404(Patron.objects.for_school(request.school), pk=pk)
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
