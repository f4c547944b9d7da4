"""The mentor's side: application, pipeline, training, honorability checks (art. L.133-6 CASF).

A mentor belongs to one association. The département records honorability checks; a check is
valid one year by default and a mentor without a valid, compliant check is never matchable.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from binome.accounts.models import Role
from binome.accounts.perms import ASSOCIATION_ROLES
from binome.conventions.models import Convention
from binome.utils.choices import SLOT_LABELS, Gender, Modality, Subject
from binome.utils.dates import age_on, one_year_after
from binome.utils.models import BaseModel, OrganisationSettings


class Occupation(models.TextChoices):
    STUDENT = "student", "Étudiant·e"
    EMPLOYED = "employed", "En activité"
    RETIRED = "retired", "Retraité·e"
    OTHER = "other", "Autre situation"


class HeardFrom(models.TextChoices):
    WORD_OF_MOUTH = "word_of_mouth", "Bouche-à-oreille"
    EMPLOYER = "employer", "Mon employeur"
    SCHOOL = "school", "Mon école ou université"
    WEB = "web", "Internet, réseaux sociaux"
    PLATFORM = "platform", "1jeune1mentor.fr"
    EVENT = "event", "Un événement, un forum"
    OTHER = "other", "Autre"


# National objective codes (references.defaults): mentors of an association that works for several
# départements are described with the shared codes, which every département's list keeps.
OBJECTIVE_CHOICES = [
    ("school_support", "Soutien scolaire"),
    ("orientation", "Orientation scolaire et professionnelle"),
    ("job_insertion", "Insertion professionnelle"),
    ("socio_emotional", "Soutien socio-affectif et ouverture culturelle"),
]


class MentorStage(models.TextChoices):
    CANDIDATE = "candidate", "Candidature reçue"
    INTERVIEW_PLANNED = "interview_planned", "Entretien planifié"
    INTERVIEW_DONE = "interview_done", "Entretien réalisé"
    TRAINING = "training", "En formation"
    VETTING = "vetting", "Contrôle d'honorabilité en cours"
    READY = "ready", "Prêt·e à être mis·e en binôme"
    IN_PAIR = "in_pair", "En binôme"
    PAUSED = "paused", "En pause"
    LEFT = "left", "A quitté le programme"
    NOT_RETAINED = "not_retained", "Candidature non retenue"


# Which stage may follow which; reasons are required to leave or to refuse.
TRANSITIONS = {
    MentorStage.CANDIDATE: {
        MentorStage.INTERVIEW_PLANNED,
        MentorStage.INTERVIEW_DONE,
        MentorStage.NOT_RETAINED,
    },
    MentorStage.INTERVIEW_PLANNED: {MentorStage.INTERVIEW_DONE, MentorStage.NOT_RETAINED, MentorStage.LEFT},
    MentorStage.INTERVIEW_DONE: {MentorStage.TRAINING, MentorStage.NOT_RETAINED, MentorStage.LEFT},
    MentorStage.TRAINING: {MentorStage.VETTING, MentorStage.LEFT, MentorStage.PAUSED},
    MentorStage.VETTING: {MentorStage.READY, MentorStage.LEFT, MentorStage.NOT_RETAINED},
    MentorStage.READY: {MentorStage.IN_PAIR, MentorStage.PAUSED, MentorStage.LEFT},
    MentorStage.IN_PAIR: {MentorStage.READY, MentorStage.PAUSED, MentorStage.LEFT},
    MentorStage.PAUSED: {MentorStage.READY, MentorStage.TRAINING, MentorStage.LEFT},
    MentorStage.LEFT: {MentorStage.CANDIDATE},
    MentorStage.NOT_RETAINED: set(),
}
STAGES_NEEDING_REASON = {MentorStage.LEFT, MentorStage.NOT_RETAINED, MentorStage.PAUSED}
ACTIVE_STAGES = (
    MentorStage.CANDIDATE,
    MentorStage.INTERVIEW_PLANNED,
    MentorStage.INTERVIEW_DONE,
    MentorStage.TRAINING,
    MentorStage.VETTING,
)


def validate_capacity(value):
    if not 1 <= value <= 3:
        raise ValidationError("Entre 1 et 3 jeunes à la fois.")


def validate_travel_km(value):
    if value > 100:
        raise ValidationError("100 km au plus.")


class MentorSettings(OrganisationSettings):
    """An association's settings for its mentor pipeline."""

    association = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, primary_key=True, related_name="mentor_settings"
    )
    stale_after_days = models.PositiveSmallIntegerField(
        "délai avant relance d'une candidature à la même étape (jours)",
        default=14,
        help_text="« Au-delà de deux semaines, on les perd. »",
    )

    class Meta:
        verbose_name = "réglages des mentors"

    organisation_field = "association"

    def __str__(self):
        return f"Réglages — {self.association}"


