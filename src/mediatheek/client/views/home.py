from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from mediatheek.catalog.models import Copy
from mediatheek.circulation.models import Loan
from mediatheek.patrons.models import Patron
from mediatheek.web.permissions import desk
from mediatheek.web.requests import ClientRequest


@desk
def home(request: ClientRequest) -> HttpResponse:
    school = request.school
    open_loans = Loan.objects.for_school(school).open()
    context = {
        "patron_count": Patron.objects.for_school(school).filter(status=Patron.Status.ACTIVE).count(),
        "copy_count": Copy.objects.for_school(school).count(),
        "open_loan_count": open_loans.count(),
        "overdue_count": open_loans.filter(due_date__lt=timezone.localdate()).count(),
    }
    return render(request, "client/home.html", context)
