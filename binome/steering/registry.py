"""The indicator registry: every indicator and breakdown of the steering dashboards, what it means (a
French label and definition shown next to it everywhere: the dashboard, the tableau de pilotage's
Explications tab, the Cotech pack, `docs/indicators.md`), and nothing about how it is computed.

The impact value chain of the toolkit orders them: Ressources → Activités → Réalisations → Résultats
→ Impact.
"""

from dataclasses import dataclass

from binome.surveys.questions import BY_CODE as EXIT_QUESTIONS
from binome.utils.steering_rules import AGE_BANDS, AGE_LIMITS, OLDEST_BAND, ORIGINS  # noqa: F401


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
