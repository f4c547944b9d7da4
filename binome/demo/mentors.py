"""The demo's mentors: each association's pipeline, its training and the département's honorability checks.

Every mentor is planned first (a fixed random generator, dates counted in days before today), then run
through the same services as the forms — application, interview, training, checks recorded by the
département's pilot — and the timestamps those services wrote are moved back to the planned dates.
Keyed on the mentor's e-mail in the association: a second run adds nothing. No mentor is in a pair:
the matching builder takes the ready ones.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import random
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Case, F, Value, When
from django.utils import timezone

from binome.accounts.models import Membership, Role
from binome.audit.models import AccessLog
from binome.mentors import services
from binome.mentors.models import (
    CheckResult,
    HonorabilityCheck,
    Mentor,
    MentorEvent,
    MentorStage,
    Occupation,
    Subject,
    TrainingModule,
    TrainingRegistration,
    TrainingSession,
)
from binome.notifications import emails
from binome.territories.models import Commune
from binome.utils.choices import SLOTS, Modality
from binome.utils.dates import one_year_after, years_before

if TYPE_CHECKING:
    from binome.accounts.models import Organisation, User
    from binome.demo.world import DemoWorld

MENTORS_SEED = 44_0404
EMAIL_DOMAIN = "mentor.example"
PILOT_EMAIL = "pilote@cd44.example"

POSTURE = "Posture du mentor"
PROTECTION = "Protection de l'enfance et ASE"
SCHOOLING = "Accompagner la scolarité"
# (name, required before matching)
MODULES = [(POSTURE, True), (PROTECTION, True), (SCHOOLING, False)]

# --- Who the mentors are -------------------------------------------------------------------------

# The stories of each association's mentors, in the order of builders.ASSOCIATIONS (about 40, 25 and 15,
# as their conventions). A number is the days until the honorability check expires (negative: expired).
STORIES = [
    [
        *["candidate"] * 3,
        *["candidate_stale"] * 2,
        *["interview_planned"] * 2,
        "interview_planned_stale",
        "interview_done",
        "interview_done_stale",
        *["training"] * 2,
        "training_half",
        "training_absent",
        "vetting",
        "vetting_no_birth_place",
        *["vetting_pending"] * 2,
        *[("ready", days) for days in (-12, 8, 41, 55, 90, 120, 150, 180, 210, 240, 265, 290, 315, 340)],
        ("ready_renewal_pending", 24),
        ("ready_renewed", 322),
        ("ready_renewed", 338),
        ("paused_from_ready", 200),
        "paused_from_training",
        ("left_from_ready", 150),
        "left_from_interview_planned",
        "not_retained_after_interview",
    ],
    [
        *["candidate"] * 2,
        "candidate_stale",
        "interview_planned",
        "interview_planned_stale",
        "interview_done",
        *["training"] * 2,
        "training_half",
        "vetting",
        "vetting_pending",
        *[("ready", days) for days in (14, 36, 70, 110, 160, 200, 230, 270, 300, 350)],
        ("paused_from_ready", 130),
        "left_from_training",
        "left_from_interview_done",
        "not_retained_check",
    ],
    [
        "candidate",
        "candidate_stale",
        "interview_planned",
        "interview_done",
        *["training"] * 2,
        "vetting",
        "vetting_pending",
        *[("ready", days) for days in (27, 48, 95, 180, 260)],
        ("paused_from_ready", 75),
        ("left_from_ready", 120),
    ],
]

# Where each association's mentors live: communes of these arrondissements (named after their
# chef-lieu; none = the whole département), weighted by population, Nantes and Saint-Nazaire more.
AREAS = [[], ["Nantes", "Saint-Nazaire"], ["Saint-Nazaire"]]
BIG_TOWNS = {"Nantes": 3, "Saint-Nazaire": 3}
ASSOCIATION_OBJECTIVES = [
    ["school_support", "orientation", "job_insertion", "socio_emotional"],
    ["school_support", "orientation", "socio_emotional"],
    ["orientation", "job_insertion", "socio_emotional"],
]
OBJECTIVE_WEIGHTS = {
    Occupation.STUDENT: {"school_support": 40, "orientation": 35, "socio_emotional": 20, "job_insertion": 5},
    Occupation.EMPLOYED: {
        "job_insertion": 35,
        "orientation": 35,
        "school_support": 15,
        "socio_emotional": 15,
    },
    Occupation.RETIRED: {"school_support": 40, "socio_emotional": 35, "orientation": 15, "job_insertion": 10},
}
# Share of students, people in work and retired people, per association.
OCCUPATION_WEIGHTS = [(25, 50, 25), (35, 35, 30), (15, 70, 15)]
AGES = {Occupation.STUDENT: (19, 25), Occupation.EMPLOYED: (26, 60), Occupation.RETIRED: (61, 72)}


def _names(text: str) -> list[str]:
    return text.split(", ")


FIRST_NAMES = {
    (Occupation.STUDENT, "f"): _names(
        "Léa, Manon, Chloé, Camille, Inès, Sarah, Clara, Emma, Lucie, Océane, Marie, Pauline, Justine, "
        "Mathilde, Anaïs, Yasmine, Salomé, Maëlle, Louise, Juliette, Amel, Awa, Zoé, Margaux"
    ),
    (Occupation.STUDENT, "m"): _names(
        "Lucas, Hugo, Théo, Thomas, Maxime, Antoine, Yanis, Mehdi, Nathan, Baptiste, Alexandre, Quentin, "
        "Clément, Louis, Paul, Arthur, Erwan, Corentin, Adrien, Moussa, Ilyes, Valentin"
    ),
    (Occupation.EMPLOYED, "f"): _names(
        "Julie, Aurélie, Émilie, Céline, Stéphanie, Sandrine, Nathalie, Sophie, Claire, Anne, Laëtitia, "
        "Élodie, Marion, Caroline, Hélène, Karine, Virginie, Audrey, Fatima, Samia, Nadia, Soazig, "
        "Gwenaëlle, Isabelle, Valérie, Mélanie, Amandine"
    ),
    (Occupation.EMPLOYED, "m"): _names(
        "Nicolas, Julien, Sébastien, Guillaume, Romain, Mathieu, Jérôme, Olivier, David, Christophe, "
        "Stéphane, Frédéric, Yannick, Ronan, Gwenaël, Karim, Rachid, Samir, Vincent, Cédric, Laurent, "
        "Benoît, Arnaud, Fabrice, Loïc, Mamadou"
    ),
    (Occupation.RETIRED, "f"): _names(
        "Martine, Catherine, Françoise, Monique, Christine, Brigitte, Sylvie, Chantal, Dominique, Annick, "
        "Marie-France, Évelyne, Jacqueline, Michèle, Danielle, Maryvonne, Nicole, Patricia, Yvette"
    ),
    (Occupation.RETIRED, "m"): _names(
        "Jean-Pierre, Alain, Bernard, Gérard, Michel, Patrick, Philippe, Jean-Luc, Daniel, Jacques, Yves, "
        "Hervé, Jean-Yves, Gilles, Pierre, Serge, Joël, Didier, Jean-Claude"
    ),
}
SURNAMES = _names(
    "Martin, Bernard, Petit, Durand, Dubois, Moreau, Lefebvre, Leroy, Fournier, Girard, Bonnet, Lambert, "
    "Fontaine, Faure, Mercier, Blanc, Chevalier, Perrin, Robin, Morin, Roussel, Masson, Marchand, Duval, "
    "Lemaire, Meunier, Brunet, Barbier, Renard, Colin, Caron, Picard, Lacroix, Lecomte, Hubert, Berger, "
    "Fleury, Poirier, Le Gall, Guillou, Le Roux, Le Floch, Hamon, Le Bris, Le Corre, Morvan, Le Meur, "
    "Guégan, Le Berre, Riou, Nicol, Le Moal, Quéméner, Charrier, Bouchet, Gautier, Pineau, Brochard, "
    "Chiron, Sauvaget, Mainguy, Ménard, Pouvreau, Gendron, Jaunet, Praud, Ripoche, Rabreau, Guilbaud, "
    "Chauvet, Baudry, Bossis, Cottineau, Rouaud"
)
# Surnames whose bearers were sometimes born abroad, and may speak the language.
ORIGINS = {
    "Benali": (["Alger (Algérie)", "Oran (Algérie)"], "arabe"),
    "Mansouri": (["Casablanca (Maroc)", "Fès (Maroc)"], "arabe"),
    "Belkacem": (["Constantine (Algérie)"], "arabe"),
    "Trabelsi": (["Tunis (Tunisie)", "Sfax (Tunisie)"], "arabe"),
    "Diallo": (["Conakry (Guinée)", "Dakar (Sénégal)"], "peul"),
    "Ndiaye": (["Dakar (Sénégal)", "Thiès (Sénégal)"], "wolof"),
    "Traoré": (["Bamako (Mali)"], "bambara"),
    "Camara": (["Conakry (Guinée)"], "soussou"),
    "Ferreira": (["Porto (Portugal)", "Braga (Portugal)"], "portugais"),
    "Da Silva": (["Lisbonne (Portugal)"], "portugais"),
    "Nguyen": (["Hô Chi Minh-Ville (Viêt Nam)"], "vietnamien"),
    "Tran": (["Hanoï (Viêt Nam)"], "vietnamien"),
    "Yilmaz": (["Istanbul (Turquie)", "Ankara (Turquie)"], "turc"),
    "Kaya": (["Izmir (Turquie)"], "turc"),
}
SURNAMES += list(ORIGINS)
BIRTH_PLACES = [
    ("Nantes (Loire-Atlantique)", 30),
    ("Saint-Nazaire (Loire-Atlantique)", 10),
    ("Rezé (Loire-Atlantique)", 3),
    ("Châteaubriant (Loire-Atlantique)", 2),
    ("Guérande (Loire-Atlantique)", 2),
    ("Rennes (Ille-et-Vilaine)", 6),
    ("Angers (Maine-et-Loire)", 5),
    ("Cholet (Maine-et-Loire)", 2),
    ("La Roche-sur-Yon (Vendée)", 4),
    ("Vannes (Morbihan)", 3),
    ("Lorient (Morbihan)", 2),
    ("Brest (Finistère)", 3),
    ("Quimper (Finistère)", 2),
    ("Saint-Brieuc (Côtes-d'Armor)", 2),
    ("Laval (Mayenne)", 2),
    ("Le Mans (Sarthe)", 2),
    ("Tours (Indre-et-Loire)", 2),
    ("Poitiers (Vienne)", 1),
    ("Paris 14e (Paris)", 4),
    ("Lyon 3e (Rhône)", 1),
    ("Lille (Nord)", 1),
    ("Bordeaux (Gironde)", 1),
]

# (masculine, feminine, subjects)
PROFILES = {
    Occupation.STUDENT: [
        ("Étudiant en master de droit", "Étudiante en master de droit", ["french", "history"]),
        ("Élève ingénieur à Centrale Nantes", "Élève ingénieure à Centrale Nantes", ["maths", "sciences"]),
        ("Étudiant en licence STAPS", "Étudiante en licence STAPS", ["method"]),
        ("Étudiant infirmier (IFSI, 2e année)", "Étudiante infirmière (IFSI, 2e année)", ["sciences"]),
        ("Étudiant en école de commerce", "Étudiante en école de commerce", ["economics", "english"]),
        ("Étudiant en BUT informatique", "Étudiante en BUT informatique", ["tech", "maths"]),
        ("Étudiant en licence d'anglais", "Étudiante en licence d'anglais", ["english", "languages"]),
        ("Étudiant en école d'architecture", "Étudiante en école d'architecture", ["arts", "maths"]),
        ("Étudiant en master de psychologie", "Étudiante en master de psychologie", ["method", "french"]),
        ("Étudiant en BTS électrotechnique", "Étudiante en BTS électrotechnique", ["tech", "sciences"]),
        ("Étudiant en licence d'histoire", "Étudiante en licence d'histoire", ["history", "french"]),
    ],
    Occupation.EMPLOYED: [
        ("Infirmier au CHU", "Infirmière au CHU", ["sciences"]),
        (
            "Ingénieur dans la construction navale",
            "Ingénieure dans la construction navale",
            ["maths", "tech"],
        ),
        ("Professeur des écoles", "Professeure des écoles", ["french", "maths", "method"]),
        ("Comptable en cabinet d'expertise", "Comptable en cabinet d'expertise", ["maths", "economics"]),
        ("Développeur web", "Développeuse web", ["tech", "english"]),
        ("Menuisier, artisan à son compte", "Menuisière, artisane à son compte", ["tech"]),
        ("Conseiller bancaire", "Conseillère bancaire", ["economics", "maths"]),
        ("Technicien de maintenance aéronautique", "Technicienne de maintenance aéronautique", ["tech"]),
        ("Éducateur sportif", "Éducatrice sportive", ["method"]),
        ("Chargé de recrutement", "Chargée de recrutement", ["method", "economics"]),
        ("Cuisinier en restauration collective", "Cuisinière en restauration collective", []),
        ("Journaliste en presse locale", "Journaliste en presse locale", ["french", "history"]),
        ("Pharmacien", "Pharmacienne", ["sciences"]),
        ("Agent d'accueil en mairie", "Agente d'accueil en mairie", ["method"]),
        ("Commercial dans l'agroalimentaire", "Commerciale dans l'agroalimentaire", ["economics", "english"]),
        ("Avocat", "Avocate", ["french", "history"]),
        ("Aide-soignant en EHPAD", "Aide-soignante en EHPAD", []),
        ("Chef de projet informatique", "Cheffe de projet informatique", ["tech", "maths", "method"]),
        ("Architecte", "Architecte", ["arts", "maths"]),
        ("Électricien", "Électricienne", ["tech"]),
        ("Professeur d'anglais en collège", "Professeure d'anglais en collège", ["english"]),
        ("Logisticien sur le port", "Logisticienne sur le port", ["economics"]),
    ],
    Occupation.RETIRED: [
        (
            "Ancien professeur de mathématiques",
            "Ancienne professeure de mathématiques",
            ["maths", "sciences"],
        ),
        ("Ancien cadre à la SNCF", "Ancienne cadre à la SNCF", ["economics", "method"]),
        ("Ancien infirmier", "Ancienne infirmière", ["sciences"]),
        ("Ancien chef d'entreprise du bâtiment", "Ancienne cheffe d'entreprise du bâtiment", ["economics"]),
        ("Ancien boulanger", "Ancienne boulangère", []),
        ("Ancien bibliothécaire", "Ancienne bibliothécaire", ["french", "history", "arts"]),
        ("Ancien conseiller d'orientation", "Ancienne conseillère d'orientation", ["method"]),
        ("Ancien officier de la marine marchande", "Ancienne officière de la marine marchande", ["english"]),
        ("Ancien assistant social", "Ancienne assistante sociale", ["method"]),
        ("Ancien ingénieur en aéronautique", "Ancienne ingénieure en aéronautique", ["maths", "tech"]),
    ],
}
MOTIVATIONS = {
    Occupation.STUDENT: [
        "Pendant mes études, quelqu'un a cru en moi au bon moment. J'aimerais faire de même pour un jeune "
        "de l'ASE, simplement, une ou deux fois par semaine.",
        "J'ai fait de l'aide aux devoirs au lycée et j'ai adoré. Je voudrais m'engager dans la durée, "
        "auprès d'un seul jeune, pour qu'il ou elle avance à son rythme.",
        "Je suis passé par des années compliquées et je sais ce que vaut une personne qui écoute. "
        "Je peux partager mon expérience des études et de l'orientation.",
    ],
    Occupation.EMPLOYED: [
        "Je travaille depuis une quinzaine d'années et je vois combien le réseau compte pour trouver sa "
        "voie. Je peux donner deux heures par semaine et faire découvrir mon métier.",
        "Mon métier m'a appris l'écoute. Je souhaite accompagner un jeune dans la durée, sans me substituer "
        "à ses éducateurs, en l'aidant à construire son projet.",
        "Mes enfants sont grands ; j'ai du temps le soir et le week-end. Un collègue mentor m'a parlé du "
        "programme et j'ai envie de m'engager à mon tour.",
        "J'ai grandi en foyer. Je sais ce qu'un adulte de confiance peut changer : je veux être cette "
        "personne pour quelqu'un.",
    ],
    Occupation.RETIRED: [
        "À la retraite depuis peu, j'ai du temps et l'envie de transmettre. Accompagner un jeune près de "
        "chez moi, c'est rester utile et ouvert sur le monde.",
        "J'ai passé ma vie professionnelle à former des apprentis. Je voudrais continuer autrement, "
        "auprès d'un jeune qui n'a pas toujours eu de repères.",
        "Bénévole depuis longtemps dans le soutien scolaire, je souhaite un accompagnement plus suivi, "
        "en lien avec l'équipe de l'ASE.",
    ],
}
HOBBIES = [
    "randonnée", "cuisine", "voile", "football (entraîneur de jeunes)", "théâtre amateur", "lecture",
    "cinéma", "photographie", "jardinage", "guitare", "course à pied", "échecs", "jeux de société",
    "histoire locale", "couture", "vélo", "chorale", "basket", "pêche à pied", "bricolage", "dessin",
    "jeux vidéo", "danse", "escalade", "astronomie", "musées et expositions",
]  # fmt: skip
SLOTS_BY_OCCUPATION = {
    Occupation.STUDENT: ["lun_soir", "mar_soir", "mer_apm", "jeu_soir", "ven_apm", "sam_matin", "sam_apm"],
    Occupation.EMPLOYED: _names(
        "lun_soir, mar_soir, mer_soir, jeu_soir, ven_soir, sam_matin, sam_apm, dim_matin"
    ),
    Occupation.RETIRED: ["lun_apm", "mar_matin", "mar_apm", "mer_matin", "mer_apm", "jeu_apm", "ven_matin"],
}
SLOT_ORDER = [code for code, _label in SLOTS]
HEARD_FROM = {
    Occupation.STUDENT: {"word_of_mouth": 25, "school": 30, "web": 20, "platform": 15, "event": 10},
    Occupation.EMPLOYED: {"word_of_mouth": 30, "employer": 20, "web": 20, "platform": 20, "event": 10},
    Occupation.RETIRED: {"word_of_mouth": 45, "web": 15, "platform": 10, "event": 25, "other": 5},
}
INTERVIEW_NOTES = [
    "Très bon contact, expérience d'animation auprès d'adolescents.",
    "Motivation solide ; vigilance sur la durée de l'engagement (déplacements professionnels).",
    "Parcours proche de celui des jeunes accompagnés : à former sur la posture et la juste distance.",
    "Profil orientation et insertion, réseau professionnel utile.",
    "Disponible et patient·e ; souhaite un binôme près de chez soi.",
    "Déjà bénévole en soutien scolaire ; attentes réalistes.",
]
PAUSE_REASONS = [
    "Congé parental, reprise prévue dans quelques mois",
    "Surcharge professionnelle jusqu'à la fin du trimestre",
    "Raisons de santé",
    "Stage de fin d'études à l'étranger",
]
LEAVE_REASONS = {
    "ready": ["Déménagement hors du département", "Mutation professionnelle à Lyon"],
    "training": ["Reprise d'un emploi à temps plein, plus assez disponible"],
    "interview_done": ["A choisi de s'engager dans une autre association"],
    "interview_planned": ["Ne s'est pas présenté·e à l'entretien et ne répond plus aux relances"],
}
NOT_RETAINED_REASON = "Disponibilités trop réduites pour un engagement d'au moins un an"

# --- Training calendar ---------------------------------------------------------------------------

# Each association runs its initial training as "promotions": two evenings a week apart, one per
# required module. (days ago of the latest promotion's first evening, days between promotions)
CYCLES = [(15, 42), (22, 56), (30, 63)]
OLDEST_CYCLE = 500  # days ago
PLACES = [
    "Maison des associations, Nantes",
    "Salle de l'association, Nantes",
    "Maison de quartier de Méan-Penhoët, Saint-Nazaire",
]
WORKSHOP_DAYS_AGO = [48, 62, 75]
UPCOMING_IN_DAYS = [10, 12, 16]


@dataclass
class Calendar:
    first: int
    interval: int

    def part1(self, j: int) -> int:
        return self.first + j * self.interval

    def part2(self, j: int) -> int:
        return self.part1(j) - 7

    def finished_before(self, days_ago: int) -> int:
        """The latest promotion whose second evening is at least a day before `days_ago`."""
        j = 0
        while self.part2(j) < days_ago + 1:
            j += 1
        if self.part1(j) > OLDEST_CYCLE:
            raise ValueError(f"no promotion {days_ago} days ago")
        return j


# --- Plans ---------------------------------------------------------------------------------------


@dataclass
class MStep:
    kind: str  # apply, create, complete, move, register, attend, request, result
    days_ago: int
    data: dict = field(default_factory=dict)
    minutes: int | None = None  # after midnight; None: during the working day
    when: datetime.datetime | None = None


@dataclass
class MentorPlan:
    association_index: int
    story: str
    email: str
    fields: dict
    online: bool
    steps: list[MStep]
    birth_place: str
    commune_draw: float
    coordinator_draw: float


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return "-".join(plain.replace("'", " ").split())


def _weighted(rng, weights: dict):
    return rng.choices(list(weights), list(weights.values()))[0]


class _Planner:
    def __init__(self, rng: random.Random, today: datetime.date):
        self.rng = rng
        self.today = today
        self.used_emails: set[str] = set()
        self.used_phones: set[int] = set()

    def r(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    # People

    def person(self, association_index: int) -> tuple[str, dict, str]:
        rng = self.rng
        occupation = rng.choices(
            [Occupation.STUDENT, Occupation.EMPLOYED, Occupation.RETIRED],
            OCCUPATION_WEIGHTS[association_index],
        )[0]
        gender = rng.choices(["f", "m"], [62, 38])[0]
        first_name = rng.choice(FIRST_NAMES[(occupation, gender)])
        last_name = rng.choice(SURNAMES)
        local = f"{_ascii(first_name)}.{_ascii(last_name)}"
        email, n = f"{local}@{EMAIL_DOMAIN}", 2
        while email in self.used_emails:
            email, n = f"{local}{n}@{EMAIL_DOMAIN}", n + 1
        self.used_emails.add(email)
        phone = self.r(0, 9999)
        while phone in self.used_phones:
            phone = self.r(0, 9999)
        self.used_phones.add(phone)
        low, high = AGES[occupation]
        age = self.r(low, high)
        masculine, feminine, subjects = rng.choice(PROFILES[occupation])
        subjects = list(subjects)
        if rng.random() < 0.3:
            subjects.append(rng.choice([s for s in Subject.values if s not in subjects]))
        origin_places, origin_language = ORIGINS.get(last_name, (None, None))
        if origin_places and (occupation != Occupation.STUDENT or rng.random() < 0.3) and rng.random() < 0.6:
            birth_place = rng.choice(origin_places)
        else:
            places, weights = zip(*BIRTH_PLACES, strict=True)
            birth_place = rng.choices(places, weights)[0]
        languages = ["Français"]
        if origin_language and rng.random() < 0.7:
            languages.append(origin_language)
        for language, chance in (("anglais", 0.45), ("espagnol", 0.15), ("allemand", 0.05), ("breton", 0.03)):
            if rng.random() < chance:
                languages.append(language)
        if rng.random() < 0.02:
            languages.append("langue des signes française")
        allowed = ASSOCIATION_OBJECTIVES[association_index]
        weights = {code: w for code, w in OBJECTIVE_WEIGHTS[occupation].items() if code in allowed}
        objectives = []
        for _ in range(self.r(1, 3)):
            code = _weighted(rng, weights)
            if code not in objectives:
                objectives.append(code)
        modality = rng.choices([Modality.IN_PERSON, Modality.HYBRID, Modality.REMOTE], [55, 35, 10])[0]
        slots = rng.sample(SLOTS_BY_OCCUPATION[occupation], self.r(2, 4))
        fields = {
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
            "phone": f"06 39 98 {phone // 100:02d} {phone % 100:02d}",  # ARCEP: reserved for fiction
            "birth_date": years_before(self.today, age) - datetime.timedelta(days=self.r(1, 360)),
            "gender": gender,
            "occupation": occupation,
            "occupation_detail": feminine if gender == "f" else masculine,
            "motivation": rng.choice(MOTIVATIONS[occupation]),
            "availability": sorted(slots, key=SLOT_ORDER.index),
            "modality": modality,
            "travel_km": 0 if modality == Modality.REMOTE else rng.choice([5, 10, 10, 15, 20, 30]),
            "objectives": objectives,
            "subjects": subjects,
            "interests": ", ".join(rng.sample(HOBBIES, self.r(2, 3))).capitalize(),
            "languages": ", ".join(languages),
            "capacity": 2 if rng.random() < (0.25 if occupation == Occupation.RETIRED else 0.12) else 1,
            "heard_from": _weighted(rng, HEARD_FROM[occupation]),
        }
        return email, fields, birth_place

    # Steps

    def intake(self, done: int, online: bool) -> list[MStep]:
        """Application, interview (planned first, most of the time) and interview done `done` days ago."""
        hour = self.rng.choice([10 * 60, 12 * 60 + 30, 17 * 60 + 30, 18 * 60, 18 * 60 + 30])
        steps = []
        interview = {"interview_at": (done, hour)}
        first = done
        if self.rng.random() < 0.7:
            first = done + self.r(4, 14)
            steps.append(MStep("move", first, {"stage": MentorStage.INTERVIEW_PLANNED, **interview}))
            interview = {}
        applied = first + self.r(1, 12)
        steps.insert(0, MStep("apply" if online else "create", applied))
        steps.append(
            MStep(
                "move",
                done,
                {
                    "stage": MentorStage.INTERVIEW_DONE,
                    "interview_notes": self.rng.choice(INTERVIEW_NOTES),
                    **interview,
                },
                minutes=hour + 90,
            )
        )
        if online:
            steps.append(MStep("complete", done, minutes=hour + 100))
        return steps

    def trained(self, calendar: Calendar, j: int, online: bool, *, present=(True, True)) -> list[MStep]:
        """Into training a few days before promotion j, registered to both evenings, attendance recorded."""
        part1, part2 = calendar.part1(j), calendar.part2(j)
        training = part1 + self.r(3, 15)
        steps = [
            *self.intake(training + self.r(0, 6), online),
            MStep("move", training, {"stage": MentorStage.TRAINING}),
        ]
        registered = training - self.r(0, 2)
        steps += [
            MStep("register", registered, {"session": ("cycle", j, 1)}),
            MStep("register", registered, {"session": ("cycle", j, 2)}),
            MStep("attend", part1, {"session": ("cycle", j, 1), "present": present[0]}, minutes=21 * 60 + 10),
            MStep("attend", part2, {"session": ("cycle", j, 2), "present": present[1]}, minutes=21 * 60 + 10),
        ]
        return steps

    def vetted(self, calendar: Calendar, result: int, online: bool, *, compliant=True) -> list[MStep]:
        """Trained, in vetting, check requested, result received `result` days ago."""
        requested = result + self.r(12, 35)
        vetting = requested + self.r(1, 8)
        steps = self.trained(calendar, calendar.finished_before(vetting), online)
        outcome = CheckResult.COMPLIANT if compliant else CheckResult.NOT_COMPLIANT
        return [
            *steps,
            MStep("move", vetting, {"stage": MentorStage.VETTING}),
            MStep("request", requested),
            MStep("result", result, {"result": outcome}),
        ]

    def result_days_ago(self, expires_in: int) -> int:
        """Days ago of a compliant result whose check expires in `expires_in` days."""
        valid_until = self.today + datetime.timedelta(days=expires_in)
        return (self.today - years_before(valid_until, 1)).days

    def story(self, name: str, arg, calendar: Calendar, online: bool) -> list[MStep]:
        r = self.r
        if name in ("candidate", "candidate_stale"):
            return [MStep("apply" if online else "create", r(16, 40) if name.endswith("stale") else r(0, 9))]
        if name in ("interview_planned", "interview_planned_stale"):
            stale = name.endswith("stale")
            planned = r(16, 21) if stale else r(0, 8)
            interview = r(2, 6) if stale else -r(2, 12)
            hour = self.rng.choice([12 * 60 + 30, 17 * 60 + 30, 18 * 60])
            return [
                MStep("apply" if online else "create", planned + r(1, 10)),
                MStep(
                    "move",
                    planned,
                    {"stage": MentorStage.INTERVIEW_PLANNED, "interview_at": (interview, hour)},
                ),
            ]
        if name in ("interview_done", "interview_done_stale"):
            return self.intake(r(17, 28) if name.endswith("stale") else r(1, 10), online)
        if name == "training":
            training = r(2, 12)
            return [
                *self.intake(training + r(0, 6), online),
                MStep("move", training, {"stage": MentorStage.TRAINING}),
                MStep("register", max(0, training - r(0, 2)), {"session": ("upcoming",)}),
            ]
        if name in ("training_half", "training_absent"):
            j = 0 if name == "training_half" else 1
            present = (True, False) if name == "training_half" else (False, False)
            steps = self.trained(calendar, j, online, present=present)
            return [*steps, MStep("register", r(1, 5), {"session": ("upcoming",)})]
        if name in ("vetting", "vetting_no_birth_place"):
            vetting = r(2, 20)
            steps = self.trained(calendar, calendar.finished_before(vetting), online)
            return [*steps, MStep("move", vetting, {"stage": MentorStage.VETTING})]
        if name == "vetting_pending":
            vetting = r(18, 40)
            steps = self.trained(calendar, calendar.finished_before(vetting), online)
            return [
                *steps,
                MStep("move", vetting, {"stage": MentorStage.VETTING}),
                MStep("request", max(1, vetting - r(1, 8))),
            ]
        if name == "ready":
            return self.vetted(calendar, self.result_days_ago(arg), online)
        if name == "ready_renewal_pending":
            return [*self.vetted(calendar, self.result_days_ago(arg), online), MStep("request", r(3, 9))]
        if name == "ready_renewed":
            renewed = self.result_days_ago(arg)
            first = self.result_days_ago(-r(15, 40))
            return [
                *self.vetted(calendar, first, online),
                MStep("request", renewed + r(12, 30)),
                MStep("result", renewed, {"result": CheckResult.COMPLIANT}),
            ]
        if name in ("paused_from_ready", "left_from_ready"):
            result = self.result_days_ago(arg)
            later = r(5, min(90, result - 3))
            if name == "paused_from_ready":
                move = {"stage": MentorStage.PAUSED, "reason": self.rng.choice(PAUSE_REASONS)}
            else:
                move = {"stage": MentorStage.LEFT, "reason": self.rng.choice(LEAVE_REASONS["ready"])}
            return [*self.vetted(calendar, result, online), MStep("move", later, move)]
        if name in ("paused_from_training", "left_from_training"):
            j = 1 if name == "paused_from_training" else 2
            steps = self.trained(calendar, j, online, present=(True, False))
            later = max(1, calendar.part2(j) - r(3, 15))
            if name == "paused_from_training":
                move = {"stage": MentorStage.PAUSED, "reason": "Examens : reprendra la formation ensuite"}
            else:
                move = {"stage": MentorStage.LEFT, "reason": LEAVE_REASONS["training"][0]}
            return [*steps, MStep("move", later, move)]
        if name == "left_from_interview_done":
            done = r(40, 80)
            move = {"stage": MentorStage.LEFT, "reason": LEAVE_REASONS["interview_done"][0]}
            return [*self.intake(done, online), MStep("move", done - r(5, 20), move)]
        if name == "left_from_interview_planned":
            planned = r(40, 70)
            interview = planned - r(5, 10)
            return [
                MStep("apply" if online else "create", planned + r(1, 10)),
                MStep(
                    "move",
                    planned,
                    {"stage": MentorStage.INTERVIEW_PLANNED, "interview_at": (interview, 18 * 60)},
                ),
                MStep(
                    "move",
                    interview - r(2, 8),
                    {"stage": MentorStage.LEFT, "reason": LEAVE_REASONS["interview_planned"][0]},
                ),
            ]
        if name == "not_retained_after_interview":
            done = r(20, 60)
            move = {"stage": MentorStage.NOT_RETAINED, "reason": NOT_RETAINED_REASON}
            return [*self.intake(done, online), MStep("move", done - r(0, 3), move, minutes=20 * 60)]
        if name == "not_retained_check":
            return self.vetted(calendar, r(10, 40), online, compliant=False)
        raise ValueError(name)

    def date(self, steps: list[MStep], now: datetime.datetime) -> list[MStep]:
        """Order the steps and give each a time: working hours, or the time it was planned at."""
        steps = sorted(steps, key=lambda s: -s.days_ago)  # stable: same-day steps keep their order
        previous = None
        for step in steps:
            day = self.today - datetime.timedelta(days=step.days_ago)
            minutes = step.minutes if step.minutes is not None else 8 * 60 + 30 + self.r(0, 540)
            when = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
            when += datetime.timedelta(minutes=minutes)
            if previous is not None and when <= previous:
                when = previous + datetime.timedelta(minutes=self.r(5, 40))
            step.when = previous = when
        late = [step for step in steps if step.when >= now]
        for n, step in enumerate(late):
            step.when = now - datetime.timedelta(minutes=5 * (len(late) - n))
        return steps


def plan_mentors(*, now: datetime.datetime | None = None) -> list[MentorPlan]:
    """Every association's mentors, decided by a fixed random generator (dates relative to today)."""
    rng = random.Random(MENTORS_SEED)
    now = now or timezone.now()
    planner = _Planner(rng, timezone.localdate(now))
    plans = []
    for index, stories in enumerate(STORIES):
        calendar = Calendar(*CYCLES[index])
        for story in stories:
            name, arg = story if isinstance(story, tuple) else (story, None)
            email, fields, birth_place = planner.person(index)
            online = rng.random() < 0.65 or name == "vetting_no_birth_place"
            steps = planner.date(planner.story(name, arg, calendar, online), now)
            plans.append(
                MentorPlan(
                    association_index=index,
                    story=name,
                    email=email,
                    fields=fields,
                    online=online,
                    steps=steps,
                    birth_place="" if name == "vetting_no_birth_place" else birth_place,
                    commune_draw=rng.random(),
                    coordinator_draw=rng.random(),
                )
            )
    return plans


