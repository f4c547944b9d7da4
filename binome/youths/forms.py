from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from binome.accounts.models import Organisation, Role, User
from binome.conventions.models import Convention
from binome.references.models import ReferenceItem, ReferenceKind
from binome.territories.models import Commune, Territory
from binome.utils.choices import SLOTS, Subject
from binome.youths import rules
from binome.youths.models import (
    AssessmentConclusion,
    ConcertedParty,
    ConsentKind,
    ConsentMethod,
    InformationMethod,
    InformedParty,
    PathwaySettings,
    ProposalOutcome,
    Youth,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Accepted scans, recognised by their first bytes rather than by the name the browser sends.
SIGNATURES = {b"%PDF-": ".pdf", b"\x89PNG\r\n\x1a\n": ".png", b"\xff\xd8\xff": ".jpg"}


def validate_scan(upload):
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError("Le fichier dépasse 5 Mo : numérisez-le en noir et blanc ou en PDF compressé.")
    head = upload.read(8)
    upload.seek(0)
    extension = next((ext for signature, ext in SIGNATURES.items() if head.startswith(signature)), None)
    if extension is None:
        raise ValidationError("Format non accepté : déposez un PDF, un JPEG ou un PNG.")
    # The stored name comes from what the file is, never from the name the browser sent.
    upload.name = f"scan{extension}"
    return upload


class YouthForm(forms.ModelForm):
    objectives = forms.ModelMultipleChoiceField(
        label="Objectifs du mentorat",
        queryset=ReferenceItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    availability = forms.MultipleChoiceField(
        label="Disponibilités",
        choices=SLOTS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les moments de la semaine où le jeune peut rencontrer son mentor.",
    )
    subjects = forms.MultipleChoiceField(
        label="Matières à travailler",
        choices=Subject.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Pour le soutien scolaire : les matières où le jeune aimerait être aidé.",
    )

    class Meta:
        model = Youth
        fields = [
            "first_name",
            "last_name",
            "birth_date",
            "gender",
            "ase_service",
            "referrer",
            "external_id",
            "school_level",
            "school_year",
            "care_started_on",
            "care_measure",
            "legal_status",
            "authority_holders",
            "commune",
            "lives_in_qpv",
            "territory",
            "placement_structure",
            "objectives",
            "modality",
            "availability",
            "subjects",
            "interests",
            "languages",
            "mentor_gender_preference",
            "mentor_preferences",
            "notes",
        ]
        widgets = {
            "birth_date": DATE_WIDGET,
            "care_started_on": DATE_WIDGET,
            "interests": forms.Textarea(attrs={"rows": 3}),
            "mentor_preferences": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        org = membership.organisation
        departement = org if org.is_departement else org.departement
        self.instance.departement = departement
        if org.is_ase_service:
            self.instance.ase_service = org
            del self.fields["ase_service"]
            services = [org.pk]
        else:
            self.fields["ase_service"].queryset = Organisation.objects.ase_services().filter(
                departement=departement, is_active=True
            )
            services = list(self.fields["ase_service"].queryset.values_list("pk", flat=True))
        self.fields["referrer"].queryset = User.objects.filter(
            memberships__organisation__in=services,
            memberships__role=Role.REFERRER,
            memberships__is_active=True,
        ).distinct()
        for name, kind in (
            ("school_level", ReferenceKind.SCHOOL_LEVEL),
            ("care_measure", ReferenceKind.CARE_MEASURE),
            ("objectives", ReferenceKind.OBJECTIVE),
        ):
            self.fields[name].queryset = ReferenceItem.objects.of(departement, kind)
        self.fields["commune"].queryset = Commune.objects.filter(departement_code=departement.insee_code)
        self.fields["territory"].queryset = Territory.objects.filter(departement=departement)
        self.fields["territory"].help_text = "Déduit de la commune si vous le laissez vide."
        self.fields["birth_date"].widget.attrs["max"] = timezone.localdate().isoformat()
        if self.instance._state.adding and membership.role == Role.REFERRER:
            self.initial.setdefault("referrer", membership.user_id)


class AssessmentForm(forms.Form):
    date = forms.DateField(label="Date de l'évaluation", widget=DATE_WIDGET)
    author_name = forms.CharField(label="Réalisée par (nom et fonction)", max_length=150)
    conclusion = forms.ChoiceField(
        label="Conclusion", choices=AssessmentConclusion.choices, widget=forms.RadioSelect
    )
    ppe_reference = forms.CharField(
        label="Lien avec le PPE",
        max_length=200,
        required=False,
        help_text="Ex. « PPE du 12/03/2026, volet scolarité » ou « rapport de situation annuel ».",
    )
    notes = forms.CharField(
        label="Observations", required=False, max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )
    concerted_parties = forms.MultipleChoiceField(
        label="Associés à l'évaluation concertée",
        choices=ConcertedParty.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Le jeune est en binôme : si l'évaluation conclut que le mentorat n'est plus dans son intérêt, "
        "elle doit l'associer (art. D.221-40), et le binôme est alors clôturé.",
    )
    participants = forms.CharField(
        label="Participants (noms et fonctions)",
        max_length=300,
        required=False,
        help_text="Ex. « Lina, la jeune ; M. Roux, référent ASE ; Mme Diallo, chargée de mentorat ».",
    )
    youth_opinion = forms.CharField(
        label="Avis du jeune sur son mentorat",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, in_pair=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not in_pair:
            for name in ("concerted_parties", "participants", "youth_opinion"):
                del self.fields[name]


class ProposalForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Issue de la proposition", choices=ProposalOutcome.choices, widget=forms.RadioSelect
    )
    date = forms.DateField(label="Date de la proposition", widget=DATE_WIDGET)
    postponed_until = forms.DateField(
        label="Reportée jusqu'au",
        required=False,
        widget=DATE_WIDGET,
        help_text="Seulement si la proposition est reportée.",
    )


class ConsentForm(forms.Form):
    kind = forms.ChoiceField(label="Consentement", choices=ConsentKind.choices)
    given_by = forms.CharField(
        label="Donné par",
        max_length=150,
        help_text="Ex. « Mme Dupont, mère », « le jeune », « M. Martin, tuteur ».",
    )
    date = forms.DateField(label="Date", widget=DATE_WIDGET)
    method = forms.ChoiceField(label="Comment", choices=ConsentMethod.choices)
    document = forms.FileField(
        label="Document signé (scan)",
        required=False,
        validators=[validate_scan],
        help_text="Obligatoire pour l'accord des parents, du délégataire, du tuteur et du conseil de famille. "
        "PDF, JPEG ou PNG, 5 Mo au plus. Conservé hors de tout accès public.",
    )

    def __init__(self, *args, youth=None, **kwargs):
        super().__init__(*args, **kwargs)
        if youth is not None:
            # Only the consents the youth's legal status requires (art. D.221-35).
            required = rules.required_consents(youth.legal_status, youth.authority_holders)
            self.fields["kind"].choices = [(k, label) for k, label in ConsentKind.choices if k in required]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("method") in (ConsentMethod.WRITTEN, ConsentMethod.FORM) and not cleaned.get(
            "document"
        ):
            self.add_error("document", "Un accord écrit doit être accompagné du document signé.")
        return cleaned


class InformationForm(forms.Form):
    party = forms.ChoiceField(label="Personne informée", choices=InformedParty.choices)
    recipient_name = forms.CharField(
        label="Nom",
        max_length=150,
        help_text="Ex. « Mme Dupont, mère », « le jeune », « M. Martin, tuteur ».",
    )
    date = forms.DateField(label="Date", widget=DATE_WIDGET)
    method = forms.ChoiceField(label="Comment", choices=InformationMethod.choices)
    given_by = forms.CharField(label="Informé par (nom et fonction)", max_length=150)
    leaflet_given = forms.BooleanField(
        label="La notice d'information a été remise", required=False, initial=True
    )

    def __init__(self, *args, youth=None, **kwargs):
        super().__init__(*args, **kwargs)
        if youth is not None:
            required = rules.required_information(youth.legal_status, youth.authority_holders)
            self.fields["party"].choices = [(k, label) for k, label in InformedParty.choices if k in required]


class WithdrawConsentForm(forms.Form):
    note = forms.CharField(label="Motif du retrait", max_length=300)


class ReferralForm(forms.Form):
    message = forms.CharField(
        label="Message pour l'association",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ce que l'association doit savoir pour accompagner le jeune. Visible après son acceptation.",
    )


class RouteForm(forms.Form):
    association = forms.ModelChoiceField(
        label="Association", queryset=Organisation.objects.none(), empty_label="Choisissez une association"
    )

    def __init__(self, *args, departement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["association"].queryset = Organisation.objects.filter(
            pk__in=Convention.objects.current().filter(departement=departement).values("association")
        )


class DeclineForm(forms.Form):
    reason = forms.ModelChoiceField(
        label="Motif du refus", queryset=ReferenceItem.objects.none(), empty_label="Choisissez un motif"
    )
    comment = forms.CharField(
        label="Précisions", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, departement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = ReferenceItem.objects.of(departement, ReferenceKind.DECLINE_REASON)


class WithdrawReferralForm(forms.Form):
    reason = forms.ModelChoiceField(
        label="Motif du retrait", queryset=ReferenceItem.objects.none(), empty_label="Choisissez un motif"
    )

    def __init__(self, *args, departement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = ReferenceItem.objects.of(
            departement, ReferenceKind.WITHDRAWAL_REASON
        )


class PathwaySettingsForm(forms.ModelForm):
    class Meta:
        model = PathwaySettings
        fields = [
            "auto_routing",
            "accept_delay_days",
            "match_delay_days",
            "consent_delay_days",
            "leaflet_text",
        ]
        widgets = {"leaflet_text": forms.Textarea(attrs={"rows": 16})}


class ReferenceItemForm(forms.ModelForm):
    class Meta:
        model = ReferenceItem
        fields = ["label", "position", "is_active"]


class YouthFilterForm(forms.Form):
    STATUS_CHOICES = [
        ("", "Toutes les situations"),
        ("to_propose", "Mentorat à proposer"),
        ("first_assessment_due", "Première évaluation due ou en retard"),
        ("assessment_overdue", "Évaluation à faire ou à renouveler"),
        ("consents_missing", "Consentements incomplets"),
        ("draft", "Orientation à transmettre"),
        ("waiting", "Orientation en cours"),
        ("matched", "En binôme"),
        ("archived", "Sortis du dispositif"),
    ]
    status = forms.ChoiceField(label="Situation", choices=STATUS_CHOICES, required=False)
    mine = forms.BooleanField(label="Seulement mes jeunes", required=False)
