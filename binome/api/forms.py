from django import forms

from binome.api.models import Scope

DURATIONS = [(30, "30 jours"), (90, "90 jours"), (180, "6 mois"), (365, "1 an")]


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Nom du jeton", max_length=100, help_text="Pour le reconnaître, ex. « Salesforce — suivi »."
    )
    scopes = forms.MultipleChoiceField(
        label="Portées",
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Ne cochez que ce dont votre logiciel a besoin.",
        error_messages={"required": "Cochez au moins une portée."},
    )
    days = forms.TypedChoiceField(label="Validité", choices=DURATIONS, coerce=int, initial=365)
