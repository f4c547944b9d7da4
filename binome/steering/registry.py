"""The indicator registry: every indicator and breakdown of the steering dashboards and what it means —
French name, a one-sentence definition, numerator and denominator, source, period semantics (a flow
over the period, a stock on its last day, or a state of today) and the page of the toolkit or the
article of law it answers. Nothing here computes: `figures.py` does, and every place that shows a
figure reads its text here — the dashboard's « définition », the tableau de pilotage's Explications
tab, the Cotech pack, and `docs/indicators.md` (generated: `manage.py indicators_doc`).

The impact value chain of the toolkit orders them: Ressources → Activités → Réalisations → Résultats
→ Impact.
"""

from dataclasses import dataclass

from binome.surveys.questions import BY_CODE as EXIT_QUESTIONS
from binome.utils.steering_rules import AGE_BANDS, AGE_LIMITS, OLDEST_BAND, ORIGINS  # noqa: F401

# Where each definition comes from (seeds in shared/seeds: 000 is the toolkit's « Suivi et pilotage »,
# 001 its introduction with the law and the decree, 003 the Collectif Mentorat's 2023 report).
TOOLKIT = "Boîte à outils « Suivi et pilotage »"
P_RESOURCES = f"{TOOLKIT}, p. 15 (ressources)"
P_ACTIVITIES = f"{TOOLKIT}, p. 16 (activités)"
P_OUTPUTS = f"{TOOLKIT}, p. 17 (réalisations)"
P_RESULTS = f"{TOOLKIT}, p. 18 (résultats)"
P_IMPACT = f"{TOOLKIT}, p. 14 et 19 (impact, questionnaire de fin)"
LAW = "Art. L.221-2-6 CASF ; art. D.221-34 à D.221-40 CASF (décret n° 2024-118)"
COLLECTIF = "Collectif Mentorat, rapport d'activité 2023 (satisfaction, publics prioritaires)"
CASELOAD_MAX = 32  # pairs per salaried coordinator: the toolkit's 25–32


def _agrees(code: str) -> str:
    return (
        f"Jeunes ayant répondu 4 ou 5 sur 5 à « {EXIT_QUESTIONS[code].youth} » dans leur questionnaire de "
        "fin de mentorat rempli pendant la période."
    )


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

SOURCE_LABELS = {
    "platform": "Dossiers Binôme",
    "reporting": "Déclaration des associations (suivi mensuel)",
    "lifecycle": "Dossiers Binôme (suivi des binômes)",
    "survey": "Questionnaire de fin de mentorat",
}
PERIOD_LABELS = {
    "flow": "Flux : ce qui s'est passé pendant la période",
    "stock": "Stock : état au dernier jour de la période",
    "today": "État du jour (sans historique, sans comparaison)",
}


@dataclass(frozen=True)
class Indicator:
    key: str
    stage: str
    label: str
    definition: str  # one sentence
    unit: str = "count"  # count | days | ratio | euros | fte | number
    source: str = "platform"  # platform | reporting | lifecycle | survey
    period: str = "flow"  # flow | stock | today
    numerator: str = ""
    denominator: str = ""  # empty for a count
    reference: str = ""
    note: str = ""  # a benchmark or a caveat, after the definition
    compared: bool = True  # False: no « same period last year » computed (the coverage funnel: its cost)

    @property
    def comparable(self) -> bool:
        """A state of today has no « same period last year »."""
        return self.period != "today" and self.compared

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS[self.source]

    @property
    def period_label(self) -> str:
        return PERIOD_LABELS[self.period]

    @property
    def full_definition(self) -> str:
        """The definition and its note, as the dashboard shows it next to the figure."""
        return f"{self.definition} {self.note}".strip()


def _count(key, stage, label, definition, **kwargs) -> Indicator:
    """A count: its numerator is what the definition counts."""
    return Indicator(key, stage, label, definition, numerator=kwargs.pop("numerator", label), **kwargs)


IMPORTED = "Binômes importés par les associations compris, leur date de début tenant lieu de lancement."
NOT_IMPORTED = "Seuls les binômes formés dans Binôme en font partie : ceux que les associations importent n'ont pas de dates d'orientation."
LAUNCHED = "lancé (toutes les signatures réunies et rencontre de lancement tenue)"


