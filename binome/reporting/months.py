"""Reporting months, computed in one place: a period is a calendar month, named by its first day."""

import calendar
import datetime
import re

from django.core.exceptions import ValidationError

DEFAULT_DEADLINE_DAY = 5  # the 5th of the following month, unless the département sets another date

MONTH_NAMES = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def default_deadline(month: datetime.date) -> datetime.date:
    return add_months(month_start(month), 1).replace(day=DEFAULT_DEADLINE_DAY)


def month_label(month: datetime.date) -> str:
    return f"{MONTH_NAMES[month.month - 1]} {month.year}"


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
