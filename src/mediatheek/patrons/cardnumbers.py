"""Library card numbers: a fixed prefix, a running number and a Luhn check digit.

The check digit catches a mistyped number at the desk (one wrong digit, or two swapped neighbours).
Pure functions; allocation of fresh numbers lives in services.py.
"""

from __future__ import annotations

from stdnum import luhn

CARD_PREFIX = "2"
SEQUENCE_DIGITS = 8


def card_number_for(sequence: int) -> str:
    body = f"{CARD_PREFIX}{sequence:0{SEQUENCE_DIGITS}d}"
    return body + luhn.calc_check_digit(body)


def is_valid_card_number(value: str) -> bool:
    """True for a number this library generated with an intact check digit."""
    return value.isdigit() and len(value) == len(CARD_PREFIX) + SEQUENCE_DIGITS + 1 and luhn.is_valid(value)
