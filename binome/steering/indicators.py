"""Every steering indicator, in one place: what it means (a French label and definition shown next to
it everywhere) and how it is computed, for a period and a scope (national, a département, an
association, a territory).

The impact value chain of the toolkit orders them: Ressources → Activités → Réalisations → Résultats
→ Impact. Figures come from three sources:

- the platform itself (pairs, referrals, youths, mentors): SQL aggregates, one query per group of
  indicators, conditional aggregation for the period and the same period one year earlier — never a
  loop over rows in Python;
- the monthly reporting of each association, for what the platform cannot know (FTE, funding,
  costs, ASE structures contacted, meetings, workshops): `reported_figures()`, None (« non
  renseigné ») until a figure has been reported;
- the pair lifecycle (meetings, follow-up colour, closure, exit survey): `lifecycle_figures()`.

Steering only reads: nothing here writes a domain row.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.models import (
    Aggregate,
    Avg,
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate

from binome.accounts.models import Convention, Organisation
from binome.mentors.models import Mentor, MentorStage
from binome.mentorships.models import (
    OPEN_STATES,
    Activity,
    ClosureCategory,
    ClosureReason,
    Colour,
    Meeting,
    MeetingModality,
    MeetingStatus,
    Mentorship,
    ObjectivesReached,
)
from binome.references.models import ReferenceItem
from binome.steering.periods import Period
from binome.surveys.models import Respondent, SurveyKind, SurveyResponse
from binome.surveys.questions import BY_CODE as EXIT_QUESTIONS
from binome.territories.models import Territory
from binome.utils.choices import Gender, Modality
from binome.utils.dates import years_before
from binome.youths.models import ProposalOutcome, Referral, ReferralState, Youth

REACHED = (ObjectivesReached.YES, ObjectivesReached.MOSTLY, ObjectivesReached.PARTLY)
SIX_MONTHS = datetime.timedelta(days=183)
TWELVE_MONTHS = datetime.timedelta(days=365)
NOT_REPORTED = None  # shown as « non renseigné »


def _agrees(code: str) -> str:
    return (
        f"Jeunes ayant répondu 4 ou 5 sur 5 (plutôt ou tout à fait d'accord) à « {EXIT_QUESTIONS[code].youth} » "
        "dans leur questionnaire de fin de mentorat, rempli pendant la période."
    )


# --- The registry -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    definition: str


STAGES = (
    Stage("ressources", "Ressources", "Moyens humains et financiers qui permettent les activités."),
    Stage("activites", "Activités", "Actions menées par les associations pour atteindre leurs objectifs."),
    Stage(
        "realisations",
        "Réalisations",
        "Ce que produisent ces actions : jeunes accompagnés, binômes, mentors.",
    ),
    Stage("resultats", "Résultats", "Effets sur les binômes : objectifs atteints, clôtures et leurs motifs."),
    Stage("impact", "Impact", "Effets pour les jeunes, mesurés par le questionnaire de fin de mentorat."),
)
STAGE_LABELS = {s.key: s.label for s in STAGES}


@dataclass(frozen=True)
class Indicator:
    key: str
    stage: str
    label: str
    definition: str
    unit: str = "count"  # count | days | ratio | euros | fte | number
    source: str = "platform"  # platform | reporting | lifecycle
    comparable: bool = True  # False for a stock read today: no "same period last year"

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS[self.source]


SOURCE_LABELS = {
    "platform": "Calculé par la plateforme",
    "reporting": "Déclaré par les associations (suivi mensuel)",
    "lifecycle": "Calculé à partir du suivi des binômes",
}

INDICATORS = (
    # Ressources
    Indicator(
        "fte_staff",
        "ressources",
        "ETP salariés",
        "Équivalents temps plein salariés consacrés au mentorat, déclarés par les associations.",
        "fte",
        "reporting",
    ),
    Indicator(
        "fte_volunteers",
        "ressources",
        "ETP bénévoles et volontaires",
        "Équivalents temps plein bénévoles et volontaires (service civique), déclarés par les associations.",
        "fte",
        "reporting",
    ),
    Indicator(
        "pairs_per_fte",
        "ressources",
        "Binômes suivis par ETP",
        "Binômes suivis pendant la période divisés par le total des ETP déclarés (salariés et bénévoles). "
        "Repère : 25 à 32 binômes par chargé·e de mentorat.",
        "number",
        "reporting",
    ),
    Indicator(
        "funding_total",
        "ressources",
        "Financements reçus",
        "Subventions et financements affectés à la période, tous financeurs et sous-projets confondus.",
        "euros",
        "reporting",
    ),
    Indicator(
        "costs_total",
        "ressources",
        "Coûts du programme",
        "Dépenses déclarées pour la période : personnel et coûts annexes (locaux, communication, "
        "transport, outils…).",
        "euros",
        "reporting",
    ),
    Indicator(
        "cost_per_pair",
        "ressources",
        "Coût par binôme",
        "Coûts déclarés pour la période divisés par le nombre de binômes suivis pendant la période. "
        "Repère annuel : 350 à 1 500 € par binôme, dont 70 % de personnel.",
        "euros",
        "reporting",
    ),
    # Activités
    Indicator(
        "ase_structures_contacted",
        "activites",
        "Structures ASE contactées",
        "Services et établissements de l'ASE contactés par les associations pendant la période.",
        source="reporting",
    ),
    Indicator(
        "ase_structures_met",
        "activites",
        "Structures ASE rencontrées",
        "Services et établissements de l'ASE rencontrés par les associations pendant la période.",
        source="reporting",
    ),
    Indicator(
        "info_meetings",
        "activites",
        "Réunions d'information départementales",
        "Réunions d'information organisées par le département auxquelles les associations ont participé.",
        source="reporting",
    ),
    Indicator(
        "awareness_actions",
        "activites",
        "Actions de sensibilisation",
        "Autres actions de sensibilisation menées (campagnes d'information, interventions…).",
        source="reporting",
    ),
    Indicator(
        "workshops",
        "activites",
        "Ateliers collectifs",
        "Ateliers collectifs, sorties et événements organisés pour les binômes pendant la période.",
        source="reporting",
    ),
    Indicator(
        "referrals_submitted",
        "activites",
        "Orientations transmises",
        "Fiches d'orientation transmises au département pendant la période (pour une association : "
        "orientations reçues du département).",
    ),
    Indicator(
        "referrals_accepted",
        "activites",
        "Orientations acceptées",
        "Orientations acceptées par une association pendant la période.",
    ),
    # Réalisations
    Indicator(
        "youths_mentored",
        "realisations",
        "Jeunes accompagnés",
        "Jeunes ayant un binôme suivi pendant la période : binôme validé avant la fin de la période et "
        "non clôturé avant son début. Les binômes que les associations importent de leur propre outil "
        "comptent aussi, leur date de début tenant lieu de validation.",
    ),
    Indicator(
        "pairs_followed",
        "realisations",
        "Binômes suivis",
        "Binômes validés avant la fin de la période et non clôturés avant son début (binômes importés "
        "par les associations compris, leur date de début tenant lieu de validation).",
    ),
    Indicator(
        "pairs_new",
        "realisations",
        "Nouveaux binômes",
        "Binômes validés pendant la période, hors reconductions.",
    ),
    Indicator(
        "pairs_renewed",
        "realisations",
        "Binômes reconduits",
        "Binômes validés pendant la période qui prolongent un binôme précédent (reconduction).",
    ),
    Indicator(
        "pairs_active_end",
        "realisations",
        "Binômes en cours en fin de période",
        "Binômes validés et non clôturés au dernier jour de la période.",
    ),
    Indicator(
        "mentors_applied",
        "realisations",
        "Candidatures de mentors",
        "Candidatures de mentors reçues pendant la période par les associations concernées.",
    ),
    Indicator(
        "mentors_trained",
        "realisations",
        "Mentors formés",
        "Mentors présents à au moins une session de formation pendant la période.",
    ),
    Indicator(
        "mentors_in_pair",
        "realisations",
        "Mentors en binôme",
        "Mentors ayant un binôme suivi pendant la période.",
    ),
    Indicator(
        "mentors_available",
        "realisations",
        "Mentors mobilisés à ce jour",
        "Mentors prêts à être mis en binôme ou déjà en binôme aujourd'hui (état du jour, sans comparaison).",
        comparable=False,
    ),
    Indicator(
        "structures_mobilised",
        "realisations",
        "Structures ASE mobilisées",
        "Services et établissements ASE dont au moins une orientation a été transmise pendant la période.",
    ),
    Indicator(
        "time_to_match_avg",
        "realisations",
        "Délai moyen de mise en relation",
        "Pour les binômes formés dans Binôme et validés pendant la période : jours entre l'acceptation de "
        "l'orientation par l'association et la validation du binôme, en moyenne. Les binômes importés "
        "par les associations n'en font pas partie (leurs dates d'orientation ne sont pas connues).",
        "days",
    ),
    Indicator(
        "time_to_match_median",
        "realisations",
        "Délai médian de mise en relation",
        "Même mesure que le délai moyen, sur les binômes formés dans Binôme ; la moitié des binômes ont "
        "attendu moins, l'autre moitié plus.",
        "days",
    ),
    Indicator(
        "duration_avg",
        "realisations",
        "Durée moyenne des binômes clôturés",
        "Pour les binômes clôturés pendant la période : jours entre le démarrage (ou, à défaut, la "
        "validation) et la clôture, en moyenne ; pour les binômes importés par les associations, entre "
        "leurs dates de début et de fin.",
        "days",
    ),
    Indicator(
        "meetings_held",
        "realisations",
        "Rencontres réalisées",
        "Rencontres des binômes tenues pendant la période, en présentiel ou à distance, rencontres de "
        "lancement et de clôture comprises.",
        source="lifecycle",
    ),
    Indicator(
        "meetings_remote_share",
        "realisations",
        "Part des rencontres à distance",
        "Rencontres tenues à distance divisées par toutes les rencontres tenues pendant la période.",
        "ratio",
        "lifecycle",
    ),
    Indicator(
        "meetings_per_pair_month",
        "realisations",
        "Fréquence de rencontre",
        "Rencontres tenues par binôme suivi et par mois de la période. Repère : au moins une rencontre "
        "toutes les 6 semaines.",
        "number",
        "lifecycle",
    ),
    Indicator(
        "attendance_rate",
        "realisations",
        "Assiduité des jeunes",
        "Rencontres tenues divisées par les rencontres tenues ou manquées sans prévenir pendant la "
        "période (une rencontre annulée à l'avance ne compte pas).",
        "ratio",
        "lifecycle",
    ),
    Indicator(
        "events_organised",
        "realisations",
        "Activités collectives organisées",
        "Ateliers, sorties et événements collectifs enregistrés sur la plateforme par les associations, "
        "datés de la période.",
        source="lifecycle",
    ),
    # Résultats
    Indicator(
        "pairs_closed",
        "resultats",
        "Binômes clôturés",
        "Binômes dont la clôture est datée de la période, quel qu'en soit le motif.",
    ),
    Indicator(
        "closed_before_6_months_share",
        "resultats",
        "Part des clôtures avant 6 mois",
        "Parmi les binômes clôturés pendant la période, part de ceux qui ont duré moins de 6 mois "
        "(183 jours), binômes importés par les associations compris. Repère : 38 % des binômes se "
        "terminent précocement.",
        "ratio",
    ),
    Indicator(
        "closed_before_12_months_share",
        "resultats",
        "Part des clôtures avant 12 mois",
        "Parmi les binômes clôturés pendant la période, part de ceux qui ont duré moins de 12 mois "
        "(365 jours), binômes importés compris. Les binômes de 12 mois et plus sont ceux qui profitent "
        "le plus aux jeunes.",
        "ratio",
    ),
    Indicator(
        "pairs_objective_reached",
        "resultats",
        "Binômes ayant atteint leur objectif",
        "Binômes clôturés pendant la période dont le bilan indique que l'objectif est atteint, en tout "
        "ou en partie (binômes importés : « objectif atteint » coché).",
        source="lifecycle",
    ),
    Indicator(
        "pairs_abandoned",
        "resultats",
        "Binômes arrêtés en cours de route",
        "Binômes clôturés pendant la période pour un motif lié au binôme (indisponibilité, "
        "désengagement, déménagement…), à distinguer d'un objectif non atteint. Binômes importés compris, "
        "leur motif rapporté à ceux de Binôme.",
        source="lifecycle",
    ),
    Indicator(
        "green_share",
        "resultats",
        "Part des binômes « à jour »",
        "Parmi les binômes en cours aujourd'hui, part de ceux dont le suivi est au vert : rencontres et "
        "contacts du chargé de mentorat à jour (état du jour, sans comparaison).",
        "ratio",
        "lifecycle",
        comparable=False,
    ),
    Indicator(
        "coverage_eligible",
        "resultats",
        "Jeunes éligibles",
        "Jeunes accompagnés par l'ASE, de 11 à 20 ans (ou entrés au collège), au dernier jour de la "
        "période. Obligation de proposer un mentor : art. L.221-2-6 CASF.",
        comparable=False,
    ),
    Indicator(
        "coverage_proposed",
        "resultats",
        "Jeunes éligibles à qui le mentorat a été proposé",
        "Jeunes éligibles dont la proposition de mentorat a une issue enregistrée (état des dossiers à ce jour).",
        comparable=False,
    ),
    Indicator(
        "coverage_accepted",
        "resultats",
        "Jeunes éligibles ayant accepté",
        "Jeunes éligibles ayant accepté la proposition de mentorat (état des dossiers à ce jour).",
        comparable=False,
    ),
    Indicator(
        "coverage_matched",
        "resultats",
        "Jeunes éligibles en binôme",
        "Jeunes éligibles dont l'orientation a abouti à un binôme (état des dossiers à ce jour).",
        comparable=False,
    ),
    Indicator(
        "coverage_rate",
        "resultats",
        "Couverture de l'obligation légale",
        "Jeunes éligibles en binôme divisés par les jeunes éligibles.",
        "ratio",
        comparable=False,
    ),
    # Impact (exit survey)
    Indicator(
        "exit_surveys",
        "impact",
        "Questionnaires de fin remplis par les jeunes",
        "Questionnaires de fin de mentorat remplis par les jeunes pendant la période : la base des "
        "indicateurs d'impact ci-dessous.",
        source="lifecycle",
    ),
    Indicator(
        "impact_confidence",
        "impact",
        "Jeunes ayant repris confiance en eux",
        _agrees("self_confidence"),
        source="lifecycle",
    ),
    Indicator(
        "impact_grades",
        "impact",
        "Jeunes ayant amélioré leurs résultats scolaires",
        _agrees("grades"),
        source="lifecycle",
    ),
    Indicator(
        "impact_internship",
        "impact",
        "Jeunes ayant trouvé un stage, une formation ou un emploi",
        _agrees("internship_job"),
        source="lifecycle",
    ),
    Indicator(
        "impact_psychosocial",
        "impact",
        "Jeunes ayant développé des compétences psychosociales",
        _agrees("psychosocial"),
        source="lifecycle",
    ),
    Indicator(
        "impact_someone_to_count_on",
        "impact",
        "Jeunes ayant une personne sur qui compter",
        _agrees("someone_to_count_on"),
        source="lifecycle",
    ),
)
REGISTRY = {indicator.key: indicator for indicator in INDICATORS}
assert len(REGISTRY) == len(INDICATORS), "indicator keys must be unique"


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    definition: str
    title: str = ""  # when it counts something other than the youths mentored

    @property
    def heading(self) -> str:
        # Only the first letter: « par mesure ASE », not « par mesure ase ».
        return self.title or f"Jeunes accompagnés — {self.label[:1].lower()}{self.label[1:]}"


DIMENSIONS = (
    Dimension("association", "Par association", "Jeunes accompagnés pendant la période, par association."),
    Dimension(
        "territory", "Par territoire", "Jeunes accompagnés pendant la période, par territoire de résidence."
    ),
    Dimension(
        "age",
        "Par âge",
        "Jeunes accompagnés pendant la période, par âge au dernier jour de la période. Pour les binômes "
        "importés par les associations, seule l'année de naissance est connue : l'âge est calculé comme "
        "si le jeune était né le 1er juillet.",
    ),
    Dimension(
        "school_level", "Par niveau scolaire", "Jeunes accompagnés pendant la période, par niveau scolaire."
    ),
    Dimension("gender", "Par genre", "Jeunes accompagnés pendant la période, par genre."),
    Dimension(
        "care_measure", "Par mesure ASE", "Jeunes accompagnés pendant la période, par type de mesure ASE."
    ),
    Dimension(
        "origin",
        "Nouveaux, reconduits, poursuivis",
        "Jeunes accompagnés pendant la période selon leur binôme : nouveau binôme validé pendant la "
        "période, reconduction validée pendant la période, ou binôme commencé avant (pour un binôme "
        "importé par son association : selon sa date de début).",
    ),
    Dimension(
        "modality",
        "Présentiel ou distanciel",
        "Jeunes accompagnés pendant la période, par modalité de rencontre souhaitée.",
    ),
    Dimension(
        "objective",
        "Par objectif",
        "Jeunes accompagnés pendant la période, par objectif du mentorat (un jeune peut en avoir plusieurs).",
    ),
    Dimension(
        "closure_reason",
        "Par motif de clôture",
        "Binômes clôturés pendant la période, par motif. Les arrêts liés au binôme (indisponibilité, "
        "désengagement, déménagement) se distinguent des fins liées à l'ASE et des fins naturelles. Les "
        "motifs des binômes importés par les associations sont rangés sous le motif de même sens ; "
        "« Autre motif », sans équivalent, reste à part (« Non classé »).",
        "Binômes clôturés par motif",
    ),
    Dimension(
        "colour",
        "Par couleur de suivi",
        "Binômes en cours aujourd'hui selon leur suivi : vert à jour, orange bientôt dû, rouge en retard "
        "ou préoccupation (état du jour, sans comparaison).",
        "Binômes en cours par couleur de suivi (à ce jour)",
    ),
)
DIMENSION_REGISTRY = {d.key: d for d in DIMENSIONS}
UNKNOWN = "Non renseigné"
AGE_BANDS = [
    ("lt11", "Moins de 11 ans"),
    ("11_14", "11 à 14 ans"),
    ("15_17", "15 à 17 ans"),
    ("18_20", "18 à 20 ans"),
    ("21plus", "21 ans et plus"),
]
# Each band but the last, with the age it stops before; 21 and over is the last band. The one age rule
# of the breakdowns, for Binôme pairs (birth date) and imported ones (birth year).
AGE_LIMITS = (("lt11", 11), ("11_14", 15), ("15_17", 18), ("18_20", 21))
OLDEST_BAND = AGE_BANDS[-1][0]
ORIGINS = [("new", "Nouveau binôme"), ("renewed", "Reconduction"), ("continuing", "Binôme commencé avant")]


# --- Scope --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Whose figures: everything (national), a département, an association (all its départements,
    or one), optionally narrowed to a territory of the département."""

    departement: Organisation | None = None
    association: Organisation | None = None
    territory: Any = None  # territories.Territory

    @property
    def kind(self) -> str:
        if self.association is not None:
            return "association"
        if self.departement is not None:
            return "departement"
        return "national"

    @property
    def label(self) -> str:
        parts = [str(org) for org in (self.departement, self.association, self.territory) if org is not None]
        return " — ".join(parts) or "France entière"

    def pair_q(self, prefix: str = "") -> Q:
        """The scope's pairs, as a condition on Mentorship (`prefix`: the path to it from another model)."""
        q = Q()
        if self.departement is not None:
            q &= Q(**{f"{prefix}departement": self.departement})
        if self.association is not None:
            q &= Q(**{f"{prefix}association": self.association})
        if self.territory is not None:
            q &= Q(**{f"{prefix}youth__territory": self.territory})
        return q

    def pairs(self):
        return Mentorship.objects.filter(self.pair_q())

    def referrals(self):
        q = Q()
        if self.departement is not None:
            q &= Q(departement=self.departement)
        if self.association is not None:
            q &= Q(association=self.association)
        if self.territory is not None:
            q &= Q(youth__territory=self.territory)
        return Referral.objects.filter(q)

    def youths(self):
        """The youths the legal obligation counts: a département's or a territory's. An association
        answers for the youths referred to it, not for the obligation: None."""
        if self.association is not None:
            return None
        q = Q()
        if self.departement is not None:
            q &= Q(departement=self.departement)
        if self.territory is not None:
            q &= Q(territory=self.territory)
        return Youth.objects.filter(q)

    def association_q(self, prefix: str = "") -> Q | None:
        """What belongs to an association rather than to a pair (mentors, collective activities): the
        association's, or those of the associations under convention with the département. None when
        narrowed to a territory: such figures cannot be split by territory."""
        if self.territory is not None:
            return None
        if self.association is not None:
            return Q(**{f"{prefix}association": self.association})
        if self.departement is not None:
            # A list rather than a subquery: the planner then reads the few associations' rows by index.
            partners = list(
                Convention.objects.filter(departement=self.departement)
                .values_list("association", flat=True)
                .distinct()
            )
            return Q(**{f"{prefix}association__in": partners})
        return Q()

    def mentors(self):
        q = self.association_q()
        return None if q is None else Mentor.objects.filter(q)


