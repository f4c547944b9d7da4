"""The pair (binôme) and its lifecycle, from the agreement to the closure.

- `Mentorship`: created when a coordinator validates a matching proposal (state « agreement »), started
  by its launch meeting once every party signed the agreement (« active »), closed with a two-level
  reason (« closed »), possibly reopened (with a trace in `Closure`) or renewed (`is_renewal`).
  The follow-up figures the steering reads are plain columns kept current by the services:
  `colour` / `colour_since` / `follow_up_due_on` (green, orange, red), `meetings_in_person` /
  `meetings_remote` (held sessions), `last_meeting_on`, `last_contact_on`, `concern_open`,
  `review_due_on`, `planned_end_on`, `extension_count`, and on closure `closure_category`,
  `closure_reason`, `objectives_reached`, `frequency_kept`, `mentor_may_rematch`, `ended_at`.
  Time to match is kept on the pair itself (referral accepted → pair proposed → pair validated →
  pair started) so the indicators read it without replaying the timeline.
- `Agreement`: the convention individuelle (art. D.221-38, number 0) and its amendments (avenants,
  number 1, 2…), each with its terms and one `Signature` per party.
- `Meeting` (sessions of the pair, launch and closing meetings), `FollowUpContact` (staff contacts,
  logged apart), `Concern` (a worry reported by the mentor or the staff: the pair turns red),
  `Review` (annual review, art. D.221-40), `Closure` (each closure, kept when reopened).
- `MentorAccess`: magic links to the mentor's space (hashed tokens, one pair each).
- `FollowUpSettings` (association) and `AgreementSettings` (département): rules with defaults.
- `Activity` / `ActivityRegistration`: collective activities with registrations and attendance.
"""

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from binome.accounts.models import Role
from binome.accounts.perms import ASSOCIATION_ROLES, DEPARTEMENT_ROLES, POLICIES
from binome.utils.choices import Modality
from binome.utils.images import check_png_or_jpeg
from binome.utils.lifecycle import Lifecycle
from binome.utils.models import BaseModel, OrganisationSettings


class MentorshipState(models.TextChoices):
    AGREEMENT = "agreement", "Convention à signer"
    ACTIVE = "active", "En cours"
    CLOSED = "closed", "Clôturé"


# The pair's life: for each state, the actions allowed there and the state each leads to. The services
# check their action through it; docs/architecture.md draws it (« Cycles de vie »).
MENTORSHIP_LIFECYCLE = Lifecycle(
    states=MentorshipState,
    initial=MentorshipState.AGREEMENT,
    table={
        MentorshipState.AGREEMENT: {"launch": MentorshipState.ACTIVE, "close": MentorshipState.CLOSED},
        MentorshipState.ACTIVE: {"close": MentorshipState.CLOSED},
        MentorshipState.CLOSED: {
            "reopen": MentorshipState.ACTIVE,
            "reopen_before_launch": MentorshipState.AGREEMENT,
        },
    },
    actions={
        "launch": "rencontre de lancement, convention signée",
        "close": "clôture",
        "reopen": "réouverture d'un binôme lancé",
        "reopen_before_launch": "réouverture avant le lancement",
    },
)


OPEN_STATES = (MentorshipState.AGREEMENT, MentorshipState.ACTIVE)


class Colour(models.TextChoices):
    GREEN = "green", "À jour"
    ORANGE = "orange", "Bientôt dû"
    RED = "red", "En retard ou préoccupation"


COLOUR_ORDER = {Colour.RED: 0, Colour.ORANGE: 1, Colour.GREEN: 2, "": 3}


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Chaque semaine"
    FORTNIGHTLY = "fortnightly", "Toutes les deux semaines"
    MONTHLY = "monthly", "Une à deux fois par mois"
    SIX_WEEKS = "six_weeks", "Au moins toutes les six semaines"


class ClosureCategory(models.TextChoices):
    PAIR = "pair", "Arrêt lié au binôme"
    ASE = "ase", "Fin liée à l'ASE"
    SAFETY = "safety", "Sécurité et honorabilité"
    NATURAL = "natural", "Fin naturelle"


