"""Forms about a school as a whole: its details, and the confirmation of deleting all its data."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mediatheek.schools.models import Library, School, normalise_school_code


class SchoolForm(forms.ModelForm[School]):
    class Meta:
        model = School
        fields = [
            "code",
            "name",
            "slug",
            "kind",
            "contact_email",
            "language",
            "active",
            "pupils_must_change_password",
            "loan_history_retention_days",
            "deregistered_retention_months",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # An empty retention field means the library's period: show it, so nobody has to guess what empty means.
        library = Library.get_default() if self.instance.pk is None else self.instance.library
        self.fields["loan_history_retention_days"].widget.attrs["placeholder"] = library.loan_history_retention_days
        self.fields["deregistered_retention_months"].widget.attrs["placeholder"] = library.deregistered_retention_months

    def clean_code(self) -> str:
        return normalise_school_code(self.cleaned_data["code"])


class DeleteSchoolForm(forms.Form):
    """Deleting a school's data is confirmed by typing its code (and, without a recent export, by saying so)."""

    confirm_code = forms.CharField(
        label=_("Typ de schoolcode om te bevestigen"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "confirm-code"}),
    )
    without_recent_export = forms.BooleanField(
        label=_("Ik verwijder zonder recente export: de gegevens zijn daarna niet meer terug te halen"),
        required=False,
        label_suffix="",
    )

    def __init__(self, *args: Any, export_is_recent: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if export_is_recent:  # the extra confirmation is only asked without a recent export
            del self.fields["without_recent_export"]