# --- SQL building blocks -------------------------------------------------------------------------------


def followed_in(period: Period) -> Q:
    """A pair followed during the period: validated before its end, not closed before its start."""
    return Q(validated_at__lt=period.end_before) & (Q(ended_at__isnull=True) | Q(ended_at__gte=period.start))


def validated_in(period: Period) -> Q:
    return Q(validated_at__gte=period.start_at, validated_at__lt=period.end_before)


def closed_in(period: Period) -> Q:
    return Q(ended_at__gte=period.start, ended_at__lte=period.end)


def active_at_end(period: Period) -> Q:
    return Q(validated_at__lt=period.end_before) & (Q(ended_at__isnull=True) | Q(ended_at__gt=period.end))


def during(periods, field_name: str) -> Q:
    """A timestamp within any of the periods (the WHERE clause; each period is then a FILTER)."""
    q = Q()
    for period in periods:
        q |= Q(**{f"{field_name}__gte": period.start_at, f"{field_name}__lt": period.end_before})
    return q


def touching(periods, prefix: str = "") -> Q:
    """Rows followed in at least one of the periods (a WHERE clause the indexes can use); `prefix`: the
    path to the pair from another model."""
    latest_end = max(p.end_before for p in periods)
    earliest_start = min(p.start for p in periods)
    return Q(**{f"{prefix}validated_at__lt": latest_end}) & (
        Q(**{f"{prefix}ended_at__isnull": True}) | Q(**{f"{prefix}ended_at__gte": earliest_start})
    )


