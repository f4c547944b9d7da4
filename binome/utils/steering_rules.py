"""The few rules that the steering figures (`binome.steering`) and the reporting cycle's imported pairs
(`binome.reporting.figures`) both apply, kept below both apps so that each reads them from one place:
age bands, what « closed before 6 / 12 months » means, a pair's origin (new, renewed, continuing)."""

import datetime

AGE_BANDS = [
    ("lt11", "Moins de 11 ans"),
    ("11_14", "11 à 14 ans"),
    ("15_17", "15 à 17 ans"),
    ("18_20", "18 à 20 ans"),
    ("21plus", "21 ans et plus"),
]
# Each band but the last, with the age it stops before; 21 and over is the last band. The one age rule
# of the breakdowns, for Binôme pairs (birth date) and imported ones (birth year).
AGE_LIMITS = (("lt11", 11), ("11_14", 15), ("15_17", 18), ("18_20", 21))
OLDEST_BAND = AGE_BANDS[-1][0]
ORIGINS = [("new", "Nouveau binôme"), ("renewed", "Reconduction"), ("continuing", "Binôme commencé avant")]

SIX_MONTHS = datetime.timedelta(days=183)
TWELVE_MONTHS = datetime.timedelta(days=365)


def age_band(age: int) -> str:
    """The band code of an age (`AGE_LIMITS`)."""
    for code, limit in AGE_LIMITS:
        if age < limit:
            return code
    return OLDEST_BAND
