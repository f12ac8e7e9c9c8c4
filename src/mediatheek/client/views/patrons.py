from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from mediatheek.circulation.models import Loan
from mediatheek.core.http import ClientRequest
from mediatheek.core.permissions import desk
from mediatheek.core.schoolyear import school_year_of
from mediatheek.patrons.models import Group, Patron


@desk
def patron_list(request: ClientRequest) -> HttpResponse:
    school = request.school
    patrons = Patron.objects.for_school(school).select_related("group")
    query = request.GET.get("q", "").strip()
    group_id = request.GET.get("groep", "")
    status = request.GET.get("status", Patron.Status.ACTIVE)
    if status in Patron.Status.values:
        patrons = patrons.filter(status=status)
    if query:
        patrons = patrons.filter(
            Q(last_name__icontains=query)
            | Q(first_name__icontains=query)
            | Q(card_number=query)
            | Q(student_number=query)
            | Q(group__name__iexact=query)
        )
    if group_id.isdigit():
        patrons = patrons.filter(group_id=int(group_id))
    from django.utils import timezone

    groups = Group.objects.for_school(school).filter(school_year=school_year_of(timezone.localdate()))
    page = Paginator(patrons, 100).get_page(request.GET.get("pagina"))
    return render(
        request,
        "client/patrons/list.html",
        {
            "page": page,
            "q": query,
            "groups": groups,
            "group_id": group_id,
            "status": status,
            "statuses": Patron.Status.choices,
        },
    )


@desk
def patron_detail(request: ClientRequest, pk: int) -> HttpResponse:
    school = request.school
    patron = get_object_or_404(Patron.objects.for_school(school).select_related("group"), pk=pk)
    loans = Loan.objects.filter(patron=patron).select_related("copy__title").order_by("-checked_out_at")
    return render(
        request,
        "client/patrons/detail.html",
        {
            "patron": patron,
            "open_loans": [loan for loan in loans if loan.returned_at is None],
            "history": [loan for loan in loans if loan.returned_at is not None][:50],
            "show_private": request.user.can_manage_school,
        },
    )