DURATION = ExpressionWrapper(
    F("ended_at") - Coalesce("started_at", TruncDate("validated_at")), output_field=DurationField()
)
TIME_TO_MATCH = ExpressionWrapper(F("validated_at") - F("referral_accepted_at"), output_field=DurationField())


class Median(Aggregate):
    """PostgreSQL's exact median (`percentile_cont`). Other databases: see `median()`."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


def median(queryset, expression) -> datetime.timedelta | None:
    """The median of a duration over a queryset, in the database: `percentile_cont` on PostgreSQL; on
    SQLite, a count then the one or two middle rows of the ordered values (two queries)."""
    if connections[queryset.db].vendor == "postgresql":
        return queryset.aggregate(m=Median(expression, output_field=DurationField()))["m"]
    ordered = queryset.annotate(_value=expression).filter(_value__isnull=False).order_by("_value")
    count = ordered.count()
    if not count:
        return None
    middle = list(ordered.values_list("_value", flat=True)[(count - 1) // 2 : count // 2 + 1])
    return sum(middle, datetime.timedelta()) / len(middle)


def days(value: datetime.timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 86400, 1)


def ratio(part, whole) -> float | None:
    if part is None or not whole:
        return None
    return part / whole


def origin(period: Period):
    return Case(
        When(validated_in(period) & Q(is_renewal=False), then=Value("new")),
        When(validated_in(period) & Q(is_renewal=True), then=Value("renewed")),
        default=Value("continuing"),
    )


# --- Groups of indicators: one query each ------------------------------------------------------------


def pair_figures(scope: Scope, periods: list[Period]) -> list[dict]:
    """Pairs, youths and mentors in pair, new, renewed, closed, durations, time to match: one query
    for all the periods (conditional aggregation), plus the medians."""
    aggregates = {}
    for i, period in enumerate(periods):
        followed, validated, closed = followed_in(period), validated_in(period), closed_in(period)
        aggregates |= {
            f"pairs_followed_{i}": Count("pk", filter=followed),
            f"youths_mentored_{i}": Count("youth", distinct=True, filter=followed),
            f"mentors_in_pair_{i}": Count("mentor", distinct=True, filter=followed),
            f"pairs_new_{i}": Count("pk", filter=validated & Q(is_renewal=False)),
            f"pairs_renewed_{i}": Count("pk", filter=validated & Q(is_renewal=True)),
            f"pairs_active_end_{i}": Count("pk", filter=active_at_end(period)),
            f"pairs_closed_{i}": Count("pk", filter=closed),
            f"closed_lt6_{i}": Count("pk", filter=closed & Q(duration__lt=SIX_MONTHS)),
            f"closed_lt12_{i}": Count("pk", filter=closed & Q(duration__lt=TWELVE_MONTHS)),
            f"duration_avg_{i}": Avg("duration", filter=closed),
            f"ttm_avg_{i}": Avg("time_to_match", filter=validated & Q(referral_accepted_at__isnull=False)),
            f"reached_{i}": Count("pk", filter=closed & Q(objectives_reached__in=REACHED)),
            f"abandoned_{i}": Count("pk", filter=closed & Q(closure_category=ClosureCategory.PAIR)),
        }
    row = (
        scope.pairs()
        .filter(touching(periods))
        .annotate(duration=DURATION, time_to_match=TIME_TO_MATCH)
        .aggregate(**aggregates)
    )
    results = []
    for i, period in enumerate(periods):
        closed = row[f"pairs_closed_{i}"]
        matched = scope.pairs().filter(validated_in(period), referral_accepted_at__isnull=False)
        results.append(
            {
                "pairs_followed": row[f"pairs_followed_{i}"],
                "youths_mentored": row[f"youths_mentored_{i}"],
                "mentors_in_pair": row[f"mentors_in_pair_{i}"],
                "pairs_new": row[f"pairs_new_{i}"],
                "pairs_renewed": row[f"pairs_renewed_{i}"],
                "pairs_active_end": row[f"pairs_active_end_{i}"],
                "pairs_closed": closed,
                "closed_before_6_months_share": ratio(row[f"closed_lt6_{i}"], closed),
                "closed_before_12_months_share": ratio(row[f"closed_lt12_{i}"], closed),
                "duration_avg": days(row[f"duration_avg_{i}"]),
                # The counts behind the shares and the average: imported pairs are added to them.
                "_closed": closed,
                "_duration_avg_days": (
                    row[f"duration_avg_{i}"].total_seconds() / 86400 if row[f"duration_avg_{i}"] else None
                ),
                "_closed_lt6": row[f"closed_lt6_{i}"],
                "_closed_lt12": row[f"closed_lt12_{i}"],
                "time_to_match_avg": days(row[f"ttm_avg_{i}"]),
                "time_to_match_median": days(median(matched, TIME_TO_MATCH)),
                "pairs_objective_reached": row[f"reached_{i}"],
                "pairs_abandoned": row[f"abandoned_{i}"],
            }
        )
    return results


def referral_figures(scope: Scope, periods: list[Period]) -> list[dict]:
    """Referrals transmitted (received, for an association) and accepted; ASE structures mobilised."""
    sent_field = "routed_at" if scope.kind == "association" else "submitted_at"
    aggregates = {}
    for i, period in enumerate(periods):
        sent = Q(**{f"{sent_field}__gte": period.start_at, f"{sent_field}__lt": period.end_before})
        accepted = Q(accepted_at__gte=period.start_at, accepted_at__lt=period.end_before)
        aggregates |= {
            f"referrals_submitted_{i}": Count("pk", filter=sent),
            f"referrals_accepted_{i}": Count("pk", filter=accepted),
            f"structures_mobilised_{i}": Count("youth__ase_service", distinct=True, filter=sent),
        }
    row = (
        scope.referrals()
        .filter(during(periods, sent_field) | during(periods, "accepted_at"))
        .aggregate(**aggregates)
    )
    keys = ("referrals_submitted", "referrals_accepted", "structures_mobilised")
    return [{key: row[f"{key}_{i}"] for key in keys} for i in range(len(periods))]


def mentor_figures(scope: Scope, periods: list[Period]) -> list[dict]:
    """Applications, mentors trained during the period, mentors available today."""
    mentors = scope.mentors()
    if mentors is None:
        return [
            {"mentors_applied": None, "mentors_trained": None, "mentors_available": None} for _ in periods
        ]
    aggregates = {
        "mentors_available": Count(
            "pk", distinct=True, filter=Q(stage__in=[MentorStage.READY, MentorStage.IN_PAIR])
        )
    }
    for i, period in enumerate(periods):
        aggregates |= {
            f"mentors_applied_{i}": Count(
                "pk",
                distinct=True,
                filter=Q(created_at__gte=period.start_at, created_at__lt=period.end_before),
            ),
            f"mentors_trained_{i}": Count(
                "pk",
                distinct=True,
                filter=Q(
                    trainings__attended=True,
                    trainings__session__starts_at__gte=period.start_at,
                    trainings__session__starts_at__lt=period.end_before,
                ),
            ),
        }
    row = mentors.aggregate(**aggregates)
    return [
        {
            "mentors_applied": row[f"mentors_applied_{i}"],
            "mentors_trained": row[f"mentors_trained_{i}"],
            "mentors_available": row["mentors_available"] if i == 0 else None,
        }
        for i in range(len(periods))
    ]


def with_matched_referral(youths, departement=None):
    """Join each youth to its matched referral, if any. One LEFT JOIN rather than a subquery per youth:
    a youth has at most one referral that is not withdrawn (`one_open_referral_per_youth`), so no row
    doubles. Naming the département lets the database read only its referrals (an index)."""
    condition = Q(referrals__state=ReferralState.MATCHED)
    if departement is not None:
        condition &= Q(referrals__departement=departement)
    return youths.annotate(matched_referral=FilteredRelation("referrals", condition=condition))


def coverage_figures(scope: Scope, period: Period) -> dict:
    """The legal obligation: eligible youths on the period's last day (the youths' own rule,
    `Youth.objects.eligible`), and where their files stand today — the definitions of
    `youths.queries.coverage`, narrowed to the scope, in one query."""
    youths = scope.youths()
    if youths is None:
        return dict.fromkeys(
            (
                "coverage_eligible",
                "coverage_proposed",
                "coverage_accepted",
                "coverage_matched",
                "coverage_rate",
            )
        )
    row = with_matched_referral(youths.eligible(period.end), scope.departement).aggregate(
        eligible=Count("pk"),
        proposed=Count("pk", filter=~Q(proposal_outcome="")),
        accepted=Count("pk", filter=Q(proposal_outcome=ProposalOutcome.ACCEPTED)),
        matched=Count("pk", filter=Q(matched_referral__isnull=False)),
    )
    return {
        "coverage_eligible": row["eligible"],
        "coverage_proposed": row["proposed"],
        "coverage_accepted": row["accepted"],
        "coverage_matched": row["matched"],
        "coverage_rate": ratio(row["matched"], row["eligible"]),
    }


def reported_figures(scope: Scope, period: Period) -> dict | None:
    """What the associations declared in their monthly reporting for the period (FTE, funding,
    costs, ASE structures, meetings, workshops), summed over the scope. None until the reporting
    cycle exists or when nothing was reported: every such indicator then reads « non renseigné »."""
    try:
        from binome.reporting import figures as reporting_figures  # the reporting cycle's reads
    except ImportError:
        return None
    reader = getattr(reporting_figures, "steering_figures", None)
    return reader(scope, period) if reader else None


def meeting_figures(scope: Scope, periods: list[Period]) -> list[dict]:
    """Meetings held, remote share, attendance: one query on the meetings of the scope's pairs."""
    aggregates = {}
    for i, period in enumerate(periods):
        within = Q(at__gte=period.start_at, at__lt=period.end_before)
        held = within & Q(status=MeetingStatus.HELD)
        aggregates |= {
            f"held_{i}": Count("pk", filter=held),
            f"remote_{i}": Count("pk", filter=held & Q(modality=MeetingModality.REMOTE)),
            f"no_show_{i}": Count("pk", filter=within & Q(status=MeetingStatus.NO_SHOW)),
        }
    # Only the pairs followed during the periods, then each one's meetings of the periods, read from the
    # (pair, date) index alone.
    row = Meeting.objects.filter(
        scope.pair_q("mentorship__"),
        touching(periods, "mentorship__"),
        during(periods, "at"),
        status__in=[MeetingStatus.HELD, MeetingStatus.NO_SHOW],
    ).aggregate(**aggregates)
    return [
        {
            "meetings_held": row[f"held_{i}"],
            "_meetings_remote": row[f"remote_{i}"],
            "meetings_remote_share": ratio(row[f"remote_{i}"], row[f"held_{i}"]),
            "attendance_rate": ratio(row[f"held_{i}"], row[f"held_{i}"] + row[f"no_show_{i}"]),
        }
        for i in range(len(periods))
    ]