# --- Building ------------------------------------------------------------------------------------


def _session_keys(plans: list[MentorPlan]) -> dict[int, set]:
    keys: dict[int, set] = {}
    for plan in plans:
        for step in plan.steps:
            if "session" in step.data:
                keys.setdefault(plan.association_index, set()).add(step.data["session"])
    return keys


def build_training(world: DemoWorld, plans: list[MentorPlan]) -> dict[tuple, TrainingSession]:
    """Each association's modules (two required, one optional), its promotions, an upcoming day and a
    workshop. Keyed on module names and session titles. Returns the sessions by (association, key)."""
    today = timezone.localdate()
    all_keys = _session_keys(plans)  # every promotion of the full plan, so the numbers never change
    sessions = {}
    for index, association in enumerate(world.associations):
        modules = {}
        for name, required in MODULES:
            modules[name], _ = TrainingModule.objects.get_or_create(
                association=association, name=name, defaults={"required_before_matching": required}
            )
        calendar = Calendar(*CYCLES[index])
        promotions = sorted({key[1] for key in all_keys.get(index, ()) if key[0] == "cycle"}, reverse=True)
        number = {j: n for n, j in enumerate(promotions, start=1)}
        specs = {("upcoming",), ("workshop",)}
        specs |= {("cycle", j, part) for j in promotions for part in (1, 2)}
        for key in sorted(specs):
            if key[0] == "cycle":
                _cycle, j, part = key
                module = POSTURE if part == 1 else PROTECTION
                title = f"Promotion {number[j]} — {module}"
                days_ago = calendar.part1(j) if part == 1 else calendar.part2(j)
                start, duration, covered = (days_ago, 18 * 60 + 30), 150, [module]
                online = index == 2 and part == 2
            elif key[0] == "upcoming":
                title = f"Promotion {len(promotions) + 1} — journée de formation initiale"
                start, duration, covered = (-UPCOMING_IN_DAYS[index], 9 * 60 + 30), 390, [POSTURE, PROTECTION]
                online = False
            else:
                title = f"Atelier — {SCHOOLING}"
                start, duration, covered = (WORKSHOP_DAYS_AGO[index], 18 * 60), 120, [SCHOOLING]
                online = False
            day = today - datetime.timedelta(days=start[0])
            starts_at = timezone.make_aware(
                datetime.datetime.combine(day, datetime.time())
            ) + datetime.timedelta(minutes=start[1])
            session, created = TrainingSession.objects.get_or_create(
                association=association,
                title=title,
                defaults={
                    "starts_at": starts_at,
                    "duration_minutes": duration,
                    "online": online,
                    "place": "Visioconférence (lien envoyé la veille)" if online else PLACES[index],
                    "capacity": 12 if key[0] == "workshop" else 15,
                },
            )
            if created:
                session.modules.set([modules[name] for name in covered])
                TrainingSession.objects.filter(pk=session.pk).update(
                    created_at=min(starts_at, timezone.now()) - datetime.timedelta(days=30)
                )
            sessions[(index, key)] = session
    return sessions


