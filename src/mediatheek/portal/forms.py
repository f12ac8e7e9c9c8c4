"""The portal's forms: the search parameters and the student file upload."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from mediatheek.catalog.portal_queries import FACET_KEYS, FACET_PARAMS, MAX_PAGE
from mediatheek.uploads.forms import StudentFileForm


@dataclass(frozen=True)
class SearchQuery:
    """What the search page was asked (`/<slug>/zoeken?q=...&avi=M4&aanwezig=1&pagina=2`), bounded."""

    query: str
    filters: dict[str, str]
    available_only: bool
    page: int

    @classmethod
    def from_params(cls, params: QueryDict) -> SearchQuery:
        filters = {key: params.get(FACET_PARAMS[key], "").strip()[:20] for key in FACET_KEYS}
        return cls(
            query=params.get("q", "").strip()[:200],
            filters={key: value for key, value in filters.items() if value},
            available_only=params.get("aanwezig") == "1",
            page=_page_number(params.get("pagina", "1")),
        )

    @property
    def asks_anything(self) -> bool:
        """Whether anything was asked (else the page invites to type)."""
        return bool(self.query or self.filters or self.available_only)


def _page_number(raw: str) -> int:
    try:
        return max(1, min(int(raw), MAX_PAGE))
    except ValueError:
        return 1


class PortalStudentFileForm(StudentFileForm):
    """The upload of "Upload leerlingbestand", with the labels of the schools' manual."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "Bestand kiezen" is the label the schools' manual uses; it stays as it is.
        self.fields["file"].label = "Bestand kiezen"
        self.too_large_hint = _("Sla alleen de leerlinglijst op.")