def activity_figures(scope: Scope, periods: list[Period]) -> list[dict]:
    """Collective activities recorded on the platform by the scope's associations."""
    q = scope.association_q()
    if q is None:
        return [{"events_organised": None} for _ in periods]
    row = Activity.objects.filter(q).aggregate(
        **{
            f"n{i}": Count("pk", filter=Q(starts_at__gte=p.start_at, starts_at__lt=p.end_before))
            for i, p in enumerate(periods)
        }
    )
    return [{"events_organised": row[f"n{i}"]} for i in range(len(periods))]


IMPACT_QUESTIONS = {
    "impact_confidence": "self_confidence",
    "impact_grades": "grades",
    "impact_internship": "internship_job",
    "impact_psychosocial": "psychosocial",
    "impact_someone_to_count_on": "someone_to_count_on",
}
AGREES = 4  # on the 1–5 scale: 4 « plutôt d'accord », 5 « tout à fait d'accord »


def survey_figures(scope: Scope, periods: list[Period]) -> list[dict]:
    """The youths' exit questionnaires answered during the period, and how many agree with each
    impact statement: one query."""
    aggregates = {}
    for i, period in enumerate(periods):
        answered = Q(answered_at__gte=period.start_at, answered_at__lt=period.end_before)
        aggregates[f"exit_surveys_{i}"] = Count("mentorship__youth", distinct=True, filter=answered)
        for key, question in IMPACT_QUESTIONS.items():
            aggregates[f"{key}_{i}"] = Count(
                "mentorship__youth",
                distinct=True,
                filter=answered & Q(answers__question=question, answers__value__gte=AGREES),
            )
    row = SurveyResponse.objects.filter(
        scope.pair_q("mentorship__"),
        during(periods, "answered_at"),
        kind=SurveyKind.EXIT,
        respondent=Respondent.YOUTH,
    ).aggregate(**aggregates)
    keys = ["exit_surveys", *IMPACT_QUESTIONS]
    return [{key: row[f"{key}_{i}"] for key in keys} for i in range(len(periods))]


