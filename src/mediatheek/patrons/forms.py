"""Forms for patrons in the client. The school is never a field: the view passes it in.

A plain Form built from the model's fields (not a ModelForm): the service decides and saves, the form only checks
what was typed.
"""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediatheek.core.schoolyear import school_year_of
from mediatheek.patrons.models import Group, Patron
from mediatheek.schools.models import School

ORDER = [
    "kind",
    "first_name",
    "name_prefix",
    "last_name",
    "group",
    "year_level",
    "card_number",
    "new_card_number",
    "birth_date",
    "email",
    "student_number",
    "blocked_reason",
    "note",
]

MODEL_FIELDS = forms.fields_for_model(
    Patron,
    fields=[name for name in ORDER if name not in ("card_number", "new_card_number")],
    widgets={
        "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        "note": forms.Textarea(attrs={"rows": 3}),
    },
)
# Jaargroep 1-8 in primary, leerjaar 1-6 in secondary; room for a school that counts differently.
MAX_YEAR_LEVEL = 99
HELP_TEXTS = {
    "student_number": _("Het leerlingnummer uit de leerlingadministratie; daarop koppelt de leerlingimport."),
    "blocked_reason": _("Leeg = niet geblokkeerd. Wat hier staat, ziet de balie bij het uitlenen."),
}


def current_groups(school: School) -> QuerySet[Group]:
    return Group.objects.for_school(school).filter(school_year=school_year_of(timezone.localdate()))


class PatronForm(forms.Form):
    def __init__(self, *args: Any, school: School, patron: Patron | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in MODEL_FIELDS.items():
            if field is not None:
                self.fields[name] = copy.deepcopy(field)
                if name in HELP_TEXTS:
                    self.fields[name].help_text = HELP_TEXTS[name]
        # The model field's own range is not copied into a plain form; without it a huge number reaches the database.
        year_level = self.fields["year_level"]
        assert isinstance(year_level, forms.IntegerField)
        year_level.max_value = MAX_YEAR_LEVEL
        year_level.validators.append(MaxValueValidator(MAX_YEAR_LEVEL))
        year_level.widget.attrs["max"] = MAX_YEAR_LEVEL
        groups = current_groups(school)
        if patron is not None and patron.group_id:
            # A group from an earlier school year stays selectable for a patron who still has it.
            groups = groups | Group.objects.for_school(school).filter(pk=patron.group_id)
        group_field = self.fields["group"]
        assert isinstance(group_field, forms.ModelChoiceField)
        group_field.queryset = groups
        group_field.empty_label = str(_("geen groep"))
        if patron is None:
            self.fields["card_number"] = forms.CharField(
                label=_("Pasnummer"),
                max_length=20,
                required=False,
                help_text=_("Leeg laten: er wordt een nieuw pasnummer gemaakt. Of typ of scan het nummer van een pas."),
            )
        else:
            self.fields["card_number"] = forms.CharField(label=_("Pasnummer"), max_length=20)
            self.fields["new_card_number"] = forms.BooleanField(
                label=_("Nieuw pasnummer maken (pas kwijt)"), required=False
            )
        self.fields["card_number"].widget.attrs.update({"autocomplete": "off", "inputmode": "text"})
        self.fields["last_name"].widget.attrs["autocomplete"] = "off"
        self.fields["first_name"].widget.attrs["autocomplete"] = "off"
        self.order_fields(ORDER)
