"""Parameters from requests (URLs, forms): whole numbers and search words, bounded before any query sees them."""

from __future__ import annotations

# The largest number a parameter may name: a 32-bit integer column's maximum. No id, page or count in this
# application comes near it; a larger one overflows SQLite's integers and PostgreSQL's integer columns (a 500).
MAX_INT = 2**31 - 1
# The largest id a database column holds (BigAutoField). Hand-written SQL gets no ORM range check, and SQLite raises
# OverflowError for a larger Python int (a URL like /balie/lener/99999999999999999999/scan/).
MAX_ID = 2**63 - 1
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


def id_or_none(value: object) -> int | None:
    """A database id as a form, a URL or a caller gave it (text or int): positive, within MAX_ID; else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    number = int_or_none(value, maximum=MAX_ID)
    return number or None


def search_words(text: str) -> list[str]:
    """The words of a search box, bounded: the first MAX_SEARCH_WORDS, each at most MAX_WORD_LENGTH characters."""
    return [word[:MAX_WORD_LENGTH] for word in text.split()[:MAX_SEARCH_WORDS]]
