"""Parameters from requests (URLs, forms): whole numbers and search words, bounded before any query sees them."""

from __future__ import annotations

# The largest number a parameter may name: a 32-bit integer column's maximum. No id, page or count in this
# application comes near it; a larger one overflows SQLite's integers and PostgreSQL's integer columns (a 500).
MAX_INT = 2**31 - 1
# Search boxes: only the first words count, each cut to a sane length. A query of 3,000 words would otherwise
# become an SQL expression too deep for SQLite (and a slow one anywhere).
MAX_SEARCH_WORDS = 20
MAX_WORD_LENGTH = 100


def int_or_none(value: object, *, maximum: int = MAX_INT) -> int | None:
    """A non-negative whole number given as text (a URL or form parameter), or None if it is anything else:
    letters, a sign, digits other than 0-9, a list, a number above `maximum`."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > len(str(maximum)) or not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if number <= maximum else None


def search_words(text: str) -> list[str]:
    """The words of a search box, bounded: the first MAX_SEARCH_WORDS, each at most MAX_WORD_LENGTH characters."""
    return [word[:MAX_WORD_LENGTH] for word in text.split()[:MAX_SEARCH_WORDS]]