def _workshop_steps(rng: random.Random, plans: list[MentorPlan], now: datetime.datetime) -> None:
    """A few mentors ready well before it attended the optional workshop (one was absent)."""
    today = timezone.localdate(now)
    for index, days_ago in enumerate(WORKSHOP_DAYS_AGO):
        ready_before = [
            plan
            for plan in plans
            if plan.association_index == index
            and plan.story in ("ready", "ready_renewed", "ready_renewal_pending")
            and any(s.kind == "result" and s.days_ago >= days_ago + 10 for s in plan.steps)
        ]
        chosen = rng.sample(ready_before, min(len(ready_before), 4 if index == 0 else 3))
        day = today - datetime.timedelta(days=days_ago)
        starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(18)))
        for n, plan in enumerate(chosen):
            registered = starts - datetime.timedelta(days=rng.randint(3, 9), hours=rng.randint(1, 6))
            attended = starts + datetime.timedelta(hours=2, minutes=15)
            extra = [
                MStep("register", days_ago, {"session": ("workshop",)}, when=registered),
                MStep("attend", days_ago, {"session": ("workshop",), "present": n > 0}, when=attended),
            ]
            plan.steps = sorted([*plan.steps, *extra], key=lambda s: s.when)


class _MentorRun:
    """Runs one plan through the services, then moves what they wrote back to the planned times."""

    def __init__(self, world: DemoWorld, sessions, communes, staff, pilot):
        self.world = world
        self.sessions = sessions
        self.communes = communes
        self.staff = staff
        self.pilot = pilot

    def commune(self, index: int, draw: float) -> Commune | None:
        pool, cumulative = self.communes[index]
        if not pool:
            return None
        return pool[min(bisect.bisect(cumulative, draw * cumulative[-1]), len(pool) - 1)]

    def run(self, plan: MentorPlan) -> Mentor:
        index = plan.association_index
        association = self.world.associations[index]
        coordinators = self.staff[index]
        coordinator = coordinators[int(plan.coordinator_draw * len(coordinators))]
        mentor = Mentor(
            association=association, commune=self.commune(index, plan.commune_draw), **plan.fields
        )
        if not plan.online:
            mentor.birth_place, mentor.coordinator = plan.birth_place, coordinator
        windows: list[tuple[datetime.datetime, datetime.datetime]] = []
        dated: list[tuple[type[models.Model], object, dict]] = []
        fixes: list[tuple[HonorabilityCheck, datetime.date, datetime.date]] = []
        stage, stage_since = None, None
        check = None
        for step in plan.steps:
            windows.append((timezone.now(), step.when))
            if not mentor._state.adding:
                mentor = Mentor.objects.get(pk=mentor.pk)
            date = timezone.localdate(step.when)
            if step.kind == "apply":
                mentor = services.mentor_apply(mentor=mentor)
            elif step.kind == "create":
                mentor = services.mentor_save(mentor=mentor, by=coordinator, organisation=association)
            elif step.kind == "complete":
                mentor.birth_place, mentor.coordinator = plan.birth_place, coordinator
                mentor = services.mentor_save(mentor=mentor, by=coordinator, organisation=association)
            elif step.kind == "move":
                data = dict(step.data)
                if "interview_at" in data:
                    days_ago, minutes = data["interview_at"]
                    day = timezone.localdate() - datetime.timedelta(days=days_ago)
                    data["interview_at"] = timezone.make_aware(
                        datetime.datetime.combine(day, datetime.time())
                    ) + datetime.timedelta(minutes=minutes)
                mentor = services.mentor_move(mentor=mentor, by=coordinator, organisation=association, **data)
            elif step.kind == "register":
                registration = services.training_register(
                    session=self.sessions[(index, step.data["session"])], mentor=mentor, by=coordinator
                )
                dated.append((TrainingRegistration, registration.pk, {"created_at": step.when}))
            elif step.kind == "attend":
                session = self.sessions[(index, step.data["session"])]
                present = {
                    str(pk)
                    for pk in session.registrations.filter(attended=True).values_list("mentor_id", flat=True)
                }
                present.discard(str(mentor.pk))
                if step.data["present"]:
                    present.add(str(mentor.pk))
                services.training_attendance(session=session, attended_ids=present, by=coordinator)
                registration = session.registrations.get(mentor=mentor)
                dated.append((TrainingRegistration, registration.pk, {"updated_at": step.when}))
            elif step.kind == "request":
                check = services.check_request(
                    mentor=mentor, departement=self.world.departement, requested_on=date, by=self.pilot
                )
                dated.append(
                    (HonorabilityCheck, check.pk, {"created_at": step.when, "updated_at": step.when})
                )
            elif step.kind == "result":
                check = HonorabilityCheck.objects.select_related("mentor").get(pk=check.pk)
                valid_until = one_year_after(date)
                # A result whose year is already over: recorded as valid today (the mentor became
                # ready back then), then given its real end below.
                temporary = timezone.localdate() if valid_until < timezone.localdate() else None
                services.check_result(
                    check=check,
                    result=step.data["result"],
                    result_on=temporary or date,
                    by=self.pilot,
                )
                if temporary and step.data["result"] == CheckResult.COMPLIANT:
                    fixes.append((check, valid_until, one_year_after(temporary), date))
                dated.append((HonorabilityCheck, check.pk, {"updated_at": step.when}))
            else:
                raise ValueError(step.kind)
            current = Mentor.objects.filter(pk=mentor.pk).values_list("stage", flat=True).get()
            if current != stage:
                stage, stage_since = current, step.when
        self._backdate(mentor, plan, windows, stage_since, dated, fixes)
        return mentor

    def _backdate(self, mentor, plan, windows, stage_since, dated, fixes) -> None:
        """One UPDATE per table: whatever a step wrote takes the step's planned time."""
        starts = [start for start, _when in windows]
        ends = [*starts[1:], timezone.now() + datetime.timedelta(seconds=1)]
        for model, column, filters in (
            (MentorEvent, "at", {"mentor_id": mentor.pk}),
            (AccessLog, "at", {}),
            (Mentor.history.model, "history_date", {"id": mentor.pk}),
        ):
            cases = [
                When(**{f"{column}__gte": start, f"{column}__lt": end}, then=Value(when))
                for start, end, (_start, when) in zip(starts, ends, windows, strict=True)
            ]
            model.objects.filter(**{f"{column}__gte": starts[0]}, **filters).update(
                **{column: Case(*cases, default=F(column), output_field=models.DateTimeField())}
            )
        first, last = windows[0][1], windows[-1][1]
        for model, pk, dates in dated:
            model.objects.filter(pk=pk).update(**dates)
        TrainingRegistration.objects.filter(mentor=mentor, updated_at__gt=last).update(
            updated_at=F("created_at")
        )
        for check, valid_until, temporary, result_on in fixes:
            HonorabilityCheck.objects.filter(pk=check.pk).update(valid_until=valid_until, result_on=result_on)
            MentorEvent.objects.filter(mentor=mentor, detail__endswith=f"{temporary:%d/%m/%Y}").update(
                detail=f"Contrôle d'honorabilité conforme, valable jusqu'au {valid_until:%d/%m/%Y}"
            )
        latest = (
            HonorabilityCheck.objects.filter(mentor=mentor)
            .exclude(result=CheckResult.PENDING)
            .order_by("-requested_on", "-created_at")
            .first()
        )
        Mentor.objects.filter(pk=mentor.pk).update(
            created_at=first,
            updated_at=last,
            stage_since=stage_since,
            privacy_accepted_at=first if plan.online else None,
            honorability_valid_until=(
                latest.valid_until if latest and latest.result == CheckResult.COMPLIANT else None
            ),
        )


