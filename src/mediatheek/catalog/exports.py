"""Export of one school's catalogue (its copies with their titles) to CSV or Excel, through core.exports."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from mediatheek.catalog.models import Copy
from mediatheek.core import audit
from mediatheek.core.exports import csv_bytes, xlsx_bytes

if TYPE_CHECKING:
    from mediatheek.accounts.models import User
    from mediatheek.schools.models import School


def header() -> list[str]:
    return [
        _("Barcode"),
        _("Titel"),
        _("Ondertitel"),
        _("Auteurs"),
        _("ISBN"),
        _("Uitgever"),
        _("Jaar"),
        _("Reeks"),
        _("Deel"),
        _("AVI"),
        _("Leeftijdscode"),
        _("NUR"),
        _("Onderwerpen"),
        _("Trefwoorden"),
        _("Plaats"),
        _("Status"),
        _("Aangeschaft"),
        _("Prijs"),
        _("Reden afschrijving"),
    ]


def rows(school: School) -> Iterator[Sequence[Any]]:
    copies = Copy.objects.for_school(school).select_related("title").order_by("title__author_sort", "barcode")
    for copy in copies.iterator(chunk_size=2000):
        title = copy.title
        yield [
            copy.barcode,
            title.title,
            title.subtitle,
            title.authors,
            title.isbn,
            title.publisher,
            title.year,
            title.series,
            title.series_number,
            title.avi_level,
            title.age_code,
            title.nur,
            title.subjects,
            title.keywords,
            copy.shelf,
            str(copy.get_status_display()),
            copy.acquired_on,
            float(copy.price) if copy.price is not None else None,
            copy.withdrawn_reason,
        ]


def export_catalogue(school: School, *, fmt: str, by: User | None = None) -> tuple[bytes, str]:
    """The school's catalogue as (content, filename); writes an audit entry."""
    if fmt == "xlsx":
        content = xlsx_bytes({_("Catalogus"): (header(), rows(school))})
    else:
        fmt = "csv"
        content = csv_bytes(header(), rows(school))
    audit.record("catalog.export", actor=by, school=school, summary=f"catalogus.{fmt}", format=fmt)
    return content, f"catalogus-{school.code}.{fmt}"
