from django import forms

from binome.matching.models import MatchingWeights, RejectReason
from binome.references.models import ReferenceItem, ReferenceKind
from binome.utils.choices import Gender, Modality


class TableFilterForm(forms.Form):
    """Filters of the matching table. Codes only: nothing personal ends up in the URL."""

    modality = forms.ChoiceField(
        label="Modalité", choices=[("", "Toutes"), *Modality.choices], required=False
    )
    objective = forms.ChoiceField(label="Objectif", choices=[("", "Tous")], required=False)
    gender = forms.ChoiceField(
        label="Genre du jeune", choices=[("", "Tous"), *Gender.choices], required=False
    )
    commune = forms.ChoiceField(label="Commune du jeune", choices=[("", "Toutes")], required=False)

    def __init__(self, *args, objectives=(), communes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].choices = [("", "Tous"), *objectives]
        self.fields["commune"].choices = [("", "Toutes"), *communes]

    @staticmethod
    def objective_choices(departements):
        items = ReferenceItem.objects.filter(
            departement__in=departements, kind=ReferenceKind.OBJECTIVE, is_active=True
        ).values_list("code", "label")
        return sorted(dict(items).items(), key=lambda item: item[1])


class RejectForm(forms.Form):
    reject_reason = forms.ChoiceField(
        label="Motif", choices=[("", "Choisir un motif"), *RejectReason.choices]
    )
    reject_comment = forms.CharField(label="Précisions", max_length=300, required=False)


class WeightsForm(forms.ModelForm):
    class Meta:
        model = MatchingWeights
        fields = [
            "distance",
            "availability",
            "objectives",
            "modality",
            "age_gap",
            "gender",
            "interests",
            "languages",
        ]
