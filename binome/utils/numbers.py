"""Figures as people read them in French, in one place: « 9 920 € », « 1 544,50 € », « 3,1 »,
« 1 200 », « 12,5 ».

Thousands are grouped with a non-breaking space and decimals follow a comma, so a number never
breaks across two lines. `number` and `euros` (forms and reports) trim trailing zeros and follow
Django's French format; `grouped` (steering tables, fixed decimals) uses a narrow non-breaking space."""

from decimal import Decimal, InvalidOperation

from django.utils import formats

EURO = "\u00a0€"
NARROW_SPACE = "\u202f"


def grouped(value: float, decimals: int) -> str:
    """12 345,6 with exactly `decimals` decimals (a table column reads aligned)."""
    return f"{value:,.{decimals}f}".replace(",", NARROW_SPACE).replace(".", ",")


def _decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        return None


def number(value, max_decimals: int = 2) -> str:
    """1 200 · 3,1 (not 3,10) · 0,25: no trailing zeros, at most `max_decimals` decimals."""
    amount = _decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    amount = round(amount, max_decimals)
    places = max(0, -amount.normalize().as_tuple().exponent)
    return formats.number_format(amount, places, use_l10n=True, force_grouping=True)


def euros(value) -> str:
    """9 920 € for whole euros, 1 544,50 € when there are cents."""
    amount = _decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    places = 0 if amount == amount.to_integral_value() else 2
    return formats.number_format(amount, places, use_l10n=True, force_grouping=True) + EURO
