"""Loan rules and closed days of the school, edited by the coordinator (school admin) and library staff."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from mediatheek.catalog.models import AgeCode
from mediatheek.circulation import rules, services
from mediatheek.circulation.models import LoanRule
from mediatheek.core.errors import DomainError
from mediatheek.core.schoolyear import school_year_of
from mediatheek.patrons.models import Group, Patron
from mediatheek.schools.models import ClosedDay
from mediatheek.web.permissions import managers
from mediatheek.web.requests import ClientRequest


class LoanRuleForm(forms.ModelForm[LoanRule]):
    class Meta:
        model = LoanRule
        fields = [
            "patron_kind",
            "year_level_from",
            "year_level_to",
            "group",
            "age_code",
            "loan_days",
            "max_loans",
            "max_renewals",
            "hold_days",
            "max_reservations",
            "overdue_action",
            "fine_per_day",
        ]

    def __init__(self, *args: Any, school: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["patron_kind"] = forms.ChoiceField(
            label=self.fields["patron_kind"].label,
            required=False,
            choices=[("", gettext_lazy("alle leners")), *Patron.Kind.choices],
        )
        self.fields["age_code"] = forms.ChoiceField(
            label=self.fields["age_code"].label,
            required=False,
            choices=[("", gettext_lazy("alle boeken")), *AgeCode.choices],
        )
        group = self.fields["group"]
        assert isinstance(group, forms.ModelChoiceField)
        group.queryset = Group.objects.for_school(school).filter(school_year=school_year_of(timezone.localdate()))
        group.empty_label = gettext_lazy("alle groepen")
        self.fields["overdue_action"].help_text = gettext_lazy("Leeg = overnemen van een algemenere regel.")
        for name in ("loan_days", "max_loans", "max_renewals", "hold_days", "max_reservations"):
            self.fields[name].help_text = gettext_lazy("Leeg = overnemen van een algemenere regel.")
        # The model allows any decimal; a negative fine would pay pupils for being late.
        fine = self.fields["fine_per_day"]
        fine.validators.append(MinValueValidator(Decimal(0)))
        fine.widget.attrs["min"] = "0"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("year_level_from"), data.get("year_level_to")
        if low is not None and high is not None and low > high:
            raise ValidationError(_("'Vanaf jaargroep' is groter dan 'tot en met jaargroep'."))
        if data.get("age_code") and data.get("max_reservations") is not None:
            # The limit counts all of a patron's reservations; a rule for one age code never applies to it.
            self.add_error(
                "max_reservations",
                _(
                    "Het maximum aantal reserveringen geldt per lener, niet per leeftijdscode. "
                    "Vul het in bij een regel zonder leeftijdscode."
                ),
            )
        return data


class ClosedDayForm(forms.ModelForm[ClosedDay]):
    class Meta:
        model = ClosedDay
        fields = ["name", "start", "end", "is_summer_holiday"]
        widgets = {"start": forms.DateInput(attrs={"type": "date"}), "end": forms.DateInput(attrs={"type": "date"})}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ValidationError(_("De einddatum ligt voor de begindatum."))
        return data


def _rule_summary(rule: LoanRule) -> str:
    parts = []
    if rule.patron_kind:
        parts.append(str(Patron.Kind(rule.patron_kind).label))
    if rule.year_level_from is not None or rule.year_level_to is not None:
        parts.append(
            _("jaargroep %(low)s–%(high)s") % {"low": rule.year_level_from or "…", "high": rule.year_level_to or "…"}
        )
    if rule.group_id and rule.group:
        parts.append(rule.group.name)
    if rule.age_code:
        parts.append(_("leeftijdscode %(code)s") % {"code": rule.age_code})
    return ", ".join(parts) or _("Hele school (basisregel)")


@managers
def rule_list(request: ClientRequest) -> HttpResponse:
    school = request.school
    school_rules = sorted(LoanRule.objects.for_school(school).select_related("group"), key=rules.specificity)
    for rule in school_rules:
        rule.summary = _rule_summary(rule)  # type: ignore[attr-defined]
    today = timezone.localdate()
    calendar = rules.Calendar.for_school(school)
    return render(
        request,
        "client/desk/rules.html",
        {
            "rules": school_rules,
            "closed_days": ClosedDay.objects.filter(school=school).order_by("start"),
            "defaults": rules.DEFAULTS,
            "hard_end": calendar.hard_end(today),
        },
    )


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
            return redirect("client:desk_rules")
    return render(request, "client/desk/closed_day_form.html", {"form": form, "closed_day": closed_day})


@managers
@require_POST
def closed_day_delete(request: ClientRequest, pk: int) -> HttpResponse:
    closed_day = get_object_or_404(ClosedDay.objects.filter(school=request.school), pk=pk)
    services.delete_closed_day(closed_day=closed_day, by=request.user)
    messages.success(request, _("Sluitingsdagen verwijderd."))
    return redirect("client:desk_rules")
