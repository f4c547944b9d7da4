"""Figures as people read them in French: « 9 920 € », « 1 544,50 € », « 3,1 », « 1 200 ».

Thousands are grouped with a non-breaking space and decimals follow a comma (Django's French
format), so a number never breaks across two lines."""

from decimal import Decimal, InvalidOperation

from django.utils import formats

EURO = "\u00a0€"


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
