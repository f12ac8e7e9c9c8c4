"""Template helpers of the portal's reading pages: Markdown of leestips/weetjes, stars, the pupil's loans."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString

from mediatheek.reading.markdown import render_markdown
from mediatheek.reading.queries import PatronLoan, patron_loans

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    return render_markdown(text)


@register.filter
def star_text(stars: int | None) -> str:
    """3 → "★★★☆☆" (decoration: always paired with a text for screen readers)."""
    if not stars:
        return ""
    value = max(0, min(5, round(stars)))
    return "★" * value + "☆" * (5 - value)


@register.filter
def is_past(day: Any) -> bool:
    """An overdue due date is no promise to a child: the page then says "lent" without a date."""
    return bool(day) and day < timezone.localdate()


@register.simple_tag(takes_context=True)
def my_open_loans(context: Any) -> list[PatronLoan]:
    """The logged-in pupil's open loans at the portal's school (for the Mijn Bibliotheek start page)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    school = getattr(request, "school", None)
    if user is None or school is None or not user.is_authenticated or getattr(user, "patron", None) is None:
        return []
    if user.school_id != school.pk:
        return []
    return patron_loans(user.patron)
