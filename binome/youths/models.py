"""The youth's side of the pathway: record, situation assessment, consents, proposal, referral, timeline.

Legal frame: art. L.221-2-6 and D.221-34 to D.221-40 CASF (décret n° 2024-118).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from binome.accounts.models import Role
from binome.accounts.perms import ASSOCIATION_ROLES
from binome.utils.choices import SLOT_LABELS, Gender, GenderPreference, Modality, Subject
from binome.utils.dates import age_on, one_year_after, years_before
from binome.utils.jobs import UploadJob
from binome.utils.lifecycle import Lifecycle
from binome.utils.models import BaseModel, OrganisationSettings

ELIGIBLE_MIN_AGE = 11
ELIGIBLE_MAX_AGE = 20  # "under 21"
COLLEGE_ENTRY_LEVEL = "6e"


class QpvAnswer(models.TextChoices):
    """Does the youth live in a quartier prioritaire de la politique de la ville? Asked of the referrer:
    a QPV is part of a commune, only the address tells (sig.ville.gouv.fr)."""

    YES = "yes", "Oui"
    NO = "no", "Non"
    UNKNOWN = "unknown", "Ne sait pas"


class LegalStatus(models.TextChoices):
    PARENTS = "parents", "Autorité parentale exercée par les parents"
    DELEGATED = "delegated", "Autorité parentale déléguée"
    WARD = "ward", "Pupille de l'État"
    GUARDIANSHIP = "guardianship", "Tutelle (hors pupille de l'État)"
    YOUNG_ADULT = "young_adult", "Jeune majeur"


class ProposalOutcome(models.TextChoices):
    ACCEPTED = "accepted", "Acceptée"
    DECLINED_YOUTH = "declined_youth", "Refusée par le jeune"
    DECLINED_GUARDIANS = "declined_guardians", "Refusée par les titulaires de l'autorité parentale"
    NOT_IN_INTEREST = "not_in_interest", "Pas dans l'intérêt du jeune"
    POSTPONED = "postponed", "Reportée"


DEFAULT_LEAFLET_TEXT = """## C'est quoi, le mentorat ?
Un mentor est une personne bénévole. Elle te rencontre régulièrement, par exemple une ou deux fois par mois, pendant au moins six mois. Elle t'aide pour ce que tu choisis : l'école, ton orientation, un stage, un projet, ou simplement découvrir de nouvelles choses.

## Qui s'en occupe ?
Une association de mentorat choisit et forme le mentor. Elle vérifie qu'il peut être en contact avec des jeunes. Une personne de l'association suit votre binôme et reste joignable.

## Est-ce obligatoire ?
Non. On te le propose parce que la loi le prévoit pour chaque jeune accompagné par l'aide sociale à l'enfance. Ton avis compte : rien ne se fait sans ton accord, ni sans l'accord écrit des personnes qui exercent l'autorité parentale (pour un pupille de l'État : le tuteur et le conseil de famille).

## Comment ça se passe ?
1. Ton référent fait le point avec toi et t'explique le mentorat.
2. Tu donnes ton avis. Tes parents ou ton tuteur donnent leur accord par écrit.
3. L'association te présente un mentor. Vous signez ensemble une convention, avec ton service ASE.
4. Vous vous rencontrez. Ton référent et l'association font un bilan avec toi au moins une fois par an.

## Et si ça ne va plus ?
Tu peux en parler à tout moment à ton référent ou à l'association. Le mentorat s'arrête s'il ne t'aide plus, ou si toi ou tes parents retirez votre accord.

## Tes informations
Seules les informations utiles au mentorat sont transmises à l'association. Elles sont conservées au plus deux ans après la fin du mentorat. Tu peux demander à les voir ou à les corriger auprès du département."""


class PathwaySettings(OrganisationSettings):
    """A département's settings for the youth pathway."""

    departement = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, primary_key=True, related_name="pathway_settings"
    )
    auto_routing = models.BooleanField(
        "orientation automatique",
        default=False,
        help_text="Une fiche transmise est orientée d'office vers l'association la plus adaptée, s'il y en a une.",
    )
    accept_delay_days = models.PositiveSmallIntegerField(
        "délai de réponse d'une association (jours)", default=7
    )
    match_delay_days = models.PositiveSmallIntegerField(
        "délai de mise en binôme après acceptation (jours)", default=30
    )
    consent_delay_days = models.PositiveSmallIntegerField(
        "délai pour réunir les consentements après acceptation de la proposition (jours)", default=30
    )
    leaflet_text = models.TextField(
        "notice d'information (texte du département)",
        default=DEFAULT_LEAFLET_TEXT,
        max_length=8000,
        help_text="Remise au jeune et aux titulaires de l'autorité parentale (art. D.221-35). Des phrases "
        "courtes, des mots simples ; une ligne vide sépare deux paragraphes, « ## » commence un titre.",
    )

    class Meta:
        verbose_name = "réglages du parcours"

    organisation_field = "departement"

    def __str__(self):
        return f"Réglages — {self.departement}"


