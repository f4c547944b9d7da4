from django.forms.renderers import TemplatesSetting


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
