"""The monthly reporting cycle, and the figures of associations that keep their own CRM.

- `ReportingPeriod`: one calendar month for one département. Opened automatically each month, or by
  the département's pilot, who may then fix one deadline for every association (`fixed_deadline`).
- `AssociationReport`: one per period and association expected to report for it. It carries the
  association's *working copy* of what the platform cannot know (FTE, funding, costs, activities,
  difficulties), what it covers (`covers_from` to the period's month: one month, or the calendar
  quarter for an association whose convention says quarterly, filed in the quarter's last month) and
  its own due date (`due_on`: the convention's reporting day of the next month, or the pilot's fixed
  deadline). Its status (not started / in progress / submitted / late) is derived from these dates.
- `ReportRevision`: what the association submitted, frozen: the figures as columns (so the steering
  indicators can `Sum()` them in SQL over `ReportRevision.objects.current()`) and as a JSON snapshot
  together with the live indicators at that moment. A correction is a new revision; a revision is
  never updated or deleted.
- `ReportedPair` / `ReportedMeetings`: pairs and monthly meeting counts imported from an association's
  own CRM (xlsx), keyed by (association, external id). They are *not* `mentorships.Mentorship` rows:
  the steering indicators add them to the live figures (see `docs/architecture.md`).
- `ImportJob`: one upload, validated then imported in the background, with its progress and report.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from binome.accounts.perms import ASSOCIATION_ROLES, DEPARTEMENT_ROLES
from binome.reporting.months import month_end, month_label, months_between, span_label
from binome.utils.choices import Gender, Modality
from binome.utils.french import de
from binome.utils.jobs import UploadJob
from binome.utils.models import BaseModel

NON_NEGATIVE = [MinValueValidator(0)]
COST_FIELDS = ("cost_staff", "cost_premises", "cost_communication", "cost_transport", "cost_other")


class ReportingPeriodQuerySet(models.QuerySet):
    def visible_to(self, membership):
        if membership is None:
            return self.none()
        org = membership.organisation
        if membership.role in DEPARTEMENT_ROLES:
            return self.filter(departement=org)
        if membership.role in ASSOCIATION_ROLES:
            return self.filter(reports__association=org).distinct()
        return self.none()


class ReportingPeriod(BaseModel):
    departement = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="département",
        on_delete=models.PROTECT,
        related_name="reporting_periods",
        limit_choices_to={"kind": "departement"},
    )
    month = models.DateField("mois", help_text="Premier jour du mois suivi.")
    # The latest due date of the period's reports (the pilot's fixed deadline when there is one): the
    # period takes in associations whose convention starts late until then. Each report has its own.
    deadline = models.DateField(
        "dernière échéance",
        help_text="La plus tardive des échéances des associations : celle fixée par le département, "
        "sinon celle des conventions.",
    )
    fixed_deadline = models.DateField(
        "échéance fixée par le département",
        null=True,
        blank=True,
        help_text="Vide : chaque association a l'échéance prévue par sa convention.",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ouverte par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ReportingPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = "période de suivi mensuel"
        verbose_name_plural = "périodes de suivi mensuel"
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["departement", "month"], name="unique_reporting_period"),
            models.CheckConstraint(
                condition=Q(deadline__gt=F("month")), name="reporting_deadline_after_month"
            ),
            models.CheckConstraint(
                condition=Q(fixed_deadline__isnull=True) | Q(fixed_deadline__gt=F("month")),
                name="reporting_fixed_deadline_after_month",
            ),
        ]

    def __str__(self):
        return f"Suivi {de(self.label)}"

    @property
    def label(self) -> str:
        return month_label(self.month)

    @property
    def month_end(self) -> datetime.date:
        return month_end(self.month)

    def submittable(self, on: datetime.date | None = None) -> bool:
        """A month can be submitted from its last day: before that its figures are not complete. (A
        quarterly report belongs to the quarter's last month: it waits for the quarter's last day.)"""
        return (on or timezone.localdate()) >= self.month_end

    def deadline_text(self, first: datetime.date | None = None, last: datetime.date | None = None) -> str:
        """The period's due dates in words: the pilot's fixed date, one date, or the range of the
        conventions' dates (`first`, `last`: the earliest and latest due dates of its reports, read
        from the database when not given)."""
        if self.fixed_deadline:
            return f"{self.fixed_deadline:%d/%m/%Y}, fixée par le département"
        if first is None or last is None:
            row = self.reports.aggregate(first=models.Min("due_on"), last=models.Max("due_on"))
            first, last = row["first"] or self.deadline, row["last"] or self.deadline
        if first == last:
            return f"{first:%d/%m/%Y}"
        return f"du {first:%d/%m/%Y} au {last:%d/%m/%Y}, selon les conventions"


class ReportStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Non commencé"
    IN_PROGRESS = "in_progress", "En cours de saisie"
    SUBMITTED = "submitted", "Transmis"
    LATE = "late", "En retard"


class SubProject(models.TextChoices):
    MENTORING = "mentoring", "Mentorat"
    PARRAINAGE = "parrainage", "Parrainage"
    OTHER = "other", "Autre projet"


class ReportFigures(models.Model):
    """What the association completes each month: what the platform cannot know by itself."""

    # Ressources
    fte_staff = models.DecimalField(
        "ETP salariés",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
        help_text="Équivalents temps plein salariés consacrés au mentorat ASE ce mois-ci (ex. 1,5).",
    )
    fte_volunteers = models.DecimalField(
        "ETP bénévoles et volontaires",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
        help_text="Bénévoles et volontaires en service civique, hors mentors (ex. 0,5).",
    )
    cost_staff = models.DecimalField(
        "coûts de personnel (€)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    cost_premises = models.DecimalField(
        "locaux (€)", max_digits=12, decimal_places=2, null=True, blank=True, validators=NON_NEGATIVE
    )
    cost_communication = models.DecimalField(
        "communication (€)", max_digits=12, decimal_places=2, null=True, blank=True, validators=NON_NEGATIVE
    )
    cost_transport = models.DecimalField(
        "transports (€)", max_digits=12, decimal_places=2, null=True, blank=True, validators=NON_NEGATIVE
    )
    cost_other = models.DecimalField(
        "autres coûts (€)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
        help_text="Outils, développement, événements…",
    )
    funding = models.JSONField(
        "financements",
        default=list,
        blank=True,
        help_text="Lignes {financeur, sous-projet, montant} rattachées au mois.",
    )
    funding_total = models.DecimalField(
        "total des financements (€)", max_digits=14, decimal_places=2, default=0, editable=False
    )
    technical_tools = models.TextField(
        "outils techniques utilisés",
        blank=True,
        help_text="Logiciel de suivi (CRM), visioconférence, signature électronique… Un outil par ligne.",
    )
    # Activités
    ase_structures_contacted = models.PositiveIntegerField("structures ASE contactées", null=True, blank=True)
    ase_structures_met = models.PositiveIntegerField("structures ASE rencontrées", null=True, blank=True)
    ase_structures_names = models.TextField(
        "liste des structures contactées ou rencontrées", blank=True, help_text="Une structure par ligne."
    )
    information_meetings = models.PositiveIntegerField(
        "réunions d'information départementales",
        null=True,
        blank=True,
        help_text="Auxquelles l'association a participé.",
    )
    awareness_actions = models.PositiveIntegerField(
        "autres actions de sensibilisation",
        null=True,
        blank=True,
        help_text="Campagnes, interventions, salons…",
    )
    workshops = models.PositiveIntegerField("ateliers collectifs", null=True, blank=True)
    workshop_participants = models.PositiveIntegerField("jeunes présents aux ateliers", null=True, blank=True)
    complementary_projects = models.TextField("projets complémentaires", blank=True)
    # Pour le Cotech
    upcoming_presentations = models.TextField(
        "présentations à venir aux acteurs de l'ASE",
        blank=True,
        help_text="Date, lieu et public des prochaines présentations dans les services et établissements.",
    )
    difficulties = models.TextField(
        "difficultés et points de blocage",
        blank=True,
        help_text="Ce que vous souhaitez remonter au Cotech. N'écrivez le nom d'aucun jeune.",
    )
    next_steps = models.TextField("prochaines étapes", blank=True)

    class Meta:
        abstract = True

    NUMBER_FIELDS = (
        "fte_staff",
        "fte_volunteers",
        "cost_staff",
        "cost_premises",
        "cost_communication",
        "cost_transport",
        "cost_other",
        "ase_structures_contacted",
        "ase_structures_met",
        "information_meetings",
        "awareness_actions",
        "workshops",
        "workshop_participants",
    )
    TEXT_FIELDS = (
        "technical_tools",
        "ase_structures_names",
        "complementary_projects",
        "upcoming_presentations",
        "difficulties",
        "next_steps",
    )
    FIGURE_FIELDS = (*NUMBER_FIELDS, "funding", *TEXT_FIELDS)

    def save(self, *args, **kwargs):
        # Kept as a column so the steering indicators sum it in SQL; the lines stay the reference.
        self.funding_total = sum(
            (Decimal(str(line.get("amount") or 0)) for line in self.funding or []), Decimal(0)
        )
        super().save(*args, **kwargs)

    def figures(self) -> dict:
        """The figures as JSON-ready values (decimals as strings, so nothing is rounded)."""
        result = {}
        for name in self.FIGURE_FIELDS:
            value = getattr(self, name)
            if isinstance(value, (int, float)) or value is None:
                result[name] = value
            elif name == "funding":
                result[name] = [dict(line) for line in value]
            else:
                result[name] = str(value)
        return result

    @property
    def costs_total(self) -> Decimal:
        return sum((getattr(self, n) or Decimal(0) for n in COST_FIELDS), Decimal(0))


SECTIONS = (
    (
        "Ressources",
        (
            "fte_staff",
            "fte_volunteers",
            "cost_staff",
            "cost_premises",
            "cost_communication",
            "cost_transport",
            "cost_other",
            "technical_tools",
        ),
    ),
    (
        "Activités",
        (
            "ase_structures_contacted",
            "ase_structures_met",
            "ase_structures_names",
            "information_meetings",
            "awareness_actions",
            "workshops",
            "workshop_participants",
            "complementary_projects",
        ),
    ),
    ("Pour le Cotech", ("upcoming_presentations", "difficulties", "next_steps")),
)
# Numbers the association must give before submitting (0 is an answer; empty is not).
REQUIRED_TO_SUBMIT = (
    "fte_staff",
    "fte_volunteers",
    "cost_staff",
    "ase_structures_contacted",
    "ase_structures_met",
    "information_meetings",
    "awareness_actions",
    "workshops",
)


class AssociationReportQuerySet(models.QuerySet):
    def visible_to(self, membership):
        if membership is None:
            return self.none()
        org = membership.organisation
        if membership.role in DEPARTEMENT_ROLES:
            return self.filter(period__departement=org)
        if membership.role in ASSOCIATION_ROLES:
            return self.filter(association=org)
        return self.none()

    def not_submitted(self):
        return self.filter(current_revision=0)

    def late(self, on: datetime.date):
        return self.not_submitted().filter(due_on__lt=on)


class AssociationReport(ReportFigures, BaseModel):
    period = models.ForeignKey(
        ReportingPeriod, verbose_name="période", on_delete=models.PROTECT, related_name="reports"
    )
    association = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="association",
        on_delete=models.PROTECT,
        related_name="reporting_reports",
        limit_choices_to={"kind": "association"},
    )
    covers_from = models.DateField(
        "premier mois couvert",
        help_text="Le mois de la période, ou le premier mois du trimestre pour un reporting trimestriel.",
    )
    due_on = models.DateField(
        "échéance",
        help_text="Le jour prévu par la convention, le mois suivant la période couverte, ou la date "
        "fixée par le département pour toutes les associations.",
    )
    started_at = models.DateTimeField("saisie commencée le", null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    current_revision = models.PositiveSmallIntegerField(
        "version transmise", default=0, help_text="0 : jamais transmis."
    )
    first_submitted_at = models.DateTimeField("transmis pour la première fois le", null=True, blank=True)
    last_reminded_at = models.DateTimeField("dernière relance le", null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["last_reminded_at"])
    objects = AssociationReportQuerySet.as_manager()

    class Meta:
        verbose_name = "suivi mensuel d'une association"
        verbose_name_plural = "suivis mensuels des associations"
        ordering = ["period", "association__name"]
        constraints = [
            models.UniqueConstraint(fields=["period", "association"], name="unique_report_per_period"),
            models.CheckConstraint(condition=Q(due_on__gt=F("covers_from")), name="report_due_after_start"),
        ]
        indexes = [models.Index(fields=["association", "current_revision"])]

    def __str__(self):
        return f"{self.association} — {self.label}"

    @property
    def deadline(self) -> datetime.date:
        return self.due_on

    @property
    def is_quarterly(self) -> bool:
        return self.covers_from != self.period.month

    @property
    def months_covered(self) -> list[datetime.date]:
        return months_between(self.covers_from, self.period.month)

    @property
    def frequency_label(self) -> str:
        return "Trimestriel" if self.is_quarterly else "Mensuel"

    @property
    def label(self) -> str:
        """« mars 2026 », or « trimestre juillet–septembre 2026 »."""
        return span_label(self.covers_from, self.period.month)

    @property
    def title(self) -> str:
        """« suivi de mars 2026 », or « suivi du trimestre juillet–septembre 2026 » (headings)."""
        return f"suivi {de(self.label)}"

    @property
    def long_title(self) -> str:
        """« suivi mensuel de mars 2026 », or « suivi du trimestre juillet–septembre 2026 » (e-mails, home)."""
        return self.title if self.is_quarterly else f"suivi mensuel {de(self.label)}"

    def status(self, on: datetime.date | None = None) -> str:
        """Derived from the dates, so it is right whatever day one looks."""
        on = on or timezone.localdate()
        if self.current_revision:
            return ReportStatus.SUBMITTED
        if on > self.due_on:
            return ReportStatus.LATE
        if self.started_at:
            return ReportStatus.IN_PROGRESS
        return ReportStatus.NOT_STARTED

    def status_label(self, on: datetime.date | None = None) -> str:
        return ReportStatus(self.status(on)).label

    @property
    def submitted_late(self) -> bool:
        return bool(self.first_submitted_at and timezone.localdate(self.first_submitted_at) > self.due_on)

    def days_left(self, on: datetime.date | None = None) -> int:
        return (self.due_on - (on or timezone.localdate())).days


class ReportRevisionQuerySet(models.QuerySet):
    def current(self):
        """The revision in force of each report: what the steering indicators read."""
        return self.filter(number=F("report__current_revision"))


class ReportRevision(ReportFigures, BaseModel):
    """A submission, frozen. Never updated: a correction is the next revision."""

    report = models.ForeignKey(
        AssociationReport, verbose_name="suivi", on_delete=models.PROTECT, related_name="revisions"
    )
    number = models.PositiveSmallIntegerField("version")
    submitted_at = models.DateTimeField("transmis le", default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="transmis par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField("motif de la correction", blank=True)
    snapshot = models.JSONField(
        "instantané",
        help_text="Les chiffres saisis et les indicateurs calculés au moment de la transmission.",
    )

    objects = ReportRevisionQuerySet.as_manager()

    class Meta:
        verbose_name = "version transmise d'un suivi"
        ordering = ["report", "-number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="unique_revision_number")]

    def __str__(self):
        return f"{self.report} — version {self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("Une version transmise ne se modifie pas : transmettez une correction.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Une version transmise ne se supprime pas.")

    @property
    def indicators(self) -> dict:
        return self.snapshot.get("indicators", {})


# --- Figures imported from an association's own CRM ---------------------------------------------------


class ReportedPairState(models.TextChoices):
    ACTIVE = "active", "En cours"
    CLOSED = "closed", "Clôturé"


class ClosureReason(models.TextChoices):
    """Why a reported pair ended. Pair-related stops are kept apart from the planned end: not reaching
    an objective is recorded separately (`objective_reached`) and is not necessarily a failure."""

    PLANNED_END = "planned_end", "Fin prévue de l'accompagnement"
    MENTOR_UNAVAILABLE = "mentor_unavailable", "Indisponibilité du mentor"
    YOUTH_DISENGAGED = "youth_disengaged", "Désengagement du jeune"
    MOVE = "move", "Déménagement ou changement de lieu d'accueil"
    END_OF_CARE = "end_of_care", "Fin de la mesure ASE"
    AGE_LIMIT = "age_limit", "Majorité ou 21 ans"
    SAFETY = "safety", "Sécurité du jeune"
    HONORABILITY = "honorability", "Honorabilité du mentor"
    OTHER = "other", "Autre motif"


class ReportedPairQuerySet(models.QuerySet):
    def visible_to(self, membership):
        if membership is None:
            return self.none()
        if membership.role in ASSOCIATION_ROLES:
            return self.filter(association=membership.organisation)
        if membership.role in DEPARTEMENT_ROLES:
            return self.filter(departement=membership.organisation)
        return self.none()

    def active_on(self, day: datetime.date):
        return self.filter(started_on__lte=day).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))


def _optional_link(model: str, on_delete=models.PROTECT) -> models.ForeignKey:
    """An optional reference of an imported pair (a list item, a territory): grouped on by steering,
    never filtered alone, so not indexed (an import writes 10,000 rows at once)."""
    return models.ForeignKey(
        model, on_delete=on_delete, null=True, blank=True, related_name="+", db_index=False
    )


class ReportedPair(BaseModel):
    """A pair (binôme) followed in an association's own CRM, as its import file describes it.

    Pseudonymised: the youth and the mentor are the association's own identifiers, never names. The
    steering indicators count these rows *in addition to* `mentorships.Mentorship` (an association
    reports its pairs either by working in Binôme or by importing, not both)."""

    # Few indexes on purpose: an import writes 10,000 rows at once. The unique (association,
    # external_id) and (departement, started_on) indexes serve the lookups; the other foreign keys are
    # only grouped on, never filtered alone.
    association = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="reported_pairs", db_index=False
    )
    departement = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    external_id = models.CharField("identifiant du binôme", max_length=60)
    youth_external_id = models.CharField("identifiant du jeune", max_length=60)
    mentor_external_id = models.CharField("identifiant du mentor", max_length=60, blank=True)
    birth_year = models.PositiveSmallIntegerField("année de naissance du jeune")
    gender = models.CharField("genre du jeune", max_length=1, choices=Gender.choices)
    school_level = _optional_link("references.ReferenceItem")
    care_measure = _optional_link("references.ReferenceItem")
    objective = _optional_link("references.ReferenceItem")
    territory = _optional_link("territories.Territory", on_delete=models.SET_NULL)
    modality = models.CharField("modalité", max_length=12, choices=Modality.choices, blank=True)
    started_on = models.DateField("début")
    ended_on = models.DateField("fin", null=True, blank=True)
    state = models.CharField("état", max_length=10, choices=ReportedPairState.choices)
    closure_reason = models.CharField(
        "motif de clôture", max_length=24, choices=ClosureReason.choices, blank=True
    )
    objective_reached = models.BooleanField("objectif atteint", null=True, blank=True)
    is_renewal = models.BooleanField("reconduction", default=False)
    fingerprint = models.CharField(max_length=32, editable=False)

    objects = ReportedPairQuerySet.as_manager()

    class Meta:
        verbose_name = "binôme déclaré par import"
        verbose_name_plural = "binômes déclarés par import"
        ordering = ["association", "external_id"]
        constraints = [
            models.UniqueConstraint(fields=["association", "external_id"], name="unique_reported_pair"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="reported_pair_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["departement", "started_on"])]

    def __str__(self):
        return f"Binôme {self.external_id}"


class ReportedMeetings(models.Model):
    """How many times a reported pair met in a month (in person, remotely)."""

    pair = models.ForeignKey(ReportedPair, on_delete=models.CASCADE, related_name="meetings", db_index=False)
    month = models.DateField("mois")
    in_person = models.PositiveSmallIntegerField("rencontres en présentiel", default=0)
    remote = models.PositiveSmallIntegerField("rencontres à distance", default=0)

    class Meta:
        verbose_name = "rencontres déclarées d'un mois"
        ordering = ["pair", "month"]
        constraints = [models.UniqueConstraint(fields=["pair", "month"], name="unique_reported_meetings")]

    def __str__(self):
        return f"{self.pair} {self.month:%Y-%m}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "En attente de vérification"
    VALIDATING = "validating", "Vérification en cours"
    VALID = "valid", "Vérifié : prêt à importer"
    INVALID = "invalid", "Erreurs : rien n'a été importé"
    IMPORTING = "importing", "Import en cours"
    DONE = "done", "Importé"
    FAILED = "failed", "Échec technique : rien n'a été importé"


RUNNING_IMPORT_STATES = (ImportStatus.QUEUED, ImportStatus.VALIDATING, ImportStatus.IMPORTING)


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, membership):
        if membership is None or membership.role not in ASSOCIATION_ROLES:
            return self.none()
        return self.filter(association=membership.organisation)


class ImportJob(UploadJob):
    association = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    departement = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="reporting/imports/%Y/%m/", blank=True)
    status = models.CharField(max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    plan = models.JSONField(default=dict, blank=True)  # counts to create / update / leave as they are
    # errors: [row, sheet, column, message]

    RUNNING = RUNNING_IMPORT_STATES

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = "import de données d'association"
        ordering = ["-created_at"]
