"""The score of a youth and mentor pair, as pure functions: no database, no clock, easy to test and to explain.

Each criterion returns a value between 0 and 1 and a French phrase a coordinator reads as it is
("même commune", "2 créneaux communs"). The total is the weighted sum, weights being a policy
choice of each association (defaults below). Hard constraints are separate: a pair that breaks one
is never proposed, whatever its score.

Evidence behind the defaults (DOMAIN.md): most closures come from the mentor (moving, lack of time),
so availability, distance and objectives weigh most; shared hobbies did not lengthen matches.
"""

import re
from dataclasses import dataclass, field

from binome.territories.geo import distance_km

IN_PERSON = "in_person"
REMOTE = "remote"
HYBRID = "hybrid"

DEFAULT_WEIGHTS = {
    "distance": 3.0,
    "availability": 3.0,
    "objectives": 3.0,
    "modality": 2.0,
    "age_gap": 1.0,
    "gender": 1.0,
    "interests": 0.5,
    "languages": 0.5,
}
CRITERIA_LABELS = {
    "distance": "Distance",
    "availability": "Disponibilités",
    "objectives": "Objectifs et matières",
    "modality": "Modalité",
    "age_gap": "Écart d'âge",
    "gender": "Préférence de genre",
    "interests": "Centres d'intérêt",
    "languages": "Langues",
}
IDEAL_AGE_GAP = (5, 25)  # years; near-peer programmes use ≤ 10, the association sets its own weights


@dataclass(frozen=True)
class Side:
    """What scoring needs to know of a youth or a mentor."""

    age: int
    gender: str = ""
    latitude: float | None = None
    longitude: float | None = None
    modality: str = ""
    objectives: frozenset = frozenset()
    subjects: frozenset = frozenset()
    availability: frozenset = frozenset()
    interests: str = ""
    languages: str = ""
    travel_km: int = 0  # mentors only
    gender_preference: str = ""  # youths only: "", "f" or "m"


@dataclass(frozen=True)
class Criterion:
    key: str
    value: float  # 0..1
    label: str


@dataclass
class Score:
    total: float
    criteria: list[Criterion] = field(default_factory=list)
    weights: dict = field(default_factory=dict)

    def breakdown(self) -> list[tuple[str, float, float, str]]:
        """(criterion name, weight, points, French explanation), heaviest first."""
        rows = [
            (
                CRITERIA_LABELS[c.key],
                self.weights.get(c.key, 0),
                round(c.value * self.weights.get(c.key, 0), 2),
                c.label,
            )
            for c in self.criteria
        ]
        return sorted(rows, key=lambda r: -r[1])


def _distance(youth: Side, mentor: Side) -> float | None:
    if None in (youth.latitude, youth.longitude, mentor.latitude, mentor.longitude):
        return None
    return distance_km(youth.latitude, youth.longitude, mentor.latitude, mentor.longitude)


def meets_in_person(youth: Side, mentor: Side) -> bool:
    """Whether the pair would meet in person (at least sometimes)."""
    return REMOTE not in (youth.modality, mentor.modality)


def hard_violations(youth: Side, mentor: Side) -> list[str]:
    """Rules no score can override (the pathway's own gates are checked before scoring)."""
    problems = []
    if {youth.modality, mentor.modality} == {IN_PERSON, REMOTE}:
        problems.append("modalités incompatibles (présentiel et distance)")
    if meets_in_person(youth, mentor):
        km = _distance(youth, mentor)
        if km is not None and km > mentor.travel_km:
            problems.append(f"à {km:.0f} km, au-delà des {mentor.travel_km} km du mentor")
    if youth.gender_preference and mentor.gender and youth.gender_preference != mentor.gender:
        problems.append("le jeune a demandé un mentor d'un autre genre")
    return problems


def criterion_distance(youth: Side, mentor: Side) -> Criterion:
    if not meets_in_person(youth, mentor):
        return Criterion("distance", 1.0, "rencontres à distance : la distance ne compte pas")
    km = _distance(youth, mentor)
    if km is None:
        return Criterion("distance", 0.5, "distance inconnue (commune non renseignée)")
    if km < 1:
        return Criterion("distance", 1.0, "même commune")
    radius = max(mentor.travel_km, 1)
    return Criterion(
        "distance", max(0.0, 1 - km / radius), f"à {km:.0f} km (rayon du mentor : {mentor.travel_km} km)"
    )


def criterion_availability(youth: Side, mentor: Side) -> Criterion:
    shared = len(youth.availability & mentor.availability)
    if not youth.availability or not mentor.availability:
        return Criterion("availability", 0.5, "disponibilités non renseignées")
    if not shared:
        return Criterion("availability", 0.0, "aucun créneau commun")
    return Criterion(
        "availability",
        min(1.0, shared / 3),
        f"{shared} créneau{'x' if shared > 1 else ''} commun{'s' if shared > 1 else ''}",
    )


