from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mediatheek.accounts.models import Role
from mediatheek.schools.models import School, normalise_school_code


class SchoolForm(forms.ModelForm[School]):
    class Meta:
        model = School
        fields = ["code", "name", "slug", "kind", "contact_email", "language", "active"]

    def clean_code(self) -> str:
        return normalise_school_code(self.cleaned_data["code"])


class AccountForm(forms.Form):
    role = forms.ChoiceField(label=_("Rol"), choices=Role.choices)
    login = forms.CharField(
        label=_("Gebruikersnaam of pasnummer"),
        max_length=150,
        help_text=_("Voor een uploadaccount is dit het pasnummer waarmee de school op het portaal inlogt."),
    )
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.all(), required=False)
    first_name = forms.CharField(label=_("Voornaam"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Achternaam"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)

    def __init__(self, *args: Any, allowed_roles: Sequence[str], fixed_school: School | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["role"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(value, label) for value, label in Role.choices if value in allowed_roles]
        self.fixed_school = fixed_school
        if fixed_school is not None:
            del self.fields["school"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.fixed_school is not None:
            data["school"] = self.fixed_school
        if data.get("role") and data["role"] != Role.STAFF and not data.get("school"):
            self.add_error("school", _("Kies de school van dit account."))
        return data
