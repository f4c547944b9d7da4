"""The convention: the contract by which a département entrusts mentoring to an association (its
routing scope, key indicators and reporting terms). Its table keeps the name it had in accounts."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from binome.accounts.models import Organisation, OrganisationKind
from binome.utils.models import BaseModel
from binome.utils.numbers import euros


class ConventionStatus(models.TextChoices):
    DRAFT = "draft", "En préparation"
    ACTIVE = "active", "En vigueur"
    SUSPENDED = "suspended", "Suspendue"
    ENDED = "ended", "Terminée"


class ReportingFrequency(models.TextChoices):
    MONTHLY = "monthly", "Mensuelle"
    QUARTERLY = "quarterly", "Trimestrielle"


class KeyIndicator(models.TextChoices):
    """Impact indicators a département may write into a convention (toolkit, 'Suivi et pilotage')."""

    SELF_CONFIDENCE = "self_confidence", "Jeunes ayant repris confiance en eux"
    GRADES = "grades", "Jeunes ayant amélioré leurs résultats scolaires"
    INTERNSHIP_JOB = "internship_job", "Jeunes ayant trouvé un stage, une formation ou un emploi"
    PSYCHOSOCIAL = "psychosocial", "Jeunes ayant développé des compétences psychosociales"
    SOMEONE_TO_COUNT_ON = "someone_to_count_on", "Jeunes ayant une personne sur qui compter"
    OBJECTIVE_REACHED = "objective_reached", "Binômes ayant atteint leur objectif"
    DURATION_12_MONTHS = "duration_12_months", "Binômes ayant duré 12 mois ou plus"
    TIME_TO_MATCH = "time_to_match", "Délai moyen de mise en relation"
    SATISFACTION = "satisfaction", "Satisfaction des jeunes et des mentors"


class ConventionQuerySet(models.QuerySet):
    def current(self, at: datetime.date | None = None):
        """In force on `at`: active, within its dates, and agreed by the association. This is the
        one spelling of « convention en vigueur »: every access a département has to an
        association's people (mentors, orientations, figures) goes through it."""
        at = at or timezone.localdate()
        return self.in_force_during(at, at)

    def in_force_during(self, start: datetime.date, end: datetime.date):
        """In force at some point between `start` and `end` (both included)."""
        return self.filter(
            status=ConventionStatus.ACTIVE, start_date__lte=end, accepted_at__isnull=False
        ).filter(Q(end_date__isnull=True) | Q(end_date__gte=start))

    def key_indicators_between(self, *, departement_id, association_id) -> list[str]:
        """The key indicators of the convention in force between a département and an association (what
        a pair's surveys ask about); none without a convention in force."""
        convention = self.current().filter(departement=departement_id, association=association_id).first()
        return list(convention.key_indicators) if convention else []

    def awaiting_acceptance(self):
        return self.filter(accepted_at__isnull=True, declined_at__isnull=True)

    def visible_to(self, membership):
        if membership is None:
            return self.none()
        org = membership.organisation
        if org.is_departement:
            return self.filter(departement=org)
        if org.is_association:
            return self.filter(association=org)
        return self.none()