def colour_figures(scope: Scope) -> dict:
    """Open pairs today by follow-up colour (a state of today: no history, no comparison)."""
    rows = dict(
        scope.pairs()
        .filter(state__in=OPEN_STATES)
        .values("colour")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("colour", "n")
    )
    total = sum(rows.values())
    return {"green_share": ratio(rows.get(Colour.GREEN, 0), total), "_colours": rows}


def lifecycle_figures(scope: Scope, periods: list[Period]) -> list[dict]:
    """Meetings, collective activities and exit surveys, for each period."""
    values = [{} for _ in periods]
    for group in (meeting_figures, activity_figures, survey_figures):
        for target, figures_ in zip(values, group(scope, periods), strict=True):
            target.update(figures_)
    return values


REPORTED_KEYS = (
    "fte_staff",
    "fte_volunteers",
    "funding_total",
    "costs_total",
    "ase_structures_contacted",
    "ase_structures_met",
    "info_meetings",
    "awareness_actions",
    "workshops",
)


def derived_figures(values: dict, period: Period) -> dict:
    """Ratios between figures of different sources."""
    fte = None
    if values.get("fte_staff") is not None or values.get("fte_volunteers") is not None:
        fte = float(values.get("fte_staff") or 0) + float(values.get("fte_volunteers") or 0)
    costs = values.get("costs_total")
    followed = values.get("pairs_followed")
    held = values.get("meetings_held")
    return {
        "meetings_per_pair_month": (
            round(held / followed / len(period.months()), 2) if held is not None and followed else None
        ),
        "pairs_per_fte": round(followed / fte, 1) if fte and followed is not None else None,
        "cost_per_pair": round(float(costs) / followed, 2) if costs is not None and followed else None,
    }


