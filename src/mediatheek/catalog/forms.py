"""Forms of the catalogue screens in the client."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mediatheek.catalog import services
from mediatheek.catalog.labels import BARCODE, BOTH, DEFAULT_SHEET, SHEETS, SPINE
from mediatheek.catalog.models import Title
from mediatheek.catalog.records import FIELD_CHOICES
from mediatheek.core.errors import DomainError

SCAN_ATTRS = {"class": "scan-field", "autocomplete": "off", "autofocus": True, "spellcheck": "false"}


class TitleForm(forms.ModelForm[Title]):
    class Meta:
        model = Title
        fields = [
            "isbn",
            "title",
            "subtitle",
            "authors",
            "author_sort",
            "series",
            "series_number",
            "avi_level",
            "age_code",
            "nur",
            "publisher",
            "year",
            "language",
            "pages",
            "subjects",
            "keywords",
            "awards",
            "summary",
            "cover",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "isbn": _("ISBN-10 of ISBN-13, met of zonder streepjes; wordt als ISBN-13 bewaard."),
            "author_sort": _("Bijvoorbeeld: Loon, Paul van. Leeg = uit de auteur afgeleid."),
            "nur": _("NUR-code, bijvoorbeeld 283."),
            "subjects": _("SISO-nummer of PIM-onderwerpen, gescheiden door ;"),
            "language": _("Taalcode: dut, eng, ger, fre…"),
        }

    def clean_isbn(self) -> str:
        try:
            isbn = services.clean_isbn(self.cleaned_data.get("isbn", ""))
        except DomainError as error:
            raise forms.ValidationError(str(error)) from error
        if isbn:
            others = Title.objects.filter(isbn=isbn)
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            other = others.first()
            if other is not None:
                raise forms.ValidationError(_("Dit ISBN staat al in de catalogus: %(title)s.") % {"title": other.title})
        return isbn

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields if name in self.cleaned_data}


class IsbnScanForm(forms.Form):
    isbn = forms.CharField(label=_("Scan of typ het ISBN"), max_length=30, widget=forms.TextInput(attrs=SCAN_ATTRS))

    def clean_isbn(self) -> str:
        try:
            return services.clean_isbn(self.cleaned_data["isbn"])
        except DomainError as error:
            raise forms.ValidationError(str(error)) from error


class CopyScanForm(forms.Form):
    barcode = forms.CharField(
        label=_("Scan de barcode van het exemplaar"),
        max_length=32,
        required=False,
        help_text=_("Leeg laten en Enter: er wordt een nieuwe barcode gemaakt."),
        widget=forms.TextInput(attrs=SCAN_ATTRS),
    )
    shelf = forms.CharField(label=_("Plaats"), max_length=60, required=False)
    acquired_on = forms.DateField(
        label=_("Aangeschaft op"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    price = forms.DecimalField(label=_("Prijs (€)"), max_digits=7, decimal_places=2, required=False, min_value=0)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden"),
        max_length=200,
        help_text=_("Bijvoorbeeld: versleten, beschadigd, verouderd, zoek na inventarisatie."),
    )
    barcodes = forms.CharField(
        label=_("Barcodes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Scan de exemplaren: één barcode per regel."),
    )


class LabelsForm(forms.Form):
    barcodes = forms.CharField(
        label=_("Barcodes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Eén barcode per regel. Leeg laten om alles vanaf een datum af te drukken."),
    )
    since = forms.DateField(
        label=_("Of: alles toegevoegd vanaf"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = forms.ChoiceField(
        label=_("Soort etiket"),
        choices=[(BARCODE, _("Barcode-etiket")), (SPINE, _("Rugetiket")), (BOTH, _("Allebei"))],
        initial=BOTH,
    )
    prefer = forms.ChoiceField(
        label=_("Op het rugetiket"),
        choices=[
            ("auto", _("AVI-niveau, anders leeftijdscode")),
            ("age", _("Leeftijdscode")),
            ("avi", _("AVI-niveau")),
        ],
        initial="auto",
    )
    sheet = forms.ChoiceField(
        label=_("Etiketvel"), choices=[(key, s.name) for key, s in SHEETS.items()], initial=DEFAULT_SHEET
    )
    skip = forms.IntegerField(
        label=_("Eerste etiketten overslaan"),
        min_value=0,
        max_value=39,
        initial=0,
        required=False,
        help_text=_("Voor een vel waar al etiketten af zijn."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("barcodes") or "").strip() and not data.get("since"):
            raise forms.ValidationError(_("Geef barcodes op of een datum."))
        return data


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Bestand"),
        help_text=_("MARC21 (.mrc), MARCXML (.xml), CSV of Excel (.xlsx, .xls, .ods) met titels."),
    )
    with_copies = forms.BooleanField(
        label=_("Per record één exemplaar toevoegen aan deze school"),
        required=False,
        help_text=_("De barcode komt uit het record (952 $p of 852 $p); zonder barcode wordt er een gemaakt."),
    )


def mapping_from_post(data: Mapping[str, Any], columns: list[str]) -> dict[str, str]:
    """The import preview's column choice: field `col<index>` names the field for column <index> ("" = not used)."""
    mapping = {}
    for index, column in enumerate(columns):
        value = data.get(f"col{index}", "")
        if value:
            mapping[column] = value
    return mapping


