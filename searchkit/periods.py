"""Dates as people type them in queries and filters: a year, a month or a day, as its first and last day."""
from __future__ import annotations

import calendar
import datetime as dt
import re

from dateutil import parser as date_parser


def period(text: str) -> tuple[dt.date, dt.date]:
    """'2007' -> 2007-01-01..2007-12-31; '2007-03' -> March 2007; '2007-03-12' or 'March 12, 2007' -> that day.
    Raises ValueError for anything else."""
    text = text.strip()
    if re.fullmatch(r"\d{4}", text):
        return dt.date(int(text), 1, 1), dt.date(int(text), 12, 31)
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if match:
        year, month = int(match[1]), int(match[2])
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    compact = re.fullmatch(r"(\d{4})(\d\d)(\d\d)", text)
    if compact:
        day = dt.date(int(compact[1]), int(compact[2]), int(compact[3]))
        return day, day
    try:
        day = date_parser.parse(text, default=dt.datetime(1, 1, 1)).date()
    except (OverflowError, date_parser.ParserError) as exc:
        raise ValueError(f"not a date: {text!r}") from exc
    return day, day


def day_number(day: dt.date) -> int:
    """The day's proleptic ordinal (0001-01-01 is 1): positive, so 0 can stand for "no date"."""
    return day.toordinal()


def from_day_number(number: int) -> dt.date:
    return dt.date.fromordinal(int(number))
