"""Reporting periods for steering: a month, a quarter or a calendar year, with the same period one year
earlier for comparisons. Written `2026-03`, `2026-T1` or `2026` in URLs, commands and files."""

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone

from binome.utils.months import MONTH_NAMES, add_months_first_day

_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})|-T(?P<quarter>[1-4]))?$")


@dataclass(frozen=True)
class Period:
    kind: str  # month | quarter | year
    year: int
    number: int  # month 1–12, quarter 1–4, 1 for a year

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        return cls("month", year, month)

    @classmethod
    def containing(cls, day: datetime.date) -> "Period":
        return cls.month(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> "Period":
        """`2026-03` (a month), `2026-T1` (a quarter) or `2026` (a year); ValueError otherwise."""
        match = _PATTERN.match((text or "").strip())
        if not match:
            raise ValueError("Période attendue sous la forme AAAA-MM, AAAA-T1 à AAAA-T4 ou AAAA.")
        year = int(match["year"])
        if not 2000 <= year <= 2100:
            raise ValueError("Année hors de la plage admise.")
        if match["month"]:
            month = int(match["month"])
            if not 1 <= month <= 12:
                raise ValueError("Mois invalide.")
            return cls.month(year, month)
        if match["quarter"]:
            return cls("quarter", year, int(match["quarter"]))
        return cls("year", year, 1)

    @property
    def key(self) -> str:
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        if self.kind == "quarter":
            return f"{self.year}-T{self.number}"
        return str(self.year)

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{MONTH_NAMES[self.number - 1]} {self.year}"
        if self.kind == "quarter":
            return f"{'1er' if self.number == 1 else f'{self.number}e'} trimestre {self.year}"
        return f"année {self.year}"

    @property
    def start(self) -> datetime.date:
        if self.kind == "month":
            return datetime.date(self.year, self.number, 1)
        if self.kind == "quarter":
            return datetime.date(self.year, 3 * self.number - 2, 1)
        return datetime.date(self.year, 1, 1)

    @property
    def end(self) -> datetime.date:
        """The last day of the period (inclusive)."""
        last_month = {"month": self.number, "quarter": 3 * self.number, "year": 12}[self.kind]
        return add_months_first_day(datetime.date(self.year, last_month, 1), 1) - datetime.timedelta(days=1)

    @property
    def start_at(self) -> datetime.datetime:
        """The first instant of the period, in the platform's time zone."""
        return _midnight(self.start)

    @property
    def end_before(self) -> datetime.datetime:
        """The first instant after the period (timestamps are compared with `<`)."""
        return _midnight(self.end + datetime.timedelta(days=1))

    def last_year(self) -> "Period":
        return Period(self.kind, self.year - 1, self.number)

    def months(self) -> list["Period"]:
        first = self.start
        return [Period.month(first.year, first.month + i) for i in range(self.end.month - first.month + 1)]

    def trailing_months(self, count: int = 12) -> list["Period"]:
        """The `count` months ending with the period's last month, oldest first."""
        year, month = self.end.year, self.end.month
        result = []
        for _ in range(count):
            result.append(Period.month(year, month))
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return result[::-1]

    def __str__(self):
        return self.label


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def recent_periods(today: datetime.date | None = None, months: int = 24, years: int = 5) -> list[tuple]:
    """Choices for the period filter: (group label, [(key, label)]), most recent first."""
    today = today or timezone.localdate()
    current = Period.containing(today)
    month_choices = [(p.key, p.label.capitalize()) for p in current.trailing_months(months)[::-1]]
    quarters, year, quarter = [], today.year, (today.month - 1) // 3 + 1
    for _ in range(8):
        period = Period("quarter", year, quarter)
        quarters.append((period.key, period.label.capitalize()))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    year_choices = [(str(y), f"Année {y}") for y in range(today.year, today.year - years, -1)]
    return [("Mois", month_choices), ("Trimestres", quarters), ("Années", year_choices)]


def default_period(today: datetime.date | None = None) -> Period:
    """The last complete month: the one associations have just reported on."""
    today = today or timezone.localdate()
    first = today.replace(day=1) - datetime.timedelta(days=1)
    return Period.containing(first)


def current_period(today: datetime.date | None = None) -> Period:
    """The month under way, figures to date: the département's dashboard opens on today's work."""
    return Period.containing(today or timezone.localdate())
