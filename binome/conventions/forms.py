from django import forms

from binome.accounts.models import Organisation, Role, User
from binome.conventions.models import Convention, KeyIndicator
from binome.references.models import ReferenceItem, ReferenceKind
from binome.territories.models import Territory
from binome.utils.choices import Modality
from binome.utils.ids import parse_uuid


class ConventionForm(forms.ModelForm):
    modalities = forms.MultipleChoiceField(
        label="Modalités proposées",
        choices=Modality.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Aucune cochée : toutes.",
    )
    key_indicators = forms.MultipleChoiceField(
        label="Indicateurs clés",
        choices=KeyIndicator.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Choisissez 4 à 5 indicateurs d'impact à inscrire dans la convention.",
    )

    class Meta:
        model = Convention
        fields = [
            "association",
            "reference",
            "status",
            "start_date",
            "end_date",
            "youth_target",
            "objectives",
            "key_indicators",
            "reporting_frequency",
            "reporting_day",
            "reporting_lead",
            "territories",
            "routing_objectives",
            "modalities",
            "age_min",
            "age_max",
            "capacity",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "objectives": forms.Textarea(attrs={"rows": 4}),
            "territories": forms.CheckboxSelectMultiple,
            "routing_objectives": forms.CheckboxSelectMultiple,
            "reporting_day": forms.NumberInput(attrs={"min": 1, "max": 28, "class": "input--short"}),
        }
        help_texts = {
            "reporting_frequency": "Mensuelle : un suivi chaque mois. Trimestrielle : un seul suivi pour les "
            "trois mois, demandé avec le mois de mars, juin, septembre ou décembre.",
            "reporting_day": "Jour du mois qui suit la période (le mois, ou la fin du trimestre) avant lequel "
            "l'association transmet son suivi : son échéance, rappelée 3 jours avant et le lendemain. "
            "De 1 à 28.",
        }

    def __init__(self, *args, departement: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.departement = departement
        self.fields["association"].queryset = Organisation.objects.associations().filter(is_active=True)
        self.fields["association"].help_text = (
            "Une association implantée dans un autre département doit accepter la convention avant "
            "qu'elle n'entre en vigueur."
        )
        if not self.instance._state.adding:
            self.fields["association"].disabled = True
            self.fields["association"].help_text = "L'association d'une convention ne change pas."
        self.fields["territories"].queryset = Territory.objects.filter(departement=departement)
        self.fields["routing_objectives"].queryset = ReferenceItem.objects.of(
            departement, ReferenceKind.OBJECTIVE
        )
        association_id = self.instance.association_id or parse_uuid(self.data.get("association"))
        self.fields["reporting_lead"].queryset = (
            User.objects.filter(
                memberships__organisation_id=association_id,
                memberships__role=Role.MANAGER,
                memberships__is_active=True,
            )
            if association_id
            else User.objects.none()
        )
        self.fields[
            "reporting_lead"
        ].help_text = (
            "Un·e responsable de l'association. Enregistrez d'abord l'association pour voir la liste."
        )

    def clean_reporting_day(self):
        day = self.cleaned_data.get("reporting_day")
        if day is not None and not 1 <= day <= 28:
            raise forms.ValidationError("Choisissez un jour de 1 à 28 : il existe dans chaque mois.")
        return day

    def clean_key_indicators(self):
        chosen = self.cleaned_data["key_indicators"]
        if len(chosen) > 5:
            raise forms.ValidationError("Choisissez au plus 5 indicateurs clés.")
        return chosen