class MentorQuerySet(models.QuerySet):
    def visible_to(self, membership):
        """An association sees its own mentors, an ASE service's referrers the service's own (art.
        D.221-36); a département pilot sees the mentors of the associations under convention with it and
        of its services (for honorability checks only)."""
        if membership is None:
            return self.none()
        org = membership.organisation
        if membership.role in (*ASSOCIATION_ROLES, Role.REFERRER):
            return self.filter(association=org)
        if membership.role == Role.PILOT:
            return self.checked_by(org)
        return self.none()

    def checked_by(self, departement):
        """Mentors whose honorability the département checks: those of the associations under a
        convention in force with it (which the association has agreed to)."""
        current = Convention.objects.current().filter(departement=departement).values("association")
        # And those of its ASE services, which coordinate pairs failing an association (art. D.221-36).
        return self.filter(
            models.Q(association__in=current)
            | models.Q(association__kind="ase_service", association__departement=departement)
        )

    def matchable(self, on: datetime.date | None = None):
        """Ready (or in a pair with room left), trained as the association requires, honorability valid
        today. A check expiring yesterday, or a non-compliant result, removes the mentor at once."""
        on = on or timezone.localdate()
        return self.filter(
            stage__in=[MentorStage.READY, MentorStage.IN_PAIR],
            training_complete=True,
            honorability_valid_until__gte=on,
            current_pairs__lt=models.F("capacity"),
        )


class Mentor(BaseModel):
    association = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="association",
        on_delete=models.PROTECT,
        related_name="mentors",
        # An association, or an ASE service recording its own mentors (art. D.221-36).
        limit_choices_to={"kind__in": ["association", "ase_service"]},
    )
    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    email = models.EmailField("e-mail")
    phone = models.CharField("téléphone", max_length=30, blank=True)
    birth_date = models.DateField("date de naissance")
    birth_place = models.CharField(
        "lieu de naissance",
        max_length=120,
        blank=True,
        help_text="Nécessaire à la demande de bulletin n° 2 du casier judiciaire.",
    )
    gender = models.CharField("genre", max_length=1, choices=Gender.choices)
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name="commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    occupation = models.CharField("situation", max_length=12, choices=Occupation.choices)
    occupation_detail = models.CharField("métier ou études", max_length=150, blank=True)
    motivation = models.TextField("motivation", max_length=3000)
    availability = models.JSONField("disponibilités", default=list, blank=True)
    modality = models.CharField("modalité", max_length=12, choices=Modality.choices)
    travel_km = models.PositiveSmallIntegerField(
        "distance de déplacement (km)", default=10, validators=[validate_travel_km]
    )
    objectives = models.JSONField("objectifs", default=list, blank=True)
    subjects = models.JSONField("matières", default=list, blank=True)
    interests = models.TextField("centres d'intérêt", blank=True, max_length=2000)
    languages = models.CharField("langues parlées", max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(
        "nombre de jeunes accompagnés en même temps", default=1, validators=[validate_capacity]
    )
    heard_from = models.CharField("connu par", max_length=20, choices=HeardFrom.choices, blank=True)
    privacy_accepted_at = models.DateTimeField("information RGPD acceptée le", null=True, blank=True)

    stage = models.CharField(
        "étape", max_length=20, choices=MentorStage.choices, default=MentorStage.CANDIDATE
    )
    stage_since = models.DateTimeField("à cette étape depuis", default=timezone.now)
    stage_reason = models.CharField("motif", max_length=300, blank=True)
    interview_at = models.DateTimeField("entretien prévu le", null=True, blank=True)
    interview_notes = models.TextField("notes d'entretien", blank=True, max_length=5000)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="chargé·e de mentorat",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentors_followed",
    )
    # Kept current by the services, so matching filters with plain indexed queries.
    training_complete = models.BooleanField("formation requise suivie", default=False)
    honorability_valid_until = models.DateField(
        "honorabilité vérifiée jusqu'au",
        null=True,
        blank=True,
        help_text="Vide si aucun contrôle conforme, ou si le dernier résultat n'est pas conforme.",
    )
    current_pairs = models.PositiveSmallIntegerField("binômes en cours", default=0)
    anonymised_at = models.DateTimeField("anonymisé le", null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["interview_notes"])
    objects = MentorQuerySet.as_manager()

    class Meta:
        verbose_name = "mentor"
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["association", "stage", "honorability_valid_until"]),
            models.Index(fields=["association", "email"]),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    def age(self, on: datetime.date | None = None) -> int:
        return age_on(self.birth_date, on or timezone.localdate())

    def availability_labels(self) -> str:
        return ", ".join(SLOT_LABELS.get(slot, slot) for slot in self.availability) or "—"

    def objective_labels(self) -> str:
        labels = dict(OBJECTIVE_CHOICES)
        return ", ".join(labels.get(code, code) for code in self.objectives) or "—"

    def subject_labels(self) -> str:
        return ", ".join(Subject(code).label for code in self.subjects if code in Subject.values) or "—"

    def clean(self):
        if self.birth_date and self.age() < 16:
            raise ValidationError({"birth_date": "Un mentor a au moins 16 ans."})