INDICATORS = (
    # --- Ressources (toolkit p. 15)
    Indicator(
        "fte_staff",
        "ressources",
        "ETP salariés",
        "Équivalents temps plein salariés consacrés au mentorat, moyenne des mois déclarés de la période.",
        "fte",
        "reporting",
        "stock",
        "ETP salariés déclarés, chaque déclaration pesant le nombre de mois qu'elle couvre",
        "Mois couverts par au moins une déclaration",
        P_RESOURCES,
    ),
    Indicator(
        "fte_volunteers",
        "ressources",
        "ETP bénévoles et volontaires",
        "Équivalents temps plein bénévoles et volontaires (service civique, hors mentors), moyenne des mois "
        "déclarés de la période.",
        "fte",
        "reporting",
        "stock",
        "ETP bénévoles et volontaires déclarés, chaque déclaration pesant le nombre de mois qu'elle couvre",
        "Mois couverts par au moins une déclaration",
        P_RESOURCES,
    ),
    Indicator(
        "pairs_per_staff_fte",
        "ressources",
        "Binômes en cours par ETP salarié",
        "Binômes lancés et en cours au dernier jour de la période divisés par les ETP salariés déclarés.",
        "number",
        "reporting",
        "stock",
        "Binômes en cours en fin de période",
        "ETP salariés déclarés",
        P_RESOURCES,
        "Repère : 25 à 32 binômes par chargé·e de mentorat salarié·e ; les bénévoles sont comptés à part.",
    ),
    Indicator(
        "caseload_avg",
        "ressources",
        "Binômes en cours par chargé·e de mentorat",
        "Binômes en cours aujourd'hui (à signer, signés ou lancés) divisés par le nombre de chargé·es de "
        "mentorat qui en suivent au moins un.",
        "number",
        "platform",
        "today",
        "Binômes en cours aujourd'hui ayant un·e chargé·e de mentorat",
        "Chargé·es de mentorat suivant au moins un binôme en cours",
        P_RESOURCES,
    ),
    _count(
        "coordinators_over_caseload",
        "ressources",
        f"Chargé·es de mentorat au-delà de {CASELOAD_MAX} binômes",
        f"Chargé·es de mentorat qui suivent aujourd'hui plus de {CASELOAD_MAX} binômes en cours ; la "
        "responsable de l'association les voit nommément sur son tableau de bord.",
        period="today",
        reference=P_RESOURCES,
    ),
    Indicator(
        "funding_total",
        "ressources",
        "Financements reçus",
        "Subventions et financements rattachés aux mois de la période, tous financeurs et sous-projets "
        "confondus.",
        "euros",
        "reporting",
        "flow",
        "Somme des lignes de financement déclarées",
        reference=P_RESOURCES,
    ),
    Indicator(
        "costs_total",
        "ressources",
        "Coûts du programme",
        "Dépenses déclarées pour les mois de la période : personnel, locaux, communication, transports et "
        "autres coûts.",
        "euros",
        "reporting",
        "flow",
        "Somme des coûts déclarés",
        reference=P_RESOURCES,
    ),
    Indicator(
        "cost_staff_share",
        "ressources",
        "Part du personnel dans les coûts",
        "Coûts de personnel divisés par l'ensemble des coûts déclarés pour la période.",
        "ratio",
        "reporting",
        "flow",
        "Coûts de personnel déclarés",
        "Coûts déclarés",
        P_RESOURCES,
        "Repère : environ 70 %.",
    ),
    Indicator(
        "cost_months",
        "ressources",
        "Mois de coûts déclarés",
        "Nombre de mois de la période couverts par au moins une déclaration de coûts : la base du coût "
        "annuel par binôme.",
        "count",
        "reporting",
        "flow",
        "Mois couverts par une déclaration",
        reference=P_RESOURCES,
    ),
    Indicator(
        "cost_per_pair_year",
        "ressources",
        "Coût annuel par binôme",
        "Coûts déclarés ramenés à douze mois (divisés par les mois de coûts déclarés, multipliés par 12), "
        "divisés par les binômes suivis pendant la période ; à défaut de coûts déclarés, la subvention "
        "annuelle des conventions en vigueur pendant la période, divisée par les mêmes binômes.",
        "euros",
        "reporting",
        "flow",
        "Coûts déclarés × 12 ÷ mois de coûts déclarés (à défaut : subventions annuelles des conventions)",
        "Binômes suivis pendant la période",
        P_RESOURCES,
        "Repère : 350 à 1 500 € par binôme et par an, dont environ 70 % de personnel.",
    ),
    # --- Activités (toolkit p. 16)
    Indicator(
        "ase_structures_contacted",
        "activites",
        "Structures ASE contactées",
        "Services et établissements de l'ASE contactés par les associations pendant la période (la liste "
        "est dans le dossier du Cotech).",
        source="reporting",
        numerator="Structures contactées déclarées",
        reference=P_ACTIVITIES,
    ),
    Indicator(
        "ase_structures_met",
        "activites",
        "Structures ASE rencontrées",
        "Services et établissements de l'ASE rencontrés par les associations pendant la période.",
        source="reporting",
        numerator="Structures rencontrées déclarées",
        reference=P_ACTIVITIES,
    ),
    Indicator(
        "info_meetings",
        "activites",
        "Réunions d'information départementales",
        "Réunions d'information organisées par le département auxquelles les associations ont participé "
        "pendant la période.",
        source="reporting",
        numerator="Réunions déclarées",
        reference=P_ACTIVITIES,
    ),
    Indicator(
        "awareness_actions",
        "activites",
        "Actions de sensibilisation",
        "Autres actions de sensibilisation menées pendant la période (campagnes, interventions, salons…).",
        source="reporting",
        numerator="Actions déclarées",
        reference=P_ACTIVITIES,
    ),
    Indicator(
        "workshops",
        "activites",
        "Ateliers collectifs",
        "Ateliers collectifs, sorties et événements organisés pour les binômes pendant la période.",
        source="reporting",
        numerator="Ateliers déclarés",
        reference=P_ACTIVITIES,
    ),
    _count(
        "referrals_submitted",
        "activites",
        "Orientations transmises",
        "Fiches d'orientation transmises au département pendant la période (pour une association : "
        "orientations reçues du département).",
        reference=LAW + " (art. D.221-36)",
    ),
    _count(
        "referrals_accepted",
        "activites",
        "Orientations acceptées",
        "Orientations acceptées par une association pendant la période.",
        reference=P_ACTIVITIES,
    ),
    # --- Réalisations (toolkit p. 17)
    _count(
        "youths_mentored",
        "realisations",
        "Jeunes accompagnés",
        f"Jeunes dont un binôme {LAUNCHED} avant la fin de la période n'était pas clôturé avant son début.",
        note=IMPORTED,
        reference=P_OUTPUTS,
    ),
    Indicator(
        "youths_qpv_share",
        "realisations",
        "Part des jeunes résidant en QPV",
        "Parmi les jeunes accompagnés pendant la période dont le référent ASE a dit s'ils résident ou non dans "
        "un quartier prioritaire de la politique de la ville, part de ceux qui y résident.",
        "ratio",
        numerator="Jeunes accompagnés résidant en QPV (réponse « Oui » sur la fiche du jeune)",
        denominator="Jeunes accompagnés dont la fiche répond « Oui » ou « Non »",
        reference=COLLECTIF,
        note="La réponse est celle de la fiche aujourd'hui ; les binômes importés par les associations n'en "
        "ont pas. Aucun paquet des registres npm et PyPI ne fournit la liste des QPV : le référent répond "
        "à partir de l'adresse (sig.ville.gouv.fr).",
    ),
    Indicator(
        "youths_rural_share",
        "realisations",
        "Part des jeunes en commune rurale",
        "Parmi les jeunes accompagnés pendant la période dont la commune de résidence est connue, part de "
        "ceux qui résident dans une commune que le département a marquée comme rurale.",
        "ratio",
        numerator="Jeunes accompagnés résidant dans une commune marquée rurale",
        denominator="Jeunes accompagnés dont la commune de résidence est connue",
        reference=COLLECTIF,
        note="Communes rurales : celles que le département coche dans ses réglages du pilotage, d'après la "
        "grille communale de densité de l'INSEE (communes peu denses ou très peu denses) ; « — » tant "
        "qu'aucune n'est cochée.",
    ),
    _count(
        "pairs_followed",
        "realisations",
        "Binômes suivis",
        f"Binômes {LAUNCHED.replace('lancé', 'lancés')} avant la fin de la période et non clôturés avant son "
        "début.",
        note=IMPORTED + " Les binômes à signer ou signés mais pas encore lancés sont comptés à part.",
        reference=P_OUTPUTS,
    ),
    _count(
        "pairs_ase_coordinated",
        "realisations",
        "… dont coordonnés par un service de l'ASE",
        "Binômes suivis pendant la période dont la coordination est assurée, à défaut d'association, par "
        "le service ou l'établissement de l'ASE qui accueille le jeune.",
        numerator="Binômes suivis coordonnés par un service ou un établissement de l'ASE",
        reference=LAW + " (art. D.221-36)",
        note="Binômes importés par les associations non compris : une association les coordonne.",
    ),
    _count(
        "pairs_new",
        "realisations",
        "Nouveaux binômes",
        "Binômes lancés pendant la période, hors reconductions.",
        note=IMPORTED,
        reference=P_OUTPUTS,
    ),
    _count(
        "pairs_renewed",
        "realisations",
        "Binômes reconduits",
        "Binômes lancés pendant la période qui prolongent un binôme précédent (reconduction).",
        note=IMPORTED,
        reference=P_OUTPUTS,
    ),
    _count(
        "pairs_active_end",
        "realisations",
        "Binômes en cours en fin de période",
        "Binômes lancés et non clôturés au dernier jour de la période.",
        period="stock",
        note=IMPORTED,
        reference=P_OUTPUTS,
    ),
    _count(
        "pairs_to_sign_end",
        "realisations",
        "Binômes « convention à signer » en fin de période",
        "Binômes validés et non clôturés au dernier jour de la période dont la convention individuelle "
        "n'avait pas encore toutes ses signatures.",
        period="stock",
        reference=LAW + " (art. D.221-38)",
    ),
    _count(
        "pairs_signed_not_launched_end",
        "realisations",
        "Binômes signés, pas encore lancés, en fin de période",
        "Binômes dont la convention était signée de tous au dernier jour de la période, sans rencontre de "
        "lancement tenue à cette date ni clôture.",
        period="stock",
        reference=LAW + " (art. D.221-38)",
    ),
    _count(
        "mentors_applied",
        "realisations",
        "Candidatures de mentors",
        "Candidatures de mentors reçues pendant la période par les associations concernées.",
        reference=P_OUTPUTS,
    ),
    _count(
        "mentors_trained",
        "realisations",
        "Mentors formés",
        "Mentors présents à au moins une session de formation pendant la période.",
        reference=P_OUTPUTS,
    ),
    _count(
        "mentors_in_pair",
        "realisations",
        "Mentors en binôme",
        "Mentors ayant un binôme lancé suivi pendant la période.",
        reference=P_OUTPUTS,
    ),
    _count(
        "mentors_available",
        "realisations",
        "Mentors mobilisés à ce jour",
        "Mentors prêts à être mis en binôme ou déjà en binôme aujourd'hui.",
        period="today",
        reference=P_OUTPUTS,
    ),
    _count(
        "structures_mobilised",
        "realisations",
        "Structures ASE mobilisées",
        "Services et établissements ASE dont au moins une orientation a été transmise pendant la période.",
        reference=P_OUTPUTS,
    ),
    Indicator(
        "delay_referral_to_acceptance_avg",
        "realisations",
        "Délai entre l'orientation et son acceptation (moyenne)",
        "Pour les orientations acceptées par une association pendant la période : jours entre leur "
        "transmission au département et leur acceptation, en moyenne.",
        "days",
        numerator="Somme des jours entre transmission et acceptation",
        denominator="Orientations acceptées pendant la période",
        reference=P_OUTPUTS + " (délai moyen de mise en relation)",
    ),
    Indicator(
        "delay_referral_to_acceptance_median",
        "realisations",
        "Délai entre l'orientation et son acceptation (médiane)",
        "Même mesure que la moyenne : la moitié des orientations acceptées pendant la période ont attendu "
        "moins, l'autre moitié plus.",
        "days",
        numerator="Jours entre transmission et acceptation, valeur du milieu",
        denominator="Orientations acceptées pendant la période",
        reference=P_OUTPUTS + " (délai moyen de mise en relation)",
    ),
    Indicator(
        "time_to_match_avg",
        "realisations",
        "Délai entre l'acceptation et la validation du binôme (moyenne)",
        "Pour les binômes formés dans Binôme et validés pendant la période : jours entre l'acceptation de "
        "l'orientation par l'association et la validation du binôme, en moyenne.",
        "days",
        numerator="Somme des jours entre acceptation et validation",
        denominator="Binômes validés pendant la période (formés dans Binôme)",
        reference=P_OUTPUTS + " (délai moyen de mise en relation)",
        note=NOT_IMPORTED,
    ),
    Indicator(
        "time_to_match_median",
        "realisations",
        "Délai entre l'acceptation et la validation du binôme (médiane)",
        "Même mesure que la moyenne : la moitié des binômes validés pendant la période ont attendu moins, "
        "l'autre moitié plus.",
        "days",
        numerator="Jours entre acceptation et validation, valeur du milieu",
        denominator="Binômes validés pendant la période (formés dans Binôme)",
        reference=P_OUTPUTS + " (délai moyen de mise en relation)",
        note=NOT_IMPORTED,
    ),
    Indicator(
        "delay_referral_to_first_meeting_avg",
        "realisations",
        "Délai entre l'orientation et la première rencontre (moyenne)",
        "Pour les binômes lancés pendant la période : jours entre la transmission de l'orientation du jeune "
        "et la rencontre de lancement, en moyenne — l'attente que vit le jeune.",
        "days",
        numerator="Somme des jours entre transmission et rencontre de lancement",
        denominator="Binômes lancés pendant la période (formés dans Binôme)",
        reference=P_OUTPUTS + " (délai moyen de mise en relation)",
        note=NOT_IMPORTED,
    ),
    Indicator(
        "delay_referral_to_first_meeting_median",
        "realisations",
        "Délai entre l'orientation et la première rencontre (médiane)",
        "Même mesure que la moyenne : la moitié des jeunes dont le binôme a été lancé pendant la période "
        "ont attendu moins, l'autre moitié plus.",
        "days",
        numerator="Jours entre transmission et rencontre de lancement, valeur du milieu",
        denominator="Binômes lancés pendant la période (formés dans Binôme)",
        reference=P_OUTPUTS + " (délai moyen de mise en relation)",
        note=NOT_IMPORTED,
    ),
    Indicator(
        "duration_avg",
        "realisations",
        "Durée moyenne des binômes clôturés",
        "Pour les binômes clôturés pendant la période : jours entre le lancement (à défaut, la validation) "
        "et la clôture, en moyenne.",
        "days",
        numerator="Somme des durées des binômes clôturés",
        denominator="Binômes clôturés pendant la période",
        reference=P_OUTPUTS,
        note=IMPORTED,
    ),
    Indicator(
        "meetings_held",
        "realisations",
        "Rencontres réalisées",
        "Rencontres des binômes tenues pendant la période, en présentiel ou à distance, rencontres de "
        "lancement et de clôture comprises.",
        source="lifecycle",
        numerator="Rencontres tenues",
        reference=P_OUTPUTS,
    ),
    Indicator(
        "meetings_remote_share",
        "realisations",
        "Part des rencontres à distance",
        "Rencontres tenues à distance divisées par toutes les rencontres tenues pendant la période.",
        "ratio",
        "lifecycle",
        numerator="Rencontres tenues à distance",
        denominator="Rencontres tenues",
        reference=P_OUTPUTS,
    ),
    Indicator(
        "pairs_remote_agreement",
        "realisations",
        "Binômes à distance selon leur convention",
        "Binômes formés dans Binôme et suivis pendant la période dont la convention individuelle signée "
        "(sa dernière version signée de tous avant la fin de la période) prévoit des rencontres à distance.",
        source="lifecycle",
        numerator="Binômes suivis dont la convention prévoit le distanciel",
        reference=P_OUTPUTS + " (mentorats en distanciel vs présentiel)",
        note="Le souhait du jeune n'est pas ce qui a été convenu ; une convention « mixte » n'est pas comptée.",
    ),
    Indicator(
        "meetings_per_pair_month",
        "realisations",
        "Fréquence de rencontre",
        "Rencontres tenues pendant la période, par binôme suivi et par mois.",
        "number",
        "lifecycle",
        numerator="Rencontres tenues",
        denominator="Binômes suivis × mois de la période",
        reference=P_OUTPUTS,
        note="Repère : au moins une rencontre toutes les 6 semaines.",
    ),
    Indicator(
        "attendance_rate",
        "realisations",
        "Assiduité des jeunes",
        "Rencontres tenues divisées par les rencontres tenues ou manquées sans prévenir pendant la "
        "période (une rencontre annulée à l'avance ne compte pas).",
        "ratio",
        "lifecycle",
        numerator="Rencontres tenues",
        denominator="Rencontres tenues ou manquées sans prévenir",
        reference=P_OUTPUTS,
    ),
    Indicator(
        "events_organised",
        "realisations",
        "Activités collectives organisées",
        "Ateliers, sorties et événements collectifs enregistrés sur la plateforme par les associations, "
        "datés de la période.",
        source="lifecycle",
        numerator="Activités collectives",
        reference=P_OUTPUTS,
    ),
    # --- Résultats (toolkit p. 18)
    _count(
        "pairs_closed",
        "resultats",
        "Binômes clôturés",
        "Binômes dont la clôture est datée de la période, quel qu'en soit le motif.",
        note=IMPORTED,
        reference=P_RESULTS,
    ),
    Indicator(
        "closed_before_6_months_share",
        "resultats",
        "Part des clôtures avant 6 mois",
        "Parmi les binômes clôturés pendant la période, part de ceux qui ont duré moins de 6 mois "
        "(183 jours).",
        "ratio",
        numerator="Binômes clôturés ayant duré moins de 183 jours",
        denominator="Binômes clôturés pendant la période",
        reference=P_RESULTS,
        note="Repère : 38 % des binômes se terminent précocement. " + IMPORTED,
    ),
    Indicator(
        "closed_before_12_months_share",
        "resultats",
        "Part des clôtures avant 12 mois",
        "Parmi les binômes clôturés pendant la période, part de ceux qui ont duré moins de 12 mois "
        "(365 jours).",
        "ratio",
        numerator="Binômes clôturés ayant duré moins de 365 jours",
        denominator="Binômes clôturés pendant la période",
        reference=P_RESULTS,
        note="Les binômes de 12 mois et plus sont ceux qui profitent le plus aux jeunes. " + IMPORTED,
    ),
    Indicator(
        "pairs_objective_reached",
        "resultats",
        "Binômes ayant atteint leur objectif",
        "Binômes clôturés pendant la période dont le bilan de clôture répond « oui » à « objectifs "
        "atteints » (binômes importés : « objectif atteint » coché).",
        source="lifecycle",
        numerator="Binômes clôturés, objectifs atteints : oui",
        reference=P_RESULTS,
    ),
    Indicator(
        "pairs_objective_mostly",
        "resultats",
        "Binômes ayant atteint leur objectif en grande partie",
        "Binômes clôturés pendant la période dont le bilan de clôture répond « en grande partie ».",
        source="lifecycle",
        numerator="Binômes clôturés, objectifs atteints : en grande partie",
        reference=P_RESULTS,
    ),
    Indicator(
        "pairs_objective_partly",
        "resultats",
        "Binômes ayant atteint leur objectif en partie",
        "Binômes clôturés pendant la période dont le bilan de clôture répond « en partie ».",
        source="lifecycle",
        numerator="Binômes clôturés, objectifs atteints : en partie",
        reference=P_RESULTS,
    ),
    Indicator(
        "pairs_objective_not_reached",
        "resultats",
        "Binômes n'ayant pas atteint leur objectif",
        "Binômes clôturés pendant la période dont le bilan de clôture répond « non » (binômes importés : "
        "« objectif atteint » non coché), ce qui n'est pas nécessairement un échec.",
        source="lifecycle",
        numerator="Binômes clôturés, objectifs atteints : non",
        reference=P_RESULTS,
    ),
    Indicator(
        "pairs_abandoned",
        "resultats",
        "Binômes arrêtés en cours de route",
        "Binômes clôturés pendant la période pour un motif lié au binôme (indisponibilité, désengagement, "
        "déménagement…), à distinguer d'un objectif non atteint.",
        source="lifecycle",
        numerator="Binômes clôturés pour un motif lié au binôme",
        reference=P_RESULTS,
        note=IMPORTED.replace(
            ", leur date de début tenant lieu de lancement", ", leur motif rapporté à ceux de Binôme"
        ),
    ),
    Indicator(
        "green_share",
        "resultats",
        "Part des binômes « à jour »",
        "Parmi les binômes en cours aujourd'hui, part de ceux dont le suivi est au vert (rencontres et "
        "contacts du chargé de mentorat à jour).",
        "ratio",
        "lifecycle",
        "today",
        "Binômes en cours au vert",
        "Binômes en cours",
        P_RESULTS,
    ),
    # The legal obligation, as a funnel of the minors for whom it is due (stock on the period's last day).
    _count(
        "coverage_due",
        "resultats",
        "Mineurs à qui le mentorat doit être proposé",
        "Mineurs accompagnés par l'ASE au dernier jour de la période, de 11 à 17 ans ou entrés au collège.",
        period="stock",
        compared=False,
        reference=LAW,
    ),
    _count(
        "coverage_assessed",
        "resultats",
        "… dont situation évaluée",
        "Mineurs de l'obligation dont une évaluation de situation datait de moins d'un an au dernier jour "
        "de la période.",
        period="stock",
        compared=False,
        reference=LAW + " (art. D.221-34)",
    ),
    _count(
        "coverage_proposed",
        "resultats",
        "… dont mentorat proposé",
        "Mineurs de l'obligation à qui le mentorat avait été proposé au dernier jour de la période, "
        "quelle qu'en soit l'issue.",
        period="stock",
        compared=False,
        reference=LAW + " (art. D.221-35)",
    ),
    _count(
        "coverage_adhesion",
        "resultats",
        "… dont adhésion du jeune",
        "Mineurs de l'obligation qui avaient accepté la proposition au dernier jour de la période.",
        period="stock",
        compared=False,
        reference=LAW + " (art. D.221-35)",
    ),
    _count(
        "coverage_consents",
        "resultats",
        "… dont consentements réunis",
        "Mineurs de l'obligation dont les consentements écrits étaient complets au dernier jour de la "
        "période.",
        period="stock",
        compared=False,
        reference=LAW + " (art. D.221-35)",
    ),
    _count(
        "coverage_oriented",
        "resultats",
        "… dont orientés vers une association",
        "Mineurs de l'obligation dont une fiche d'orientation avait été transmise au dernier jour de la "
        "période.",
        period="stock",
        compared=False,
        reference=LAW + " (art. D.221-36)",
    ),
    _count(
        "coverage_accepted",
        "resultats",
        "… dont acceptés par une association",
        "Mineurs de l'obligation dont l'orientation avait été acceptée par une association au dernier "
        "jour de la période.",
        period="stock",
        compared=False,
        reference=LAW + " (art. D.221-37)",
    ),
    _count(
        "coverage_started",
        "resultats",
        "… dont en binôme lancé",
        "Mineurs de l'obligation ayant un binôme lancé et non clôturé au dernier jour de la période.",
        period="stock",
        compared=False,
        reference=LAW + " (art. D.221-38)",
    ),
    Indicator(
        "coverage_rate",
        "resultats",
        "Couverture de l'obligation légale",
        "Mineurs à qui le mentorat a été proposé divisés par les mineurs à qui il doit l'être, au dernier "
        "jour de la période.",
        "ratio",
        period="stock",
        compared=False,
        numerator="Mineurs de l'obligation à qui le mentorat a été proposé",
        denominator="Mineurs à qui le mentorat doit être proposé",
        reference=LAW,
    ),
    _count(
        "young_adults_eligible",
        "resultats",
        "Jeunes majeurs de moins de 21 ans (proposition facultative)",
        "Jeunes de 18 à 20 ans accompagnés par l'ASE au dernier jour de la période, à qui le mentorat peut "
        "être proposé.",
        period="stock",
        compared=False,
        reference=LAW + " (art. L.221-2-6, 2e alinéa)",
    ),
    _count(
        "young_adults_proposed",
        "resultats",
        "… jeunes majeurs à qui le mentorat a été proposé",
        "Jeunes majeurs de moins de 21 ans à qui le mentorat avait été proposé au dernier jour de la période.",
        period="stock",
        compared=False,
        reference=LAW,
    ),
    _count(
        "young_adults_started",
        "resultats",
        "… jeunes majeurs en binôme lancé",
        "Jeunes majeurs de moins de 21 ans ayant un binôme lancé et non clôturé au dernier jour de la période.",
        period="stock",
        compared=False,
        reference=LAW,
    ),
    # --- Impact (toolkit p. 14 and 19; Collectif Mentorat 2023)
    Indicator(
        "exit_surveys",
        "impact",
        "Questionnaires de fin remplis par les jeunes",
        "Questionnaires de fin de mentorat remplis par les jeunes pendant la période : la base des "
        "indicateurs d'impact ci-dessous.",
        source="survey",
        numerator="Jeunes ayant rempli leur questionnaire de fin",
        reference=P_IMPACT,
    ),
    Indicator(
        "impact_confidence",
        "impact",
        "Jeunes ayant repris confiance en eux",
        _agrees("self_confidence"),
        source="survey",
        numerator="Jeunes ayant répondu 4 ou 5",
        reference=P_IMPACT,
    ),
    Indicator(
        "impact_grades",
        "impact",
        "Jeunes ayant amélioré leurs résultats scolaires",
        _agrees("grades"),
        source="survey",
        numerator="Jeunes ayant répondu 4 ou 5",
        reference=P_IMPACT,
    ),
    Indicator(
        "impact_internship",
        "impact",
        "Jeunes ayant trouvé un stage, une formation ou un emploi",
        _agrees("internship_job"),
        source="survey",
        numerator="Jeunes ayant répondu 4 ou 5",
        reference=P_IMPACT,
    ),
    Indicator(
        "impact_psychosocial",
        "impact",
        "Jeunes ayant développé des compétences psychosociales",
        _agrees("psychosocial"),
        source="survey",
        numerator="Jeunes ayant répondu 4 ou 5",
        reference=P_IMPACT,
    ),
    Indicator(
        "impact_someone_to_count_on",
        "impact",
        "Jeunes ayant une personne sur qui compter",
        _agrees("someone_to_count_on"),
        source="survey",
        numerator="Jeunes ayant répondu 4 ou 5",
        reference=P_IMPACT,
    ),
    Indicator(
        "satisfaction_youth",
        "impact",
        "Satisfaction des jeunes",
        f"Part des jeunes ayant répondu 4 ou 5 sur 5 à « {EXIT_QUESTIONS['satisfaction'].youth} » parmi "
        "ceux qui y ont répondu dans leur questionnaire de fin rempli pendant la période.",
        "ratio",
        "survey",
        numerator="Jeunes ayant répondu 4 ou 5",
        denominator="Jeunes ayant répondu à la question",
        reference=COLLECTIF,
    ),
    Indicator(
        "satisfaction_mentor",
        "impact",
        "Satisfaction des mentors",
        f"Part des mentors ayant répondu 4 ou 5 sur 5 à « {EXIT_QUESTIONS['satisfaction'].mentor} » parmi "
        "ceux qui y ont répondu dans leur questionnaire de fin rempli pendant la période.",
        "ratio",
        "survey",
        numerator="Mentors ayant répondu 4 ou 5",
        denominator="Mentors ayant répondu à la question",
        reference=COLLECTIF,
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
