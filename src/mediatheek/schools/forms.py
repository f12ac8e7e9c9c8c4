"""Forms about a school as a whole: its details, and the confirmation of deleting all its data."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mediatheek.schools.models import School, normalise_school_code


class SchoolForm(forms.ModelForm[School]):
    class Meta:
        model = School
        fields = ["code", "name", "slug", "kind", "contact_email", "language", "active"]

    def clean_code(self) -> str:
        return normalise_school_code(self.cleaned_data["code"])


class DeleteSchoolForm(forms.Form):
    """Deleting a school's data is confirmed by typing its code."""

    confirm_code = forms.CharField(
        label=_("Typ de schoolcode om te bevestigen"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "confirm-code"}),
    )
