"""The client's form for leestips and weetjes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mediatheek.catalog.models import Title
from mediatheek.core.params import id_or_none

MAX_PICTURE_BYTES = 2 * 1024 * 1024
MAX_TITLES = 20
# The editor's buttons that redisplay the form instead of saving it (what they do without JavaScript; with it,
# content.js does the same in the page): look up books, add or remove one, show the text as the portal will.
PICKER_ACTIONS = ("search_titles", "add_title", "remove_title", "preview")
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


class TitleChoiceField(forms.ModelMultipleChoiceField):
    """Books by their id; anything that is not a database id (words, NUL, a number beyond the database's range)
    is an unknown book before the database sees it."""

    def clean(self, value: Any) -> Any:
        values = value if isinstance(value, list | tuple) else ([] if value in (None, "") else [value])
        if any(id_or_none(item) is None for item in values):
            raise forms.ValidationError(_("Onbekend boek."), code="invalid_choice")
        return super().clean([id_or_none(item) for item in values])


class ContentForm(forms.ModelForm):
    """Heading, Markdown text, a picture, the books it points to, year levels and the publication window."""

    titles = TitleChoiceField(
        queryset=Title.objects.all(),
        label=_("Boeken"),
        required=False,
        widget=forms.MultipleHiddenInput,
        help_text=_("Zoek een boek en voeg het toe. De boeken komen als link onder het stukje."),
        error_messages={"invalid_choice": _("Onbekend boek."), "invalid_pk_value": _("Onbekend boek.")},
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
        if self.instance.pk is not None and "titles" not in self.initial:
            self.fields["titles"].initial = list(self.instance.titles.all())

    def clean_picture(self) -> Any:
        picture = self.cleaned_data.get("picture")
        if picture and hasattr(picture, "image"):
            if picture.size > MAX_PICTURE_BYTES:
                raise forms.ValidationError(_("De afbeelding is groter dan 2 MB."))
            if getattr(picture.image, "format", None) not in PICTURE_TYPES:
                raise forms.ValidationError(_("Kies een JPEG-, PNG-, GIF- of WebP-afbeelding."))
        return picture

    def picked(self) -> list[Title]:
        """The books the editor lists as chosen: as sent, else as saved."""
        if self.is_bound:
            return picked_titles(self.data)
        return list(self.initial.get("titles", self.fields["titles"].initial) or [])

    def clean_titles(self) -> list[Title]:
        titles = list(self.cleaned_data.get("titles") or [])
        if len(titles) > MAX_TITLES:
            raise forms.ValidationError(_("Kies hoogstens %(max)d boeken.") % {"max": MAX_TITLES})
        return titles

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("picture") and not data.get("picture_alt"):
            self.add_error("picture_alt", _("Beschrijf de afbeelding voor wie hem niet kan zien."))
        return data


def content_form_class(model: type) -> type[ContentForm]:
    meta = type("Meta", (ContentForm.Meta,), {"model": model})
    return type(f"{model.__name__}Form", (ContentForm,), {"Meta": meta})


def picked_titles(data: Any) -> list[Title]:
    """The books chosen in a submitted editor, with the one added or removed by the button that sent it."""
    ids = [pk for pk in (id_or_none(value) for value in data.getlist("titles")) if pk is not None]
    added, removed = id_or_none(data.get("add_title", "")), id_or_none(data.get("remove_title", ""))
    if added is not None and added not in ids:
        ids.append(added)
    ids = [pk for pk in ids if pk != removed][:MAX_TITLES]
    found = Title.objects.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def redisplay(form_class: type[ContentForm], data: Any, **kwargs: Any) -> ContentForm:
    """The editor again, as it was sent, without saving and without error messages (nothing was meant to be
    saved yet): an unbound form whose initial values are what was typed, with the books as now chosen."""
    form = form_class(**kwargs)
    initial: dict[str, Any] = {name: data.get(name) for name in form.fields if name in data and name != "titles"}
    initial["titles"] = picked_titles(data)
    for name, field in form.fields.items():
        if isinstance(field, forms.BooleanField):
            initial[name] = name in data
    return form_class(initial=initial, **kwargs)
