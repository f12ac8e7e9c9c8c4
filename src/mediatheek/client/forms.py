from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediatheek.catalog.models import AgeCode
from mediatheek.circulation.models import LoanRule
from mediatheek.core.schoolyear import school_year_of
from mediatheek.patrons.models import Group, Patron
from mediatheek.schools.models import ClosedDay


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
            choices=[("", _("alle leners")), *Patron.Kind.choices],
        )
        self.fields["age_code"] = forms.ChoiceField(
            label=self.fields["age_code"].label,
            required=False,
            choices=[("", _("alle boeken")), *AgeCode.choices],
        )
        group = self.fields["group"]
        assert isinstance(group, forms.ModelChoiceField)
        group.queryset = Group.objects.for_school(school).filter(school_year=school_year_of(timezone.localdate()))
        group.empty_label = _("alle groepen")
        self.fields["overdue_action"].help_text = _("Leeg = overnemen van een algemenere regel.")
        for name in ("loan_days", "max_loans", "max_renewals", "hold_days", "max_reservations"):
            self.fields[name].help_text = _("Leeg = overnemen van een algemenere regel.")
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
