import time

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone

from binome.mentors.models import (
    OBJECTIVE_CHOICES,
    CheckResult,
    HeardFrom,
    Mentor,
    MentorSettings,
    MentorStage,
    Occupation,
    Subject,
    TrainingModule,
    TrainingSession,
)
from binome.territories.models import Commune
from binome.utils.choices import SLOTS, Gender, Modality
from binome.utils.forms import plausible_year

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MIN_SECONDS_TO_FILL = 3
FORM_TOKEN_SALT = "binome.mentors.apply"  # noqa: S105 — a signing salt, not a secret


class CommuneField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class MentorProfileFields(forms.ModelForm):
    """Fields shared by the public application and the coordinator's edit form."""

    availability = forms.MultipleChoiceField(
        label="Disponibilités",
        choices=SLOTS,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les moments où vous pourriez rencontrer un jeune.",
    )
    objectives = forms.MultipleChoiceField(
        label="Ce que vous aimeriez apporter", choices=OBJECTIVE_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    subjects = forms.MultipleChoiceField(
        label="Matières que vous pouvez accompagner",
        choices=Subject.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Mentor
        fields = [
            "first_name",
            "last_name",
            "email",
            "phone",
            "birth_date",
            "gender",
            "commune",
            "occupation",
            "occupation_detail",
            "motivation",
            "availability",
            "modality",
            "travel_km",
            "objectives",
            "subjects",
            "interests",
            "languages",
            "capacity",
            "heard_from",
        ]
        widgets = {
            "birth_date": DATE_WIDGET,
            "motivation": forms.Textarea(attrs={"rows": 5}),
            "interests": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, communes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes if communes is not None else Commune.objects.none()
        self.fields["commune"].required = True
        self.fields["travel_km"].help_text = "Pour les rencontres en présentiel."
        self.fields["capacity"].widget.attrs.update(min=1, max=3)
        self.fields["gender"].choices = Gender.choices
        self.fields["modality"].choices = Modality.choices
        self.fields["occupation"].choices = Occupation.choices
        self.fields["heard_from"].choices = [("", "—"), *HeardFrom.choices]


class ApplicationForm(MentorProfileFields):
    """The public form. Anti-spam without third parties: a hidden field that people leave empty, a
    signed timestamp (too fast or too old is refused) and, in the view, a per-address rate limit."""

    class Meta(MentorProfileFields.Meta):
        fields = [*MentorProfileFields.Meta.fields[:5], "birth_place", *MentorProfileFields.Meta.fields[5:]]

    website = forms.CharField(
        required=False,
        label="Laissez ce champ vide",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(widget=forms.HiddenInput)
    privacy = forms.BooleanField(
        label="J'ai lu l'information sur mes données et j'accepte qu'elles soient traitées pour ma candidature.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["started"] = signing.dumps(time.time(), salt=FORM_TOKEN_SALT)

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise ValidationError("Ce champ doit rester vide.")
        return ""

    def clean_started(self):
        try:
            started = signing.loads(self.cleaned_data["started"], salt=FORM_TOKEN_SALT, max_age=24 * 3600)
        except signing.BadSignature:
            raise ValidationError("Le formulaire a expiré : rechargez la page.") from None
        if time.time() - float(started) < MIN_SECONDS_TO_FILL:
            raise ValidationError(
                "Formulaire envoyé trop vite : vérifiez vos réponses puis validez de nouveau."
            )
        return self.cleaned_data["started"]

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        if birth_date > timezone.localdate():
            raise ValidationError("La date de naissance ne peut pas être dans le futur.")
        return birth_date


class MentorForm(MentorProfileFields):
    class Meta(MentorProfileFields.Meta):
        fields = [*MentorProfileFields.Meta.fields, "birth_place", "coordinator"]


class MoveForm(forms.Form):
    stage = forms.ChoiceField(label="Nouvelle étape")
    reason = forms.CharField(
        label="Motif ou commentaire",
        required=False,
        max_length=300,
        help_text="Obligatoire pour une pause, un départ ou un refus.",
    )
    interview_at = forms.DateTimeField(
        label="Date de l'entretien",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    interview_notes = forms.CharField(
        label="Notes d'entretien", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, mentor, **kwargs):
        super().__init__(*args, **kwargs)
        from binome.mentors.models import TRANSITIONS

        allowed = TRANSITIONS.get(MentorStage(mentor.stage), set()) - {MentorStage.IN_PAIR}
        self.fields["stage"].choices = [(s.value, s.label) for s in MentorStage if s in allowed]
        self.fields["interview_notes"].initial = mentor.interview_notes


class TrainingSessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["title", "starts_at", "duration_minutes", "online", "place", "capacity", "modules"]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "modules": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, association, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.association = association
        self.fields["modules"].queryset = TrainingModule.objects.filter(association=association)
        self.fields["starts_at"].validators.append(plausible_year)


class TrainingModuleForm(forms.ModelForm):
    class Meta:
        model = TrainingModule
        fields = ["name", "required_before_matching"]


class MentorSettingsForm(forms.ModelForm):
    class Meta:
        model = MentorSettings
        fields = ["stale_after_days"]


class CheckRequestForm(forms.Form):
    requested_on = forms.DateField(label="Demande envoyée le", widget=DATE_WIDGET)


class CheckResultForm(forms.Form):
    result = forms.ChoiceField(
        label="Résultat",
        widget=forms.RadioSelect,
        choices=[
            (CheckResult.COMPLIANT.value, CheckResult.COMPLIANT.label),
            (CheckResult.NOT_COMPLIANT.value, CheckResult.NOT_COMPLIANT.label),
        ],
    )
    result_on = forms.DateField(label="Résultat reçu le", widget=DATE_WIDGET)
    valid_until = forms.DateField(
        label="Valable jusqu'au",
        required=False,
        widget=DATE_WIDGET,
        help_text="Un an après le résultat si vous laissez vide.",
    )


class MentorFilterForm(forms.Form):
    stage = forms.ChoiceField(
        label="Étape", required=False, choices=[("", "Toutes les étapes"), *MentorStage.choices]
    )
    stale = forms.BooleanField(label="Seulement les candidatures qui attendent trop", required=False)
