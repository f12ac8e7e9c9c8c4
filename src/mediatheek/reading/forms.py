"""The client's form for leestips and weetjes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mediatheek.catalog.models import Title

MAX_PICTURE_BYTES = 2 * 1024 * 1024
PICTURE_TYPES = {"JPEG", "PNG", "GIF", "WEBP"}


class _Preview:
    """The current picture as the file widget shows it: its file name, linked to a view of the app."""

    def __init__(self, name: str, url: str) -> None:
        self.name, self.url = name, url

    def __str__(self) -> str:
        return self.name.rsplit("/", 1)[-1]


class PictureInput(forms.ClearableFileInput):
    """The media folder is not served: the current picture links to `preview_url` (a view that checks access)."""

    preview_url = ""

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"]:
            context["widget"]["value"] = _Preview(str(value), self.preview_url)
        return context


class ContentForm(forms.ModelForm):
    """Heading, Markdown text, a picture, the books it points to, year levels and the publication window."""

    title_refs = forms.CharField(
        label=_("Boeken"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("ISBN of titelnummer, één per regel. Ze komen als link onder het stukje."),
    )
    library_wide = forms.BooleanField(
        label=_("Voor alle scholen van de bibliotheek"), required=False, help_text=_("Alleen voor de bibliotheek.")
    )

    class Meta:
        fields = [
            "heading",
            "body",
            "picture",
            "picture_alt",
            "year_level_from",
            "year_level_to",
            "publish_from",
            "publish_until",
        ]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 8}),
            "publish_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "publish_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "picture": PictureInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
        }

    def __init__(self, *args: Any, may_be_library_wide: bool = False, picture_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["picture"].widget.preview_url = picture_url
        if not may_be_library_wide:
            del self.fields["library_wide"]
        elif self.instance.pk is not None:
            self.fields["library_wide"].initial = self.instance.school_id is None
        if self.instance.pk is not None:
            self.fields["title_refs"].initial = "\n".join(
                title.isbn or str(title.pk) for title in self.instance.titles.all()
            )

    def clean_picture(self) -> Any:
        picture = self.cleaned_data.get("picture")
        if picture and hasattr(picture, "image"):
            if picture.size > MAX_PICTURE_BYTES:
                raise forms.ValidationError(_("De afbeelding is groter dan 2 MB."))
            if getattr(picture.image, "format", None) not in PICTURE_TYPES:
                raise forms.ValidationError(_("Kies een JPEG-, PNG-, GIF- of WebP-afbeelding."))
        return picture

    def clean_title_refs(self) -> list[Title]:
        from mediatheek.catalog.text import normalise_isbn_or_none

        titles: list[Title] = []
        unknown: list[str] = []
        for line in self.cleaned_data.get("title_refs", "").replace(",", "\n").splitlines():
            ref = line.strip()
            if not ref:
                continue
            isbn = normalise_isbn_or_none(ref)
            title = None
            if isbn:
                title = Title.objects.filter(isbn=isbn).first()
            elif ref.isascii() and ref.isdigit() and len(ref) < 10:
                title = Title.objects.filter(pk=int(ref)).first()
            if title is None:
                unknown.append(ref)
            elif title not in titles:
                titles.append(title)
        if unknown:
            raise forms.ValidationError(_("Onbekend boek: %(refs)s") % {"refs": ", ".join(unknown)})
        return titles[:20]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("picture") and not data.get("picture_alt"):
            self.add_error("picture_alt", _("Beschrijf de afbeelding voor wie hem niet kan zien."))
        return data


def content_form_class(model: type) -> type[ContentForm]:
    meta = type("Meta", (ContentForm.Meta,), {"model": model})
    return type(f"{model.__name__}Form", (ContentForm,), {"Meta": meta})
