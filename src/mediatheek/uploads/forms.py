from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mediatheek.uploads import services


class StudentFileForm(forms.Form):
    """One student file, up to the size limit; the portal's upload and the client's own import both use it."""

    file = forms.FileField(
        label=gettext_lazy("Leerlingbestand"),
        help_text=gettext_lazy("Excel (.xlsx, .xls), OpenDocument (.ods), CSV (.csv) of EDEXML (.xml)."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(services.ACCEPTED_EXTENSIONS)}),
    )
    # What to add to the "too large" message, for the person who made the file.
    too_large_hint = ""

    def clean_file(self) -> Any:
        uploaded = self.cleaned_data["file"]
        if uploaded.size > settings.STUDENT_FILE_MAX_BYTES:
            message = _("Het bestand is te groot (%(size)s; hoogstens %(max)s).") % {
                "size": filesizeformat(uploaded.size),
                "max": filesizeformat(settings.STUDENT_FILE_MAX_BYTES),
            }
            raise forms.ValidationError(f"{message} {self.too_large_hint}".strip())
        return uploaded
