from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Every form field renders with its label, help and errors linked for screen readers."""

    field_template_name = "includes/field.html"
    form_template_name = "includes/form.html"