class YouthQuerySet(models.QuerySet):
    def visible_to(self, membership):
        """Département pilots see their département's youths; referrers their service's; associations
        only the youths referred to them (see Referral for what they may read before accepting)."""
        if membership is None:
            return self.none()
        org = membership.organisation
        if membership.role == Role.PILOT:
            return self.filter(departement=org)
        if membership.role == Role.REFERRER:
            return self.filter(ase_service=org)
        if membership.role in ASSOCIATION_ROLES:
            return self.filter(
                referrals__association=org,
                referrals__state__in=Referral.STATES_SEEN_BY_ASSOCIATION,
            ).distinct()
        return self.none()

    def active(self):
        return self.filter(archived_at__isnull=True)

    def eligible(self, on: datetime.date | None = None):
        """In care, aged 11 to 20, or entering collège (décret: from entry into collège)."""
        on = on or timezone.localdate()
        oldest = years_before(on, ELIGIBLE_MAX_AGE + 1)
        youngest = years_before(on, ELIGIBLE_MIN_AGE)
        return self.active().filter(
            Q(birth_date__gt=oldest, birth_date__lte=youngest)
            | Q(birth_date__gt=oldest, school_level__code=COLLEGE_ENTRY_LEVEL)
        )

    def to_propose(self, on: datetime.date | None = None):
        """Eligible youths still waiting for the systematic proposal (none yet, or postponed until now)."""
        on = on or timezone.localdate()
        return self.eligible(on).filter(
            Q(proposal_outcome="")
            | Q(proposal_outcome=ProposalOutcome.POSTPONED, proposal_postponed_until__lte=on)
        )

    def first_assessment_due(self, on: datetime.date | None = None, within_days: int = 30):
        """Art. D.221-34 al.2: never assessed, and the first assessment is due within `within_days` days or
        late (due at the start of care from 11, at the latest on entering collège)."""
        on = on or timezone.localdate()
        return self.active().filter(
            assessment_date__isnull=True,
            first_assessment_due_on__lte=on + datetime.timedelta(days=within_days),
            birth_date__gt=years_before(on, ELIGIBLE_MAX_AGE + 1),
        )

    def assessment_overdue(self, on: datetime.date | None = None):
        on = on or timezone.localdate()
        return self.filter(Q(assessment_date__isnull=True) | Q(assessment_date__lt=years_before(on, 1)))


