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

    def __init__(self, *args: Any, refusal: str = "", **kwargs: Any) -> None:
        # Why the upload handler refused the request (a second file, another field, too large): that reason, not
        # the empty stand-in file's "empty" error, is what the person must read.
        super().__init__(*args, **kwargs)
        self.refusal = refusal

    def full_clean(self) -> None:
        super().full_clean()
        if self.refusal and self.is_bound:
            self.errors["file"] = self.error_class([self.refusal])
            self.cleaned_data.pop("file", None)

    def clean_file(self) -> Any:
        uploaded = self.cleaned_data["file"]
        if uploaded.size > settings.STUDENT_FILE_MAX_BYTES:
            message = _("Het bestand is te groot (%(size)s; hoogstens %(max)s).") % {
                "size": filesizeformat(uploaded.size),
                "max": filesizeformat(settings.STUDENT_FILE_MAX_BYTES),
            }
            raise forms.ValidationError(f"{message} {self.too_large_hint}".strip())
        return uploaded