def criterion_objectives(youth: Side, mentor: Side) -> Criterion:
    if not youth.objectives:
        return Criterion("objectives", 0.5, "objectifs du jeune non renseignés")
    shared = youth.objectives & mentor.objectives
    value = len(shared) / len(youth.objectives)
    label = f"{len(shared)} objectif{'s' if len(shared) > 1 else ''} sur {len(youth.objectives)} en commun"
    if youth.subjects and mentor.subjects:
        subjects = len(youth.subjects & mentor.subjects)
        value = 0.8 * value + 0.2 * min(1.0, subjects / len(youth.subjects))
        label += f", {subjects} matière{'s' if subjects > 1 else ''} en commun"
    return Criterion("objectives", value, label)


def criterion_modality(youth: Side, mentor: Side) -> Criterion:
    if not youth.modality or not mentor.modality:
        return Criterion("modality", 0.5, "modalité non renseignée")
    if youth.modality == mentor.modality:
        return Criterion("modality", 1.0, "même modalité")
    if HYBRID in (youth.modality, mentor.modality):
        return Criterion("modality", 0.6, "modalités compatibles (mixte)")
    return Criterion("modality", 0.0, "modalités différentes")


def criterion_age_gap(youth: Side, mentor: Side) -> Criterion:
    gap = mentor.age - youth.age
    low, high = IDEAL_AGE_GAP
    if gap < 0:
        return Criterion("age_gap", 0.0, "mentor plus jeune que le jeune")
    if gap < 3:
        return Criterion("age_gap", 0.0, f"écart d'âge de {gap} an{'s' if gap > 1 else ''} : trop faible")
    if low <= gap <= high:
        return Criterion("age_gap", 1.0, f"écart d'âge de {gap} ans")
    if gap < low:
        return Criterion("age_gap", 0.6, f"écart d'âge de {gap} ans (pair proche)")
    return Criterion("age_gap", max(0.2, 1 - (gap - high) / 40), f"écart d'âge de {gap} ans")


def criterion_gender(youth: Side, mentor: Side) -> Criterion:
    if not youth.gender_preference:
        return Criterion("gender", 1.0, "pas de préférence de genre")
    if youth.gender_preference == mentor.gender:
        return Criterion("gender", 1.0, "genre souhaité par le jeune")
    return Criterion("gender", 0.0, "genre différent de celui souhaité")


_WORD = re.compile(r"[a-zàâäçéèêëîïôöùûüÿœ]{4,}")
# Words that say nothing about a hobby or a language: "j'aime faire du foot avec mes amis" and
# "j'aime faire la cuisine avec mes enfants" share no interest.
STOP_WORDS = frozenset(
    [
        "aime",
        "aimer",
        "aimerais",
        "adore",
        "adorer",
        "avec",
        "sans",
        "pour",
        "dans",
        "chez",
        "mais",
        "aussi",
        "faire",
        "fais",
        "fait",
        "très",
        "tout",
        "tous",
        "toutes",
        "toute",
        "beaucoup",
        "plus",
        "moins",
        "bien",
        "peux",
        "peut",
        "veux",
        "veut",
        "voudrais",
        "être",
        "suis",
        "sont",
        "avoir",
        "parle",
        "parler",
        "parlé",
        "parlée",
        "langue",
        "langues",
        "couramment",
        "notions",
        "niveau",
        "bases",
        "courant",
        "comme",
        "leur",
        "leurs",
        "notre",
        "votre",
        "mais",
        "donc",
        "puis",
        "quand",
        "quel",
        "quelle",
        "elle",
        "elles",
        "nous",
        "vous",
        "ceux",
        "cette",
        "ceci",
        "cela",
        "amis",
        "enfants",
        "famille",
        "temps",
        "libre",
        "loisirs",
        "passion",
        "passions",
        "activité",
        "activités",
        "sport",
        "sports",
        "jeux",
    ]
)


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower())) - STOP_WORDS


def criterion_interests(youth: Side, mentor: Side) -> Criterion:
    shared = sorted(_words(youth.interests) & _words(mentor.interests))
    if not shared:
        return Criterion("interests", 0.0, "pas d'intérêt commun relevé")
    return Criterion("interests", min(1.0, len(shared) / 2), "intérêts communs : " + ", ".join(shared[:3]))


def criterion_languages(youth: Side, mentor: Side) -> Criterion:
    shared = sorted(_words(youth.languages) & _words(mentor.languages))
    if not youth.languages:
        return Criterion("languages", 0.5, "langues du jeune non renseignées")
    if not shared:
        return Criterion("languages", 0.0, "aucune langue commune indiquée")
    return Criterion("languages", 1.0, "langue commune : " + ", ".join(shared[:2]))


CRITERIA = (
    criterion_distance,
    criterion_availability,
    criterion_objectives,
    criterion_modality,
    criterion_age_gap,
    criterion_gender,
    criterion_interests,
    criterion_languages,
)


def score(youth: Side, mentor: Side, weights: dict | None = None) -> Score:
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    criteria = [criterion(youth, mentor) for criterion in CRITERIA]
    total = sum(weights.get(c.key, 0) * c.value for c in criteria)
    return Score(total=round(total, 4), criteria=criteria, weights=weights)


def max_score(weights: dict | None = None) -> float:
    return sum({**DEFAULT_WEIGHTS, **(weights or {})}.values())