class Youth(BaseModel):
    departement = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="département",
        on_delete=models.PROTECT,
        related_name="youths",
        limit_choices_to={"kind": "departement"},
    )
    ase_service = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="service ASE",
        on_delete=models.PROTECT,
        related_name="youths_followed",
        limit_choices_to={"kind": "ase_service"},
    )
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="référent·e ASE",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="youths_referred",
    )
    external_id = models.CharField(
        "identifiant dans le logiciel ASE",
        max_length=60,
        blank=True,
        help_text="Sert à mettre à jour la fiche lors d'un nouvel import au lieu de la dupliquer.",
    )
    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    birth_date = models.DateField("date de naissance")
    gender = models.CharField("genre", max_length=1, choices=Gender.choices)
    school_level = models.ForeignKey(
        "references.ReferenceItem",
        verbose_name="niveau scolaire",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "school_level"},
    )
    care_measure = models.ForeignKey(
        "references.ReferenceItem",
        verbose_name="mesure ASE",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "care_measure"},
    )
    school_year = models.PositiveSmallIntegerField(
        "année scolaire du niveau",
        null=True,
        blank=True,
        help_text="L'année de la rentrée : 2025 pour 2025-2026. Sert à savoir quand le jeune entre au collège.",
    )
    care_started_on = models.DateField(
        "pris en charge par l'ASE depuis le",
        null=True,
        blank=True,
        help_text="L'évaluation de situation est due dès la prise en charge d'un jeune de 11 ans ou plus "
        "(art. D.221-34).",
    )
    legal_status = models.CharField("situation juridique", max_length=20, choices=LegalStatus.choices)
    authority_holders = models.PositiveSmallIntegerField(
        "nombre de titulaires de l'autorité parentale",
        default=2,
        help_text="Chacun doit donner son accord écrit (1 ou 2).",
    )
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name="commune de résidence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lives_in_qpv = models.CharField(
        "réside dans un quartier prioritaire (QPV)",
        max_length=7,
        choices=QpvAnswer.choices,
        blank=True,
        help_text="Quartier prioritaire de la politique de la ville : l'adresse du lieu de vie se vérifie sur "
        "sig.ville.gouv.fr. Sert au pilotage (part des jeunes accompagnés résidant en QPV).",
    )
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name="territoire",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="youths",
    )
    placement_structure = models.CharField("lieu d'accueil", max_length=200, blank=True)
    objectives = models.ManyToManyField(
        "references.ReferenceItem",
        verbose_name="objectifs",
        blank=True,
        related_name="youths",
        limit_choices_to={"kind": "objective"},
    )
    modality = models.CharField("modalité souhaitée", max_length=12, choices=Modality.choices, blank=True)
    availability = models.JSONField("disponibilités", default=list, blank=True)
    subjects = models.JSONField("matières à travailler", default=list, blank=True)
    interests = models.TextField("centres d'intérêt", blank=True, max_length=2000)
    languages = models.CharField("langues parlées", max_length=200, blank=True)
    mentor_gender_preference = models.CharField(
        "préférence pour le mentor", max_length=1, choices=GenderPreference.choices, blank=True
    )
    mentor_preferences = models.TextField("autres souhaits sur le mentor", blank=True, max_length=2000)
    notes = models.TextField(
        "notes internes ASE",
        blank=True,
        max_length=5000,
        help_text="Jamais transmises à l'association. N'y écrivez que ce qui est utile au mentorat.",
    )

    # Kept current by the services, so lists and counts are plain indexed queries.
    assessment_date = models.DateField("date de la dernière évaluation", null=True, blank=True)
    assessment_in_interest = models.BooleanField("mentorat dans l'intérêt du jeune", null=True, blank=True)
    first_assessment_due_on = models.DateField("première évaluation due le", null=True, blank=True)
    consents_complete = models.BooleanField("consentements complets", default=False)
    proposal_outcome = models.CharField(
        "issue de la proposition", max_length=20, choices=ProposalOutcome.choices, blank=True
    )
    proposal_date = models.DateField("date de la proposition", null=True, blank=True)
    proposal_postponed_until = models.DateField("reportée jusqu'au", null=True, blank=True)
    archived_at = models.DateTimeField("sorti du dispositif le", null=True, blank=True)
    anonymised_at = models.DateTimeField("anonymisé le", null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["notes"])
    objects = YouthQuerySet.as_manager()

    class Meta:
        verbose_name = "jeune"
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["departement", "external_id"],
                condition=~Q(external_id=""),
                name="unique_youth_external_id",
            ),
            models.CheckConstraint(
                condition=Q(authority_holders__gte=1, authority_holders__lte=2), name="authority_holders_1_2"
            ),
        ]
        indexes = [
            models.Index(fields=["departement", "last_name", "first_name"]),
            models.Index(fields=["ase_service", "last_name", "first_name"]),
            # Covers the coverage of the legal obligation (steering): the département's youths in care
            # and where their files stand are counted from the index alone (the funnel's columns and
            # its grouping by ASE service and territory), without visiting the rows.
            models.Index(
                fields=["departement", "birth_date"],
                include=[
                    "id",
                    "archived_at",
                    "care_started_on",
                    "proposal_date",
                    "proposal_outcome",
                    "consents_complete",
                    "school_level",
                    "ase_service",
                    "territory",
                ],
                name="youth_dep_funnel_cover",
            ),
            models.Index(fields=["departement", "proposal_outcome"]),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    def availability_labels(self) -> str:
        return ", ".join(SLOT_LABELS.get(slot, slot) for slot in self.availability) or "—"

    def subject_labels(self) -> str:
        return ", ".join(Subject(code).label for code in self.subjects if code in Subject.values) or "—"

    def age(self, on: datetime.date | None = None) -> int:
        return age_on(self.birth_date, on or timezone.localdate())

    @property
    def assessment_due(self) -> datetime.date | None:
        return one_year_after(self.assessment_date) if self.assessment_date else None

    def assessment_valid(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return bool(self.assessment_in_interest and self.assessment_due and self.assessment_due >= on)

    def is_eligible(self, on: datetime.date | None = None) -> bool:
        age = self.age(on)
        college = self.school_level_id is not None and self.school_level.code == COLLEGE_ENTRY_LEVEL
        return self.archived_at is None and age <= ELIGIBLE_MAX_AGE and (age >= ELIGIBLE_MIN_AGE or college)

    def clean(self):
        errors = {}
        if self.birth_date and self.birth_date > timezone.localdate():
            errors["birth_date"] = "La date de naissance ne peut pas être dans le futur."
        if (
            self.ase_service_id
            and self.departement_id
            and self.ase_service.departement_id != self.departement_id
        ):
            errors["ase_service"] = "Ce service ne relève pas du département."
        if self.legal_status == LegalStatus.YOUNG_ADULT and self.birth_date and self.age() < 18:
            errors["legal_status"] = "Un jeune majeur a 18 ans ou plus : vérifiez la date de naissance."
        if (
            self.legal_status
            and self.legal_status != LegalStatus.YOUNG_ADULT
            and self.birth_date
            and self.age() >= 18
        ):
            errors["legal_status"] = "À 18 ans, le jeune consent pour lui-même : choisissez « Jeune majeur »."
        if self.care_started_on and self.care_started_on > timezone.localdate():
            errors["care_started_on"] = "La prise en charge ne peut pas commencer dans le futur."
        if self.care_started_on and self.birth_date and self.care_started_on < self.birth_date:
            errors["care_started_on"] = "La prise en charge ne peut pas précéder la naissance."
        if self.school_year is not None and not 2000 <= self.school_year <= timezone.localdate().year + 1:
            errors["school_year"] = "Indiquez l'année de la rentrée, par exemple 2025 pour 2025-2026."
        if errors:
            raise ValidationError(errors)


class ConcertedParty(models.TextChoices):
    """Who took part in the evaluation that ends a running mentoring (art. D.221-40)."""

    YOUTH = "youth", "Le jeune"
    ASE_SERVICE = "ase_service", "Le service de l'aide sociale à l'enfance"
    ASSOCIATION = "association", "L'association de mentorat"
    ESTABLISHMENT = "establishment", "Le service ou l'établissement d'accueil"
    GUARDIANS = "guardians", "Les titulaires de l'autorité parentale"
    MENTOR = "mentor", "Le mentor"


class AssessmentConclusion(models.TextChoices):
    IN_INTEREST = "in_interest", "Le mentorat est dans l'intérêt du jeune"
    NOT_IN_INTEREST = "not_in_interest", "Le mentorat n'est pas dans l'intérêt du jeune pour le moment"


class SituationAssessment(BaseModel):
    """Art. D.221-34: before proposing mentoring, at the start of care from 11 (at the latest on entering
    collège), then every year. Art. D.221-40: it may end a running mentoring."""

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="assessments")
    date = models.DateField("date de l'évaluation")
    author_name = models.CharField("réalisée par", max_length=150, help_text="Nom et fonction.")
    conclusion = models.CharField("conclusion", max_length=20, choices=AssessmentConclusion.choices)
    ppe_reference = models.CharField(
        "lien avec le PPE",
        max_length=200,
        blank=True,
        help_text="Ex. « PPE du 12/03/2026, volet scolarité » ou « rapport de situation annuel ».",
    )
    notes = models.TextField("observations", blank=True, max_length=3000)
    # Art. D.221-40: ending a running mentoring needs an evaluation concerted with the youth.
    concerted_parties = models.JSONField("associés à l'évaluation", default=list, blank=True)
    participants = models.CharField("participants (noms et fonctions)", max_length=300, blank=True)
    youth_opinion = models.TextField("avis du jeune sur le mentorat", blank=True, max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "évaluation de situation"
        ordering = ["-date"]

    def __str__(self):
        return f"Évaluation du {self.date:%d/%m/%Y}"

    def concerted_labels(self) -> str:
        return ", ".join(
            ConcertedParty(p).label.lower() for p in self.concerted_parties if p in ConcertedParty
        )

    @property
    def due_again(self) -> datetime.date:
        return one_year_after(self.date)

    def clean(self):
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": "L'évaluation ne peut pas être datée dans le futur."})


class ConsentKind(models.TextChoices):
    YOUTH_ADHESION = "youth_adhesion", "Avis et adhésion du jeune"
    PARENT = "parent", "Accord écrit d'un titulaire de l'autorité parentale"
    DELEGATE = "delegate", "Accord écrit du délégataire de l'autorité parentale"
    TUTOR = "tutor", "Accord écrit du tuteur"
    FAMILY_COUNCIL = "family_council", "Accord du conseil de famille"
    YOUNG_ADULT = "young_adult", "Consentement du jeune majeur"


class ConsentMethod(models.TextChoices):
    ORAL = "oral", "Recueilli oralement lors d'un entretien"
    WRITTEN = "written", "Écrit signé"
    FORM = "form", "Formulaire de consentement signé"
    DECISION = "decision", "Décision (procès-verbal, délibération)"


class ConsentQuerySet(models.QuerySet):
    def valid(self):
        return self.filter(withdrawn_at__isnull=True)


class Consent(BaseModel):
    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField("consentement", max_length=20, choices=ConsentKind.choices)
    given_by = models.CharField(
        "donné par",
        max_length=150,
        help_text="Ex. « Mme Dupont, mère » ou « le jeune ». Jamais transmis hors ASE.",
    )
    date = models.DateField("date")
    method = models.CharField("comment", max_length=12, choices=ConsentMethod.choices)
    document = models.FileField("document signé (scan)", upload_to="consents/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField("retiré le", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawal_note = models.CharField("motif du retrait", max_length=300, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = "consentement"
        ordering = ["date"]

    def __str__(self):
        return self.get_kind_display()

    def clean(self):
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": "Le consentement ne peut pas être daté dans le futur."})


class InformedParty(models.TextChoices):
    YOUTH = "youth", "Le jeune"
    PARENT = "parent", "Un titulaire de l'autorité parentale"
    DELEGATE = "delegate", "Le délégataire de l'autorité parentale"
    TUTOR = "tutor", "Le tuteur"
    FAMILY_COUNCIL = "family_council", "Le conseil de famille"


class InformationMethod(models.TextChoices):
    MEETING = "meeting", "Lors d'un entretien"
    PHONE = "phone", "Par téléphone ou en visio"
    LETTER = "letter", "Par courrier ou e-mail"


class Information(BaseModel):
    """Art. D.221-35 al.1: the information given to the child and to each holder of parental authority
    « nécessaire à la compréhension du dispositif » — to whom, when, how, by whom, leaflet handed over."""

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="information_given")
    party = models.CharField("personne informée", max_length=20, choices=InformedParty.choices)
    recipient_name = models.CharField(
        "nom", max_length=150, help_text="Ex. « Mme Dupont, mère » ou « le jeune ». Jamais transmis hors ASE."
    )
    date = models.DateField("date")
    method = models.CharField("comment", max_length=10, choices=InformationMethod.choices)
    given_by = models.CharField("informé par (nom et fonction)", max_length=150)
    leaflet_given = models.BooleanField("notice d'information remise", default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "information donnée"
        ordering = ["date", "created_at"]

    def __str__(self):
        return f"Information — {self.get_party_display()}"

    def clean(self):
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": "L'information ne peut pas être datée dans le futur."})


class ReferralState(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "À orienter par le département"
    ROUTED = "routed", "Orientée vers une association"
    ACCEPTED = "accepted", "Acceptée, en attente de binôme"
    DECLINED = "declined", "Refusée par l'association"
    MATCHED = "matched", "En binôme"
    WITHDRAWN = "withdrawn", "Retirée"


# The referral's life: for each state, the actions allowed there and the state each leads to. The
# services check their action through it; docs/architecture.md draws it (« Cycles de vie »).
REFERRAL_LIFECYCLE = Lifecycle(
    states=ReferralState,
    initial=ReferralState.DRAFT,
    table={
        ReferralState.DRAFT: {"submit": ReferralState.SUBMITTED, "withdraw": ReferralState.WITHDRAWN},
        ReferralState.SUBMITTED: {
            "route": ReferralState.ROUTED,
            "route_to_service": ReferralState.ACCEPTED,
            "withdraw": ReferralState.WITHDRAWN,
        },
        ReferralState.ROUTED: {
            "accept": ReferralState.ACCEPTED,
            "decline": ReferralState.DECLINED,
            "withdraw": ReferralState.WITHDRAWN,
        },
        ReferralState.DECLINED: {
            "route": ReferralState.ROUTED,
            "route_to_service": ReferralState.ACCEPTED,
            "withdraw": ReferralState.WITHDRAWN,
        },
        ReferralState.ACCEPTED: {"match": ReferralState.MATCHED, "withdraw": ReferralState.WITHDRAWN},
        ReferralState.MATCHED: {"rematch": ReferralState.ACCEPTED, "withdraw": ReferralState.WITHDRAWN},
        ReferralState.WITHDRAWN: {},
    },
    actions={
        "submit": "transmise au département",
        "route": "orientée vers une association",
        "route_to_service": "confiée au service ASE (art. D.221-36)",
        "accept": "acceptée",
        "decline": "refusée",
        "match": "binôme validé",
        "rematch": "nouveau mentor après la fin du binôme",
        "withdraw": "retirée",
    },
)


class ReferralQuerySet(models.QuerySet):
    def open(self):
        """The referral in progress, if any (at most one per youth: `one_open_referral_per_youth`)."""
        return self.exclude(state=ReferralState.WITHDRAWN)

    def for_association(self, association):
        return self.filter(association=association, state__in=Referral.STATES_SEEN_BY_ASSOCIATION)


class Referral(BaseModel):
    """The fiche d'orientation. One open referral per youth at a time."""

    STATES_SEEN_BY_ASSOCIATION = (ReferralState.ROUTED, ReferralState.ACCEPTED, ReferralState.MATCHED)

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="referrals")
    departement = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        "état", max_length=12, choices=ReferralState.choices, default=ReferralState.DRAFT
    )
    association = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="association",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        limit_choices_to={"kind": "association"},
    )
    message = models.TextField(
        "message pour l'association",
        blank=True,
        max_length=3000,
        help_text="Ce que l'association doit savoir pour accompagner le jeune (visible après acceptation).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    routed_at = models.DateTimeField(null=True, blank=True)
    routed_automatically = models.BooleanField(default=False)
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.ForeignKey(
        "references.ReferenceItem",
        verbose_name="motif du refus",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "decline_reason"},
    )
    decline_comment = models.CharField("précisions", max_length=500, blank=True)
    matched_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.ForeignKey(
        "references.ReferenceItem",
        verbose_name="motif du retrait",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "withdrawal_reason"},
    )
    declined_by_associations = models.ManyToManyField(
        "accounts.Organisation",
        blank=True,
        related_name="+",
        help_text="Associations qui ont déjà refusé cette orientation : elles ne sont plus proposées.",
    )

    history = HistoricalRecords()
    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = "fiche d'orientation"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["youth"], condition=~Q(state="withdrawn"), name="one_open_referral_per_youth"
            ),
        ]
        indexes = [
            # Steering: matched referrals per youth (coverage) from the index alone, and referrals sent
            # or accepted during a period (or by a date, with their youth: the coverage funnel) without
            # visiting the département's other rows.
            models.Index(
                fields=["departement", "state"], include=["youth", "id"], name="referral_dep_state_cover"
            ),
            models.Index(
                fields=["departement", "submitted_at"], include=["youth"], name="referral_dep_submitted"
            ),
            models.Index(
                fields=["departement", "accepted_at"], include=["youth"], name="referral_dep_accepted"
            ),
            models.Index(fields=["association", "state"]),
        ]

    def __str__(self):
        return f"Orientation ({self.get_state_display()})"

    @property
    def visible_in_full_to_association(self) -> bool:
        return self.state in (ReferralState.ACCEPTED, ReferralState.MATCHED)


