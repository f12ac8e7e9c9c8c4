"""Library card numbers: a fixed prefix, a running number and a Luhn check digit.

The check digit catches a mistyped number at the desk (one wrong digit, or two swapped neighbours).
Pure functions; allocation of fresh numbers lives in services.py.
"""

from __future__ import annotations

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


def card_number_for(sequence: int) -> str:
    body = f"{CARD_PREFIX}{sequence:0{SEQUENCE_DIGITS}d}"
    return body + luhn_check_digit(body)


def is_valid_card_number(value: str) -> bool:
    """True for a number this library generated with an intact check digit."""
    return value.isdigit() and len(value) == len(CARD_PREFIX) + SEQUENCE_DIGITS + 1 and luhn.is_valid(value)
