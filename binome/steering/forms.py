"""The dashboard's filters (GET): period, association, territory — limited to what the scope may see;
and the département's steering settings (hidden indicators, its own indicators, rural communes)."""

import contextlib

from django import forms
from django.core.exceptions import ValidationError

from binome.accounts.models import Organisation
from binome.references.models import ReferenceItem, ReferenceKind
from binome.steering.models import CUSTOM_KINDS, CustomIndicator, SteeringSettings
from binome.steering.periods import Period, default_period, recent_periods
from binome.steering.registry import INDICATORS, STAGES
from binome.territories.models import Commune, Territory


class PeriodFilterForm(forms.Form):
    """The period alone: the national view, which belongs to no organisation, has nothing else to filter."""

    periode = forms.CharField(label="Période", required=False, widget=forms.Select)

    def __init__(self, data):
        super().__init__(data)
        choices = recent_periods()
        asked = (data or {}).get("periode")
        if asked and not any(asked == key for _group, items in choices for key, _label in items):
            with contextlib.suppress(ValueError):  # an invalid period is reported by clean_periode
                choices.append(("Autre", [(asked, Period.parse(asked).label.capitalize())]))
        self.fields["periode"].widget.choices = choices
        self.fields["periode"].initial = default_period().key

    def clean_periode(self):
        text = self.cleaned_data.get("periode")
        if not text:
            return default_period()
        try:
            return Period.parse(text)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class DashboardFilterForm(PeriodFilterForm):
    association = forms.ModelChoiceField(
        label="Association", queryset=Organisation.objects.none(), required=False, empty_label="Toutes"
    )
    territoire = forms.ModelChoiceField(
        label="Territoire", queryset=Territory.objects.none(), required=False, empty_label="Tous"
    )
    departement = forms.ModelChoiceField(
        label="Département", queryset=Organisation.objects.none(), required=False, empty_label="Tous"
    )

    def __init__(self, data, *, membership):
        super().__init__(data)
        organisation = membership.organisation
        if organisation.is_departement:
            # Every association that ever agreed to a convention with the département: past pairs count too.
            self.fields["association"].queryset = (
                Organisation.objects.associations()
                .filter(
                    conventions_as_association__departement=organisation,
                    conventions_as_association__accepted_at__isnull=False,
                )
                .distinct()
            )
            self.fields["territoire"].queryset = Territory.objects.filter(departement=organisation)
            del self.fields["departement"]
        else:
            departements = organisation.departements()
            self.fields["departement"].queryset = departements
            del self.fields["association"]
            del self.fields["territoire"]
            if departements.count() < 2:
                del self.fields["departement"]


# --- What a département adapts (toolkit p. 8) -----------------------------------------------------------


class SteeringSettingsForm(forms.ModelForm):
    """The indicators the département hides, and which of its communes are rural."""

    hidden_indicators = forms.MultipleChoiceField(
        label="Indicateurs que le département n'utilise pas",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Cochés : ils disparaissent du tableau de bord, du tableau de pilotage et du dossier du "
        "Cotech. Les chiffres restent calculables : décochez pour les retrouver.",
    )

    class Meta:
        model = SteeringSettings
        fields = ["hidden_indicators", "rural_communes"]
        widgets = {"rural_communes": forms.CheckboxSelectMultiple}

    def __init__(self, *args, departement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hidden_indicators"].choices = [
            (stage.label, [(i.key, i.label) for i in INDICATORS if i.stage == stage.key]) for stage in STAGES
        ]
        self.fields["hidden_indicators"].initial = self.instance.hidden_indicators
        communes = self.fields["rural_communes"]
        communes.queryset = Commune.objects.filter(departement_code=departement.insee_code).order_by("name")
        communes.label = "Communes rurales du département"
        communes.help_text = (
            "D'après la grille communale de densité de l'INSEE : cochez les communes peu denses et très peu "
            "denses. Elles servent à la part des jeunes accompagnés résidant en commune rurale."
        )


class CustomIndicatorForm(forms.ModelForm):
    """A département's own indicator: the youths accompanied with one value of one of its lists."""

    class Meta:
        model = CustomIndicator
        fields = ["label", "item"]
        labels = {"label": "Nom de l'indicateur", "item": "Valeur à compter"}
        help_texts = {
            "label": "Ex. « Jeunes accompagnés en 3e ».",
            "item": "Un niveau scolaire, une mesure ASE ou un objectif de vos listes de référence.",
        }

    def __init__(self, *args, departement, **kwargs):
        super().__init__(*args, **kwargs)
        self.departement = departement
        items = ReferenceItem.objects.filter(departement=departement, kind__in=list(CUSTOM_KINDS)).order_by(
            "kind", "position", "label"
        )
        kinds = dict(ReferenceKind.choices)
        self.fields["item"].queryset = items
        self.fields["item"].label_from_instance = lambda item: f"{kinds[item.kind]} : {item.label}"
        self.fields["item"].error_messages["invalid_choice"] = "Choisissez une valeur de vos listes."

    def clean_label(self):
        label = " ".join(self.cleaned_data["label"].split())
        if not label:
            raise ValidationError("Indiquez le nom de l'indicateur.")
        if CustomIndicator.objects.filter(departement=self.departement, label__iexact=label).exists():
            raise ValidationError("Un indicateur du département porte déjà ce nom.")
        return label