# --- Breakdowns -----------------------------------------------------------------------------------------


@dataclass
class Breakdown:
    dimension: Dimension
    rows: list[tuple[str, int, int | None]]  # (label, this period, same period last year)

    @property
    def key(self) -> str:
        return self.dimension.key


# Each youth dimension: the youth's column, and the table and columns that label it (None: the
# column's own value, a code the breakdown labels). An objective is a many-to-many: its own branch.
YOUTH_DIMENSIONS = {
    "territory": ("territory", Territory, "name", None),
    "school_level": ("school_level", ReferenceItem, "label", "position"),
    "gender": ("gender", None, None, None),
    "care_measure": ("care_measure", ReferenceItem, "label", "position"),
    "modality": ("modality", None, None, None),
}


def _age_thresholds(on: datetime.date) -> list[tuple[str, datetime.date]]:
    """(band, born after this day) in band order: the breakdowns' age rule (`AGE_LIMITS`)."""
    return [(code, years_before(on, age)) for code, age in AGE_LIMITS]


def dimension_counts(scope: Scope, periods: list[Period]) -> dict[str, list[dict]]:
    """Distinct youths per value of every dimension, for each period, in ONE query.

    The scope's pairs touching the periods (the ORM's query, so the scope and period rules stay
    those of this module) are folded into one row per youth (followed in each period or not), joined
    to the youth's row; each dimension is then a plain GROUP BY over those youths, labels joined after
    the fold. Only the pair's own dimensions (association, new/renewed/continuing) group the pairs
    themselves, counting each youth once per value. Plain SQL that PostgreSQL and SQLite both run."""
    n = len(periods)
    flags = [f"f{i}" for i in range(n)]
    pairs = (
        scope.pairs()
        .filter(touching(periods))
        .annotate(
            **{
                f"f{i}": Case(When(followed_in(p), then=Value(1)), default=Value(0))
                for i, p in enumerate(periods)
            },
            **{f"o{i}": origin(p) for i, p in enumerate(periods)},
        )
        .values("youth_id", "association_id", *flags, *[f"o{i}" for i in range(n)])
        .order_by()
    )
    pairs_sql, params = pairs.query.sql_with_params()
    params = list(params)
    youth_table, youth_pk = Youth._meta.db_table, Youth._meta.pk.column
    columns = {key: Youth._meta.get_field(field).column for key, (field, *_rest) in YOUTH_DIMENSIONS.items()}
    objectives = Youth.objectives.through._meta
    objective_youth = objectives.get_field("youth").column
    objective_item = objectives.get_field("referenceitem").column
    birth_date = Youth._meta.get_field("birth_date").column

    def sums(counted=None) -> str:
        return ", ".join(
            f"SUM({flag}) AS n{i}" if counted is None or i == counted else f"0 AS n{i}"
            for i, flag in enumerate(flags)
        )

    counts = ", ".join(f"n{i}" for i in range(n))

    def labelled(key, grouped, model, label, order) -> str:
        """Count per id first, then join the few labels (not one label per youth)."""
        table, pk = model._meta.db_table, model._meta.pk.column
        order_sql = f"l.{order}" if order else "0"
        return (
            f"SELECT '{key}', l.{label}, {order_sql}, {counts} FROM ({grouped}) a "  # noqa: S608
            f"LEFT JOIN {table} l ON l.{pk} = a.id"
        )

    # Only this module's and the models' own names go into the text; every value is a parameter.
    branches = []
    for key, (_field, model, label, order) in YOUTH_DIMENSIONS.items():
        column = f"y.{columns[key]}"
        if model is None:
            branches.append(f"SELECT '{key}', {column}, 0, {sums()} FROM y GROUP BY {column}")  # noqa: S608
            continue
        grouped = f"SELECT {column} AS id, {sums()} FROM y GROUP BY {column}"  # noqa: S608
        branches.append(labelled(key, grouped, model, label, order))
    grouped = (
        f"SELECT yo.{objective_item} AS id, {sums()} FROM y "  # noqa: S608
        f"LEFT JOIN {objectives.db_table} yo ON yo.{objective_youth} = y.youth_id GROUP BY yo.{objective_item}"
    )
    branches.append(labelled("objective", grouped, ReferenceItem, "label", "position"))
    for i, period in enumerate(periods):
        whens = []
        for code, born_after in _age_thresholds(period.end):
            whens.append(f"WHEN y.{birth_date} > %s THEN '{code}'")
            params.append(born_after)
        band = f"CASE {' '.join(whens)} ELSE '{OLDEST_BAND}' END"
        branches.append(f"SELECT 'age', {band}, 0, {sums(i)} FROM y GROUP BY 2")  # noqa: S608
    seen = ", ".join(f"MAX({flag}) AS {flag}" for flag in flags)
    grouped = (
        f"SELECT association_id AS id, {sums()} FROM "  # noqa: S608
        f"(SELECT association_id, youth_id, {seen} FROM p GROUP BY association_id, youth_id) a "
        "GROUP BY association_id"
    )
    branches.append(labelled("association", grouped, Organisation, "name", None))
    for i in range(n):
        branches.append(
            f"SELECT 'origin', o{i}, 0, {sums(i)} FROM "  # noqa: S608
            f"(SELECT o{i}, youth_id, {seen} FROM p GROUP BY o{i}, youth_id) a GROUP BY o{i}"
        )
    youth_columns = ", ".join(f"t.{c}" for c in [*columns.values(), birth_date])
    query = (
        f"WITH p AS ({pairs_sql}),\n"  # noqa: S608
        f"g AS (SELECT youth_id, {seen} FROM p GROUP BY youth_id),\n"
        f"y AS (SELECT g.*, {youth_columns} FROM g JOIN {youth_table} t ON t.{youth_pk} = g.youth_id)\n"
        + "\nUNION ALL ".join(branches)
    )
    result: dict[str, dict] = {}
    with connections[pairs.db].cursor() as cursor:
        cursor.execute(query, params)
        for dim, value, order, *numbers in cursor.fetchall():
            row = result.setdefault(dim, {}).setdefault(
                (value, order), {"value": value, "order": order or 0, **{f"n{i}": 0 for i in range(n)}}
            )
            for i, number in enumerate(numbers):
                row[f"n{i}"] += number or 0
    return {dim: list(rows.values()) for dim, rows in result.items()}


def _rows(raw: list[dict], n_periods: int, label_of, sort_key=None) -> list[tuple]:
    """(label, this period, last year) rows, merged by label (the same reference label in several
    départements is one row nationally), empty rows dropped, « non renseigné » last."""
    merged: dict[str, list] = {}
    order: dict[str, Any] = {}
    for row in raw:
        label = label_of(row)
        counts = merged.setdefault(label, [0] * n_periods)
        for i in range(n_periods):
            counts[i] += row[f"n{i}"]
        order.setdefault(label, sort_key(row) if sort_key else label)
    rows = [
        (label, counts[0], counts[1] if n_periods > 1 else None)
        for label, counts in merged.items()
        if any(counts)
    ]
    return sorted(rows, key=lambda r: (r[0] == UNKNOWN, order[r[0]]))


