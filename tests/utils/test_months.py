"""The two ways of counting months from a date, and the month names."""

import datetime

import pytest

from binome.utils.months import MONTH_NAMES, add_months_first_day, add_months_same_day, month_label

D = datetime.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 3, 15), 6, D(2026, 9, 15)),  # the same day
        (D(2026, 8, 31), 6, D(2027, 2, 28)),  # no 31 February: its last day
        (D(2027, 8, 31), 6, D(2028, 2, 29)),  # a leap year
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2026, 11, 30), 14, D(2028, 1, 30)),  # across two year ends
        (D(2026, 3, 31), -1, D(2026, 2, 28)),  # backwards
        (D(2026, 1, 10), -13, D(2024, 12, 10)),
        (D(2026, 5, 20), 0, D(2026, 5, 20)),
    ],
)
def test_add_months_same_day_keeps_the_day_or_the_months_last(day, months, expected):
    assert add_months_same_day(day, months) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 3, 1), 1, D(2026, 4, 1)),
        (D(2026, 1, 31), 1, D(2026, 2, 1)),  # the first day, whatever the day given
        (D(2026, 12, 15), 1, D(2027, 1, 1)),
        (D(2026, 1, 1), -1, D(2025, 12, 1)),
        (D(2026, 3, 17), -14, D(2025, 1, 1)),
        (D(2026, 7, 9), 0, D(2026, 7, 1)),
    ],
)
def test_add_months_first_day_names_the_month_by_its_first_day(day, months, expected):
    assert add_months_first_day(day, months) == expected


def test_month_names_are_french_and_in_order():
    assert len(MONTH_NAMES) == 12
    assert (MONTH_NAMES[0], MONTH_NAMES[7], MONTH_NAMES[11]) == ("janvier", "août", "décembre")
    assert month_label(D(2026, 2, 14)) == "février 2026"
