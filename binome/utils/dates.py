"""Ages and anniversaries, computed in one place."""

import datetime


def age_on(birth_date: datetime.date, on: datetime.date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def years_before(on: datetime.date, years: int) -> datetime.date:
    """The same day `years` years earlier (28 February for a 29 February that does not exist)."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


def one_year_after(day: datetime.date) -> datetime.date:
    return years_before(day, -1)
