from django import forms
from django.utils import timezone

from binome.accounts.models import Role, User
from binome.mentorships.models import (
    Activity,
    AgreementSettings,
    ContactChannel,
    ContactWith,
    FollowUpSettings,
    Frequency,
    MeetingModality,
    MeetingStatus,
    ObjectivesReached,
    Party,
    ProjectKind,
    ReviewDecision,
    SignatureMethod,
    grouped_closure_reasons,
)
from binome.utils.choices import Modality
from binome.youths.forms import validate_scan


class PrefixedIds:
    """Several forms share the pair's page: each one's field ids start with its own word."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
YES_NO = [("yes", "Oui"), ("no", "Non")]


class AgreementForm(forms.Form):
    modality = forms.ChoiceField(label="Modalité", choices=Modality.choices)
    frequency = forms.ChoiceField(label="Fréquence attendue des rencontres", choices=Frequency.choices)
    objectives = forms.CharField(
        label="Objectifs",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Un objectif par ligne. Ils seront précisés avec le jeune lors du lancement.",
    )
    start_on = forms.DateField(label="Début prévu le", widget=DATE_WIDGET)
    duration_months = forms.IntegerField(
        label="Durée prévue (mois)", min_value=1, max_value=36, help_text="Six mois au moins."
    )
    establishment = forms.CharField(
        label="Établissement ou lieu d'accueil",
        max_length=200,
        required=False,
        help_text="S'il est renseigné, il signe aussi la convention. Vide si le jeune vit en famille.",
    )


class SignatureForm(PrefixedIds, forms.Form):
    id_prefix = "sign"

    party = forms.ChoiceField(label="Partie", choices=Party.choices)
    signer_name = forms.CharField(
        label="Nom et qualité du signataire",
        max_length=150,
        help_text="Ex. « Mme Roux, référente ASE », « le jeune », « M. Martin, directeur du foyer ».",
    )
    signed_on = forms.DateField(label="Signé le", widget=DATE_WIDGET)
    method = forms.ChoiceField(
        label="Preuve de la signature", choices=SignatureMethod.choices, widget=forms.RadioSelect
    )
    document = forms.FileField(
        label="Exemplaire signé (scan)",
        required=False,
        validators=[validate_scan],
        help_text="Obligatoire sans signature en votre présence. PDF, JPEG ou PNG, 5 Mo au plus.",
    )

    def __init__(self, *args, parties=None, **kwargs):
        super().__init__(*args, **kwargs)
        if parties is not None:
            self.fields["party"].choices = [(p, Party(p).label) for p in parties]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("method") == SignatureMethod.SCAN and not cleaned.get("document"):
            self.add_error("document", "Joignez l'exemplaire signé numérisé.")
        return cleaned


class AmendmentForm(forms.Form):
    changes = forms.CharField(
        label="Objet de l'avenant",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ex. « Prolongation de six mois » ou « Rencontres à distance pendant l'été ».",
    )
    end_on = forms.DateField(
        label="Nouvelle fin prévue",
        required=False,
        widget=DATE_WIDGET,
        help_text="Une date plus lointaine prolonge le binôme (reconduction).",
    )
    frequency = forms.ChoiceField(
        label="Fréquence", choices=[("", "Inchangée"), *Frequency.choices], required=False
    )
    modality = forms.ChoiceField(
        label="Modalité", choices=[("", "Inchangée"), *Modality.choices], required=False
    )


class LaunchForm(PrefixedIds, forms.Form):
    id_prefix = "launch"

    held_at = forms.DateTimeField(label="Date et heure de la rencontre de lancement", widget=DATETIME_WIDGET)
    modality = forms.ChoiceField(label="Modalité", choices=MeetingModality.choices)
    parents_present = forms.BooleanField(label="Des parents étaient présents", required=False)
    objectives = forms.CharField(
        label="Objectifs fixés avec le jeune",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ce que le jeune souhaite travailler, dans ses mots.",
    )
    note = forms.CharField(label="Note courte", max_length=500, required=False)


class LaunchPlanForm(PrefixedIds, forms.Form):
    id_prefix = "plan"

    at = forms.DateTimeField(label="Date et heure prévues", widget=DATETIME_WIDGET)
    modality = forms.ChoiceField(label="Modalité", choices=MeetingModality.choices)


class MeetingForm(PrefixedIds, forms.Form):
    id_prefix = "meeting"

    at = forms.DateTimeField(label="Date et heure", widget=DATETIME_WIDGET)
    status = forms.ChoiceField(label="La rencontre", choices=MeetingStatus.choices)
    modality = forms.ChoiceField(label="Modalité", choices=MeetingModality.choices)
    duration_minutes = forms.IntegerField(label="Durée (minutes)", min_value=5, max_value=600, required=False)
    note = forms.CharField(
        label="Note courte",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Ce que vous avez fait ensemble. Aucune information sensible sur le jeune ni sa famille : "
        "le mentor lit cette note dans son espace.",
    )
    next_steps = forms.CharField(label="Prochaines étapes", max_length=500, required=False)

    def __init__(self, *args, for_mentor=False, **kwargs):
        super().__init__(*args, **kwargs)
        if for_mentor:
            self.fields["note"].help_text = (
                "Ce que vous avez fait ensemble, en une phrase. Aucune information sensible sur le jeune "
                "ni sa famille."
            )
            self.fields["status"].choices = [
                (MeetingStatus.HELD, "A eu lieu"),
                (MeetingStatus.PLANNED, "Est prévue"),
                (MeetingStatus.CANCELLED, "A été annulée"),
                (MeetingStatus.NO_SHOW, "Le jeune n'est pas venu"),
            ]


class ContactForm(PrefixedIds, forms.Form):
    id_prefix = "contact"

    on = forms.DateField(label="Date", widget=DATE_WIDGET, initial=timezone.localdate)
    channel = forms.ChoiceField(label="Moyen", choices=ContactChannel.choices)
    with_whom = forms.ChoiceField(label="Avec", choices=ContactWith.choices)
    note = forms.CharField(label="Note courte", max_length=500, required=False)


class ConcernForm(PrefixedIds, forms.Form):
    id_prefix = "concern"

    message = forms.CharField(
        label="Ce qui vous inquiète",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Le binôme passe au rouge jusqu'à ce que la suite donnée soit notée.",
    )

    def __init__(self, *args, for_mentor=False, **kwargs):
        super().__init__(*args, **kwargs)
        if for_mentor:  # the page says who is told and whom to call in an emergency
            self.fields["message"].help_text = ""


class ResolveForm(forms.Form):
    resolution = forms.CharField(label="Suite donnée", max_length=500)


class ReviewForm(PrefixedIds, forms.Form):
    id_prefix = "review"

    held_on = forms.DateField(label="Bilan réalisé le", widget=DATE_WIDGET)
    participants = forms.CharField(
        label="Participants",
        max_length=300,
        help_text="Ex. « référente ASE, chargé de mentorat, le jeune, le mentor ».",
    )
    youth_opinion = forms.CharField(
        label="Avis du jeune", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    decision = forms.ChoiceField(label="Décision", choices=ReviewDecision.choices, widget=forms.RadioSelect)
    notes = forms.CharField(
        label="Observations", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ClosureForm(forms.Form):
    ended_on = forms.DateField(label="Fin du binôme le", widget=DATE_WIDGET, initial=timezone.localdate)
    reason = forms.ChoiceField(label="Motif de fin", choices=[("", "—"), *grouped_closure_reasons()])
    closing_meeting_on = forms.DateField(label="Rencontre de clôture le", widget=DATE_WIDGET, required=False)
    objectives_reached = forms.ChoiceField(
        label="Les objectifs sont-ils atteints ?",
        choices=ObjectivesReached.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="Des objectifs non atteints ne sont pas forcément un échec.",
    )
    mentor_may_rematch = forms.ChoiceField(
        label="Le mentor peut-il être remis en binôme ?", choices=YES_NO, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="Commentaire", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, concerns=(), **kwargs):
        """One required answer per concern still open: what was done about it before the pair ends."""
        super().__init__(*args, **kwargs)
        self.concerns = list(concerns)
        for concern in self.concerns:
            raised = timezone.localtime(concern.raised_at)
            self.fields[f"concern_{concern.pk}"] = forms.CharField(
                label=f"Suite donnée à la préoccupation du {raised:%d/%m/%Y}",
                max_length=500,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=f"« {concern.message[:200]} »",
                error_messages={"required": "Indiquez ce qui a été fait pour cette préoccupation."},
            )

    def concern_resolutions(self) -> dict:
        return {c.pk: self.cleaned_data.get(f"concern_{c.pk}", "") for c in self.concerns}


class CoordinatorForm(forms.Form):
    """Who follows the pair: a manager or a coordinator of the pair's association, still active."""

    coordinator = forms.ModelChoiceField(
        label="Chargé·e de mentorat",
        queryset=User.objects.none(),
        empty_label="— choisir —",
        help_text="La personne qui suit le binôme, reçoit ses alertes et le voit dans son portefeuille.",
    )

    def __init__(self, *args, association, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = (
            User.objects.filter(
                is_active=True,
                memberships__organisation=association,
                memberships__is_active=True,
                memberships__role__in=[Role.MANAGER, Role.COORDINATOR],
            )
            .distinct()
            .order_by("last_name", "first_name")
        )


class ReopenForm(forms.Form):
    reason = forms.CharField(label="Pourquoi rouvrir ce binôme ?", max_length=300)


class FollowUpSettingsForm(forms.ModelForm):
    class Meta:
        model = FollowUpSettings
        fields = [
            "first_month_contacts",
            "contact_every_days",
            "meeting_every_days",
            "due_soon_days",
            "agreement_within_days",
            "pulse_alert_below",
        ]


class AgreementSettingsForm(forms.ModelForm):
    class Meta:
        model = AgreementSettings
        fields = ["heading", "legal_text", "logo", "default_duration_months", "review_every_months"]
        widgets = {"legal_text": forms.Textarea(attrs={"rows": 14})}


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["kind", "title", "starts_at", "place", "capacity", "description"]
        widgets = {"starts_at": DATETIME_WIDGET, "description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "title": "Ex. « Atelier CV », « Sortie au musée ».",
            "capacity": "Nombre de personnes (jeunes et mentors) ; laissez vide s'il n'y a pas de limite.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "—"), *self.fields["kind"].choices[1:]]


class PortfolioFilterForm(forms.Form):
    couleur = forms.ChoiceField(
        label="Suivi",
        required=False,
        choices=[("", "Toutes"), ("red", "Rouge"), ("orange", "Orange"), ("green", "Vert")],
    )
    etat = forms.ChoiceField(
        label="État",
        required=False,
        choices=[
            ("", "En cours et à lancer"),
            ("agreement", "Convention à signer"),
            ("active", "En cours"),
            ("closed", "Clôturés"),
        ],
    )
    mine = forms.BooleanField(label="Seulement les binômes que je suis", required=False)


class ProjectMentionForm(forms.Form):
    kind = forms.ChoiceField(label="Projet du jeune", choices=ProjectKind.choices, widget=forms.RadioSelect)
    written_on = forms.DateField(label="Mentorat inscrit dans le projet le", widget=DATE_WIDGET)