class ClosureReason(models.TextChoices):
    MENTOR_UNAVAILABLE = "mentor_unavailable", "Mentor indisponible (temps, déménagement, santé)"
    YOUTH_DISENGAGED = "youth_disengaged", "Jeune désengagé"
    RELATIONSHIP = "relationship", "La relation ne fonctionne pas"
    MOVE = "move", "Déménagement ou changement de lieu d'accueil du jeune"
    END_OF_MEASURE = "end_of_measure", "Fin de la mesure ASE"
    AGE_LIMIT = "age_limit", "Limite d'âge (18 ou 21 ans)"
    NOT_IN_INTEREST = "not_in_interest", "Évaluation : plus dans l'intérêt de l'enfant"
    CONSENT_WITHDRAWN = "consent_withdrawn", "Retrait d'un consentement"
    SAFETY = "safety", "Sécurité du jeune"
    HONORABILITY = "honorability", "Contrôle d'honorabilité non conforme"
    PLANNED_END = "planned_end", "Fin prévue de l'accompagnement"
    NO_LONGER_NEEDED = "no_longer_needed", "Le jeune n'a plus besoin d'un mentor"


REASON_CATEGORY = {
    ClosureReason.MENTOR_UNAVAILABLE: ClosureCategory.PAIR,
    ClosureReason.YOUTH_DISENGAGED: ClosureCategory.PAIR,
    ClosureReason.RELATIONSHIP: ClosureCategory.PAIR,
    ClosureReason.MOVE: ClosureCategory.PAIR,
    ClosureReason.END_OF_MEASURE: ClosureCategory.ASE,
    ClosureReason.AGE_LIMIT: ClosureCategory.ASE,
    ClosureReason.NOT_IN_INTEREST: ClosureCategory.ASE,
    ClosureReason.CONSENT_WITHDRAWN: ClosureCategory.ASE,
    ClosureReason.SAFETY: ClosureCategory.SAFETY,
    ClosureReason.HONORABILITY: ClosureCategory.SAFETY,
    ClosureReason.PLANNED_END: ClosureCategory.NATURAL,
    ClosureReason.NO_LONGER_NEEDED: ClosureCategory.NATURAL,
}


def grouped_closure_reasons():
    """For a select with optgroups: (category label, [(reason, label)…])."""
    return [
        (category.label, [(r.value, r.label) for r in ClosureReason if REASON_CATEGORY[r] == category])
        for category in ClosureCategory
    ]


class ObjectivesReached(models.TextChoices):
    YES = "yes", "Oui"
    MOSTLY = "mostly", "En grande partie"
    PARTLY = "partly", "En partie"
    NO = "no", "Non"


# --- Settings -------------------------------------------------------------------------------------


class FollowUpSettings(OrganisationSettings):
    """An association's follow-up rules. Defaults: MENTOR's Elements of Effective Practice (staff
    contact twice in month 1 then monthly) and the national plan (a meeting every 6 weeks at least)."""

    association = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, primary_key=True, related_name="follow_up_settings"
    )
    first_month_contacts = models.PositiveSmallIntegerField(
        "contacts du chargé de mentorat le premier mois", default=2
    )
    contact_every_days = models.PositiveSmallIntegerField(
        "ensuite, un contact au moins tous les (jours)", default=30
    )
    meeting_every_days = models.PositiveSmallIntegerField(
        "une rencontre du binôme au moins tous les (jours)", default=42
    )
    due_soon_days = models.PositiveSmallIntegerField("orange : échéance dans moins de (jours)", default=7)
    agreement_within_days = models.PositiveSmallIntegerField(
        "convention signée et binôme lancé dans les (jours)", default=30
    )
    pulse_alert_below = models.PositiveSmallIntegerField(
        "alerte si le mentor répond moins de (sur 5) au questionnaire de suivi",
        default=3,
        help_text="Une réponse sous ce seuil fait passer le binôme à l'orange et prévient le chargé de "
        "mentorat, jusqu'à son prochain contact. 1 : jamais d'alerte.",
    )

    class Meta:
        verbose_name = "règles de suivi des binômes"

    organisation_field = "association"

    def __str__(self):
        return f"Règles de suivi — {self.association}"

    def clean(self):
        errors = {}
        if not 1 <= self.first_month_contacts <= 8:
            errors["first_month_contacts"] = "Entre 1 et 8 contacts."
        if not 7 <= self.contact_every_days <= 92:
            errors["contact_every_days"] = "Entre 7 et 92 jours."
        if not 7 <= self.meeting_every_days <= 92:
            errors["meeting_every_days"] = "Entre 7 et 92 jours."
        if not 1 <= self.due_soon_days <= 30:
            errors["due_soon_days"] = "Entre 1 et 30 jours."
        if not 7 <= self.agreement_within_days <= 120:
            errors["agreement_within_days"] = "Entre 7 et 120 jours."
        if not 1 <= self.pulse_alert_below <= 5:
            errors["pulse_alert_below"] = "Entre 1 (jamais d'alerte) et 5."
        if errors:
            raise ValidationError(errors)