def _closure_reasons(scope: Scope, periods: list[Period], imported: list[dict] = ()) -> list[tuple]:
    """Pairs (not youths) closed in each period, by reason and its category: one query. `imported`: the
    imported pairs' rows (`reporting.figures.reported_pair_dimension_counts`), their reasons already
    mapped onto these (`reporting.figures.IMPORTED_CLOSURE_REASONS`), so they share the rows; the one
    without a counterpart carries its own label."""
    categories, reasons = dict(ClosureCategory.choices), dict(ClosureReason.choices)
    order = {code: i for i, code in enumerate(reasons)}
    raw = list(
        scope.pairs()
        .filter(ended_at__gte=min(p.start for p in periods), ended_at__lte=max(p.end for p in periods))
        .values("closure_category", "closure_reason")
        .annotate(**{f"n{i}": Count("pk", filter=closed_in(p)) for i, p in enumerate(periods)})
        .order_by()
    )
    raw += imported

    def label(row):
        if not row["closure_reason"]:
            return UNKNOWN
        if row.get("label"):
            return row["label"]
        category = categories.get(row["closure_category"], "")
        return f"{category} — {reasons.get(row['closure_reason'], row['closure_reason'])}"

    return _rows(raw, len(periods), label, lambda r: order.get(r["closure_reason"], 99))


def breakdowns(scope: Scope, periods: list[Period], colours: dict | None = None) -> list[Breakdown]:
    """Youths mentored by each dimension, this period and (when asked) the same period last year;
    pairs closed by reason; open pairs by follow-up colour.

    The pairs associations import from their own CRM count too (one more query for all the dimensions):
    their youths are other youths (a pair is reported in Binôme or imported, never both), so the
    distinct youths add up, row by row (`_rows` merges by label). Their age is computed from the birth
    year alone, with a birthday assumed on 1 July (`reporting.figures.imported_age`)."""
    from binome.reporting.figures import reported_pair_dimension_counts

    n = len(periods)
    counts = dimension_counts(scope, periods)
    imported = reported_pair_dimension_counts(scope, periods)
    for key, raw in imported.items():
        if key != "closure_reason":
            counts[key] = [*counts.get(key, []), *raw]
    rows = {}

    def by_value(key, label_of=lambda value: value or UNKNOWN, order_of=None):
        raw = counts.get(key, [])
        return _rows(
            raw, n, lambda r: label_of(r["value"]), order_of or (lambda r: (r["order"], r["value"] or ""))
        )

    if scope.kind != "association":
        rows["association"] = by_value("association")
    rows["territory"] = by_value("territory")
    for key, choices in (("age", AGE_BANDS), ("origin", ORIGINS)):
        labels, position = dict(choices), {code: i for i, (code, _l) in enumerate(choices)}
        rows[key] = by_value(
            key, lambda v, labels=labels: labels.get(v, UNKNOWN), lambda r, p=position: p.get(r["value"], 99)
        )
    rows["school_level"] = by_value("school_level")
    for key, choices in (("gender", Gender.choices), ("modality", Modality.choices)):
        labels, position = dict(choices), {code: i for i, (code, _l) in enumerate(choices)}
        rows[key] = by_value(
            key, lambda v, labels=labels: labels.get(v, UNKNOWN), lambda r, p=position: p.get(r["value"], 99)
        )
    rows["care_measure"] = by_value("care_measure")
    rows["objective"] = by_value("objective")
    rows["closure_reason"] = _closure_reasons(scope, periods, imported.get("closure_reason", []))
    colours = (colours or colour_figures(scope))["_colours"]
    rows["colour"] = [
        (label, colours[code], None) for code, label in [*Colour.choices, ("", UNKNOWN)] if colours.get(code)
    ]
    return [Breakdown(d, rows[d.key]) for d in DIMENSIONS if d.key in rows]


# --- Trend and per-association summary ---------------------------------------------------------------


@dataclass
class Trend:
    months: list[Period]
    followed: list[int]
    new: list[int]
    closed: list[int]


def trend(scope: Scope, period: Period, count: int = 12) -> Trend:
    """Pairs followed, new and closed in each of the `count` months ending with the period: one query,
    and one for the pairs imported from the associations' CRMs, added month by month."""
    from binome.reporting.figures import reported_pair_trend

    months = period.trailing_months(count)
    aggregates = {}
    for i, month in enumerate(months):
        aggregates |= {
            f"f{i}": Count("pk", filter=followed_in(month)),
            f"n{i}": Count("pk", filter=validated_in(month)),
            f"c{i}": Count("pk", filter=closed_in(month)),
        }
    row = scope.pairs().filter(touching(months)).aggregate(**aggregates)
    imported = reported_pair_trend(scope, months)
    return Trend(
        months,
        [row[f"f{i}"] + imported["followed"][i] for i in range(count)],
        [row[f"n{i}"] + imported["new"][i] for i in range(count)],
        [row[f"c{i}"] + imported["closed"][i] for i in range(count)],
    )


SUMMARY_COLUMNS = [
    ("youths_mentored", "Jeunes accompagnés"),
    ("pairs_followed", "Binômes suivis"),
    ("pairs_new", "Nouveaux binômes"),
    ("pairs_renewed", "Reconduits"),
    ("pairs_closed", "Clôturés"),
    ("time_to_match_avg", "Délai moyen de mise en relation (jours)"),
]


def _summary(queryset, group_fields: list[str], period: Period, imported: list[dict] = ()) -> list[dict]:
    """One row per group of `group_fields`: the Binôme pairs of `queryset` (one grouped query), plus the
    `imported` pairs' rows (`reporting.figures.reported_pair_summary`) merged into the same group — a
    group with imported pairs only gets its own row. `imported_pairs_followed` keeps their share.
    Time to match stays the Binôme pairs' (imported pairs carry no referral dates)."""
    import unicodedata

    followed, validated = followed_in(period), validated_in(period)
    rows = (
        queryset.filter(touching([period]))
        .annotate(time_to_match=TIME_TO_MATCH)
        .values(*group_fields)
        .annotate(
            youths_mentored=Count("youth", distinct=True, filter=followed),
            pairs_followed=Count("pk", filter=followed),
            pairs_new=Count("pk", filter=validated & Q(is_renewal=False)),
            pairs_renewed=Count("pk", filter=validated & Q(is_renewal=True)),
            pairs_closed=Count("pk", filter=closed_in(period)),
            ttm=Avg("time_to_match", filter=validated & Q(referral_accepted_at__isnull=False)),
        )
        .order_by(*group_fields)
    )
    merged = {}
    for row in rows:
        row["time_to_match_avg"] = days(row.pop("ttm"))
        row["imported_pairs_followed"] = 0
        merged[tuple(row[f] for f in group_fields)] = row
    added = ("youths_mentored", "pairs_followed", "pairs_new", "pairs_renewed", "pairs_closed")
    for extra in imported:  # a few rows: one per association or département
        key = tuple(extra[f] for f in group_fields)
        row = merged.setdefault(
            key, {**{f: extra[f] for f in group_fields}, **dict.fromkeys(added, 0), "time_to_match_avg": None}
        )
        for name in added:
            row[name] += extra[name]
        row["imported_pairs_followed"] = row.get("imported_pairs_followed", 0) + extra["pairs_followed"]

    def collation(key):  # accents aside, as the database orders names
        return [
            unicodedata.normalize("NFKD", str(v or "")).encode("ascii", "ignore").decode().casefold()
            for v in key
        ]

    return [merged[key] for key in sorted(merged, key=collation)]


