from django import template

from binome.utils import numbers

register = template.Library()


@register.filter
def euros(value) -> str:
    """« 9 920 € », « — » when nothing was declared."""
    return numbers.euros(value) if value is not None else "—"


@register.filter
def number(value) -> str:
    """« 3,1 », « 1 200 », « — » when nothing was declared."""
    return numbers.number(value) if value is not None else "—"