DEFAULT_LEGAL_TEXT = (
    "La présente convention est conclue en application de l'article L.221-2-6 du code de l'action sociale "
    "et des familles et des articles D.221-34 à D.221-40 issus du décret n° 2024-118 du 16 février 2024 "
    "relatif au mentorat des enfants et des jeunes majeurs accompagnés par l'aide sociale à l'enfance. Ses "
    "modalités de mise en œuvre sont également précisées dans le projet pour l'enfant (PPE) ou, pour un jeune "
    "majeur, dans son projet d'accès à l'autonomie (PAA).\n\n"
    "Le mentorat est une relation bénévole, gratuite et confidentielle. Le mentor s'engage à respecter la "
    "vie privée du jeune, à ne pas se substituer aux professionnels qui l'accompagnent ni aux titulaires de "
    "l'autorité parentale, et à signaler sans délai au chargé de mentorat toute difficulté. L'association "
    "forme le mentor, l'informe et l'accompagne pendant toute la durée du mentorat, et suit le binôme. Le "
    "président du conseil départemental s'assure, avant le début du mentorat puis au moins une fois par an, "
    "que le mentor remplit les conditions d'honorabilité de l'article L.133-6 CASF (art. D.221-39) ; si elles "
    "ne sont plus remplies, il est mis fin au mentorat. Le service de l'aide sociale à l'enfance évalue "
    "régulièrement le mentorat avec l'association, en tenant compte de l'avis du jeune ; il est mis fin au "
    "mentorat, après une évaluation concertée associant le jeune, lorsqu'il n'est plus en adéquation avec son "
    "intérêt (art. D.221-40).\n\n"
    "Chaque partie peut mettre fin à la convention à tout moment en prévenant le chargé de mentorat. "
    "Les données nécessaires au suivi sont traitées par le département et l'association dans le respect "
    "du RGPD ; elles sont conservées au plus deux ans après la fin du mentorat."
)


def validate_logo(upload):
    """Checked by its bytes (binome/utils/images.py): an SVG or a page renamed .png is refused."""
    check_png_or_jpeg(upload, max_bytes=1024 * 1024, what="Le logo")


class AgreementSettings(OrganisationSettings):
    """The département's agreement template: its heading, legal wording and logo, default duration."""

    departement = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, primary_key=True, related_name="agreement_settings"
    )
    heading = models.CharField(
        "service émetteur",
        max_length=200,
        default="Direction de l'enfance et de la famille — Aide sociale à l'enfance",
    )
    legal_text = models.TextField("clauses de la convention", default=DEFAULT_LEGAL_TEXT, max_length=8000)
    logo = models.FileField(
        "logo du département",
        upload_to="agreement-logos/",
        blank=True,
        validators=[validate_logo],
        help_text="PNG ou JPEG, 1 Mo au plus. Imprimé en haut de chaque convention.",
    )
    default_duration_months = models.PositiveSmallIntegerField("durée prévue par défaut (mois)", default=6)
    review_every_months = models.PositiveSmallIntegerField("bilan tous les (mois)", default=12)

    class Meta:
        verbose_name = "modèle de convention individuelle"

    organisation_field = "departement"

    def __str__(self):
        return f"Modèle de convention — {self.departement}"

    def clean(self):
        errors = {}
        if not 6 <= self.default_duration_months <= 36:
            errors["default_duration_months"] = "Entre 6 et 36 mois : le mentorat dure au moins six mois."
        if not 3 <= self.review_every_months <= 12:
            errors["review_every_months"] = "Un bilan au moins une fois par an (entre 3 et 12 mois)."
        if errors:
            raise ValidationError(errors)


