from django import forms

from binome.accounts.models import Organisation, Role, User
from binome.conventions.models import Convention, KeyIndicator
from binome.references.models import ReferenceItem, ReferenceKind
from binome.territories.models import Territory
from binome.utils.choices import Modality
from binome.utils.ids import parse_uuid
from binome.utils.uploads import validate_document

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CAPACITY_FIELDS = (
    "capacity_individual_project",
    "capacity_mentor_support",
    "capacity_checked_on",
    "capacity_evidence",
)


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
    # Art. D.221-37: the département's check of the association's capacity, required before « En vigueur ».
    capacity_individual_project = forms.BooleanField(
        label="1° L'association propose un projet individuel à chaque enfant ou jeune accompagné",
        required=False,
    )
    capacity_mentor_support = forms.BooleanField(
        label="2° L'association informe et accompagne ses mentors",
        required=False,
    )
    capacity_checked_on = forms.DateField(label="Vérification faite le", required=False, widget=DATE_WIDGET)
    capacity_evidence = forms.FileField(
        label="Pièce justificative",
        required=False,
        help_text="PDF, image JPEG ou PNG, document ODT ou DOCX ; 5 Mo au plus. Gardée par le département, "
        "jamais montrée à l'association.",
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
            "yearly_subsidy",
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
            "start_date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
            "yearly_subsidy": forms.NumberInput(attrs={"min": 0, "step": "0.01", "class": "input--short"}),
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

    def clean_capacity_evidence(self):
        evidence = self.cleaned_data.get("capacity_evidence")
        return validate_document(evidence, stem="verification-capacites") if evidence else evidence

    def clean(self):
        cleaned = super().clean()
        if self.capacity_check_given():
            if not cleaned.get("capacity_individual_project"):
                self.add_error(
                    "capacity_individual_project", "Cochez ce point une fois vérifié (art. D.221-37)."
                )
            if not cleaned.get("capacity_mentor_support"):
                self.add_error("capacity_mentor_support", "Cochez ce point une fois vérifié (art. D.221-37).")
            if not cleaned.get("capacity_checked_on") and "capacity_checked_on" not in self.errors:
                self.add_error("capacity_checked_on", "Indiquez la date de la vérification.")
            if not cleaned.get("capacity_evidence") and "capacity_evidence" not in self.errors:
                self.add_error(
                    "capacity_evidence",
                    "Joignez la pièce justificative (à déposer de nouveau si la page a été renvoyée).",
                )
        return cleaned

    def main_fields(self):
        return [self[name] for name in self.fields if name not in CAPACITY_FIELDS]

    def capacity_fields(self):
        return [self[name] for name in CAPACITY_FIELDS]

    def capacity_check_given(self) -> bool:
        """Whether the pilot filled in any part of the capacity check."""
        return any(
            self.data.get(self.add_prefix(name)) for name in CAPACITY_FIELDS if name != "capacity_evidence"
        ) or bool(self.files.get(self.add_prefix("capacity_evidence")))

    def capacity_check(self) -> dict | None:
        """The capacity check to record with the convention (keyword arguments of
        `capacity_check_record`), or None when the pilot gave none."""
        if not self.capacity_check_given():
            return None
        return {
            "evidence": self.cleaned_data["capacity_evidence"],
            "checked_on": self.cleaned_data["capacity_checked_on"],
            "individual_project": self.cleaned_data["capacity_individual_project"],
            "mentor_support": self.cleaned_data["capacity_mentor_support"],
        }
