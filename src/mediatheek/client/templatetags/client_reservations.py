"""The title page's reservation queue, read where the include needs it (the title page's view is the catalogue's)."""

from typing import Any

from django import template

from mediatheek.catalog.models import Title
from mediatheek.circulation import queries

register = template.Library()


@register.simple_tag(takes_context=True)
def title_queue(context: dict[str, Any], title: Title) -> list[queries.QueueRow]:
    """The title's open reservations at the school the client works on."""
    school = getattr(context.get("request"), "school", None)
    if school is None:
        return []
    return queries.title_queue(title, school)