# --- The pair -------------------------------------------------------------------------------------


class Coordination(models.TextChoices):
    """Art. D.221-36: the mentoring is coordinated by an association under convention or, failing one, by
    the ASE service or establishment caring for the child (its staff then play the coordinator's part)."""

    ASSOCIATION = "association", "Association de mentorat"
    ASE_SERVICE = "ase_service", "Service ou établissement de l'ASE (à défaut d'association)"


class ProjectKind(models.TextChoices):
    PPE = "ppe", "Projet pour l'enfant (PPE)"
    PAA = "paa", "Projet d'accès à l'autonomie (PAA)"


class MentorshipQuerySet(models.QuerySet):
    def visible_to(self, membership):
        """The association sees its pairs; the ASE referrer the pairs of the youths of their service;
        the département's staff see pairs through aggregates and pseudonymised lists only."""
        if membership is None:
            return self.none()
        org = membership.organisation
        if membership.role in ASSOCIATION_ROLES:
            return self.filter(association=org)
        if membership.role == Role.REFERRER:
            return self.filter(youth__ase_service=org)
        if membership.role in DEPARTEMENT_ROLES:
            return self.filter(departement=org)
        return self.none()

    def managed_by(self, membership):
        """The pairs someone follows as their coordinator: an association's staff, its pairs; an ASE
        referrer, the pairs their service coordinates failing an association (art. D.221-36)."""
        if membership is None or membership.role not in POLICIES["mentorships.manage"].roles:
            return self.none()
        return self.filter(association=membership.organisation)

    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def by_colour(self):
        """Red first, then orange, green, then pairs without a colour; the longest in a colour first."""
        order = models.Case(
            *[models.When(colour=colour, then=models.Value(rank)) for colour, rank in COLOUR_ORDER.items()],
            default=models.Value(9),
            output_field=models.IntegerField(),
        )
        return self.annotate(colour_rank=order).order_by("colour_rank", "colour_since", "pk")