class Convention(BaseModel):
    """The contract by which a département entrusts mentoring to an association."""

    departement = models.ForeignKey(
        Organisation,
        verbose_name="département",
        on_delete=models.PROTECT,
        related_name="conventions_as_departement",
        limit_choices_to={"kind": OrganisationKind.DEPARTEMENT},
    )
    association = models.ForeignKey(
        Organisation,
        verbose_name="association",
        on_delete=models.PROTECT,
        related_name="conventions_as_association",
        limit_choices_to={"kind": OrganisationKind.ASSOCIATION},
    )
    reference = models.CharField("référence", max_length=60, blank=True)
    status = models.CharField("statut", max_length=12, choices=ConventionStatus.choices, default="draft")
    start_date = models.DateField("début")
    end_date = models.DateField("fin", null=True, blank=True)
    youth_target = models.PositiveIntegerField(
        "objectif de jeunes accompagnés", null=True, blank=True, help_text="Sur la durée de la convention."
    )
    objectives = models.TextField("objectifs", blank=True)
    key_indicators = models.JSONField(
        "indicateurs clés",
        default=list,
        blank=True,
        help_text="4 à 5 indicateurs d'impact choisis par le département.",
    )
    reporting_frequency = models.CharField(
        "fréquence du reporting",
        max_length=12,
        choices=ReportingFrequency.choices,
        default=ReportingFrequency.MONTHLY,
    )
    reporting_day = models.PositiveSmallIntegerField(
        "jour limite du reporting",
        default=5,
        help_text="Jour du mois suivant la période avant lequel l'association transmet ses données.",
    )
    # Routing scope: which youths the département may orient to this association.
    territories = models.ManyToManyField(
        "territories.Territory",
        verbose_name="territoires couverts",
        blank=True,
        related_name="conventions",
        help_text="Aucun territoire coché : tout le département.",
    )
    routing_objectives = models.ManyToManyField(
        "references.ReferenceItem",
        verbose_name="objectifs accompagnés",
        blank=True,
        related_name="conventions",
        limit_choices_to={"kind": "objective"},
        help_text="Aucun objectif coché : tous les objectifs.",
    )
    modalities = models.JSONField("modalités proposées", default=list, blank=True)
    age_min = models.PositiveSmallIntegerField("âge minimum", default=11)
    age_max = models.PositiveSmallIntegerField("âge maximum", default=20)
    capacity = models.PositiveIntegerField(
        "capacité d'accueil",
        null=True,
        blank=True,
        help_text="Nombre de jeunes que l'association peut accompagner en même temps (orientations en cours comprises).",
    )
    reporting_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="référent reporting de l'association",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The association's side of the contract. A département cannot bind an association on its own:
    # until its manager accepts (or the association is implanted in the département), the convention
    # gives the département no access to anything of the association's.
    accepted_at = models.DateTimeField("acceptée par l'association le", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="acceptée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    declined_at = models.DateTimeField("refusée par l'association le", null=True, blank=True)
    # The toolkit's funding: what the département pays the association each year (cost indicators).
    yearly_subsidy = models.DecimalField(
        "subvention annuelle (€)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Montant versé chaque année à l'association au titre de la convention, en euros.",
    )

    history = HistoricalRecords(table_name="accounts_historicalconvention")
    objects = ConventionQuerySet.as_manager()

    class Meta:
        db_table = "accounts_convention"
        verbose_name = "convention"
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="convention_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(reporting_day__gte=1, reporting_day__lte=28), name="reporting_day_1_28"
            ),
            models.CheckConstraint(
                condition=Q(yearly_subsidy__isnull=True) | Q(yearly_subsidy__gte=0),
                name="convention_subsidy_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.association} — {self.departement}"

    def clean(self):
        errors = {}
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = "La fin de la convention doit suivre son début."
        unknown = set(self.key_indicators or []) - set(KeyIndicator.values)
        if unknown:
            errors["key_indicators"] = "Indicateur inconnu."
        if len(self.key_indicators or []) > 5:
            errors["key_indicators"] = "Choisissez au plus 5 indicateurs clés."
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            errors["age_max"] = "L'âge maximum doit être supérieur ou égal à l'âge minimum."
        from binome.utils.choices import Modality

        if set(self.modalities or []) - set(Modality.values):
            errors["modalities"] = "Modalité inconnue."
        if errors:
            raise ValidationError(errors)

    def key_indicator_labels(self):
        return [KeyIndicator(code).label for code in self.key_indicators if code in KeyIndicator.values]

    @property
    def needs_acceptance(self) -> bool:
        """An association implanted elsewhere (or nowhere yet) must agree before the convention binds it."""
        return self.association.home_departement_id != self.departement_id

    @property
    def state_label(self) -> str:
        """What the convention is, for people: its status once the association has agreed; until then
        (or after a refusal) that, since an « active » convention not agreed to binds nobody."""
        if self.declined_at:
            return "Refusée par l'association"
        if self.accepted_at is None:
            return "En attente de l'association"
        return self.get_status_display()

    @property
    def state_css(self) -> str:
        return self.status if self.accepted_at and not self.declined_at else "warning"

    @property
    def yearly_subsidy_label(self) -> str:
        """« 45 000 € », for pages."""
        return euros(self.yearly_subsidy)

    @property
    def capacity_check(self) -> "CapacityCheck | None":
        """The latest record of the département's check of the association's capacity (art. D.221-37)."""
        return self.capacity_checks.order_by("-checked_on", "-created_at").first()

    def is_current(self, at: datetime.date | None = None) -> bool:
        at = at or timezone.localdate()
        return (
            self.status == ConventionStatus.ACTIVE
            and self.accepted_at is not None
            and self.start_date <= at
            and (self.end_date is None or self.end_date >= at)
        )


class CapacityCheck(BaseModel):
    """Art. D.221-37: before a convention binds, the département checks that the association can give each
    child an individual project (1°) and inform and support its mentors (2°), and keeps the evidence."""

    convention = models.ForeignKey(
        Convention, verbose_name="convention", on_delete=models.CASCADE, related_name="capacity_checks"
    )
    individual_project = models.BooleanField(
        "1° un projet individuel pour chaque enfant ou jeune accompagné", default=False
    )
    mentor_support = models.BooleanField("2° l'information et l'accompagnement des mentors", default=False)
    evidence = models.FileField("pièce justificative", upload_to="conventions/capacity/%Y/%m/")
    checked_on = models.DateField("vérifiée le")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="enregistrée par",
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "vérification des capacités de l'association"
        verbose_name_plural = "vérifications des capacités des associations"
        ordering = ["-checked_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(individual_project=True, mentor_support=True),
                name="capacity_check_both_points",
            ),
        ]

    def __str__(self):
        return f"{self.convention} — vérifiée le {self.checked_on:%d/%m/%Y}"
