"""Library card numbers: a fixed prefix, a running number and a Luhn check digit.

The check digit catches a mistyped number at the desk (one wrong digit, or two swapped neighbours).
Pure functions; allocation of fresh numbers lives in services.py.
"""

from __future__ import annotations

import functools

from stdnum import luhn

CARD_PREFIX = "2"
SEQUENCE_DIGITS = 8


# Luhn doubles every second digit from the right; a doubled digit over 9 counts as its digit sum.
_DOUBLED = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9]


def luhn_check_digit(body: str) -> str:
    """The Luhn check digit of a string of digits (the same as python-stdnum's, a few times faster: an import
    allocates up to 100,000 numbers at once)."""
    total = 0
    for position, char in enumerate(reversed(body)):
        digit = ord(char) - 48
        total += _DOUBLED[digit] if position % 2 == 0 else digit
    return str(-total % 10)


def _luhn_sum(digits: str, first_position: int) -> int:
    """Luhn's weighted digit sum of `digits` whose last digit stands `first_position` places from the right."""
    total = 0
    for offset, char in enumerate(reversed(digits)):
        digit = ord(char) - 48
        total += _DOUBLED[digit] if (first_position + offset) % 2 == 0 else digit
    return total


# An import numbers up to 100,000 cards in one go: the sum of the last four digits comes from a table, that of
# the digits before them changes only every 10,000 numbers.
_LOW_DIGITS = 4
_LOW_SUMS = [_luhn_sum(f"{low:0{_LOW_DIGITS}d}", 0) for low in range(10**_LOW_DIGITS)]


@functools.lru_cache(maxsize=128)
def _high_sum(high: int) -> int:
    return _luhn_sum(f"{CARD_PREFIX}{high:0{SEQUENCE_DIGITS - _LOW_DIGITS}d}", _LOW_DIGITS)


def card_number_for(sequence: int) -> str:
    high, low = divmod(sequence, 10**_LOW_DIGITS)
    check = -(_high_sum(high) + _LOW_SUMS[low]) % 10
    return f"{CARD_PREFIX}{sequence:0{SEQUENCE_DIGITS}d}{check}"


def is_valid_card_number(value: str) -> bool:
    """True for a number this library generated with an intact check digit."""
    return (
        value.isascii()
        and value.isdigit()
        and len(value) == len(CARD_PREFIX) + SEQUENCE_DIGITS + 1
        and luhn.is_valid(value)
    )