def by_association(scope: Scope, period: Period) -> list[dict]:
    """The département's summary, one row per association: one grouped query, and one for the pairs
    imported from the associations' CRMs."""
    from binome.reporting.figures import reported_pair_summary

    fields = ["association__name"]
    return _summary(scope.pairs(), fields, period, reported_pair_summary(scope, period, fields))


def national_rollup(period: Period) -> list[dict]:
    """Every département side by side, with its coverage of the legal obligation: three grouped queries
    (Binôme pairs, imported pairs, coverage)."""
    from binome.reporting.figures import reported_pair_summary

    fields = ["departement__insee_code", "departement__name"]
    rows = _summary(Mentorship.objects.all(), fields, period, reported_pair_summary(Scope(), period, fields))
    coverage = {
        row["departement__insee_code"]: row
        for row in with_matched_referral(Youth.objects.eligible(period.end))
        .values("departement__insee_code")
        .annotate(eligible=Count("pk"), matched=Count("pk", filter=Q(matched_referral__isnull=False)))
        .order_by()
    }
    for row in rows:
        cov = coverage.get(row["departement__insee_code"], {})
        row["coverage_eligible"] = cov.get("eligible", 0)
        row["coverage_matched"] = cov.get("matched", 0)
        row["coverage_rate"] = ratio(row["coverage_matched"], row["coverage_eligible"])
    return rows


# --- The report -----------------------------------------------------------------------------------------


@dataclass
class Figure:
    indicator: Indicator
    value: Any
    previous: Any

    @property
    def change(self):
        """Relative change against the same period last year, when both are known and comparable."""
        if not self.indicator.comparable or self.value is None or self.previous in (None, 0):
            return None
        if self.indicator.unit == "ratio":
            return None  # a difference of shares reads better in points: see `points`
        return (float(self.value) - float(self.previous)) / float(self.previous)

    @property
    def points(self):
        if self.indicator.unit != "ratio" or None in (self.value, self.previous):
            return None
        return (self.value - self.previous) * 100


@dataclass
class Report:
    scope: Scope
    period: Period
    previous_period: Period | None
    values: dict
    previous_values: dict
    breakdowns: list[Breakdown] = field(default_factory=list)
    trend: Trend | None = None
    associations: list[dict] = field(default_factory=list)

    def figure(self, key: str) -> Figure:
        indicator = REGISTRY[key]
        previous = self.previous_values.get(key) if indicator.comparable else None
        return Figure(indicator, self.values.get(key), previous)

    def stages(self) -> list[tuple[Stage, list[Figure]]]:
        return [(stage, [self.figure(i.key) for i in INDICATORS if i.stage == stage.key]) for stage in STAGES]

    def breakdown(self, key: str) -> Breakdown | None:
        return next((b for b in self.breakdowns if b.key == key), None)


def figures(scope: Scope, periods: list[Period], colours: dict | None = None) -> list[dict]:
    """Every indicator's value for each period (the first one is "the" period)."""
    values = [dict.fromkeys(REGISTRY) for _ in periods]
    for target, group in zip(values, pair_figures(scope, periods), strict=True):
        target.update(group)
    for target, group in zip(values, referral_figures(scope, periods), strict=True):
        target.update(group)
    for target, group in zip(values, mentor_figures(scope, periods), strict=True):
        target.update(group)
    for target, group in zip(values, lifecycle_figures(scope, periods), strict=True):
        target.update(group)
    values[0].update(coverage_figures(scope, periods[0]))
    values[0]["green_share"] = (colours or colour_figures(scope))["green_share"]
    for target, period in zip(values, periods, strict=True):
        reported = reported_figures(scope, period)
        if reported:
            target.update({key: reported.get(key) for key in REPORTED_KEYS})
        add_imported_pairs(target, imported_pairs(scope, period))
        target.update(derived_figures(target, period))
    return values


def imported_pairs(scope: Scope, period: Period) -> dict | None:
    """The pairs associations imported from their own CRM (`reporting.ReportedPair`): an association
    reports a pair either by working in Binôme or by importing it, never both, so they add up."""
    try:
        from binome.reporting.figures import reported_pair_figures
    except ImportError:
        return None
    return reported_pair_figures(scope, period)


IMPORTED = {  # our indicator: the imported pairs' figure
    "pairs_followed": "pairs_followed",
    "youths_mentored": "youths_followed",
    "pairs_renewed": "renewals_started",
    "pairs_closed": "pairs_closed",
    "pairs_active_end": "pairs_active_at_end",
}


def _add_imported_closures(values: dict, imported: dict) -> None:
    """Closures of imported pairs in the shares closed before 6 and 12 months, the average duration
    (weighted by the pairs closed on each side), objectives reached and pairs stopped for a reason of
    the pair itself."""
    if values.get("_closed") is None or not imported["pairs_closed"]:
        return
    ours, theirs = values["_closed"], imported["pairs_closed"]
    closed = ours + theirs
    for key, count in (
        ("closed_before_6_months_share", "closed_lt6"),
        ("closed_before_12_months_share", "closed_lt12"),
    ):
        values[f"_{count}"] += imported[count]
        values[key] = ratio(values[f"_{count}"], closed)
    average = values.get("_duration_avg_days") or 0
    values["duration_avg"] = round((average * ours + imported["duration_days_total"]) / closed, 1)
    for key, source in (("pairs_objective_reached", "objective_reached"), ("pairs_abandoned", "abandoned")):
        if values.get(key) is not None:
            values[key] += imported[source]
    values["_closed"] = closed


def add_imported_pairs(values: dict, imported: dict | None) -> None:
    if not imported:
        return
    for key, source in IMPORTED.items():
        if values.get(key) is not None:
            values[key] += imported[source]
    if values.get("pairs_new") is not None:
        values["pairs_new"] += imported["pairs_started"] - imported["renewals_started"]
    _add_imported_closures(values, imported)
    held = imported["meetings_in_person"] + imported["meetings_remote"]
    if held and values.get("meetings_held") is not None:
        values["meetings_held"] += held
        values["_meetings_remote"] = (values.get("_meetings_remote") or 0) + imported["meetings_remote"]
        values["meetings_remote_share"] = ratio(values["_meetings_remote"], values["meetings_held"])


def build_report(
    scope: Scope, period: Period, *, compare: bool = True, details: bool = True, trend_months: int = 12
) -> Report:
    """The dashboard's content: every indicator for the period and, with `compare`, the same period
    last year; with `details`, the breakdowns, the 12-month trend and the per-association summary."""
    periods = [period, period.last_year()] if compare else [period]
    colours = colour_figures(scope)
    values = figures(scope, periods, colours)
    report = Report(
        scope=scope,
        period=period,
        previous_period=periods[1] if compare else None,
        values=values[0],
        previous_values=values[1] if compare else {},
    )
    if details:
        report.breakdowns = breakdowns(scope, periods, colours)
        report.trend = trend(scope, period, trend_months)
        if scope.kind != "association":
            report.associations = by_association(scope, period)
    return report