class EventKind(models.TextChoices):
    CREATED = "created", "Fiche créée"
    IMPORTED = "imported", "Fiche importée ou mise à jour par import"
    UPDATED = "updated", "Fiche modifiée"
    ASSESSMENT = "assessment", "Évaluation de situation enregistrée"
    PROPOSAL = "proposal", "Proposition de mentorat"
    CONSENT = "consent", "Consentement enregistré"
    CONSENT_WITHDRAWN = "consent_withdrawn", "Consentement retiré"
    INFORMATION = "information", "Information donnée"
    REFERRAL_CREATED = "referral_created", "Fiche d'orientation créée"
    REFERRAL_SUBMITTED = "referral_submitted", "Orientation transmise au département"
    REFERRAL_ROUTED = "referral_routed", "Orientée vers une association"
    REFERRAL_ACCEPTED = "referral_accepted", "Acceptée par l'association"
    REFERRAL_DECLINED = "referral_declined", "Refusée par l'association"
    REFERRAL_MATCHED = "referral_matched", "Mise en binôme"
    REFERRAL_WITHDRAWN = "referral_withdrawn", "Orientation retirée"
    REMINDER = "reminder", "Relance envoyée"
    ARCHIVED = "archived", "Sortie du dispositif"


class YouthEvent(models.Model):
    """The youth's timeline: every state change, who and when."""

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    detail = models.CharField(max_length=300, blank=True)
    # Shown to the association only when it concerns the referral it received.
    visible_to_association = models.BooleanField(default=False)

    class Meta:
        verbose_name = "événement du parcours"
        ordering = ["-at", "-id"]

    def __str__(self):
        return self.get_kind_display()


