"""Months, in one place: their French names, and the two ways of counting months from a date.

- `add_months_same_day`: the same day so many months later (an agreement's end, a review's date);
- `add_months_first_day`: the first day of the month so many months later (reporting periods, named by
  their first day)."""

import calendar
import datetime

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


def month_label(month: datetime.date) -> str:
    """« mars 2026 »."""
    return f"{MONTH_NAMES[month.month - 1]} {month.year}"


def add_months_same_day(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the last day of the month when it does not exist: 31 January + 1 is
    28 or 29 February). `months` may be negative."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def add_months_first_day(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after `day`'s month. `months` may be negative."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return datetime.date(year, month + 1, 1)
