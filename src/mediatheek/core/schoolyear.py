"""The Dutch school year runs from 1 August to 31 July; it is named after the year it starts in."""

from __future__ import annotations

import datetime as dt


def school_year_of(day: dt.date) -> int:
    return day.year if day.month >= 8 else day.year - 1


def school_year_start(year: int) -> dt.date:
    return dt.date(year, 8, 1)


def school_year_end(year: int) -> dt.date:
    return dt.date(year + 1, 7, 31)


def school_year_label(year: int) -> str:
    return f"{year}-{year + 1}"