# --- Import of the youths in care (runs in the worker) -----------------------------------------------


class YouthImportStatus(models.TextChoices):
    QUEUED = "queued", "En attente"
    IMPORTING = "importing", "Import en cours"
    DONE = "done", "Importé"
    INVALID = "invalid", "Erreurs : rien n'a été importé"
    FAILED = "failed", "Échec technique : rien n'a été importé"


RUNNING_YOUTH_IMPORTS = (YouthImportStatus.QUEUED, YouthImportStatus.IMPORTING)
FINISHED_YOUTH_IMPORTS = (YouthImportStatus.DONE, YouthImportStatus.INVALID, YouthImportStatus.FAILED)


class YouthImportJobQuerySet(models.QuerySet):
    def visible_to(self, membership):
        """The imports of the organisation one works for (a service, or the département)."""
        if membership is None:
            return self.none()
        return self.filter(organisation=membership.organisation)


class YouthImportJob(UploadJob):
    """One upload of the ASE software's export, imported all or nothing by the worker."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="youths/imports/%Y/%m/", blank=True)
    status = models.CharField(
        max_length=12, choices=YouthImportStatus.choices, default=YouthImportStatus.QUEUED
    )
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    # errors: [row, column, message]

    RUNNING = RUNNING_YOUTH_IMPORTS

    objects = YouthImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = "import de jeunes"
        ordering = ["-created_at"]
