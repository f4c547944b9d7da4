"""Synthetic waiting pools for the matching benchmark, with French-département-sized geography.

Départements are squares of about 80 km × 80 km laid on mainland France's bounding box. Each has
communes of Zipf-like sizes (one city, a few towns, many villages); people sit at their commune's
centre, as in the real data. Each département has three associations; a youth waits in one of them
and may only be paired with that association's mentors. Everything comes from one seed.
"""

import random
from dataclasses import dataclass

from binome.matching.scoring import HYBRID, IN_PERSON, REMOTE, Side

LAT_MIN, LAT_MAX, LON_MIN, LON_MAX = 42.5, 51.0, -4.5, 7.5
DEPARTEMENT_DEGREES = (0.72, 1.05)  # ≈ 80 km × 80 km at French latitudes
COMMUNES_PER_DEPARTEMENT = 200
ASSOCIATIONS_PER_DEPARTEMENT = 3
YOUTHS_PER_DEPARTEMENT = 1000

SLOTS = [
    f"{d}_{m}" for d in ("lun", "mar", "mer", "jeu", "ven", "sam", "dim") for m in ("matin", "apm", "soir")
]
OBJECTIVES = ["school_support", "orientation", "job_insertion", "socio_emotional"]
SUBJECTS = [
    "french",
    "maths",
    "english",
    "languages",
    "sciences",
    "history",
    "economics",
    "tech",
    "arts",
    "method",
]
HOBBIES = [
    "football",
    "basket",
    "natation",
    "danse",
    "dessin",
    "peinture",
    "musique",
    "guitare",
    "piano",
    "chant",
    "lecture",
    "écriture",
    "cinéma",
    "théâtre",
    "photographie",
    "cuisine",
    "pâtisserie",
    "jardinage",
    "randonnée",
    "vélo",
    "escalade",
    "équitation",
    "boxe",
    "judo",
    "tennis",
    "échecs",
    "informatique",
    "programmation",
    "robotique",
    "astronomie",
    "nature",
    "animaux",
    "mode",
    "couture",
    "bricolage",
    "mécanique",
    "histoire",
    "voyages",
    "manga",
    "jeux",
]
LANGUAGES = ["anglais", "arabe", "espagnol", "portugais", "turc", "roumain", "wolof", "lingala", "tamoul"]


@dataclass
class Pool:
    youths: list[Side]
    youth_groups: list[int]
    mentors: list[Side]
    mentor_groups: list[int]
    capacities: list[int]


def _departements(count: int, rng: random.Random):
    columns = max(1, round((count * (LON_MAX - LON_MIN) / (LAT_MAX - LAT_MIN)) ** 0.5))
    rows = -(-count // columns)
    cells = [(r, c) for r in range(rows) for c in range(columns)]
    rng.shuffle(cells)
    lat_step = (LAT_MAX - LAT_MIN) / rows
    lon_step = (LON_MAX - LON_MIN) / columns
    for r, c in sorted(cells[:count]):
        lat0 = LAT_MIN + r * lat_step + (lat_step - DEPARTEMENT_DEGREES[0]) / 2
        lon0 = LON_MIN + c * lon_step + (lon_step - DEPARTEMENT_DEGREES[1]) / 2
        communes = [
            (lat0 + rng.random() * DEPARTEMENT_DEGREES[0], lon0 + rng.random() * DEPARTEMENT_DEGREES[1])
            for _ in range(COMMUNES_PER_DEPARTEMENT)
        ]
        weights = [
            1 / (rank + 1) for rank in range(COMMUNES_PER_DEPARTEMENT)
        ]  # Zipf: one city, many villages
        yield communes, weights


def _modality(rng):
    return rng.choices([IN_PERSON, HYBRID, REMOTE, ""], weights=[50, 33, 15, 2])[0]


def _common(rng, place, *, mentor: bool) -> dict:
    located = rng.random() > 0.02
    return {
        "latitude": place[0] if located else None,
        "longitude": place[1] if located else None,
        "modality": _modality(rng),
        "availability": frozenset(rng.sample(SLOTS, rng.randint(2, 6))),
        "interests": ", ".join(rng.sample(HOBBIES, rng.randint(0, 4))),
        "languages": "français" + "".join(f", {x}" for x in rng.sample(LANGUAGES, rng.choice([0, 0, 0, 1]))),
        "objectives": frozenset(rng.sample(OBJECTIVES, rng.randint(1, 3 if mentor else 2))),
        "subjects": frozenset(rng.sample(SUBJECTS, rng.randint(0, 3))),
    }


def pool(n_youths: int, n_mentors: int, seed: int = 0) -> Pool:
    rng = random.Random(seed)  # noqa: S311 — synthetic data, not secrets
    n_departements = max(1, min(100, round(n_youths / YOUTHS_PER_DEPARTEMENT)))
    departements = list(_departements(n_departements, rng))
    youths, youth_groups, mentors, mentor_groups, capacities = [], [], [], [], []
    for i in range(n_youths):
        d = i % n_departements
        communes, weights = departements[d]
        place = rng.choices(communes, weights)[0]
        youths.append(
            Side(
                age=rng.randint(11, 20),
                gender=rng.choice("fm"),
                gender_preference=rng.choices(["", "f", "m"], weights=[88, 9, 3])[0],
                **_common(rng, place, mentor=False),
            )
        )
        youth_groups.append(d * ASSOCIATIONS_PER_DEPARTEMENT + rng.randrange(ASSOCIATIONS_PER_DEPARTEMENT))
    for i in range(n_mentors):
        d = i % n_departements
        communes, weights = departements[d]
        place = rng.choices(communes, weights)[0]
        mentors.append(
            Side(
                age=rng.randint(19, 72),
                gender=rng.choices("fmx", weights=[60, 38, 2])[0],
                travel_km=rng.choice([5, 10, 10, 15, 20, 20, 30, 40]),
                **_common(rng, place, mentor=True),
            )
        )
        mentor_groups.append(d * ASSOCIATIONS_PER_DEPARTEMENT + rng.randrange(ASSOCIATIONS_PER_DEPARTEMENT))
        capacities.append(rng.choices([1, 2, 3], weights=[75, 20, 5])[0])
    return Pool(youths, youth_groups, mentors, mentor_groups, capacities)