def _commune_pools(world: DemoWorld) -> list[tuple[list[Commune], list[float]]]:
    code = world.departement.insee_code
    communes = list(Commune.objects.filter(departement_code=code, population__gt=0).order_by("insee_code"))
    arrondissement_of = {c.name: c.arrondissement_code for c in communes}
    pools = []
    for chefs_lieux in AREAS:
        codes = {arrondissement_of[name] for name in chefs_lieux if name in arrondissement_of}
        pool = [c for c in communes if not codes or c.arrondissement_code in codes]
        weights = (c.population**0.8 * BIG_TOWNS.get(c.name, 1) for c in pool)
        pools.append((pool, list(itertools.accumulate(weights))))
    return pools


def _staff(association: Organisation) -> list[User]:
    """Who follows the association's mentors: its coordinators, else its managers."""
    memberships = Membership.objects.filter(organisation=association, is_active=True).select_related("user")
    for role in (Role.COORDINATOR, Role.MANAGER):
        users = [m.user for m in memberships.filter(role=role).order_by("user__email")]
        if users:
            return users
    raise ValueError(f"{association} has no coordinator nor manager")


def build_mentors(world: DemoWorld) -> int:
    """The associations' mentors at every step of the pipeline but « en binôme », their training and the
    département's checks (some about to expire, one expired). Keyed on the mentor's e-mail in the
    association: a mentor already there is skipped. Returns how many were added."""
    now = timezone.now()
    plans = plan_mentors(now=now)
    existing = {
        (association_id, email.lower())
        for association_id, email in Mentor.objects.filter(
            association__in=world.associations, email__endswith=f"@{EMAIL_DOMAIN}"
        ).values_list("association_id", "email")
    }
    new = [
        plan for plan in plans if (world.associations[plan.association_index].pk, plan.email) not in existing
    ]
    if not new:
        return 0
    _workshop_steps(random.Random(MENTORS_SEED + 1), plans, now)
    pilot = world.users.get(PILOT_EMAIL) or (
        Membership.objects.filter(organisation=world.departement, role=Role.PILOT).first().user
    )
    run = _MentorRun(
        world,
        build_training(world, plans),
        _commune_pools(world),
        [_staff(association) for association in world.associations],
        pilot,
    )
    # Past events: the e-mails they would have sent are not sent now.
    with emails.suppressed():
        for plan in new:
            run.run(plan)
    return len(new)
