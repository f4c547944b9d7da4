"""Reporting months, computed in one place: a period is a calendar month, named by its first day.

A report covers one month, or a calendar quarter (the three months ending with a quarter-end month:
March, June, September, December) for an association whose convention says quarterly. It is due on the
convention's reporting day of the month after the last month it covers (`due_date`)."""

import calendar
import datetime
import re

from django.core.exceptions import ValidationError

from binome.utils.months import MONTH_NAMES, add_months_first_day, month_label

DEFAULT_DEADLINE_DAY = 5  # the 5th of the following month, unless the convention or the pilot says otherwise
QUARTER_END_MONTHS = (3, 6, 9, 12)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def default_deadline(month: datetime.date) -> datetime.date:
    return due_date(month, DEFAULT_DEADLINE_DAY)


def due_date(month: datetime.date, day: int) -> datetime.date:
    """`day` of the month after `month` (the last month a report covers), clamped to that month's last
    day: 31 after October is 30 November, 30 after January is 28 or 29 February."""
    following = add_months_first_day(month, 1)
    return following.replace(day=max(1, min(day, month_end(following).day)))


def is_quarter_end(month: datetime.date) -> bool:
    return month.month in QUARTER_END_MONTHS


def quarter_start(month: datetime.date) -> datetime.date:
    """The first month of the calendar quarter holding `month`."""
    return datetime.date(month.year, 3 * ((month.month - 1) // 3) + 1, 1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The months from `first` to `last` included, by their first day."""
    first, last = month_start(first), month_start(last)
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [add_months_first_day(first, i) for i in range(max(0, count))]


def span_label(first: datetime.date, last: datetime.date) -> str:
    """« mars 2026 » for one month, « trimestre juillet–septembre 2026 » for a quarter."""
    if month_start(first) == month_start(last):
        return month_label(last)
    start = MONTH_NAMES[first.month - 1]
    if first.year != last.year:
        start += f" {first.year}"
    return f"trimestre {start}–{MONTH_NAMES[last.month - 1]} {last.year}"


def month_code(month: datetime.date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


_MONTH_RE = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})\s*$")
_MONTH_RE_FR = re.compile(r"^\s*(\d{1,2})[-/.](\d{4})\s*$")


def parse_month(value) -> datetime.date:
    """A month from a date, 'AAAA-MM' or 'MM/AAAA'."""
    if isinstance(value, datetime.datetime):
        return value.date().replace(day=1)
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    text = str(value or "").strip()
    match = _MONTH_RE.match(text)
    if match:
        year, month = int(match[1]), int(match[2])
    else:
        match = _MONTH_RE_FR.match(text)
        if not match:
            raise ValidationError("mois illisible : attendu AAAA-MM")
        month, year = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        raise ValidationError("mois illisible : attendu AAAA-MM")
    return datetime.date(year, month, 1)