class Mentorship(BaseModel):
    association = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="mentorships"
    )
    departement = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    youth = models.ForeignKey("youths.Youth", on_delete=models.PROTECT, related_name="mentorships")
    mentor = models.ForeignKey("mentors.Mentor", on_delete=models.PROTECT, related_name="mentorships")
    referral = models.ForeignKey(
        "youths.Referral", on_delete=models.SET_NULL, null=True, blank=True, related_name="mentorships"
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="chargé·e de mentorat",
    )
    state = models.CharField(
        "état", max_length=12, choices=MentorshipState.choices, default=MentorshipState.AGREEMENT
    )
    # Set from the kind of the coordinating organisation (`association`); steering counts them apart.
    coordination = models.CharField(
        "coordonné par", max_length=12, choices=Coordination.choices, default=Coordination.ASSOCIATION
    )
    is_renewal = models.BooleanField("reconduction", default=False)
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="renewals",
        verbose_name="binôme précédent",
    )
    # Time to match, for the steering indicators.
    referral_accepted_at = models.DateTimeField("orientation acceptée le", null=True, blank=True)
    proposed_at = models.DateTimeField("binôme proposé le", null=True, blank=True)
    validated_at = models.DateTimeField("binôme validé le", default=timezone.now)
    started_at = models.DateField("binôme démarré le", null=True, blank=True)
    ended_at = models.DateField("binôme clôturé le", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # Set at launch and kept current by the services (see the module docstring).
    launch_objectives = models.TextField("objectifs fixés avec le jeune", blank=True, max_length=2000)
    next_steps = models.CharField("prochaines étapes", max_length=500, blank=True)
    planned_end_on = models.DateField("fin prévue le", null=True, blank=True)
    extension_count = models.PositiveSmallIntegerField("prolongations par avenant", default=0)
    colour = models.CharField("suivi", max_length=6, choices=Colour.choices, blank=True, db_index=True)
    colour_since = models.DateTimeField("dans cette couleur depuis", null=True, blank=True)
    colour_reason = models.CharField("raison de la couleur", max_length=200, blank=True)
    follow_up_due_on = models.DateField("prochaine échéance de suivi", null=True, blank=True)
    last_meeting_on = models.DateField("dernière rencontre le", null=True, blank=True)
    last_contact_on = models.DateField("dernier contact du chargé de mentorat le", null=True, blank=True)
    contacts_first_month = models.PositiveSmallIntegerField("contacts du premier mois", default=0)
    meetings_in_person = models.PositiveIntegerField("rencontres en présentiel", default=0)
    meetings_remote = models.PositiveIntegerField("rencontres à distance", default=0)
    concern_open = models.BooleanField("préoccupation en cours", default=False)
    pulse_alert_on = models.DateField(
        "questionnaire du mentor préoccupant le", null=True, blank=True, help_text="Levé au contact suivant."
    )
    review_due_on = models.DateField("prochain bilan dû le", null=True, blank=True)
    # L.221-2-6 III: the mentoring is written into the youth's PPE (or PAA for a young adult), with its date.
    project_kind = models.CharField("projet du jeune", max_length=3, choices=ProjectKind.choices, blank=True)
    project_written_on = models.DateField("inscrit dans le projet le", null=True, blank=True)
    # Closure (emptied when the pair is reopened; each closure stays in `Closure`).
    closure_category = models.CharField(
        "type de fin", max_length=10, choices=ClosureCategory.choices, blank=True
    )
    closure_reason = models.CharField(
        "motif de fin", max_length=20, choices=ClosureReason.choices, blank=True
    )
    objectives_reached = models.CharField(
        "objectifs atteints", max_length=6, choices=ObjectivesReached.choices, blank=True
    )
    frequency_kept = models.BooleanField("fréquence respectée", null=True, blank=True)
    mentor_may_rematch = models.BooleanField("le mentor peut être remis en binôme", null=True, blank=True)

    history = HistoricalRecords()
    objects = MentorshipQuerySet.as_manager()

    class Meta:
        verbose_name = "binôme"
        ordering = ["-validated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["youth"],
                condition=Q(state__in=["agreement", "active"]),
                name="one_open_mentorship_per_youth",
                violation_error_message="Ce jeune a déjà un binôme en cours.",
            )
        ]
        indexes = [
            models.Index(fields=["association", "state"]),
            models.Index(fields=["departement", "state"]),
            models.Index(fields=["association", "state", "colour"]),
            # The steering indicators read pairs of a département by date: the breakdowns, the trend, the
            # per-association summary and the meetings' pairs from the index alone.
            models.Index(
                fields=["departement", "validated_at"],
                include=[
                    "ended_at",
                    "started_at",
                    "youth",
                    "association",
                    "is_renewal",
                    "id",
                    "referral_accepted_at",
                ],
                name="pair_dep_validated_cover",
            ),
        ]

    def __str__(self):
        return f"Binôme {self.youth.first_name} – {self.mentor.first_name}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def meetings_held(self) -> int:
        return self.meetings_in_person + self.meetings_remote

    @property
    def days_to_propose(self) -> int | None:
        if self.referral_accepted_at and self.proposed_at:
            return max(0, (self.proposed_at - self.referral_accepted_at).days)
        return None

    @property
    def days_to_start(self) -> int | None:
        if self.referral_accepted_at and self.started_at:
            return max(0, (self.started_at - timezone.localdate(self.referral_accepted_at)).days)
        return None

    def review_overdue(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.state == MentorshipState.ACTIVE and bool(self.review_due_on and self.review_due_on < on)

    def duration_days(self, on: datetime.date | None = None) -> int | None:
        if not self.started_at:
            return None
        end = self.ended_at or on or timezone.localdate()
        return max(0, (end - self.started_at).days)


# --- Agreement ------------------------------------------------------------------------------------


class AgreementKind(models.TextChoices):
    INITIAL = "initial", "Convention individuelle"
    AMENDMENT = "amendment", "Avenant"


class Party(models.TextChoices):
    ASE = "ase", "Service de l'aide sociale à l'enfance, représenté par le référent"
    ASSOCIATION = "association", "Association de mentorat"
    ESTABLISHMENT = "establishment", "Établissement ou lieu d'accueil"
    YOUTH = "youth", "Jeune"
    MENTOR = "mentor", "Mentor"


class Agreement(BaseModel):
    """The convention individuelle (number 0) or one of its amendments (1, 2…): the terms as signed.

    Terms are editable until the first signature; the document is complete when every party signed."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="agreements")
    kind = models.CharField("document", max_length=10, choices=AgreementKind.choices, default="initial")
    number = models.PositiveSmallIntegerField("numéro", default=0)
    modality = models.CharField("modalité", max_length=12, choices=Modality.choices)
    frequency = models.CharField(
        "fréquence attendue", max_length=12, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    objectives = models.TextField("objectifs", max_length=2000)
    start_on = models.DateField("début prévu le")
    duration_months = models.PositiveSmallIntegerField("durée prévue (mois)", default=6)
    end_on = models.DateField("fin prévue le")
    establishment = models.CharField(
        "établissement ou lieu d'accueil",
        max_length=200,
        blank=True,
        help_text="Partie à la convention s'il est renseigné.",
    )
    consents_summary = models.TextField("consentements sur lesquels elle repose", blank=True, max_length=2000)
    changes = models.TextField("objet de l'avenant", blank=True, max_length=2000)
    extends = models.BooleanField("prolonge le binôme", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField("toutes les signatures réunies le", null=True, blank=True)

    class Meta:
        verbose_name = "convention individuelle"
        ordering = ["mentorship", "number"]
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "number"], name="unique_agreement_number")
        ]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        if self.kind == AgreementKind.AMENDMENT:
            return f"Avenant n° {self.number}"
        return "Convention individuelle de mentorat"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None

    def required_parties(self) -> list[str]:
        parties = [Party.ASE, Party.ASSOCIATION]
        if self.establishment.strip():
            parties.append(Party.ESTABLISHMENT)
        return [*parties, Party.YOUTH, Party.MENTOR]

    def missing_parties(self) -> list[str]:
        signed = set(self.signatures.values_list("party", flat=True))
        return [p for p in self.required_parties() if p not in signed]


class SignatureMethod(models.TextChoices):
    SCAN = "scan", "Exemplaire signé numérisé"
    IN_PRESENCE = "in_presence", "Signé en présence du chargé de mentorat"


class Signature(BaseModel):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatures")
    party = models.CharField("partie", max_length=14, choices=Party.choices)
    signer_name = models.CharField("nom et qualité du signataire", max_length=150)
    signed_on = models.DateField("signé le")
    method = models.CharField("preuve", max_length=12, choices=SignatureMethod.choices)
    document = models.FileField("exemplaire signé (scan)", upload_to="agreements/%Y/%m/", blank=True)
    witnessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="signé en présence de",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "signature"
        ordering = ["signed_on"]
        constraints = [models.UniqueConstraint(fields=["agreement", "party"], name="one_signature_per_party")]

    def __str__(self):
        return f"{self.get_party_display()} — {self.signed_on:%d/%m/%Y}"


# --- Meetings, contacts, concerns -----------------------------------------------------------------


class MeetingKind(models.TextChoices):
    SESSION = "session", "Rencontre du binôme"
    LAUNCH = "launch", "Rencontre de lancement"
    CLOSING = "closing", "Rencontre de clôture"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Prévue"
    HELD = "held", "Réalisée"
    CANCELLED = "cancelled", "Annulée"
    NO_SHOW = "no_show", "Absence non prévenue"


class MeetingModality(models.TextChoices):
    IN_PERSON = "in_person", "En présentiel"
    REMOTE = "remote", "À distance"


class Meeting(BaseModel):
    # Indexed by `meeting_pair_at_cover` below, which leads with the pair.
    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="meetings", db_index=False
    )
    kind = models.CharField("type", max_length=8, choices=MeetingKind.choices, default=MeetingKind.SESSION)
    status = models.CharField(
        "statut", max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.HELD
    )
    at = models.DateTimeField("date et heure")
    duration_minutes = models.PositiveSmallIntegerField("durée (minutes)", null=True, blank=True)
    modality = models.CharField(
        "modalité", max_length=10, choices=MeetingModality.choices, default=MeetingModality.IN_PERSON
    )
    note = models.CharField(
        "note courte",
        max_length=500,
        blank=True,
        help_text="Ce que vous avez fait ensemble, sans information sensible sur le jeune.",
    )
    next_steps = models.CharField("prochaines étapes", max_length=500, blank=True)
    parents_present = models.BooleanField("parents présents", default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by_mentor = models.BooleanField("noté par le mentor", default=False)

    class Meta:
        verbose_name = "rencontre"
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["mentorship", "kind", "status", "at"]),
            models.Index(fields=["status", "at"]),
            # A pair's meetings (and the foreign key's lookups); the steering indicators count the
            # meetings of a scope's pairs during a period from this index alone.
            models.Index(
                fields=["mentorship", "at"],
                include=["status", "modality", "id"],
                name="meeting_pair_at_cover",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} du {timezone.localtime(self.at):%d/%m/%Y}"


class ContactChannel(models.TextChoices):
    CALL = "call", "Appel"
    EMAIL = "email", "E-mail"
    SMS = "sms", "SMS ou messagerie"
    TRIPARTITE = "tripartite", "Rencontre tripartite"
    VISIT = "visit", "Rencontre avec l'un des deux"


class ContactWith(models.TextChoices):
    MENTOR = "mentor", "Le mentor"
    YOUTH = "youth", "Le jeune"
    BOTH = "both", "Le mentor et le jeune"
    REFERRER = "referrer", "Le référent ASE ou le lieu d'accueil"
    FAMILY = "family", "La famille"


class FollowUpContact(BaseModel):
    """A contact of the staff about the pair: counted by the follow-up rules, apart from meetings."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="contacts")
    on = models.DateField("date")
    channel = models.CharField("moyen", max_length=10, choices=ContactChannel.choices)
    with_whom = models.CharField("avec", max_length=10, choices=ContactWith.choices)
    note = models.CharField("note courte", max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = "contact de suivi"
        ordering = ["-on", "-created_at"]

    def __str__(self):
        return f"{self.get_channel_display()} du {self.on:%d/%m/%Y}"


class Concern(BaseModel):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="concerns")
    raised_at = models.DateTimeField("signalée le", default=timezone.now)
    raised_by_mentor = models.BooleanField("signalée par le mentor", default=False)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.TextField("ce qui inquiète", max_length=2000)
    resolved_at = models.DateTimeField("traitée le", null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField("suite donnée", max_length=500, blank=True)

    class Meta:
        verbose_name = "préoccupation"
        ordering = ["-raised_at"]

    def __str__(self):
        return f"Préoccupation du {timezone.localtime(self.raised_at):%d/%m/%Y}"


# --- Review, closure ------------------------------------------------------------------------------


class ReviewDecision(models.TextChoices):
    CONTINUE = "continue", "Poursuivre le mentorat"
    END = "end", "Y mettre fin : il ne sert plus l'intérêt du jeune"


class Review(BaseModel):
    """The regular review by the ASE service with the association (art. D.221-40)."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="reviews")
    due_on = models.DateField("dû le", null=True, blank=True)
    held_on = models.DateField("réalisé le")
    participants = models.CharField("participants", max_length=300)
    youth_opinion = models.TextField("avis du jeune", max_length=2000)
    decision = models.CharField("décision", max_length=10, choices=ReviewDecision.choices)
    notes = models.TextField("observations", blank=True, max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "bilan"
        ordering = ["-held_on"]

    def __str__(self):
        return f"Bilan du {self.held_on:%d/%m/%Y}"


class Closure(BaseModel):
    """Each closure of a pair, kept when it is reopened (the trace)."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="closures")
    ended_on = models.DateField("fin le")
    closing_meeting_on = models.DateField("rencontre de clôture le", null=True, blank=True)
    category = models.CharField("type de fin", max_length=10, choices=ClosureCategory.choices)
    reason = models.CharField("motif", max_length=20, choices=ClosureReason.choices)
    objectives_reached = models.CharField(
        "objectifs atteints", max_length=6, choices=ObjectivesReached.choices, blank=True
    )
    meetings_in_person = models.PositiveIntegerField("rencontres en présentiel", default=0)
    meetings_remote = models.PositiveIntegerField("rencontres à distance", default=0)
    frequency_kept = models.BooleanField("fréquence respectée", null=True)
    mentor_may_rematch = models.BooleanField("le mentor peut être remis en binôme", null=True)
    comment = models.TextField("commentaire", blank=True, max_length=2000)
    automatic = models.BooleanField("clôture automatique", default=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reopened_at = models.DateTimeField("rouvert le", null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reopen_reason = models.CharField("motif de la réouverture", max_length=300, blank=True)

    class Meta:
        verbose_name = "clôture"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Clôture du {self.ended_on:%d/%m/%Y}"


# --- The mentor's space ---------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class MentorAccess(BaseModel):
    """A magic link to the mentor's space of one pair. Only the hash is stored; the link works until
    `expires_at`, and stops when the pair is closed or a staff member revokes it."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="mentor_accesses")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "lien vers l'espace mentor"

    def __str__(self):
        return f"Lien mentor (jusqu'au {timezone.localtime(self.expires_at):%d/%m/%Y})"


# --- Collective activities ------------------------------------------------------------------------


class ActivityKind(models.TextChoices):
    WORKSHOP = "workshop", "Atelier"
    OUTING = "outing", "Sortie"
    NATIONAL_DAY = "national_day", "Journée nationale ou événement"
    OTHER = "other", "Autre"


class Activity(BaseModel):
    association = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="activities"
    )
    kind = models.CharField("type", max_length=14, choices=ActivityKind.choices)
    title = models.CharField("intitulé", max_length=150)
    starts_at = models.DateTimeField("date et heure")
    place = models.CharField("lieu", max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField("places", null=True, blank=True)
    description = models.TextField("description", blank=True, max_length=2000)

    class Meta:
        verbose_name = "activité collective"
        ordering = ["-starts_at"]

    def __str__(self):
        return f"{self.title} — {timezone.localtime(self.starts_at):%d/%m/%Y}"


class ActivityRegistration(BaseModel):
    """A youth or a mentor registered for an activity; `attended` is set after it took place."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="registrations")
    youth = models.ForeignKey(
        "youths.Youth", on_delete=models.CASCADE, null=True, blank=True, related_name="activity_registrations"
    )
    mentor = models.ForeignKey(
        "mentors.Mentor",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activity_registrations",
    )
    attended = models.BooleanField("présent·e", null=True, blank=True)

    class Meta:
        verbose_name = "inscription à une activité"
        constraints = [
            models.CheckConstraint(
                condition=Q(youth__isnull=True, mentor__isnull=False)
                | Q(youth__isnull=False, mentor__isnull=True),
                name="registration_youth_or_mentor",
            ),
            models.UniqueConstraint(fields=["activity", "youth"], name="unique_activity_youth"),
            models.UniqueConstraint(fields=["activity", "mentor"], name="unique_activity_mentor"),
        ]

    def __str__(self):
        return str(self.youth or self.mentor)

    @property
    def person(self):
        return self.youth or self.mentor