class MentorEvent(models.Model):
    """The mentor's timeline: every stage change, who and when."""

    mentor = models.ForeignKey(Mentor, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    stage = models.CharField(max_length=20, choices=MentorStage.choices, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return self.get_stage_display() or self.detail


class TrainingModule(BaseModel):
    association = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="training_modules"
    )
    name = models.CharField("module", max_length=150)
    required_before_matching = models.BooleanField("obligatoire avant la mise en binôme", default=True)

    class Meta:
        verbose_name = "module de formation"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["association", "name"], name="unique_training_module")]

    def __str__(self):
        return self.name


class TrainingSession(BaseModel):
    association = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="training_sessions"
    )
    title = models.CharField("intitulé", max_length=150)
    starts_at = models.DateTimeField("date et heure")
    duration_minutes = models.PositiveSmallIntegerField("durée (minutes)", default=120)
    online = models.BooleanField("à distance", default=False)
    place = models.CharField("lieu ou lien", max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField("places", default=15)
    modules = models.ManyToManyField(TrainingModule, verbose_name="modules couverts", related_name="sessions")

    class Meta:
        verbose_name = "session de formation"
        ordering = ["-starts_at"]

    def __str__(self):
        return f"{self.title} — {timezone.localtime(self.starts_at):%d/%m/%Y}"


class TrainingRegistration(BaseModel):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="registrations")
    mentor = models.ForeignKey(Mentor, on_delete=models.CASCADE, related_name="trainings")
    attended = models.BooleanField("présent·e", null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "mentor"], name="unique_registration")]

    def __str__(self):
        return f"{self.mentor} — {self.session}"


class CheckResult(models.TextChoices):
    PENDING = "pending", "En attente du résultat"
    COMPLIANT = "compliant", "Conforme"
    NOT_COMPLIANT = "not_compliant", "Non conforme"


class HonorabilityCheck(BaseModel):
    """B2 and FIJAIS check (art. L.133-6 CASF). Status, dates and who — never the record's content."""

    mentor = models.ForeignKey(Mentor, on_delete=models.CASCADE, related_name="checks")
    departement = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField("demandé le")
    result_on = models.DateField("résultat reçu le", null=True, blank=True)
    result = models.CharField(
        "résultat", max_length=16, choices=CheckResult.choices, default=CheckResult.PENDING
    )
    valid_until = models.DateField("valable jusqu'au", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    failure_confirmed_at = models.DateTimeField("fin du mentorat confirmée le", null=True, blank=True)

    class Meta:
        verbose_name = "contrôle d'honorabilité"
        ordering = ["-requested_on"]
        indexes = [models.Index(fields=["mentor", "result", "valid_until"])]

    def __str__(self):
        return f"Contrôle du {self.requested_on:%d/%m/%Y} — {self.get_result_display()}"

    def clean(self):
        errors = {}
        today = timezone.localdate()
        if self.requested_on and self.requested_on > today:
            errors["requested_on"] = "La demande ne peut pas être datée dans le futur."
        if self.result != CheckResult.PENDING and not self.result_on:
            errors["result_on"] = "Indiquez la date du résultat."
        if self.result_on and self.requested_on and self.result_on < self.requested_on:
            errors["result_on"] = "Le résultat ne peut pas précéder la demande."
        if self.result_on and self.result_on > today:
            errors["result_on"] = "Le résultat ne peut pas être daté dans le futur."
        if errors:
            raise ValidationError(errors)

    def default_valid_until(self) -> datetime.date | None:
        return (
            one_year_after(self.result_on)
            if self.result == CheckResult.COMPLIANT and self.result_on
            else None
        )


def stage_allowed(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(MentorStage(current), set())