def mapping_choices() -> list[tuple[str, str]]:
    labels = {
        "title": _("titel"),
        "subtitle": _("ondertitel"),
        "authors": _("auteurs"),
        "author_sort": _("auteur (sorteernaam)"),
        "isbn": _("ISBN"),
        "publisher": _("uitgever"),
        "year": _("jaar"),
        "language": _("taal"),
        "pages": _("pagina's"),
        "summary": _("samenvatting"),
        "series": _("reeks"),
        "series_number": _("deel"),
        "avi_level": _("AVI-niveau"),
        "age_code": _("leeftijdscode"),
        "nur": _("NUR"),
        "subjects": _("onderwerpen"),
        "keywords": _("trefwoorden"),
        "awards": _("prijzen"),
        "barcode": _("barcode exemplaar"),
        "shelf": _("plaats exemplaar"),
        "price": _("prijs exemplaar"),
    }
    return [("", str(_("(niet gebruiken)")))] + [(name, str(labels.get(name, name))) for name in FIELD_CHOICES]


class StocktakeStartForm(forms.Form):
    shelf = forms.CharField(
        label=_("Plaats (kast)"),
        max_length=60,
        required=False,
        help_text=_("Leeg = de hele school."),
        widget=forms.TextInput(attrs={"list": "shelf-list", "autocomplete": "off"}),
    )


class StocktakeScanForm(forms.Form):
    barcode = forms.CharField(label=_("Scan een exemplaar"), max_length=64, widget=forms.TextInput(attrs=SCAN_ATTRS))


class BarcodeSeriesForm(forms.Form):
    """The school's own barcode series; the rules (characters, lengths, range) are services.set_barcode_series's."""

    # Not "prefix": that name is the form's own (the prefix of its field names).
    series_prefix = forms.CharField(
        label=_("Voorvoegsel"),
        max_length=16,
        required=False,
        help_text=_("Letters, cijfers of streepjes vóór het nummer, bijvoorbeeld R."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    width = forms.IntegerField(
        label=_("Aantal cijfers"),
        min_value=1,
        max_value=services.SERIES_MAX_WIDTH,
        initial=6,
        help_text=_("Het nummer wordt met nullen aangevuld: 6 cijfers geeft R000123."),
    )
    next_number = forms.IntegerField(
        label=_("Volgend nummer"),
        min_value=1,
        max_value=10**services.SERIES_MAX_WIDTH - 1,
        initial=1,
        help_text=_("Nummers die al op een exemplaar staan, worden overgeslagen."),
    )
