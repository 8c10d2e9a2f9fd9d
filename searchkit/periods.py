"""Dates as people type them in queries and filters: a year, a month or a day, as its first and last day."""
from __future__ import annotations

import calendar
import datetime as dt
import re

from dateutil import parser as date_parser


DATE_FORMS = 'YYYY, YYYY-MM, YYYY-MM-DD, "March 2007", "12 March 2007" or "March 12, 2007"'
# 12/03/2007 is 12 March in Europe and 3 December in the US: refused rather than guessed (13/03/2007 is not ambiguous).
_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})")
# Two days that differ in every part: a part of a date read with each as the default was not in the text.
_DEFAULTS = (dt.datetime(1, 1, 1), dt.datetime(2, 2, 2))


def period(text: str) -> tuple[dt.date, dt.date]:
    """The first and last day a date covers: '2007' -> 2007-01-01..2007-12-31; '2007-03' or 'March 2007' -> March
    2007; '2007-03-12', '12 March 2007' or 'March 12, 2007' -> that day. Raises ValueError saying what is wrong."""
    text = text.strip()
    if re.fullmatch(r"\d{1,4}", text):  # a bare number is a year
        return dt.date(int(text), 1, 1), dt.date(int(text), 12, 31)
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if match:
        return _month(int(match[1]), int(match[2]))
    compact = re.fullmatch(r"(\d{4})(\d\d)(\d\d)", text)
    if compact:
        day = dt.date(int(compact[1]), int(compact[2]), int(compact[3]))
        return day, day
    numeric = _NUMERIC_DATE.fullmatch(text)
    if numeric and numeric[1] != numeric[2] and int(numeric[1]) <= 12 and int(numeric[2]) <= 12:
        raise ValueError(f"{numeric[1]}/{numeric[2]} could be day/month or month/day")
    try:
        first, second = (date_parser.parse(text, default=default) for default in _DEFAULTS)
    except (OverflowError, ValueError):  # dateutil's ParserError is a ValueError
        raise ValueError("not a date") from None
    if first.year != second.year:
        raise ValueError("no year")
    if first.month != second.month:
        return dt.date(first.year, 1, 1), dt.date(first.year, 12, 31)
    if first.day != second.day:
        return _month(first.year, first.month)
    return first.date(), first.date()


def _month(year: int, month: int) -> tuple[dt.date, dt.date]:
    if not 1 <= month <= 12:
        raise ValueError(f"no month {month}")
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def day_number(day: dt.date) -> int:
    """The day's proleptic ordinal (0001-01-01 is 1): positive, so 0 can stand for "no date"."""
    return day.toordinal()


def from_day_number(number: int) -> dt.date:
    return dt.date.fromordinal(int(number))
