from django import template

from binome.steering.tables import Cell, display

register = template.Library()


@register.filter
def cell(value) -> str:
    """A table cell in French: 1 234 · 12,5 % · 23,4 j · 1 250 € · non renseigné."""
    return display(value)


@register.filter
def is_number(value) -> bool:
    return isinstance(value, Cell)


@register.filter
def at(values, index):
    """values[index] in a template: the header of the column a cell sits in."""
    try:
        return values[index]
    except (IndexError, KeyError, TypeError):
        return ""
