"""Pure text helpers for the catalogue: search normalisation and ISBNs. No Django models here."""

from __future__ import annotations

import contextlib
import re
import unicodedata

from stdnum import isbn as stdnum_isbn
from stdnum.exceptions import ValidationError as StdnumError

_WORD = re.compile(r"[a-z0-9]+")
_DIGIT_JOIN = re.compile(r"(?<=[0-9])[-\u2010\u2011\u2012\u2013 ](?=[0-9xX])")


def fold(text: str) -> str:
    """Lower case without accents: "Zoë Ørsted" → "zoe orsted"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("ø", "o").replace("ß", "ss").replace("æ", "ae").replace("œ", "oe").replace("ł", "l")


def words(text: str) -> list[str]:
    """The search words of a text: folded, split on everything that is not a letter or digit."""
    return _WORD.findall(fold(text))


# A search never looks at more than this: the search itself uses the first few words (search.MAX_WORDS).
MAX_QUERY_LENGTH = 2000
MAX_QUERY_WORDS = 20
MAX_TOKEN_LENGTH = 100


def query_words(query: str) -> list[str]:
    """The words of what someone typed. An ISBN typed with hyphens or as ISBN-10 becomes its ISBN-13."""
    # Bounded before any work: whatever the length of the query, only its first words are looked at.
    query = query.strip()[:MAX_QUERY_LENGTH]
    joined = _DIGIT_JOIN.sub("", query)
    result: list[str] = []
    for token in joined.split()[:MAX_QUERY_WORDS]:
        token = token[:MAX_TOKEN_LENGTH]
        isbn13 = normalise_isbn_or_none(token)
        if isbn13:
            result.append(isbn13)
        else:
            result.extend(words(token))
    return result


def search_text(
    *,
    title: str,
    subtitle: str = "",
    authors: str = "",
    author_sort: str = "",
    series: str = "",
    subjects: str = "",
    keywords: str = "",
    isbn: str = "",
) -> str:
    """The folded text a title is found by (the full-text index is built over this one column)."""
    parts = [title, subtitle, authors, author_sort, series, subjects, keywords]
    tokens: list[str] = []
    for part in parts:
        tokens.extend(words(part))
    if isbn:
        tokens.append(isbn)
        if isbn.startswith("978") and len(isbn) == 13:
            with contextlib.suppress(StdnumError):
                tokens.append(stdnum_isbn.to_isbn10(isbn).lower())
    seen: set[str] = set()
    unique = [t for t in tokens if not (t in seen or seen.add(t))]  # type: ignore[func-returns-value]
    return " ".join(unique)


class InvalidISBN(ValueError):
    pass


def normalise_isbn(value: str) -> str:
    """A valid ISBN-10 or ISBN-13 (hyphens, spaces allowed) as its ISBN-13 digits; InvalidISBN otherwise."""
    compact = stdnum_isbn.compact(value or "")
    if not compact:
        raise InvalidISBN("empty")
    try:
        stdnum_isbn.validate(compact)
    except StdnumError as error:
        raise InvalidISBN(str(error)) from error
    if len(compact) == 10:
        return stdnum_isbn.to_isbn13(compact)
    return compact


def normalise_isbn_or_none(value: str) -> str | None:
    try:
        return normalise_isbn(value)
    except InvalidISBN:
        return None


def looks_like_isbn(value: str) -> bool:
    compact = stdnum_isbn.compact(value or "")
    return len(compact) in (10, 13) and compact[:-1].isdigit()


def format_isbn(isbn13: str) -> str:
    """ISBN-13 with hyphens where the ranges are known, else as it is."""
    try:
        return stdnum_isbn.format(isbn13)
    except Exception:  # noqa: BLE001 - unknown ranges: show the digits
        return isbn13


def author_letters(author_sort: str, authors: str = "") -> str:
    """The three letters on a spine label: the start of the sort name ("Loon, Paul van" → "LOO")."""
    source = author_sort or authors
    if not author_sort and authors:
        # "Paul van Loon" → last word
        source = authors.split(",")[0].split()[-1] if authors.split() else ""
    letters = "".join(ch for ch in fold(source) if ch.isalpha())
    return letters[:3].upper()


AVI_LEVEL_SET = frozenset(["AVI-Start", "M3", "E3", "M4", "E4", "M5", "E5", "M6", "E6", "M7", "E7", "AVI-Plus"])
AGE_CODE_SET = frozenset(["AP", "AK", "E", "A", "B", "C", "D", "AJ", "J"])
