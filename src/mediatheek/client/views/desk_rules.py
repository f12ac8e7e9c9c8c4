"""Loan rules and closed days of the school, edited by the coordinator (school admin) and library staff."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from mediatheek.circulation import queries, rules, services
from mediatheek.circulation.models import LoanRule
from mediatheek.client.forms import ClosedDayForm, LoanRuleForm
from mediatheek.core.errors import DomainError
from mediatheek.schools.models import ClosedDay
from mediatheek.web.permissions import managers
from mediatheek.web.requests import ClientRequest


@managers
def rule_list(request: ClientRequest) -> HttpResponse:
    school = request.school
    context = {
        "rules": queries.rule_rows(school),
        "closed_days": ClosedDay.objects.filter(school=school).order_by("start"),
        "defaults": rules.DEFAULTS,
        "hard_end": rules.Calendar.for_school(school).hard_end(timezone.localdate()),
    }
    return render(request, "client/desk/rules.html", context)


@managers
def rule_edit(request: ClientRequest, pk: int | None = None) -> HttpResponse:
    school = request.school
    rule = get_object_or_404(LoanRule.objects.for_school(school), pk=pk) if pk else LoanRule(school=school)
    form = LoanRuleForm(request.POST or None, instance=rule, school=school)
    if request.method == "POST" and form.is_valid():
        rule = form.save(commit=False)
        rule.school = school
        services.save_loan_rule(rule=rule, by=request.user)
        messages.success(request, _("Uitleenregel opgeslagen."))
        return redirect("client:desk_rules")
    return render(request, "client/desk/rule_form.html", {"form": form, "rule": rule})


@managers
@require_POST
def rule_delete(request: ClientRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(LoanRule.objects.for_school(request.school), pk=pk)
    services.delete_loan_rule(rule=rule, by=request.user)
    messages.success(request, _("Uitleenregel verwijderd."))
    return redirect("client:desk_rules")


@managers
def closed_day_edit(request: ClientRequest, pk: int | None = None) -> HttpResponse:
    school = request.school
    closed_day = get_object_or_404(ClosedDay.objects.filter(school=school), pk=pk) if pk else ClosedDay(school=school)
    form = ClosedDayForm(request.POST or None, instance=closed_day)
    if request.method == "POST" and form.is_valid():
        closed_day = form.save(commit=False)
        closed_day.school = school
        try:
            services.save_closed_day(closed_day=closed_day, by=request.user)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Sluitingsdagen opgeslagen."))
            # Loans lent before these days were known may be due on one of them: the next page offers to move them.
            return redirect("client:desk_closed_day_due_dates", pk=closed_day.pk)
    return render(request, "client/desk/closed_day_form.html", {"form": form, "closed_day": closed_day})


@managers
@require_http_methods(["GET", "HEAD", "POST"])
def closed_day_due_dates(request: ClientRequest, pk: int) -> HttpResponse:
    """Open loans due on a closed day: offered (with their number) to move to the next open day. A GET changes
    nothing; without such loans it goes straight back to the rules page."""
    closed_day = get_object_or_404(ClosedDay.objects.filter(school=request.school), pk=pk)
    if request.method == "POST":
        moved = services.move_due_dates_off_closed_day(closed_day=closed_day, by=request.user)
        messages.success(
            request,
            ngettext("%(count)d inleverdatum verplaatst.", "%(count)d inleverdata verplaatst.", moved)
            % {"count": moved},
        )
        return redirect("client:desk_rules")
    count = services.loans_due_on_closed_day(closed_day).count()
    if not count:
        return redirect("client:desk_rules")
    return render(request, "client/desk/closed_day_due_dates.html", {"closed_day": closed_day, "count": count})


@managers
@require_POST
def closed_day_delete(request: ClientRequest, pk: int) -> HttpResponse:
    closed_day = get_object_or_404(ClosedDay.objects.filter(school=request.school), pk=pk)
    services.delete_closed_day(closed_day=closed_day, by=request.user)
    messages.success(request, _("Sluitingsdagen verwijderd."))
    return redirect("client:desk_rules")
