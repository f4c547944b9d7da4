from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting

EARLIEST_YEAR, LATEST_YEAR = 1900, 2100


class FormRenderer(TemplatesSetting):
    """Every form field renders with its label, help and errors linked for screen readers."""

    field_template_name = "includes/field.html"
    form_template_name = "includes/form.html"


def apply_validation_error(form, error) -> None:
    """Show a service's ValidationError on the form: next to the field it names, else at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def error_messages(request, error) -> None:
    """Show a service's ValidationError as messages, for actions without a form (buttons)."""
    from django.contrib import messages

    for message in error.messages:
        messages.error(request, message)


def plausible_year(value) -> None:
    """Validator for a date typed by hand: year 1 or 9999 is a slip (and a date-time in year 1 cannot be
    converted to UTC for storage)."""
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(f"Indiquez une date entre {EARLIEST_YEAR} et {LATEST_YEAR}.")
